// SPDX-License-Identifier: GPL-3.0-or-later
// herd-scale: does a large random herd converge, and what does it cost?
//
// Builds a random connected herd in this process (--nodes 100, average
// degree about --degree 3, from --seed; every node on 127.0.0.1 with a port
// the OS picks), waits until every link is up, then sends --clients 100000
// IAMATs, one per client id, each to a node picked at random, over real TCP
// from a client thread (raw epoll sockets, so the herd's thread has a core
// to itself). It watches the nodes' events, never sleeps, and reports:
//
// - time to converge: from the first IAMAT of a phase until every node
//   holds the record of every client sent so far, and for each update the
//   time from its send until the last node stored it (p50/p99/max);
// - messages: AT lines between nodes per update, against the 2E bound of
//   flooding (E links, each crossed at most once each way);
// - memory: VmRSS of this process after each checkpoint (--checkpoints
//   10000,30000,100000 clients), and bytes per stored record between them,
//   to show growth is linear in clients x nodes.
//
// At most --window updates are in flight (sent but not yet stored
// everywhere), so peer-link queues stay bounded and the RSS readings show
// what the herd keeps, not a transient backlog. Logs are not written (the
// herd's core is measured, not the disk) unless --log-dir is given. With
// --threads N the nodes run on N threads (ThreadedHerd, as herd --server
// --threads N) and this thread counts from their merged events.
//
//   build/bin/herd-scale [--nodes 100] [--degree 3] [--clients 100000]
//                        [--checkpoints 10000,30000,100000] [--window 500] [--seed 1] [--threads 1]

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

#include "bench/benchsupport.h"
#include "bench/scalesender.h"
#include "herd/cluster.h"
#include "herd/config/herdconfig.h"
#include "herd/config/randomherd.h"
#include "herd/log/logwriter.h"
#include "herd/node/node.h"
#include "herd/places/placessource.h"
#include "herd/threaded/threadedherd.h"

using Bench::monoNs;
using ScaleSender::die;
using ScaleSender::sendPhase;
using ScaleSender::Shared;

namespace {

qint64 rssBytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : status.readAll().split('\n')) {
            if (line.startsWith("VmRSS:"))
                return line.mid(6).trimmed().split(' ').value(0).toLongLong() * 1024;
        }
    }
    die(QStringLiteral("cannot read VmRSS from /proc/self/status"));
}

double cpuSeconds()
{
    rusage usage {};
    ::getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// WHATSAT is not part of this bench: every search finds nothing.
class NoPlaces final : public Herd::PlacesSource
{
public:
    QString description() const override { return QStringLiteral("none (herd-scale)"); }
    void search(const Herd::PlacesQuery &, Callback done) override
    {
        done(QJsonObject {{QStringLiteral("html_attributions"), QJsonArray {}},
                          {QStringLiteral("results"), QJsonArray {}},
                          {QStringLiteral("status"), QStringLiteral("ZERO_RESULTS")}});
    }
};

int clientIndex(const QByteArray &id)
{
    if (id.size() != 12 || !id.startsWith("scale"))
        return -1;
    bool ok = false;
    const int k = id.mid(5).toInt(&ok);
    return ok ? k : -1;
}

struct Percentiles
{
    double p50Ms = 0, p99Ms = 0, maxMs = 0;
};

Percentiles percentiles(std::vector<std::int64_t> ns)
{
    Percentiles result;
    if (ns.empty())
        return result;
    std::sort(ns.begin(), ns.end());
    const auto rank = [&](double p) {
        return double(ns[std::min(ns.size() - 1, std::size_t(p * double(ns.size())))]) / 1e6;
    };
    result.p50Ms = rank(0.50);
    result.p99Ms = rank(0.99);
    result.maxMs = double(ns.back()) / 1e6;
    return result;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    Bench::CommandLine parser(
        "herd-scale",
        QStringLiteral(
            "A random herd in one process, N clients over TCP: time to converge, AT lines per update against the\n"
            "2E bound of flooding, and RSS at checkpoints."));
    const auto nodesOption = parser.option("nodes", "nodes in the herd (default 100)", "N", "100");
    const auto degreeOption = parser.option("degree", "average degree (default 3)", "D", "3");
    const auto clientsOption =
        parser.option("clients", "clients, one IAMAT each (default 100000)", "K", "100000");
    const auto checkpointsOption =
        parser.option("checkpoints",
                      "client counts at which to wait for convergence and read RSS "
                      "(default 10000,30000,100000)",
                      "LIST", "10000,30000,100000");
    const auto windowOption = parser.option("window", "updates in flight at most (default 500)", "W", "500");
    const auto seedOption =
        parser.option("seed", "random seed for the herd and the clients' nodes (default 1)", "S", "1");
    const auto timeoutOption =
        parser.option("timeout", "seconds a phase may take before the run fails (default 1800)", "S", "1800");
    const auto logOption =
        parser.option("log-dir", "also write the nodes' logs there (default: no logs)", "DIR", nullptr);
    const auto jsonOption = parser.option("json", "also write the result as JSON to FILE", "FILE", nullptr);
    const auto threadsOption = parser.option(
        "threads", "run the nodes on N threads, as herd --server --threads N (default 1: this thread)", "N",
        "1");
    parser.process(app);

    bool ok = false;
    const auto positive = [&](const QCommandLineOption &o, int minimum) {
        const int value = parser.value(o).toInt(&ok);
        if (!ok || value < minimum)
            die(QStringLiteral("--%1 must be a number >= %2, not \"%3\"")
                    .arg(o.names().constFirst())
                    .arg(minimum)
                    .arg(parser.value(o)),
                2);
        return value;
    };
    const int nodeCount = positive(nodesOption, 2);
    const double degree = parser.value(degreeOption).toDouble(&ok);
    if (!ok || degree < 1)
        die(QStringLiteral("--degree must be a number >= 1"), 2);
    const int clients = positive(clientsOption, 1);
    const int window = positive(windowOption, 1);
    const int seed = positive(seedOption, 0);
    const int timeoutS = positive(timeoutOption, 1);
    const int threads = positive(threadsOption, 1);
    std::vector<int> checkpoints;
    for (const QString &part : parser.value(checkpointsOption).split(u',', Qt::SkipEmptyParts)) {
        const int value = part.toInt(&ok);
        if (!ok || value < 1 || value > clients || (!checkpoints.empty() && value <= checkpoints.back()))
            die(QStringLiteral("--checkpoints must be increasing client counts in 1..--clients, not \"%1\"")
                    .arg(parser.value(checkpointsOption)),
                2);
        checkpoints.push_back(value);
    }
    if (checkpoints.empty() || checkpoints.back() != clients)
        checkpoints.push_back(clients);

    // The herd: N nodes on 127.0.0.1, ports from the OS, random links.
    Herd::HerdConfig config = Herd::randomHerd(nodeCount, degree, quint64(seed));
    config.name = QStringLiteral("herd-scale: %1").arg(config.name);
    const qint64 edges = config.links.size();
    // Each node keeps one incoming connection per neighbour plus our client.
    rlimit files {};
    ::getrlimit(RLIMIT_NOFILE, &files);
    const rlim_t neededFiles = rlim_t(4 * edges + 2 * nodeCount + 256);
    if (files.rlim_cur < neededFiles) {
        files.rlim_cur = std::min(files.rlim_max, neededFiles);
        if (::setrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_cur < neededFiles)
            die(QStringLiteral("a herd of %1 nodes and %2 links needs %3 open files; the hard limit "
                               "(RLIMIT_NOFILE, `ulimit -Hn`) is %4")
                    .arg(nodeCount)
                    .arg(edges)
                    .arg(neededFiles)
                    .arg(files.rlim_max),
                2);
    }

    NoPlaces places;
    std::unique_ptr<Herd::Cluster> cluster;
    std::unique_ptr<Herd::ThreadedHerd> threaded;
    if (threads > 1) {
        threaded = std::make_unique<Herd::ThreadedHerd>(
            config, [] { return std::make_unique<NoPlaces>(); }, Herd::ThreadedHerd::Records::NotMirrored);
    } else {
        cluster = std::make_unique<Herd::Cluster>(config, &places);
    }
    Herd::HerdSource &herd = threaded ? static_cast<Herd::HerdSource &>(*threaded) : *cluster;
    std::unique_ptr<Herd::LogWriter> logs;
    if (parser.isSet(logOption)) {
        logs = std::make_unique<Herd::LogWriter>(parser.value(logOption));
        QString error;
        if (!logs->open(config.nodeNames(), &error))
            die(error);
        QObject::connect(&herd, &Herd::HerdSource::eventOccurred, logs.get(), &Herd::LogWriter::write);
    }
    const qint64 rssEmpty = rssBytes();
    QString error;
    if (!(threaded ? threaded->start(threads, {}, &error) : cluster->start({}, &error)))
        die(QStringLiteral("the herd did not start: %1").arg(error));
    const QStringList names = herd.config().nodeNames();

    // Counting, on this thread, from the herd's merged events.
    Shared shared;
    shared.sentAtNs.assign(std::size_t(clients), 0);
    shared.wakeFd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    std::vector<std::uint16_t> storedBy(std::size_t(clients), 0);
    std::vector<std::int64_t> convergeNs(std::size_t(clients), 0);
    std::int64_t linksUp = 0, peerLinesSent = 0, peerLinesReceived = 0, dropped = 0, skipped = 0,
                 linksDown = 0, foreign = 0;
    QHash<QString, int> storedOn; // records stored by each node
    std::int64_t converged = 0;
    QEventLoop loop;
    std::function<void()> check; // the wait in progress: quits `loop` when met
    QObject::connect(&herd, &Herd::HerdSource::eventOccurred, &loop, [&](const Herd::Event &event) {
        switch (event.kind) {
        case Herd::EventKind::RecordStored: {
            const int k = clientIndex(event.client);
            if (k < 0 || k >= clients) {
                ++foreign;
                break;
            }
            ++storedOn[event.node];
            if (++storedBy[std::size_t(k)] == nodeCount) {
                convergeNs[std::size_t(k)] = monoNs() - shared.sentAtNs[std::size_t(k)];
                ++converged;
                shared.converged.store(converged, std::memory_order_release);
                const std::uint64_t one = 1;
                [[maybe_unused]] const ssize_t ignored = ::write(shared.wakeFd, &one, sizeof one);
                if (check)
                    check();
            }
            break;
        }
        case Herd::EventKind::LineSent:
            // AT lines only: links also carry resync digests (SYNC).
            peerLinesSent += event.viaPeerLink && event.line.startsWith("AT ") ? 1 : 0;
            break;
        case Herd::EventKind::LineReceived:
            // AT lines a node's session read from a neighbour (a peer
            // link's own socket never hears anything).
            if (event.viaPeerLink && event.line.startsWith("AT ")) {
                ++peerLinesReceived;
                if (check && peerLinesReceived == peerLinesSent)
                    check();
            }
            break;
        case Herd::EventKind::RecordDropped:
            ++dropped;
            break;
        case Herd::EventKind::SendSkipped:
            ++skipped;
            break;
        case Herd::EventKind::PeerConnected:
            ++linksUp;
            if (check)
                check();
            break;
        case Herd::EventKind::PeerDisconnected:
            ++linksDown;
            break;
        default:
            break;
        }
    });
    // Runs the event loop until `done()` holds, re-checked on each counted
    // event; a phase that takes longer than --timeout fails the run.
    const auto waitFor = [&](const char *what, const std::function<bool()> &done) {
        if (done())
            return;
        check = [&] {
            if (done())
                loop.quit();
        };
        QTimer timeout;
        timeout.setSingleShot(true);
        QObject::connect(&timeout, &QTimer::timeout, &loop, [&] {
            die(QStringLiteral("%1: not done after %2 s (%3 of %4 clients stored everywhere, %5 links up)")
                    .arg(QLatin1String(what))
                    .arg(timeoutS)
                    .arg(converged)
                    .arg(clients)
                    .arg(linksUp));
        });
        timeout.start(timeoutS * 1000);
        loop.exec();
        check = nullptr;
    };

    QElapsedTimer linkClock;
    linkClock.start();
    waitFor("links", [&] { return linksUp >= 2 * edges; });
    for (const QString &name : names) {
        for (const QString &neighbour : herd.config().neighboursOf(name)) {
            if (herd.linkState(name, neighbour)->state != Herd::LinkState::State::Connected)
                die(QStringLiteral("%1 -> %2 is not connected after every link reported up")
                        .arg(name, neighbour));
        }
    }
    const qint64 linksMs = linkClock.elapsed();
    const qint64 rssLinked = rssBytes();

    QHash<QString, int> degreeOf;
    for (const auto &[a, b] : std::as_const(config.links)) {
        ++degreeOf[a];
        ++degreeOf[b];
    }
    std::printf(
        "herd-scale: %d nodes, %lld links (average degree %.2f, max %d), seed %d; %d clients, window %d\n",
        nodeCount, static_cast<long long>(edges), 2.0 * double(edges) / nodeCount,
        *std::max_element(degreeOf.cbegin(), degreeOf.cend()), seed, clients, window);
    std::printf(
        "  all %lld links up (both ways) %lld ms after start; RSS %.1f MiB before start, %.1f MiB with the herd up\n",
        static_cast<long long>(2 * edges), static_cast<long long>(linksMs), rssEmpty / 1048576.0,
        rssLinked / 1048576.0);
    std::fflush(stdout); // a phase can take minutes: show where it is

    std::vector<quint16> ports;
    for (const QString &name : names)
        ports.push_back(herd.nodeStatus(name)->port);
    // The clients' nodes, from a generator of their own after the herd's.
    std::mt19937_64 rng {std::uint64_t(seed) + 1};
    std::vector<int> origin(static_cast<std::size_t>(clients));
    for (int &node : origin)
        node = int(rng() % std::uint64_t(nodeCount));

    struct Checkpoint
    {
        int clients;
        double seconds;
        double cpuSeconds;
        qint64 rss;
        std::int64_t peerLines;
        Percentiles convergence;
    };
    std::vector<Checkpoint> results;
    int sent = 0;
    std::int64_t badReplies = 0;
    const std::int64_t runStart = monoNs();
    for (const int target : checkpoints) {
        const std::int64_t peerLinesBefore = peerLinesReceived;
        const double cpuBefore = cpuSeconds();
        const std::int64_t phaseStart = monoNs();
        std::atomic<bool> clientDone {false};
        std::int64_t phaseBad = 0;
        std::thread client([&, from = sent] {
            phaseBad = sendPhase(ports, origin, from, target, window, shared);
            clientDone.store(true, std::memory_order_release);
            // Wake the herd's loop so it sees the client is done.
            QMetaObject::invokeMethod(
                &loop,
                [&] {
                    if (check)
                        check();
                },
                Qt::QueuedConnection);
        });
        std::int64_t convergedAt = 0;
        waitFor("convergence", [&] {
            if (converged >= target && convergedAt == 0)
                convergedAt = monoNs();
            // Then the last duplicates still on the wire arrive, so that
            // every AT line sent is counted in this phase.
            return converged >= target && clientDone.load(std::memory_order_acquire)
                && peerLinesReceived == peerLinesSent;
        });
        client.join();
        badReplies += phaseBad;
        const int from = sent;
        sent = target;
        for (const QString &name : names) {
            // A herd on threads keeps no copy of the stores here (NotMirrored):
            // its events say what each node stored.
            const Herd::Store *store = herd.store(name);
            const qsizetype held = store ? store->size() : storedOn.value(name);
            if (held != target)
                die(QStringLiteral("%1 holds %2 records, expected %3").arg(name).arg(held).arg(target));
        }
        const std::vector<std::int64_t> phaseNs(convergeNs.begin() + from, convergeNs.begin() + target);
        results.push_back({target, double(convergedAt - phaseStart) / 1e9, cpuSeconds() - cpuBefore,
                           rssBytes(), peerLinesReceived - peerLinesBefore, percentiles(phaseNs)});
        const Checkpoint &c = results.back();
        std::printf(
            "  %7d clients: +%d converged in %.2f s (%.0f updates/s, herd CPU %.0f%%), update to all nodes p50 %.1f ms "
            "p99 %.1f ms max %.1f ms; %.1f AT lines/update; RSS %.1f MiB\n",
            target, target - from, c.seconds, (target - from) / c.seconds, 100 * c.cpuSeconds / c.seconds,
            c.convergence.p50Ms, c.convergence.p99Ms, c.convergence.maxMs,
            double(c.peerLines) / (target - from), c.rss / 1048576.0);
        std::fflush(stdout);
    }
    const double totalSeconds = double(monoNs() - runStart) / 1e9;
    const double perUpdate = double(peerLinesReceived) / clients;
    const std::int64_t tightBound = 2 * edges - (nodeCount - 1);
    std::printf(
        "  total: %d updates stored on all %d nodes in %.2f s; AT lines between nodes %lld sent, %lld received: "
        "%.1f per update (2E bound %lld, %.2f of it; flooding needs at least N-1 = %d)\n",
        clients, nodeCount, totalSeconds, static_cast<long long>(peerLinesSent),
        static_cast<long long>(peerLinesReceived), perUpdate, static_cast<long long>(2 * edges),
        perUpdate / double(2 * edges), nodeCount - 1);
    double cpuTotal = 0;
    for (const Checkpoint &c : results)
        cpuTotal += c.cpuSeconds;
    std::printf(
        "  CPU time (herd and client threads): %.1f s, %.2f ms per update; wall time depends on what else runs\n",
        cpuTotal, 1000 * cpuTotal / clients);
    std::printf("  duplicates dropped %lld, sends skipped %lld, links dropped %lld, bad replies %lld\n",
                static_cast<long long>(dropped), static_cast<long long>(skipped),
                static_cast<long long>(linksDown), static_cast<long long>(badReplies));
    // Linear growth: bytes per stored record (one client on one node) between checkpoints.
    QJsonArray jsonCheckpoints;
    qint64 previousRss = rssLinked;
    int previousClients = 0;
    for (const Checkpoint &c : results) {
        const double perRecord =
            double(c.rss - previousRss) / (double(c.clients - previousClients) * nodeCount);
        std::printf("  RSS %7d clients: %8.1f MiB (+%.0f bytes per record held, %d..%d clients x %d nodes)\n",
                    c.clients, c.rss / 1048576.0, perRecord, previousClients, c.clients, nodeCount);
        jsonCheckpoints.append(QJsonObject {{QStringLiteral("clients"), c.clients},
                                            {QStringLiteral("seconds"), c.seconds},
                                            {QStringLiteral("cpu_seconds"), c.cpuSeconds},
                                            {QStringLiteral("rss_bytes"), c.rss},
                                            {QStringLiteral("bytes_per_record_since_previous"), perRecord},
                                            {QStringLiteral("peer_lines"), qint64(c.peerLines)},
                                            {QStringLiteral("update_p50_ms"), c.convergence.p50Ms},
                                            {QStringLiteral("update_p99_ms"), c.convergence.p99Ms},
                                            {QStringLiteral("update_max_ms"), c.convergence.maxMs}});
        previousRss = c.rss;
        previousClients = c.clients;
    }
    const bool failed =
        badReplies > 0 || linksDown > 0 || skipped > 0 || foreign > 0 || perUpdate > double(2 * edges);
    if (parser.isSet(jsonOption)) {
        QFile json(parser.value(jsonOption));
        if (!json.open(QIODevice::WriteOnly | QIODevice::Truncate))
            die(QStringLiteral("cannot write %1").arg(json.fileName()));
        json.write(QJsonDocument(QJsonObject {
                                     {QStringLiteral("nodes"), nodeCount},
                                     {QStringLiteral("threads"), threads},
                                     {QStringLiteral("links"), edges},
                                     {QStringLiteral("seed"), seed},
                                     {QStringLiteral("clients"), clients},
                                     {QStringLiteral("window"), window},
                                     {QStringLiteral("links_up_ms"), linksMs},
                                     {QStringLiteral("seconds"), totalSeconds},
                                     {QStringLiteral("cpu_seconds"), cpuTotal},
                                     {QStringLiteral("peer_lines_sent"), qint64(peerLinesSent)},
                                     {QStringLiteral("peer_lines_received"), qint64(peerLinesReceived)},
                                     {QStringLiteral("lines_per_update"), perUpdate},
                                     {QStringLiteral("bound_2e"), 2 * edges},
                                     {QStringLiteral("bound_2e_minus_tree"), qint64(tightBound)},
                                     {QStringLiteral("duplicates_dropped"), qint64(dropped)},
                                     {QStringLiteral("rss_empty_bytes"), rssEmpty},
                                     {QStringLiteral("rss_linked_bytes"), rssLinked},
                                     {QStringLiteral("checkpoints"), jsonCheckpoints},
                                     {QStringLiteral("ok"), !failed},
                                 })
                       .toJson());
    }
    if (failed)
        std::printf("herd-scale: FAILED (see the counts above)\n");
    std::fflush(stdout);
    // Leaving 100 nodes' sockets to the OS: a clean stop of the herd is not
    // what this bench measures, and takes a while.
    std::_Exit(failed ? 1 : 0);
}
