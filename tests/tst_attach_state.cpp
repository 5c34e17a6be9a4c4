// SPDX-License-Identifier: GPL-3.0-or-later
// The parts of attaching that need no other process: the clock estimate
// from synthetic probes, the reader of GET /state (a real snapshot, and
// malformed ones), and a monitor that accepts and never answers, which must
// not hold up the event loop.
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include "herd/attach/attachedherd.h"
#include "herd/attach/clockestimate.h"
#include "herd/attach/monitorclient.h"
#include "herd/attach/processstate.h"
#include "herd/cluster.h"
#include "herd/monitor/statesnapshot.h"
#include "herd/node/node.h"
#include "tests/herdfixture.h"
#include "tests/lineclient.h"

using namespace Qt::StringLiterals;
using namespace Herd;
using namespace Herd::Test;

class TestAttachState : public QObject
{
    Q_OBJECT

private slots:
    void clockEstimate();
    void clockEstimateWindow();
    void stateOfARealHerd();
    void malformedState_data();
    void malformedState();
    void silentMonitorDoesNotBlock();
};

void TestAttachState::clockEstimate()
{
    ClockEstimate clock;
    QVERIFY(!clock.isKnown());
    QCOMPARE(clock.offsetNs(), 0);
    // Sent at 1000, stamped 5500 by their clock, back at 1200: their clock is
    // 5500 - 1100 = 4400 ahead, give or take half the 200 round trip.
    clock.addProbe(1000, 5500, 1200);
    QVERIFY(clock.isKnown());
    QCOMPARE(clock.offsetNs(), 4400);
    QCOMPARE(clock.uncertaintyNs(), 100);
    QCOMPARE(clock.toLocal(10'000), 5600);
    // A slower trip says less: the estimate stays.
    clock.addProbe(2000, 7000, 3000);
    QCOMPARE(clock.offsetNs(), 4400);
    QCOMPARE(clock.uncertaintyNs(), 100);
    // A faster one wins: 8460 - 4040.
    clock.addProbe(4000, 8460, 4080);
    QCOMPARE(clock.offsetNs(), 4420);
    QCOMPARE(clock.uncertaintyNs(), 40);
    // Their clock behind ours.
    ClockEstimate behind;
    behind.addProbe(1'000'000, 400'000, 1'000'010);
    QCOMPARE(behind.offsetNs(), -600'005);
    QCOMPARE(behind.uncertaintyNs(), 5);
    // A trip that ends before it starts (our clock stepped) is ignored.
    behind.addProbe(2'000'000, 0, 1'000'000);
    QCOMPARE(behind.offsetNs(), -600'005);
}

void TestAttachState::clockEstimateWindow()
{
    ClockEstimate clock(2);
    clock.addProbe(0, 1000, 10);    // the best, until two newer push it out
    clock.addProbe(100, 1200, 200); // offset 1050, rtt 100
    QCOMPARE(clock.offsetNs(), 995);
    clock.addProbe(300, 1400, 360); // offset 1070, rtt 60
    QCOMPARE(clock.offsetNs(), 1070);
    QCOMPARE(clock.uncertaintyNs(), 30);
}

void TestAttachState::stateOfARealHerd()
{
    HerdFixture fixture;
    QVERIFY(fixture.start(HerdFixture::config({u"A"_s, u"B"_s}, {{u"A"_s, u"B"_s}})));
    QVERIFY(fixture.waitForLinks());
    LineClient client;
    QVERIFY(client.connectTo(fixture.port(u"A"_s)));
    client.send("IAMAT kiwi +34.068930-118.445127 1700000001.5\n");
    QVERIFY(client.waitForLines(1));
    QTRY_VERIFY_WITH_TIMEOUT(fixture.node(u"B"_s)->store().size() == 1, 5000);
    fixture.cluster()->setLinkDelay(u"A"_s, u"B"_s, 250, HerdSource::Direction::OneWay);
    fixture.cluster()->setClockSkew(u"B"_s, -1500);

    const QByteArray json = QJsonDocument(stateSnapshot(*fixture.cluster())).toJson();
    QString error;
    const std::optional<ProcessState> state = ProcessState::fromJson(json, &error);
    QVERIFY2(state, qPrintable(error));
    QCOMPARE(state->nodes.size(), 2);
    for (const QString &name : {u"A"_s, u"B"_s}) {
        const ProcessNode &node = state->nodes.value(name);
        QVERIFY(node.status.running);
        QCOMPARE(node.status.port, fixture.port(name));
        QCOMPARE(node.store.size(), 1);
        const Record *held = node.store.find("kiwi");
        QVERIFY(held);
        QCOMPARE(held->timeNs, 1'700'000'001'500'000'000);
        QCOMPARE(held->server(), "A");
        QCOMPARE(held->atLine, fixture.node(name)->store().find("kiwi")->atLine);
        QCOMPARE(node.store.rootHash(), fixture.node(name)->store().rootHash());
    }
    QCOMPARE(state->nodes.value(u"B"_s).status.clockSkewMs, -1500);
    const LinkState ab = state->links.value({u"A"_s, u"B"_s});
    QCOMPARE(ab.state, LinkState::State::Connected);
    QCOMPARE(ab.delayMs, 250);
    QCOMPARE(state->links.value({u"B"_s, u"A"_s}).delayMs, 0);
}

void TestAttachState::malformedState_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("named");
    const QByteArray node =
        R"({"name": "A", "host": "127.0.0.1", "port": 1, "inProcess": true, "running": RUNNING,
            "clockSkewMs": 0, "clientConnections": 0, "records": RECORDS})";
    auto state = [&](const QByteArray &running, const QByteArray &records,
                     const QByteArray &links) -> QByteArray {
        QByteArray nodeText = node;
        nodeText.replace("RUNNING", running).replace("RECORDS", records);
        return R"({"herd": "h", "timeNs": 5, "nodes": [)" + nodeText + R"(], "links": )" + links + "}";
    };
    QTest::newRow("not JSON") << QByteArray("{\"herd\": ") << u"not JSON"_s;
    QTest::newRow("an array") << QByteArray("[]") << u"not a JSON object"_s;
    QTest::newRow("no time") << QByteArray(R"({"herd": "h", "nodes": [], "links": []})") << u"\"timeNs\""_s;
    QTest::newRow("running a string") << state("\"yes\"", "[]", "[]") << u"node A: \"running\""_s;
    QTest::newRow("records an object") << state("true", "{}", "[]") << u"node A: \"records\""_s;
    QTest::newRow("not an AT line") << state("true", R"([{"atLine": "IAMAT kiwi +1+1 1.0"}])", "[]")
                                    << u"node A: records[0].\"atLine\" is not an AT line"_s;
    QTest::newRow("unknown link state")
        << state("true", "[]",
                 R"([{"from": "A", "to": "B", "state": "sideways", "cut": false, "delayMs": 0,
                      "jitterMs": 0, "flakyMeanMs": 0, "failedAttempts": 0, "queuedLines": 0}])")
        << u"links[0].\"state\" is not a link state: \"sideways\""_s;
    QTest::newRow("link without cut")
        << state("true", "[]", R"([{"from": "A", "to": "B", "state": "cut"}])") << u"links[0].\"cut\""_s;
}

void TestAttachState::malformedState()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, named);
    QString error;
    QVERIFY(!ProcessState::fromJson(json, &error));
    QVERIFY2(error.contains(named), qPrintable(error));
}

// A monitor that takes the connection and never says a word: the window
// must go on (its event loop turning, a timer firing) while the request
// times out, and then call the process out of sight.
void TestAttachState::silentMonitorDoesNotBlock()
{
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    QList<QTcpSocket *> held;
    connect(&silent, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket *socket = silent.nextPendingConnection())
            held.append(socket); // read nothing, answer nothing
    });
    HerdConfig config = HerdFixture::config({u"A"_s});
    config.nodes[0].monitor = u"127.0.0.1:%1"_s.arg(silent.serverPort());
    AttachedHerd herd(config);
    QSignalSpy settled(&herd, &AttachedHerd::settled);
    int ticks = 0;
    QTimer ticker;
    ticker.setInterval(10);
    connect(&ticker, &QTimer::timeout, this, [&] { ++ticks; });
    ticker.start();
    herd.start();
    QVERIFY(settled.wait(MonitorClient::RequestTimeoutMs + 3000));
    QTRY_VERIFY_WITH_TIMEOUT(!held.isEmpty(), 1000);
    // The timer kept firing through the wait: nothing blocked.
    QVERIFY2(ticks >= 20, qPrintable(u"%1 ticks"_s.arg(ticks)));
    QVERIFY(herd.isOutOfSight(u"A"_s));
    QVERIFY(!herd.nodeStatus(u"A"_s));
    QVERIFY(herd.monitors().constFirst()->lastError().contains(u"no answer"));
    QVERIFY(!herd.kill(u"A"_s)); // nothing to send a fault to
    qDeleteAll(held);
}

QTEST_GUILESS_MAIN(TestAttachState)
#include "tst_attach_state.moc"
