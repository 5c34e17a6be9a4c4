// SPDX-License-Identifier: GPL-3.0-or-later
// herd-torture: a herd of `herd --server` processes under faults and load,
// judged only by what can be seen from outside it.
//
// Jepsen's lesson: check the history, not the code path. Nothing here links
// the herd's code. Five processes run the CS 131 topology on 127.0.0.1; each
// link goes through relays of ours (one small TCP forwarder per direction),
// so that a link can be cut and the AT lines on it can be seen. A relay
// holds at most RelayWindowBytes for a slow receiver, so a stopped node
// pushes back on its neighbours' links as it would over TCP; a cut forwards
// what was sent before it, then closes both ends and refuses connections.
// Clients report moving positions in bursts (up to 2,000 IAMATs in one
// write, then a half-close), in steady pipelines and in lines split over
// many writes, all while nodes are killed and restarted, stopped and
// continued, links cut, storms of connections opened and strangers send
// hostile lines. Then everything is healed, and every node is asked about
// every client until all agree or the deadline passes.
//
// The checks (exit 1 names each one that failed, with examples):
// - convergence: within --converge-seconds of healing, every node answers
//   the same AT line for every client, and its time is at least the newest
//   acknowledged one for that client (an IAMAT whose exact AT reply came
//   back), save what the protocol cannot keep (docs/recovery.md): an update
//   that no living node holds any more. Who holds what is known by evidence
//   only: a node that acknowledged (c, t), was seen sending an AT line of c
//   at least that new on a link, or whose kernel took such a line from a
//   relay, holds a record of c at least that new until it dies. When a kill
//   leaves no living node with evidence for an acknowledged time, that time
//   is no longer required ("released"; an update answered while every link
//   of its node was down is one).
// - lost: but a release is a failure if the killed node had acknowledged the
//   update while one of its links was up and carrying its lines (from
//   LinkMarginMs before the acknowledgement until LinkMarginMs after, or
//   until its death), and no line of that client at least that new ever
//   left it: an answered update it never passed on. A node killed while
//   stopped, or just after, is not held to this: its kernel may have reset
//   its links with unread input and dropped what it had not sent yet.
// - connect: no connect() to a running node, in a storm or by a workload
//   client, took over 500 ms (a full listen backlog shows up as 1 s SYN
//   retransmissions). Connects to a node that was stopped or down at any
//   moment of the attempt are not judged: that backlog is our doing.
// - memory: every node's peak VmRSS stayed under --max-rss-mb.
// - exits: no node process ended unless we killed it (and each restarted
//   node listened again within ListenTimeoutMs).
// - replies: every IAMAT reply was its exact AT line, and no node that was
//   up closed a client connection with IAMATs unanswered.
//
// Everything random comes from --seed (printed always), in separate streams
// for the fault schedule, the workload and the strangers, so a failing run
// replays the same schedule. Timing (who is stopped when a burst lands) is
// the machine's, not ours.
//
//   herd-torture [--seconds 60] [--seed N] [--clients 300] [--herd PATH]
//                [--work-dir DIR] [--converge-seconds 60] [--max-rss-mb 512]
//                [--no-faults] [--json FILE] [--verbose]
//
// The run is split by job: torture.cpp (the herd's processes and what the
// clients tell), relay.cpp, clients.cpp, connector.cpp, faults.cpp,
// history.cpp, convergence.cpp (poller.cpp), report.cpp.

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

#include "bench/benchsupport.h"
#include "bench/torture/torture.h"

using HerdTorture::Options;
using HerdTorture::Torture;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    Bench::CommandLine parser(
        "herd-torture",
        QStringLiteral(
            "Runs the 5-node CS 131 herd as separate `herd --server` processes, its links through relays of its "
            "own,\n"
            "under bursts of IAMATs while killing, stopping and restarting nodes, cutting links, opening "
            "connection\n"
            "storms and sending hostile lines; then heals everything and checks that every node converged on "
            "every\n"
            "acknowledged update, that connects stayed fast, memory bounded, and no node exited on its own.\n"
            "Exit status: 0 passed, 1 a check failed, 2 bad command line or the herd could not run."));
    const auto herd =
        parser.option("herd", "the herd executable (default: the herd next to herd-torture)", "PATH");
    const auto seconds = parser.option("seconds", "seconds of faults and load (default 60)", "N", "60");
    const auto seed =
        parser.option("seed", "seed of every random choice (default: from the clock; always printed)", "N");
    const auto clients = parser.option("clients", "distinct client ids (default 300)", "N", "300");
    const auto workDir = parser.option(
        "work-dir", "keep herd files and node output here (default: a temporary directory, kept on failure)",
        "DIR");
    const auto converge = parser.option(
        "converge-seconds", "how long after healing the herd has to converge (default 60)", "N", "60");
    const auto maxRss =
        parser.option("max-rss-mb", "bound on every node's peak resident memory (default 512)", "MB", "512");
    const auto noFaults = parser.option("no-faults", "load only: no kills, stops, cuts, storms or strangers");
    const auto json = parser.option("json", "also write the summary as JSON to FILE", "FILE");
    const auto verbose = parser.option("verbose", "print every fault and step as it happens");
    parser.process(app);

    Options options;
    bool ok = false;
    options.herd = parser.isSet(herd) ? parser.value(herd)
                                      : QCoreApplication::applicationDirPath() + QStringLiteral("/herd");
    if (!QFileInfo(options.herd).isExecutable())
        return parser.fail(
            QStringLiteral("no herd executable at %1 (build it, or give --herd PATH)").arg(options.herd));
    options.seconds = parser.value(seconds).toInt(&ok);
    if (!ok || options.seconds < 1)
        return parser.fail(QStringLiteral("--seconds must be a positive number"));
    options.seed = parser.isSet(seed) ? parser.value(seed).toULongLong(&ok)
                                      : quint64(QDateTime::currentMSecsSinceEpoch());
    if (!ok)
        return parser.fail(QStringLiteral("--seed must be a number"));
    options.clients = parser.value(clients).toInt(&ok);
    if (!ok || options.clients < 1 || options.clients > 100'000)
        return parser.fail(QStringLiteral("--clients must be 1..100000"));
    options.convergeSeconds = parser.value(converge).toInt(&ok);
    if (!ok || options.convergeSeconds < 1)
        return parser.fail(QStringLiteral("--converge-seconds must be a positive number"));
    options.maxRssMb = parser.value(maxRss).toInt(&ok);
    if (!ok || options.maxRssMb < 1)
        return parser.fail(QStringLiteral("--max-rss-mb must be a positive number"));
    options.faults = !parser.isSet(noFaults);
    options.verbose = parser.isSet(verbose);
    options.json = parser.value(json);

    QTemporaryDir temporary(QDir::temp().filePath(QStringLiteral("herd-torture-XXXXXX")));
    QString dir;
    if (parser.isSet(workDir)) {
        dir = QDir(parser.value(workDir)).absolutePath();
        if (!QDir().mkpath(dir))
            return parser.fail(QStringLiteral("cannot make --work-dir %1").arg(dir));
    } else {
        if (!temporary.isValid())
            return parser.fail(QStringLiteral("cannot make a temporary directory"));
        dir = temporary.path();
    }
    // Storms hold 300 descriptors, and the nodes inherit the limit.
    Bench::raiseFileLimit(4096);

    int status = 2;
    {
        Torture torture(options, dir);
        QTimer::singleShot(0, &torture, &Torture::start);
        app.exec();
        status = torture.exitCode();
    }
    if (status != 0 && !parser.isSet(workDir)) {
        temporary.setAutoRemove(false);
        std::printf("herd-torture: herd files and each node's output kept in %s\n", qPrintable(dir));
    }
    return status;
}
