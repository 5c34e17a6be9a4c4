// SPDX-License-Identifier: GPL-3.0-or-later
// HerdStats: rates, known clients, convergence times and fault windows from
// synthetic events, sampled with an injected clock, plus one real herd.

#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include <memory>

#include "herd/cluster.h"
#include "herd/config/herdconfig.h"
#include "tests/herdevents.h"
#include "tests/herdfixture.h"
#include "ui/plots/herdstats.h"
#include "herd/node/node.h"
#include "herd/places/offlineplaces.h"

using namespace Qt::StringLiterals;
using Herd::Event;
using Herd::EventKind;
using Herd::HerdStats;
using namespace HerdEvents;

namespace {

Event line(EventKind kind, const QString &node, qint64 timeNs = T0)
{
    Event e = nodeEvent(kind, node, timeNs);
    e.line = "IAMAT kiwi +34.068930-118.445127 1621464827.959498503";
    return e;
}

std::unique_ptr<HerdStats> makeStats(const QStringList &nodes = {u"Alford"_s, u"Bolden"_s, u"Hamilton"_s})
{
    auto stats = std::make_unique<HerdStats>(nodes);
    stats->setAutoSample(false);
    stats->setStartTimeNs(T0);
    return stats;
}

} // namespace

class tst_HerdStats : public QObject
{
    Q_OBJECT

private slots:
    void ratesPerNode();
    void ratesUseTheRealInterval();
    void knownClientsFollowStoresAndKills();
    void convergenceIsLastStoreMinusFirst();
    void convergenceExcludesKilledNodes();
    void historyIsBoundedAndKeepsTheNewest();
    void updatesAreBoundedAndKeepTheNewest();
    void seriesChangedOnlyWhenNodesChange();
    void faultWindows();
    void faultWindowsAreBounded();
    void jitterFlakyAndSkewWindowsFromTheCluster();
    void realHerd();
};

void tst_HerdStats::ratesPerNode()
{
    auto stats = makeStats();
    QSignalSpy sampled(stats.get(), &HerdStats::sampled);
    for (int i = 0; i < 10; ++i)
        stats->record(line(EventKind::LineSent, u"Alford"_s));
    for (int i = 0; i < 5; ++i)
        stats->record(line(EventKind::LineReceived, u"Bolden"_s));
    // Not lines: they must not count.
    stats->record(nodeEvent(EventKind::ClientConnected, u"Bolden"_s, T0));
    stats->record(stored(u"Bolden"_s, "Bolden", "kiwi", "1.0", T0));
    stats->tickAt(T0 + S);

    QCOMPARE(sampled.count(), 1);
    QCOMPARE(stats->sampleTimes(), QList<double> {1.0});
    QCOMPARE(stats->messageRates(u"Alford"_s), QList<double> {10.0});
    QCOMPARE(stats->messageRates(u"Bolden"_s), QList<double> {5.0});
    QCOMPARE(stats->messageRates(u"Hamilton"_s), QList<double> {0.0});
    QVERIFY(stats->messageRates(u"Nobody"_s).isEmpty());

    // The counters start again for the next sample.
    stats->record(line(EventKind::LineSent, u"Hamilton"_s));
    stats->tickAt(T0 + 2 * S);
    QCOMPARE(stats->messageRates(u"Alford"_s), (QList<double> {10.0, 0.0}));
    QCOMPARE(stats->messageRates(u"Hamilton"_s), (QList<double> {0.0, 1.0}));
    QCOMPARE(sampled.count(), 2);
}

void tst_HerdStats::ratesUseTheRealInterval()
{
    auto stats = makeStats();
    stats->tickAt(T0 + S);
    for (int i = 0; i < 4; ++i)
        stats->record(line(EventKind::LineReceived, u"Alford"_s));
    // A late timer: two seconds passed, so 4 lines are 2 per second.
    stats->tickAt(T0 + 3 * S);
    QCOMPARE(stats->sampleTimes(), (QList<double> {1.0, 3.0}));
    QCOMPARE(stats->messageRates(u"Alford"_s).constLast(), 2.0);
}

void tst_HerdStats::knownClientsFollowStoresAndKills()
{
    auto stats = makeStats();
    stats->record(stored(u"Alford"_s, "Alford", "kiwi", "1.0", T0));
    stats->record(stored(u"Alford"_s, "Alford", "kiwi", "2.0", T0)); // same client, newer
    stats->record(stored(u"Alford"_s, "Alford", "lime", "1.0", T0));
    stats->record(stored(u"Bolden"_s, "Alford", "kiwi", "2.0", T0));
    stats->tickAt(T0 + S);
    QCOMPARE(stats->knownClients(u"Alford"_s), QList<double> {2.0});
    QCOMPARE(stats->knownClients(u"Bolden"_s), QList<double> {1.0});
    QCOMPARE(stats->knownClients(u"Hamilton"_s), QList<double> {0.0});

    stats->record(nodeEvent(EventKind::NodeStopped, u"Alford"_s, T0 + S + 1));
    QVERIFY(!stats->isRunning(u"Alford"_s));
    stats->tickAt(T0 + 2 * S);
    QCOMPARE(stats->knownClients(u"Alford"_s), (QList<double> {2.0, 0.0}));
    QCOMPARE(stats->knownClients(u"Bolden"_s), (QList<double> {1.0, 1.0}));

    stats->record(nodeEvent(EventKind::NodeStarted, u"Alford"_s, T0 + 2 * S + 1));
    QVERIFY(stats->isRunning(u"Alford"_s));
    stats->record(stored(u"Alford"_s, "Alford", "kiwi", "3.0", T0 + 2 * S + 2));
    stats->tickAt(T0 + 3 * S);
    QCOMPARE(stats->knownClients(u"Alford"_s).constLast(), 1.0);
}

void tst_HerdStats::convergenceIsLastStoreMinusFirst()
{
    auto stats = makeStats();
    stats->record(stored(u"Alford"_s, "Alford", "kiwi", "1621464827.959498503", T0 + 100 * Ms));
    stats->record(stored(u"Bolden"_s, "Alford", "kiwi", "1621464827.959498503", T0 + 130 * Ms));
    // Another update in between does not disturb the first.
    stats->record(stored(u"Bolden"_s, "Bolden", "lime", "5", T0 + 140 * Ms));
    stats->record(stored(u"Hamilton"_s, "Alford", "kiwi", "1621464827.959498503", T0 + 160 * Ms));

    const QList<HerdStats::Update> updates = stats->updates();
    QCOMPARE(updates.size(), 2);
    const HerdStats::Update &kiwi = updates.at(0);
    QCOMPARE(kiwi.client, QByteArray("kiwi"));
    QCOMPARE(kiwi.clientTimeNs, 1621464827'959498503LL);
    QCOMPARE(kiwi.origin, u"Alford"_s);
    QCOMPARE(kiwi.firstNs, T0 + 100 * Ms);
    QCOMPARE(kiwi.lastNs, T0 + 160 * Ms);
    QCOMPARE(kiwi.convergenceMs(), 60.0);
    QCOMPARE(kiwi.startSeconds, 0.1);
    QCOMPARE(kiwi.nodesStored, 3);
    QCOMPARE(kiwi.nodesRunning, 3);
    QVERIFY(kiwi.reachedAll());

    const HerdStats::Update &lime = updates.at(1);
    QCOMPARE(lime.convergenceMs(), 0.0);
    QCOMPARE(lime.nodesStored, 1);
    QVERIFY(!lime.reachedAll());

    // A newer update of the same client is a new point.
    stats->record(stored(u"Alford"_s, "Alford", "kiwi", "1621464828", T0 + S));
    QCOMPARE(stats->updateCount(), 3);
}

void tst_HerdStats::convergenceExcludesKilledNodes()
{
    auto stats = makeStats();
    stats->record(nodeEvent(EventKind::NodeStopped, u"Hamilton"_s, T0 + 10 * Ms));
    stats->record(stored(u"Alford"_s, "Alford", "kiwi", "7", T0 + 100 * Ms));
    stats->record(stored(u"Bolden"_s, "Alford", "kiwi", "7", T0 + 125 * Ms));
    HerdStats::Update kiwi = stats->updates().constFirst();
    QCOMPARE(kiwi.convergenceMs(), 25.0);
    QCOMPARE(kiwi.nodesStored, 2);
    QCOMPARE(kiwi.nodesRunning, 2);
    QVERIFY(kiwi.reachedAll());

    // A node killed after storing an update no longer holds it.
    stats->record(stored(u"Alford"_s, "Alford", "lime", "7", T0 + 200 * Ms));
    stats->record(stored(u"Bolden"_s, "Alford", "lime", "7", T0 + 210 * Ms));
    stats->record(nodeEvent(EventKind::NodeStopped, u"Bolden"_s, T0 + 300 * Ms));
    stats->record(nodeEvent(EventKind::NodeStarted, u"Hamilton"_s, T0 + 400 * Ms));
    stats->record(stored(u"Hamilton"_s, "Alford", "lime", "7", T0 + 450 * Ms));
    const HerdStats::Update lime = stats->updates().constLast();
    QCOMPARE(lime.convergenceMs(), 250.0);
    QCOMPARE(lime.nodesStored, 2);  // Alford, Hamilton
    QCOMPARE(lime.nodesRunning, 2); // Alford, Hamilton
}

void tst_HerdStats::historyIsBoundedAndKeepsTheNewest()
{
    auto stats = makeStats();
    stats->setHistoryCapacity(10);
    for (int i = 1; i <= 25; ++i) {
        for (int j = 0; j < i; ++j)
            stats->record(line(EventKind::LineSent, u"Bolden"_s));
        stats->tickAt(T0 + i * S);
    }
    QCOMPARE(stats->sampleCount(), 10);
    const QList<double> times = stats->sampleTimes();
    QCOMPARE(times.constFirst(), 16.0);
    QCOMPARE(times.constLast(), 25.0);
    const QList<double> rates = stats->messageRates(u"Bolden"_s);
    QCOMPARE(rates.size(), 10);
    QCOMPARE(rates.constFirst(), 16.0);
    QCOMPARE(rates.constLast(), 25.0);
    QCOMPARE(stats->knownClients(u"Alford"_s).size(), 10);

    // Shrinking drops the oldest.
    stats->setHistoryCapacity(3);
    QCOMPARE(stats->sampleTimes(), (QList<double> {23.0, 24.0, 25.0}));
    QCOMPARE(stats->messageRates(u"Bolden"_s), (QList<double> {23.0, 24.0, 25.0}));
}

void tst_HerdStats::updatesAreBoundedAndKeepTheNewest()
{
    auto stats = makeStats();
    stats->setMaxUpdates(5);
    for (int i = 1; i <= 8; ++i) {
        const QByteArray time = QByteArray::number(i);
        stats->record(stored(u"Alford"_s, "Alford", "kiwi", time, T0 + i * S));
        stats->record(stored(u"Bolden"_s, "Alford", "kiwi", time, T0 + i * S + i * Ms));
    }
    const QList<HerdStats::Update> updates = stats->updates();
    QCOMPARE(updates.size(), 5);
    QCOMPARE(updates.constFirst().clientTimeNs, 4 * S);
    QCOMPARE(updates.constLast().clientTimeNs, 8 * S);
    for (const HerdStats::Update &update : updates)
        QCOMPARE(update.convergenceMs(), double(update.clientTimeNs / S));

    // Stores of a kept update still land on it after older ones were dropped.
    stats->record(stored(u"Hamilton"_s, "Alford", "kiwi", "6", T0 + 6 * S + 50 * Ms));
    QCOMPARE(stats->updates().at(2).convergenceMs(), 50.0);
    QCOMPARE(stats->updates().at(2).nodesStored, 3);
}

void tst_HerdStats::seriesChangedOnlyWhenNodesChange()
{
    auto stats = makeStats({u"Alford"_s});
    QSignalSpy changed(stats.get(), &HerdStats::seriesChanged);
    stats->record(line(EventKind::LineSent, u"Alford"_s));
    stats->tickAt(T0 + S);
    QCOMPARE(changed.count(), 0);

    stats->record(line(EventKind::LineSent, u"Bolden"_s));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(stats->nodes(), (QStringList {u"Alford"_s, u"Bolden"_s}));
    stats->tickAt(T0 + 2 * S);
    // The late node's history is as long as everyone's.
    QCOMPARE(stats->messageRates(u"Bolden"_s), (QList<double> {0.0, 1.0}));
    stats->record(line(EventKind::LineSent, u"Bolden"_s));
    QCOMPARE(changed.count(), 1);
}

void tst_HerdStats::faultWindows()
{
    auto stats = makeStats();
    stats->tickAt(T0 + S);
    stats->record(nodeEvent(EventKind::NodeStopped, u"Hamilton"_s, T0 + 2 * S));
    stats->tickAt(T0 + 3 * S);
    QList<HerdStats::FaultWindow> windows = stats->faultWindows();
    QCOMPARE(windows.size(), 1);
    QCOMPARE(windows.at(0).kind, HerdStats::FaultWindow::Kind::NodeDown);
    QCOMPARE(windows.at(0).label, u"Hamilton down"_s);
    QCOMPARE(windows.at(0).startSeconds, 2.0);
    QCOMPARE(windows.at(0).endSeconds, 3.0); // open: runs to the newest sample
    QVERIFY(windows.at(0).open);

    stats->record(nodeEvent(EventKind::NodeStarted, u"Hamilton"_s, T0 + 4 * S));
    // Two-way cut, then a heal that restores each direction separately.
    stats->record(linkChanged(u"Parker"_s, u"Alford"_s, u"cut"_s, T0 + 5 * S));
    stats->record(linkChanged(u"Alford"_s, u"Parker"_s, u"restored (one way)"_s, T0 + 6 * S));
    stats->record(linkChanged(u"Parker"_s, u"Alford"_s, u"restored (one way)"_s, T0 + 7 * S));
    stats->record(linkChanged(u"Bolden"_s, u"Powell"_s, u"delay 300 ms"_s, T0 + 8 * S));
    stats->tickAt(T0 + 9 * S);

    windows = stats->faultWindows();
    QCOMPARE(windows.size(), 3);
    QCOMPARE(windows.at(0).endSeconds, 4.0);
    QVERIFY(!windows.at(0).open);
    QCOMPARE(windows.at(1).kind, HerdStats::FaultWindow::Kind::LinkCut);
    QCOMPARE(windows.at(1).label, u"Alford\u2013Parker cut"_s);
    QCOMPARE(windows.at(1).startSeconds, 5.0);
    QCOMPARE(windows.at(1).endSeconds, 7.0); // open until both directions are back
    QVERIFY(!windows.at(1).open);
    QCOMPARE(windows.at(2).kind, HerdStats::FaultWindow::Kind::LinkDelay);
    QCOMPARE(windows.at(2).label, u"Bolden\u2013Powell +300 ms"_s);
    QVERIFY(windows.at(2).open);
    QCOMPARE(windows.at(2).endSeconds, 9.0);

    stats->record(linkChanged(u"Bolden"_s, u"Powell"_s, u"delay 0 ms"_s, T0 + 9500 * Ms));
    windows = stats->faultWindows();
    QVERIFY(!windows.at(2).open);
    QCOMPARE(windows.at(2).endSeconds, 9.5);
}

void tst_HerdStats::faultWindowsAreBounded()
{
    auto stats = makeStats();
    stats->setMaxFaultWindows(4);
    for (int i = 0; i < 10; ++i) {
        stats->record(nodeEvent(EventKind::NodeStopped, u"Bolden"_s, T0 + (2 * i) * S));
        stats->record(nodeEvent(EventKind::NodeStarted, u"Bolden"_s, T0 + (2 * i + 1) * S));
    }
    stats->record(nodeEvent(EventKind::NodeStopped, u"Alford"_s, T0 + 30 * S));
    const QList<HerdStats::FaultWindow> windows = stats->faultWindows();
    QCOMPARE(windows.size(), 4);
    QCOMPARE(windows.constLast().label, u"Alford down"_s);
    QCOMPARE(windows.constFirst().startSeconds, 14.0);

    // Windows that ended before the oldest sample are gone.
    stats->setHistoryCapacity(2);
    stats->tickAt(T0 + 40 * S);
    stats->tickAt(T0 + 41 * S);
    QCOMPARE(stats->faultWindows().size(), 1);
    QVERIFY(stats->faultWindows().constFirst().open);
}

// The window labels are read from the Cluster's own LinkChanged details, so
// a change to their wording would show here.
void tst_HerdStats::jitterFlakyAndSkewWindowsFromTheCluster()
{
    QString error;
    const std::optional<Herd::HerdConfig> preset = Herd::HerdConfig::preset(u"alford"_s, &error);
    QVERIFY2(preset, qPrintable(error));
    Herd::Test::HerdFixture herd;
    QVERIFY2(herd.start(*preset, &error), qPrintable(error));
    Herd::Cluster &cluster = *herd.cluster();
    HerdStats stats(&cluster);
    stats.setAutoSample(false);

    using Kind = HerdStats::FaultWindow::Kind;
    QVERIFY(cluster.setLinkJitter(u"Bolden"_s, u"Powell"_s, 50));
    QVERIFY(cluster.setLinkFlaky(u"Alford"_s, u"Powell"_s, 800, Herd::Cluster::Direction::OneWay));
    QVERIFY(cluster.setClockSkew(u"Parker"_s, -250));
    QList<HerdStats::FaultWindow> windows = stats.faultWindows();
    QCOMPARE(windows.size(), 3);
    QCOMPARE(windows.at(0).kind, Kind::LinkJitter);
    QCOMPARE(windows.at(0).label, u"Bolden\u2013Powell \u00b150 ms"_s);
    QCOMPARE(windows.at(1).kind, Kind::LinkFlaky);
    QCOMPARE(windows.at(1).label, u"Alford\u2013Powell flaky, up ~800 ms"_s);
    QCOMPARE(windows.at(2).kind, Kind::ClockSkew);
    QCOMPARE(windows.at(2).label, u"Parker clock -250 ms"_s);
    for (const HerdStats::FaultWindow &window : std::as_const(windows))
        QVERIFY(window.open);

    // A new level is a new window; the old one ends.
    QVERIFY(cluster.setLinkJitter(u"Bolden"_s, u"Powell"_s, 120));
    windows = stats.faultWindows();
    QCOMPARE(windows.size(), 4);
    QVERIFY(!windows.at(0).open);
    QCOMPARE(windows.at(3).label, u"Bolden\u2013Powell \u00b1120 ms"_s);

    cluster.clearFaults();
    windows = stats.faultWindows();
    QCOMPARE(windows.size(), 4);
    for (const HerdStats::FaultWindow &window : std::as_const(windows))
        QVERIFY2(!window.open, qPrintable(window.label));
}

void tst_HerdStats::realHerd()
{
    QString error;
    std::optional<Herd::HerdConfig> config = Herd::HerdConfig::preset(u"alford"_s, &error);
    QVERIFY2(config, qPrintable(error));
    for (Herd::NodeConfig &node : config->nodes)
        node.port = 0;
    config->reconnectInitialMs = 20;
    config->reconnectMaxMs = 200;
    std::unique_ptr<Herd::OfflinePlaces> places = Herd::OfflinePlaces::fromEmbedded(&error);
    QVERIFY2(places, qPrintable(error));
    Herd::Cluster cluster(*config, places.get());
    HerdStats stats(&cluster);
    stats.setAutoSample(false);
    QSignalSpy changed(&stats, &HerdStats::seriesChanged);
    QVERIFY2(cluster.start({}, &error), qPrintable(error));
    QCOMPARE(stats.nodes(), config->nodeNames());
    QCOMPARE(changed.count(), 5);

    QTRY_VERIFY(Herd::Test::allLinksConnected(cluster));

    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, cluster.node(u"Hamilton"_s)->port());
    QVERIFY(client.waitForConnected(5000));
    client.write("IAMAT kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503\n");
    QTRY_COMPARE(stats.updateCount(), 1);
    QTRY_COMPARE(stats.updates().constFirst().nodesStored, 5);
    const HerdStats::Update update = stats.updates().constFirst();
    QCOMPARE(update.origin, u"Hamilton"_s);
    QVERIFY(update.reachedAll());
    QVERIFY(update.convergenceMs() >= 0);
    QVERIFY(update.convergenceMs() < 5000);

    stats.tick();
    QCOMPARE(stats.knownClients(u"Powell"_s), QList<double> {1.0});
    QVERIFY(stats.messageRates(u"Hamilton"_s).constFirst() > 0);
}

QTEST_GUILESS_MAIN(tst_HerdStats)
#include "tst_herdstats.moc"
