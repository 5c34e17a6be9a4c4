// SPDX-License-Identifier: GPL-3.0-or-later
// IAMAT over real loopback TCP, as a client of docs/protocol.md sees it: the
// AT reply byte for byte (time forms, odd ids and positions, white space),
// older reports answered but not stored, the events each line makes, and the
// same through a one-node Cluster.

#include <QTest>

#include <optional>

#include "herd/cluster.h"
#include "herd/node/node.h"
#include "herd/places/offlineplaces.h"
#include "herd/wire/clock.h"
#include "tests/herdfixture.h"
#include "tests/lineclient.h"
#include "tests/sessiontest.h"

using namespace Qt::StringLiterals;
using namespace SessionSupport;
using Herd::Event;
using Herd::EventKind;
using Herd::Test::LineClient;

class tst_SessionIamat final : public SessionTest
{
    Q_OBJECT

private slots:
    void iamatReply_data();
    void iamatReply();
    void olderIamatAnsweredNotStored();
    void eventsForLines();
    void oneNodeCluster();
};

void tst_SessionIamat::iamatReply_data()
{
    // The request is `format` with <id>, <pos> and <time> filled in. The
    // client time is now + offsetNs, with `digits` fraction digits, unless
    // fixedTime is given.
    QTest::addColumn<QByteArray>("format");
    QTest::addColumn<QByteArray>("clientId");
    QTest::addColumn<QByteArray>("position");
    QTest::addColumn<qint64>("offsetNs");
    QTest::addColumn<int>("digits");
    QTest::addColumn<QByteArray>("fixedTime");

    const QByteArray plain = "IAMAT <id> <pos> <time>\n"_ba;
    const QByteArray kiwi = "kiwi.cs.ucla.edu"_ba;
    const QByteArray pos = "+34.068930-118.445127"_ba;
    QTest::newRow("now, 9 digits") << plain << kiwi << pos << qint64(0) << 9 << QByteArray();
    QTest::newRow("now, no fraction") << plain << kiwi << pos << qint64(0) << 0 << QByteArray();
    QTest::newRow("now, 3 digits") << plain << kiwi << pos << qint64(0) << 3 << QByteArray();
    QTest::newRow("a minute ago, 6 digits") << plain << kiwi << pos << -60 * Ns << 6 << QByteArray();
    QTest::newRow("an hour ahead: negative diff") << plain << kiwi << pos << 3600 * Ns << 9 << QByteArray();
    QTest::newRow("half a second ahead") << plain << kiwi << pos << Ns / 2 << 9 << QByteArray();
    QTest::newRow("spec's 2021 time") << plain << kiwi << pos << qint64(0) << 0 << "1621464827.959498503"_ba;
    QTest::newRow("time 0") << plain << kiwi << pos << qint64(0) << 0 << "0"_ba;
    QTest::newRow("time with leading zeros kept")
        << plain << kiwi << pos << qint64(0) << 0 << "0001621464827.5"_ba;
    QTest::newRow("CRLF ending") << "IAMAT <id> <pos> <time>\r\n"_ba << kiwi << pos << qint64(0) << 9
                                 << QByteArray();
    QTest::newRow("tabs, FF, VT, leading and trailing")
        << "\t\f IAMAT\v<id>\t\t<pos> \f<time> \v\r\n"_ba << kiwi << pos << qint64(0) << 9 << QByteArray();
    QTest::newRow("odd id: UTF-8") << plain << "клиент😀"_ba << pos << qint64(0) << 9 << QByteArray();
    QTest::newRow("odd id: punctuation")
        << plain << "?\"{}[]\\<>;'|&%$#"_ba << pos << qint64(0) << 9 << QByteArray();
    QTest::newRow("odd id: WHATSAT") << plain << "WHATSAT"_ba << pos << qint64(0) << 9 << QByteArray();
    QTest::newRow("odd id: 2000 bytes")
        << plain << QByteArray(2000, 'i') << pos << qint64(0) << 9 << QByteArray();
    QTest::newRow("position: poles and date line")
        << plain << kiwi << "-90.000+180.0"_ba << qint64(0) << 9 << QByteArray();
    QTest::newRow("position: leading zeros kept")
        << plain << kiwi << "+034.50-0118.250000"_ba << qint64(0) << 9 << QByteArray();
    QTest::newRow("position: integers") << plain << kiwi << "+34-118"_ba << qint64(0) << 9 << QByteArray();
}

void tst_SessionIamat::iamatReply()
{
    QFETCH(QByteArray, format);
    QFETCH(QByteArray, clientId);
    QFETCH(QByteArray, position);
    QFETCH(qint64, offsetNs);
    QFETCH(int, digits);
    QFETCH(QByteArray, fixedTime);

    QVERIFY(startNode());
    const auto client = connectClient();
    QVERIFY(client);

    const qint64 before = Herd::wallClockNs();
    QByteArray time = fixedTime;
    qint64 clientNs = 0;
    if (time.isEmpty()) {
        time = timeText(before + offsetNs, digits);
        clientNs = truncated(before + offsetNs, digits);
    } else {
        const QList<QByteArray> parts = time.split('.');
        clientNs =
            parts[0].toLongLong() * Ns + (parts.size() > 1 ? parts[1].leftJustified(9, '0').toLongLong() : 0);
    }
    QByteArray request = format;
    request.replace("<id>", clientId).replace("<pos>", position).replace("<time>", time);
    client->send(request);
    QVERIFY(client->waitForLines(1, Wait));
    const qint64 after = Herd::wallClockNs();

    QCOMPARE(client->lines().size(), 1);
    const QByteArray reply = client->lines().constFirst();
    const QByteArray head = "AT " + NodeName + ' ';
    QVERIFY2(reply.startsWith(head), reply.constData());
    const qsizetype diffEnd = reply.indexOf(' ', head.size());
    QVERIFY(diffEnd > 0);
    const QByteArray diff = reply.sliced(head.size(), diffEnd - head.size());
    // Fields 2-4 byte for byte, single spaces, nothing else.
    QCOMPARE(reply.sliced(diffEnd), ' ' + clientId + ' ' + position + ' ' + time);

    // Signed, exactly 9 fraction digits, and the node's receive time lies
    // between our send and our receipt: checked in integer ns.
    const std::optional<qint64> diffNs = parseDiff(diff);
    QVERIFY2(diffNs, diff.constData());
    QVERIFY2(*diffNs >= before - clientNs && *diffNs <= after - clientNs,
             qPrintable(u"diff %1 outside [%2, %3]"_s.arg(QString::fromLatin1(diff))
                            .arg(before - clientNs)
                            .arg(after - clientNs)));
    if (offsetNs > 0 && fixedTime.isEmpty())
        QVERIFY(diff.startsWith('-'));

    // Stored exactly as replied.
    const Herd::Record *record = m_node->store().find(clientId);
    QVERIFY(record);
    QCOMPARE(record->atLine, reply);
    QCOMPARE(record->timeNs, clientNs);
}

void tst_SessionIamat::olderIamatAnsweredNotStored()
{
    QVERIFY(startNode());
    const auto client = connectClient();
    QVERIFY(client);
    const qint64 now = Herd::wallClockNs();
    const QByteArray newer = timeText(now, 9);
    const QByteArray older = timeText(now - 10 * Ns, 9);

    client->send(iamatLine("k", "+10+20", newer) + '\n');
    client->send(iamatLine("k", "+11+21", older) + '\n'); // older: not stored
    client->send(iamatLine("k", "+12+22", newer) + '\n'); // same time: not newer either
    client->send("WHATSAT k 1 1\n"_ba);
    QVERIFY(client->waitForText("\n\n", 1, Wait));
    const QList<QByteArray> lines = client->lines();
    QVERIFY(lines.size() >= 4);
    // Each IAMAT gets its own AT line, with its own fields.
    QCOMPARE(withoutDiff(lines[0]), "AT Alford <diff> k +10+20 " + newer);
    QCOMPARE(withoutDiff(lines[1]), "AT Alford <diff> k +11+21 " + older);
    QCOMPARE(withoutDiff(lines[2]), "AT Alford <diff> k +12+22 " + newer);
    QVERIFY(parseDiff(lines[1].split(' ')[2]).value_or(0) >= 10 * Ns);
    // WHATSAT shows the first, newest record, exactly as first replied.
    QCOMPARE(lines[3], lines[0]);
    QCOMPARE(m_node->store().find("k")->atLine, lines[0]);
    QCOMPARE(events(EventKind::RecordStored).size(), 1);
    QCOMPARE(events(EventKind::RecordDropped).size(), 2);

    // A strictly newer one replaces it.
    const QByteArray newest = timeText(now + 1, 9);
    client->clear();
    client->send(iamatLine("k", "+13+23", newest) + "\nWHATSAT k 1 1\n");
    QVERIFY(client->waitForText("\n\n", 1, Wait));
    QCOMPARE(withoutDiff(client->lines().value(0)), "AT Alford <diff> k +13+23 " + newest);
    QCOMPARE(client->lines().value(1), client->lines().value(0));
}

void tst_SessionIamat::eventsForLines()
{
    QVERIFY(startNode());
    const auto client = connectClient();
    QVERIFY(client);
    const QString peer = u"127.0.0.1:%1"_s.arg(client->socket()->localPort());
    QTRY_COMPARE_WITH_TIMEOUT(events(EventKind::ClientConnected).size(), 1, Wait);
    QCOMPARE(events(EventKind::ClientConnected)[0].peer, peer);

    const QByteArray t = nowText();
    const QByteArray iamat = iamatLine("ev", "+34.068930-118.445127", t);
    client->send(iamat + "\r\nWHATSAT ev 10 2\nNOPE\n");
    QVERIFY(client->waitForText("? NOPE\n", 1, Wait));
    const QByteArray all = client->received();
    const QByteArray atLine = client->lines()[0];
    const QByteArray whatsatReply = all.sliced(atLine.size() + 1, all.size() - atLine.size() - 1 - 7);

    QCOMPARE(eventLines(EventKind::LineReceived),
             (QList<QByteArray> {iamat, "WHATSAT ev 10 2"_ba, "NOPE"_ba}));
    // Sent lines without their final newline(s).
    QCOMPARE(eventLines(EventKind::LineSent),
             (QList<QByteArray> {atLine, whatsatReply.chopped(2), "? NOPE"_ba}));
    QCOMPARE(eventLines(EventKind::LineInvalid), QList<QByteArray> {"NOPE"_ba});
    QCOMPARE(eventLines(EventKind::RecordStored), QList<QByteArray> {atLine});
    for (const Event &e : std::as_const(m_events)) {
        QCOMPARE(e.node, QString::fromLatin1(NodeName));
        QVERIFY(e.timeNs > 0);
        if (e.kind == EventKind::LineReceived || e.kind == EventKind::LineSent) {
            QCOMPARE(e.peer, peer);
            QVERIFY(!e.viaPeerLink);
        }
    }
    // Events come in time order.
    for (qsizetype i = 1; i < m_events.size(); ++i)
        QVERIFY(m_events[i].timeNs >= m_events[i - 1].timeNs);

    client->socket()->disconnectFromHost();
    QTRY_COMPARE_WITH_TIMEOUT(events(EventKind::ClientDisconnected).size(), 1, Wait);
    QCOMPARE(events(EventKind::ClientDisconnected)[0].peer, peer);
}

// The same through a one-node Cluster (the way the app runs it), using the
// shared fixture.
void tst_SessionIamat::oneNodeCluster()
{
    Herd::Test::HerdFixture herd(m_offline.get());
    QString error;
    QVERIFY2(herd.start(Herd::Test::HerdFixture::config({u"Solo"_s}), &error), qPrintable(error));
    QVERIFY(herd.waitForLinks(Wait)); // none to wait for
    QVERIFY(herd.port(u"Solo"_s) != 0);

    LineClient client;
    QVERIFY(client.connectTo(herd.port(u"Solo"_s), Wait));
    const QByteArray t = nowText();
    client.send(iamatLine("solo", "+34.068930-118.445127", t) + "\nWHATSAT solo 10 2\n");
    QVERIFY(client.waitForText("\n\n", 1, Wait));
    const QByteArray atLine = client.lines()[0];
    QCOMPARE(withoutDiff(atLine), "AT Solo <diff> solo +34.068930-118.445127 " + t);
    verifyWhatsatReply(client.received().sliced(atLine.size() + 1), atLine, 2);
    QVERIFY(herd.waitUntilAllStore("solo", -1, Wait));
    QCOMPARE(herd.events(EventKind::LineReceived, u"Solo"_s).size(), 2);
    QCOMPARE(herd.events(EventKind::RecordStored).size(), 1);
}

QTEST_GUILESS_MAIN(tst_SessionIamat)
#include "tst_session_iamat.moc"
