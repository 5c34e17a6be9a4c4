// SPDX-License-Identifier: GPL-3.0-or-later
// Half-close, the course grader's way: the client writes its last line
// (maybe without a newline), shuts down its sending side and reads to EOF;
// the node answers everything, pending WHATSATs included, then closes.

#include <QJsonDocument>
#include <QTest>

#include <memory>

#include "herd/node/node.h"
#include "herd/places/googleplaces.h"
#include "tests/fakegoogle.h"
#include "tests/lineclient.h"
#include "tests/sessiontest.h"

using namespace Qt::StringLiterals;
using namespace SessionSupport;
using Herd::EventKind;
using Herd::FakeGoogle;
using Herd::FakeResponse;
using Herd::Test::RawLineClient;

class tst_SessionHalfClose final : public SessionTest
{
    Q_OBJECT

private slots:
    void halfClose_data();
    void halfClose();
    void halfCloseIamat();
    void halfCloseWhatsat_data();
    void halfCloseWhatsat();
    void halfCloseWaitsForPendingWhatsat();
};

void tst_SessionHalfClose::halfClose_data()
{
    QTest::addColumn<QByteArray>("sent");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("last line without newline") << "HELLO there"_ba
                                               << "? HELLO there\n"_ba;
    // Ended by the half-close, not by "\r\n": the "\r" is part of the line.
    QTest::newRow("last line ends in CR") << "HELLO\r"_ba
                                          << "? HELLO\r\n"_ba;
    QTest::newRow("complete line") << "HELLO\n"_ba
                                   << "? HELLO\n"_ba;
    QTest::newRow("two lines, last partial") << "ONE\nTWO"_ba
                                             << "? ONE\n? TWO\n"_ba;
    QTest::newRow("unknown client, partial") << "WHATSAT nobody 10 5"_ba
                                             << "? WHATSAT nobody 10 5\n"_ba;
    QTest::newRow("nothing at all") << QByteArray() << QByteArray();
    QTest::newRow("only white space, partial") << " \t"_ba
                                               << "?  \t\n"_ba;
}

void tst_SessionHalfClose::halfClose()
{
    QFETCH(QByteArray, sent);
    QFETCH(QByteArray, expected);

    QVERIFY(startNode());
    RawLineClient client;
    QVERIFY(client.connectTo(m_node->port()));
    client.send(sent);
    client.shutdownWrite();
    QVERIFY(client.waitForEof(Wait));
    QCOMPARE(client.received(), expected);
    QTRY_COMPARE_WITH_TIMEOUT(m_node->clientCount(), 0, Wait);
}

void tst_SessionHalfClose::halfCloseIamat()
{
    QVERIFY(startNode());
    RawLineClient client;
    QVERIFY(client.connectTo(m_node->port()));
    const QByteArray t = nowText();
    client.send(iamatLine("kiwi.cs.ucla.edu", "+34.068930-118.445127", t));
    client.shutdownWrite();
    QVERIFY(client.waitForEof(Wait));
    QCOMPARE(client.lines().size(), 1);
    QVERIFY(client.received().endsWith('\n'));
    QCOMPARE(withoutDiff(client.lines()[0]), "AT Alford <diff> kiwi.cs.ucla.edu +34.068930-118.445127 " + t);
    QCOMPARE(m_node->store().find("kiwi.cs.ucla.edu")->atLine, client.lines()[0]);
}

void tst_SessionHalfClose::halfCloseWhatsat_data()
{
    QTest::addColumn<QString>("source"); // offline, google, google-silent
    QTest::addColumn<QByteArray>("status");

    QTest::newRow("offline") << u"offline"_s << "OK"_ba;
    QTest::newRow("fake Google answers") << u"google"_s << "OK"_ba;
    QTest::newRow("fake Google silent, times out") << u"google-silent"_s << "UNKNOWN_ERROR"_ba;
}

void tst_SessionHalfClose::halfCloseWhatsat()
{
    QFETCH(QString, source);
    QFETCH(QByteArray, status);

    FakeGoogle fake;
    std::unique_ptr<Herd::GooglePlaces> google;
    if (source != u"offline") {
        QVERIFY(fake.listen());
        if (source == u"google") {
            fake.setResponse(200, QJsonDocument(placesAnswer(4)).toJson());
        } else {
            FakeResponse silent;
            silent.kind = FakeResponse::Kind::Silent;
            fake.setResponse(silent);
        }
        Herd::GooglePlacesOptions options;
        options.url = fake.url(LegacyPath);
        options.timeoutMs = source == u"google" ? Wait : 300;
        google = std::make_unique<Herd::GooglePlaces>(options);
    }
    QVERIFY(startNode(google.get()));

    RawLineClient client;
    QVERIFY(client.connectTo(m_node->port()));
    const QByteArray t = nowText();
    // The grader's way: IAMAT, then WHATSAT without newline, then EOF.
    client.send(iamatLine("kiwi", "+34.068930-118.445127", t) + "\nWHATSAT kiwi 10 3");
    client.shutdownWrite();
    QVERIFY(client.waitForEof(Wait));
    const QByteArray all = client.received();
    const QByteArray atLine = client.lines().value(0);
    QCOMPARE(withoutDiff(atLine), "AT Alford <diff> kiwi +34.068930-118.445127 " + t);
    const QByteArray whatsat = all.sliced(atLine.size() + 1);
    verifyWhatsatReply(whatsat, atLine, 3);
    QVERIFY2(whatsat.contains(QByteArray("\"status\" : \"" + status + '"')), whatsat.constData());
}

// After a half-close the node waits for a pending WHATSAT, sends it, and only
// then closes.
void tst_SessionHalfClose::halfCloseWaitsForPendingWhatsat()
{
    ManualPlaces places;
    QVERIFY(startNode(&places));
    const auto storer = connectClient();
    QVERIFY(storer);
    const QByteArray atLine = storeClient(*storer, "kiwi");
    QVERIFY(!atLine.isEmpty());

    RawLineClient client;
    QVERIFY(client.connectTo(m_node->port()));
    client.send("WHATSAT kiwi 10 3\nWHATSAT kiwi 5 1\nHELLO"_ba);
    client.shutdownWrite();
    // "HELLO" has no newline: the node has seen it only after reading EOF.
    QTRY_COMPARE_WITH_TIMEOUT(eventLines(EventKind::LineInvalid), QList<QByteArray> {"HELLO"_ba}, Wait);
    QCOMPARE(places.pending(), 2);
    QCoreApplication::processEvents();
    QVERIFY(!client.atEof());
    QCOMPARE(client.received(), QByteArray());
    QCOMPARE(events(EventKind::ClientDisconnected).size(), 0);

    places.answer(1, placesAnswer(3, u"Second"_s));
    QCoreApplication::processEvents();
    QVERIFY(!client.atEof());
    places.answer(0, placesAnswer(3, u"First"_s));
    QVERIFY(client.waitForEof(Wait));
    const QByteArray all = client.received();
    QVERIFY(all.endsWith("\n\n? HELLO\n"));
    const qsizetype end1 = all.indexOf("\n\n") + 2;
    verifyWhatsatReply(all.first(end1), atLine, 3);
    QVERIFY(all.first(end1).contains("First 2"));
    const QByteArray second = all.sliced(end1, all.size() - end1 - 8);
    verifyWhatsatReply(second, atLine, 1);
    QVERIFY(second.contains("Second 0"));
    QVERIFY(!second.contains("Second 1"));
}

QTEST_GUILESS_MAIN(tst_SessionHalfClose)
#include "tst_session_halfclose.moc"
