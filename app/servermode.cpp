// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/servermode.h"

#include <cstdio>

#include <QCoreApplication>

#include "herd/cluster.h"
#include "herd/config/herdconfig.h"
#include "app/console.h"
#include "app/logsetup.h"
#include "app/monitorsetup.h"
#include "herd/log/logwriter.h"
#include "herd/node/node.h"
#include "app/options.h"
#include "herd/places/placesfactory.h"
#include "herd/threaded/threadedherd.h"
#include "app/recordsetup.h"
#include "app/termination.h"
#include "http/monitorserver.h"

int runServer(const Options &options)
{
    QString error;
    const std::optional<Herd::HerdConfig> config = herdConfigFor(options, &error);
    if (!config) {
        printLine(stderr, u"herd: " + error);
        return 2;
    }
    for (const QString &name : options.nodes) {
        if (!config->node(name)) {
            printLine(stderr,
                      QStringLiteral("herd: --node: no node named \"%1\" in the herd (nodes: %2)")
                          .arg(name, config->nodeNames().join(u", ")));
            return 2;
        }
    }
    std::unique_ptr<Herd::PlacesSource> places = Herd::makePlacesSource(config->places, &error);
    if (!places) {
        printLine(stderr, u"herd: places: " + error);
        return 2;
    }
    const QStringList runHere = options.nodes.isEmpty() ? config->nodeNames() : options.nodes;
    const std::optional<Herd::ListenAddress> monitorAt = monitorAddress(options, *config, runHere, &error);
    if (monitorAt && options.threads > 1) {
        printLine(stderr,
                  QStringLiteral("herd: --threads %1: the nodes run here name a monitor (%2), and a "
                                 "herd on threads has none yet; run with --threads 1")
                      .arg(options.threads)
                      .arg(monitorAt->toString()));
        return 2;
    }
    if ((!monitorAt && !error.isEmpty())
        || (monitorAt && !Herd::MonitorServer::mayListen(*monitorAt, config->monitorToken, &error))) {
        printLine(stderr, u"herd: monitor: " + error);
        return 2;
    }
    std::unique_ptr<Herd::LogWriter> logs;
    if (!openLogs(options, runHere, &logs, &error)) {
        printLine(stderr, u"herd: " + error);
        return 1;
    }
    QCoreApplication &app = *QCoreApplication::instance();
    if (!stopOnTerminationSignals(app))
        return 1;

    // --threads 1 is the herd as it always ran: one Cluster on this thread.
    // More: a ThreadedHerd, each thread with a places source of its own.
    std::unique_ptr<Herd::Cluster> cluster;
    std::unique_ptr<Herd::ThreadedHerd> threaded;
    if (options.threads > 1) {
        threaded = std::make_unique<Herd::ThreadedHerd>(
            *config, [config = *config] { return Herd::makePlacesSource(config.places, nullptr); });
    } else {
        cluster = std::make_unique<Herd::Cluster>(*config, places.get());
    }
    Herd::HerdSource &herd = threaded ? static_cast<Herd::HerdSource &>(*threaded) : *cluster;
    if (logs) {
        QObject::connect(&herd, &Herd::HerdSource::eventOccurred, logs.get(), &Herd::LogWriter::write);
        // As the nodes' own errors are reported, below.
        QObject::connect(logs.get(), &Herd::LogWriter::writeFailed, &app,
                         [](const QString &node, const QString &message) {
                             printLine(stderr, QStringLiteral("%1: %2").arg(node, message));
                         });
    }
    std::unique_ptr<Herd::Recorder> recorder;
    if (!startRecording(options, herd, options.nodes.isEmpty() ? config->nodeNames() : options.nodes,
                        &recorder, &error)) {
        printLine(stderr, u"herd: " + error);
        return 1;
    }
    const bool verbose = options.verbose;
    QObject::connect(&herd, &Herd::HerdSource::eventOccurred, &app, [verbose](const Herd::Event &event) {
        using Herd::EventKind;
        if (verbose) {
            std::fputs(Herd::LogWriter::formatLine(event).constData(), stdout);
            std::fflush(stdout);
            return;
        }
        if (event.kind == EventKind::PeerConnected || event.kind == EventKind::PeerDisconnected) {
            printLine(stdout,
                      QStringLiteral("%1: link to %2 %3")
                          .arg(event.node, event.peer,
                               event.kind == EventKind::PeerConnected
                                   ? QStringLiteral("up")
                                   : QStringLiteral("down (") + event.detail + u')'));
        } else if (event.kind == EventKind::Error
                   || (event.kind == EventKind::Refused && event.node == Herd::MonitorServer::EventNode)) {
            printLine(stderr, QStringLiteral("%1: %2").arg(event.node, event.detail));
        }
    });
    // Before the nodes start, so its counts hold every event; and a monitor
    // that cannot listen stops the herd from starting, as a node would.
    std::unique_ptr<Herd::MonitorServer> monitor;
    if (monitorAt) {
        monitor = std::make_unique<Herd::MonitorServer>(*cluster);
        monitor->setToken(config->monitorToken);
        if (!monitor->listen(*monitorAt, &error)) {
            printLine(
                stderr,
                QStringLiteral("herd: monitor: cannot listen on %1: %2").arg(monitorAt->toString(), error));
            return 1;
        }
    }
    const bool started = threaded ? threaded->start(options.threads, options.nodes, &error)
                                  : cluster->start(options.nodes, &error);
    if (!started) {
        printLine(stderr, u"herd: " + error);
        return 1;
    }
    for (const QString &name : runHere) {
        const std::optional<Herd::NodeStatus> status = herd.nodeStatus(name);
        printLine(stdout,
                  QStringLiteral("%1 listening on %2:%3, neighbours: %4, log: %5")
                      .arg(name, status->host)
                      .arg(status->port)
                      .arg(config->neighboursOf(name).join(u", "),
                           logs ? logs->pathFor(name) : QStringLiteral("off")));
    }
    if (threaded) {
        printLine(stdout,
                  QStringLiteral("herd: on %1 thread(s)%2")
                      .arg(threaded->threadCount())
                      .arg(threaded->threadCount() < options.threads
                               ? QStringLiteral(" (--threads %1: at most one per node)").arg(options.threads)
                               : QString()));
    }
    if (monitor) {
        printLine(stdout,
                  QStringLiteral("herd: monitor on %1 (/metrics, /state, /events; control %2)")
                      .arg(monitor->url(),
                           config->monitorToken.isEmpty() ? QStringLiteral("off: no token")
                                                          : QStringLiteral("with the token")));
    }
    printLine(stdout,
              QStringLiteral("herd: %1 node(s) running; places: %2; stop with Ctrl-C")
                  .arg(runHere.size())
                  .arg(places->description()));
    int status = app.exec();
    if (!finishRecording(herd, recorder.get()))
        status = status != 0 ? status : 1; // as a lost log does; stderr said so
    else if (recorder)
        printLine(stdout, QStringLiteral("herd: recording written to %1").arg(recorder->path()));
    if (threaded)
        threaded->stop();
    else
        cluster->stop();
    if (logs) {
        logs->flush();
        if (logs->failed()) {
            // Events were lost; each lost log was named on stderr as it failed.
            printLine(stdout,
                      QStringLiteral("herd: stopped; logs in %1 flushed, but some could not be written")
                          .arg(options.logDir));
            return status != 0 ? status : 1;
        }
        printLine(stdout, QStringLiteral("herd: stopped; logs flushed to %1").arg(options.logDir));
    } else {
        printLine(stdout, QStringLiteral("herd: stopped"));
    }
    return status;
}
