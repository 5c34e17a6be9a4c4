// SPDX-License-Identifier: GPL-3.0-or-later
// herd-resync: what resynchronisation costs with many clients. Two nodes in
// this process, linked over loopback, both holding N clients; while their
// link is cut, D of them move on at one node only. When the link is restored
// the digest exchange must bring the other node level, sending about D
// records and a summary, not N. Then the second node restarts empty and
// must get all N back. Reports bytes on the link by kind, time to agree and
// memory, beside what sending everything would cost.

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTimer>

#include <cstdio>
#include <functional>

#include "bench/benchsupport.h"
#include "herd/cluster.h"
#include "herd/node/node.h"
#include "herd/places/offlineplaces.h"
#include "herd/wire/protocol.h"

using namespace Herd;
using namespace Qt::StringLiterals;

namespace {

QByteArray clientId(int i)
{
    return "phone-" + QByteArray::number(i) + ".example.org";
}

void report(Node *node, int client, qint64 seconds)
{
    const QByteArray line =
        "IAMAT " + clientId(client) + " +34.068930-118.445127 " + QByteArray::number(seconds);
    const Message iamat = parseLine(line);
    node->acceptIamat(iamat);
}

struct Traffic
{
    qint64 syncLines = 0;
    qint64 syncBytes = 0;
    qint64 pushedLines = 0;
    qint64 pushedBytes = 0;
    void clear() { *this = {}; }
};

// Runs the event loop until `done` holds, checking every millisecond.
qint64 runUntil(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (!done() && clock.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 1);
    return done() ? clock.elapsed() : -1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Measures what resynchronisation sends with many clients."_s);
    parser.addHelpOption();
    parser.addOption({u"clients"_s, u"Clients both nodes know (default 100000)."_s, u"N"_s, u"100000"_s});
    parser.addOption({u"differ"_s,
                      u"Clients that move on at one node while the link is cut (default 1000)."_s, u"D"_s,
                      u"1000"_s});
    parser.process(app);
    bool okN = false;
    bool okD = false;
    const int clients = parser.value(u"clients"_s).toInt(&okN);
    const int differ = parser.value(u"differ"_s).toInt(&okD);
    if (!okN || !okD || clients < 1 || differ < 0 || differ > clients) {
        std::fprintf(stderr, "herd-resync: --clients must be >= 1 and --differ between 0 and --clients\n");
        return 2;
    }

    HerdConfig config;
    config.name = u"resync bench"_s;
    for (const QString &name : {u"A"_s, u"B"_s}) {
        NodeConfig node;
        node.name = name;
        config.nodes.append(node);
    }
    config.links = {{u"A"_s, u"B"_s}};
    config.reconnectInitialMs = 5;
    config.reconnectMaxMs = 50;
    const std::unique_ptr<OfflinePlaces> places = OfflinePlaces::fromEmbedded();
    Cluster cluster(config, places.get());
    Traffic traffic;
    QObject::connect(&cluster, &Cluster::eventOccurred, &app, [&traffic](const Event &event) {
        if (event.kind != EventKind::LineSent || !event.viaPeerLink)
            return;
        if (event.line.startsWith("SYNC ")) {
            ++traffic.syncLines;
            traffic.syncBytes += event.line.size() + 1;
        } else if (event.line.startsWith("AT ") && event.detail == u"resync") {
            ++traffic.pushedLines;
            traffic.pushedBytes += event.line.size() + 1;
        }
    });
    QString error;
    if (!cluster.start({}, &error)) {
        std::fprintf(stderr, "herd-resync: %s\n", qPrintable(error));
        return 1;
    }
    Node *a = cluster.node(u"A"_s);
    Node *b = cluster.node(u"B"_s);
    auto linked = [&] {
        return a->linkState(u"B"_s)->state == LinkState::State::Connected
            && b->linkState(u"A"_s)->state == LinkState::State::Connected;
    };
    runUntil(linked, 5000);

    // Both learn the same N clients, each on its own (the link is cut, so
    // the fill costs no flooding), then D move on at A only.
    cluster.setLinkCut(u"A"_s, u"B"_s, true);
    const qint64 rssEmpty = Bench::residentKiB();
    for (int i = 0; i < clients; ++i) {
        report(a, i, 1700000000);
        report(b, i, 1700000000);
    }
    for (int i = 0; i < differ; ++i)
        report(a, i * (clients / qMax(1, differ)), 1700000100);
    QCoreApplication::processEvents();
    const qint64 rssFilled = Bench::residentKiB();
    qint64 atLineBytes = 0;
    for (const Record &record : a->store().records())
        atLineBytes += record.atLine.size() + 1;

    // Equal roots first: a full comparison every millisecond would be most
    // of what is measured.
    auto agree = [&] {
        if (a->store().size() != b->store().size() || a->store().rootHash() != b->store().rootHash())
            return false;
        for (const Record &record : a->store().records()) {
            const Record *other = b->store().find(record.clientId);
            if (!other || other->timeNs != record.timeNs)
                return false;
        }
        return true;
    };
    auto holdsNewer = [&] {
        if (a->store().rootHash() != b->store().rootHash())
            return false;
        int newer = 0;
        for (int i = 0; i < differ; ++i) {
            const Record *r = b->store().find(clientId(i * (clients / qMax(1, differ))));
            newer += r && r->timeNs == 1700000100'000000000LL;
        }
        return newer == differ && agree();
    };

    traffic.clear();
    cluster.setLinkCut(u"A"_s, u"B"_s, false);
    const qint64 healMs = runUntil(holdsNewer, 60'000);
    const Traffic afterHeal = traffic;
    const qint64 rssAfterHeal = Bench::residentKiB();

    traffic.clear();
    cluster.kill(u"B"_s);
    cluster.restart(u"B"_s, &error);
    const qint64 restartMs =
        runUntil([&] { return b->store().size() == a->store().size() && agree(); }, 120'000);
    const Traffic afterRestart = traffic;

    std::printf("herd-resync: 2 nodes, %d clients, %d moved on at A while the link was cut\n", clients,
                differ);
    std::printf(
        "  store of %d records, AT lines %.1f MB in all; RSS %lld KiB empty, %lld KiB filled (both nodes)\n",
        clients, double(atLineBytes) / 1e6, rssEmpty, rssFilled);
    std::printf(
        "  after the cut is restored: agree in %lld ms; SYNC lines %lld (%.1f KB), records sent %lld (%.1f KB)"
        "; RSS %lld KiB\n",
        healMs, afterHeal.syncLines, double(afterHeal.syncBytes) / 1e3, afterHeal.pushedLines,
        double(afterHeal.pushedBytes) / 1e3, rssAfterHeal);
    std::printf("    bytes on the link: %.1f KB, against %.1f MB for sending every record\n",
                double(afterHeal.syncBytes + afterHeal.pushedBytes) / 1e3, double(atLineBytes) / 1e6);
    std::printf(
        "  after B restarts empty: agree in %lld ms; SYNC lines %lld (%.1f KB), records sent %lld (%.1f MB)\n",
        restartMs, afterRestart.syncLines, double(afterRestart.syncBytes) / 1e3, afterRestart.pushedLines,
        double(afterRestart.pushedBytes) / 1e6);
    return healMs < 0 || restartMs < 0 ? 1 : 0;
}
