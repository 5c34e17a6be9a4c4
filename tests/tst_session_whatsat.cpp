// SPDX-License-Identifier: GPL-3.0-or-later
// WHATSAT over real loopback TCP: the places reply (the AT line, Google's
// JSON, the empty line), unknown clients, a fake Google behind it, and the
// order of replies while a slow places source keeps a WHATSAT waiting.

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

#include "herd/node/node.h"
#include "herd/places/googleplaces.h"
#include "tests/fakegoogle.h"
#include "tests/lineclient.h"
#include "tests/sessiontest.h"

using namespace Qt::StringLiterals;
using namespace SessionSupport;
using Herd::Event;
using Herd::EventKind;
using Herd::FakeGoogle;
using Herd::FakeResponse;

class tst_SessionWhatsat final : public SessionTest
{
    Q_OBJECT

private slots:
    void whatsatReply_data();
    void whatsatReply();
    void whatsatUnknownClient();
    void whatsatResultsFromGoogle();
    void pipelinedOrderWithSlowPlaces();
    void pipelinedOrderWithSilentGoogle();
    void clientLeavesWhileWhatsatWaits();
};

void tst_SessionWhatsat::whatsatReply_data()
{
    QTest::addColumn<QByteArray>("radius");
    QTest::addColumn<int>("bound");
    QTest::addColumn<bool>("expectResults");

    QTest::newRow("10 km, 5") << "10"_ba << 5 << true;
    QTest::newRow("fractional radius") << "10.5871263"_ba << 3 << true;
    QTest::newRow("50 km, 20") << "50"_ba << 20 << true;
    QTest::newRow("50.000 km, 1") << "50.000"_ba << 1 << true;
    QTest::newRow("tiny radius") << "0.001"_ba << 2 << false;
}

void tst_SessionWhatsat::whatsatReply()
{
    QFETCH(QByteArray, radius);
    QFETCH(int, bound);
    QFETCH(bool, expectResults);

    QVERIFY(startNode());
    const auto storer = connectClient();
    QVERIFY(storer);
    const QByteArray atLine = storeClient(*storer, "kiwi.cs.ucla.edu");
    QVERIFY(!atLine.isEmpty());

    // Asked from another connection, twice in one write.
    const auto asker = connectClient();
    QVERIFY(asker);
    const QByteArray request = "WHATSAT kiwi.cs.ucla.edu " + radius + ' ' + QByteArray::number(bound) + '\n';
    asker->send(request + request);
    QVERIFY(asker->waitForText("\n\n", 2, Wait));
    const QByteArray all = asker->received();
    const qsizetype firstEnd = all.indexOf("\n\n") + 2;
    QCOMPARE(all.sliced(firstEnd), all.first(firstEnd)); // the same answer twice
    int results = -1;
    verifyWhatsatReply(all.first(firstEnd), atLine, bound, &results);
    if (QTest::currentTestFailed())
        return;
    if (expectResults)
        QVERIFY2(results > 0, "no places near UCLA in the offline data set?");
    // Google's pretty style: 3-space indent and " : ".
    QVERIFY(all.contains("\n   \"status\" : \""));
}

void tst_SessionWhatsat::whatsatUnknownClient()
{
    QVERIFY(startNode());
    const auto client = connectClient();
    QVERIFY(client);
    client->send("WHATSAT nobody 10 5\r\n"_ba);
    QVERIFY(client->waitForLines(1, Wait));
    QCOMPARE(client->received(), "? WHATSAT nobody 10 5\n"_ba);
    const QList<Event> invalid = events(EventKind::LineInvalid);
    QCOMPARE(invalid.size(), 1);
    QCOMPARE(invalid[0].detail, u"unknown client"_s);

    // Still serving on the same connection, and then the client is known.
    const QByteArray atLine = storeClient(*client, "nobody");
    QVERIFY(!atLine.isEmpty());
    client->send("WHATSAT nobody 10 5\n"_ba);
    QVERIFY(client->waitForText("\n\n", 1, Wait));
    verifyWhatsatReply(client->received(), atLine, 5);
}

void tst_SessionWhatsat::whatsatResultsFromGoogle()
{
    FakeGoogle fake;
    QVERIFY(fake.listen());
    QJsonObject body = placesAnswer(8, u"Cafe"_s);
    fake.setResponse(200, QJsonDocument(body).toJson());
    Herd::GooglePlacesOptions options;
    options.url = fake.url(LegacyPath);
    options.timeoutMs = Wait;
    Herd::GooglePlaces google(options);
    QVERIFY(startNode(&google));

    const auto client = connectClient();
    QVERIFY(client);
    const QByteArray atLine = storeClient(*client, "kiwi");
    QVERIFY(!atLine.isEmpty());
    client->send("WHATSAT kiwi 10.5871263 3\n"_ba);
    QVERIFY(client->waitForText("\n\n", 1, Wait));
    int results = -1;
    verifyWhatsatReply(client->received(), atLine, 3, &results);
    QCOMPARE(results, 3);
    const QJsonObject got = QJsonDocument::fromJson(client->received().sliced(atLine.size() + 1)).object();
    const QJsonArray array = got.value("results"_L1).toArray();
    for (int i = 0; i < 3; ++i)
        QCOMPARE(array.at(i).toObject().value("name"_L1).toString(), u"Cafe %1"_s.arg(i));
    QCOMPARE(got.value("status"_L1).toString(), u"OK"_s);
    QCOMPARE(fake.requests().size(), 1);
    QVERIFY(fake.requests().constFirst().target.contains("location="));
}

// Replies keep the order of the lines even when a WHATSAT waits: the lines
// after it are handled at once, but their replies are held back.
void tst_SessionWhatsat::pipelinedOrderWithSlowPlaces()
{
    ManualPlaces places;
    QVERIFY(startNode(&places));
    const auto client = connectClient();
    QVERIFY(client);
    const QByteArray t = nowText();
    client->send(iamatLine("a", "+34-118", t) + "\nWHATSAT a 10 2\nbogus\n" + iamatLine("b", "+35-119", t)
                 + "\nWHATSAT a 20 1\nWHATSAT nobody 1 1\n");
    QTRY_COMPARE_WITH_TIMEOUT(events(EventKind::LineReceived).size(), 6, Wait);
    QCOMPARE(places.pending(), 2);
    QVERIFY(client->waitForLines(1, Wait));
    // Only the first IAMAT's reply has gone out; everything else waits.
    QCOMPARE(events(EventKind::LineSent).size(), 1);
    QCOMPARE(client->lines().size(), 1);
    QCOMPARE(withoutDiff(client->lines()[0]), "AT Alford <diff> a +34-118 " + t);
    // The record of b is stored already, even though its reply waits.
    QVERIFY(m_node->store().find("b"));
    QCOMPARE(places.queries()[0].radiusKm, 10.0);
    QCOMPARE(places.queries()[0].bound, 2);
    QCOMPARE(places.queries()[1].radiusKm, 20.0);

    // The second search finishing first releases nothing.
    places.answer(1, placesAnswer(1, u"Second"_s));
    QCoreApplication::processEvents();
    QCOMPARE(events(EventKind::LineSent).size(), 1);

    places.answer(0, placesAnswer(5, u"First"_s));
    QVERIFY(client->waitForText("\n\n", 2, Wait));
    QVERIFY(client->waitForText("? WHATSAT nobody 1 1\n", 1, Wait));
    const QByteArray all = client->received();
    const QByteArray atA = client->lines()[0];
    qsizetype pos = atA.size() + 1;
    const qsizetype end1 = all.indexOf("\n\n", pos) + 2;
    const QByteArray first = all.sliced(pos, end1 - pos);
    int results = -1;
    verifyWhatsatReply(first, atA, 2, &results);
    QCOMPARE(results, 2); // bound applied to what the source gave
    QVERIFY(first.contains("First 1"));
    pos = end1;
    QVERIFY(all.sliced(pos).startsWith("? bogus\n"));
    pos += 8;
    const qsizetype atBEnd = all.indexOf('\n', pos);
    const QByteArray atB = all.sliced(pos, atBEnd - pos);
    QCOMPARE(withoutDiff(atB), "AT Alford <diff> b +35-119 " + t);
    pos = atBEnd + 1;
    const qsizetype end2 = all.indexOf("\n\n", pos) + 2;
    verifyWhatsatReply(all.sliced(pos, end2 - pos), atA, 1);
    QVERIFY(all.sliced(pos, end2 - pos).contains("Second 0"));
    QCOMPARE(all.sliced(end2), "? WHATSAT nobody 1 1\n"_ba);
    QCOMPARE(events(EventKind::LineSent).size(), 6);
}

// The same with a real HTTP places source whose server never answers: the
// WHATSAT completes when the request times out (an error status in the JSON),
// and the IAMAT reply behind it must still come after it.
void tst_SessionWhatsat::pipelinedOrderWithSilentGoogle()
{
    FakeGoogle fake;
    QVERIFY(fake.listen());
    FakeResponse silent;
    silent.kind = FakeResponse::Kind::Silent;
    fake.setResponse(silent);
    Herd::GooglePlacesOptions options;
    options.url = fake.url(LegacyPath);
    options.timeoutMs = 300;
    Herd::GooglePlaces google(options);
    QVERIFY(startNode(&google));

    const auto client = connectClient();
    QVERIFY(client);
    const QByteArray t = nowText();
    client->send(iamatLine("a", "+34-118", t) + "\nWHATSAT a 10 2\n" + iamatLine("b", "+1+1", t)
                 + "\nnope\n");
    QVERIFY(client->waitForLines(1, Wait));
    QSignalSpy requests(&fake, &FakeGoogle::requestReceived);
    QVERIFY(fake.requests().size() == 1 || requests.wait(Wait));
    QCOMPARE(events(EventKind::LineSent).size(), 1);

    QVERIFY(client->waitForText("? nope\n", 1, Wait));
    const QByteArray all = client->received();
    const QByteArray atA = client->lines()[0];
    const qsizetype end = all.indexOf("\n\n") + 2;
    QVERIFY(end > 2);
    const QByteArray whatsat = all.sliced(atA.size() + 1, end - atA.size() - 1);
    verifyWhatsatReply(whatsat, atA, 2);
    QVERIFY2(whatsat.contains("\"status\" : \"UNKNOWN_ERROR\""), whatsat.constData());
    const QList<QByteArray> rest = all.sliced(end).split('\n');
    QCOMPARE(rest.size(), 3);
    QCOMPARE(withoutDiff(rest[0]), "AT Alford <diff> b +1+1 " + t);
    QCOMPARE(rest[1], "? nope"_ba);
    QCOMPARE(rest[2], QByteArray());
}

void tst_SessionWhatsat::clientLeavesWhileWhatsatWaits()
{
    ManualPlaces places;
    QVERIFY(startNode(&places));
    {
        auto client = connectClient();
        QVERIFY(client);
        QVERIFY(!storeClient(*client, "gone").isEmpty());
        client->send("WHATSAT gone 10 2\nHELLO\n"_ba);
        QTRY_COMPARE_WITH_TIMEOUT(places.pending(), 1, Wait);
        client->socket()->abort();
    }
    // The node cannot tell a close from a half-close: it keeps the session
    // until the pending answer is in, and the late answer goes nowhere,
    // harmlessly. Meanwhile it keeps serving others.
    const auto first = connectClient();
    QVERIFY(first);
    QVERIFY(!storeClient(*first, "meanwhile").isEmpty());
    places.answer(0, placesAnswer(2));
    QTRY_COMPARE_WITH_TIMEOUT(events(EventKind::ClientDisconnected).size(), 1, Wait);
    QTRY_COMPARE_WITH_TIMEOUT(m_node->clientCount(), 1, Wait);
    const auto other = connectClient();
    QVERIFY(other);
    QVERIFY(!storeClient(*other, "still").isEmpty());
}

QTEST_GUILESS_MAIN(tst_SessionWhatsat)
#include "tst_session_whatsat.moc"
