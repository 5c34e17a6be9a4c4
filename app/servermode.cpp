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

    Herd::Cluster cluster(*config, places.get());
    if (logs) {
        QObject::connect(&cluster, &Herd::Cluster::eventOccurred, logs.get(), &Herd::LogWriter::write);
        // As the nodes' own errors are reported, below.
        QObject::connect(logs.get(), &Herd::LogWriter::writeFailed, &app,
                         [](const QString &node, const QString &message) {
                             printLine(stderr, QStringLiteral("%1: %2").arg(node, message));
                         });
    }
    std::unique_ptr<Herd::Recorder> recorder;
    if (!startRecording(options, cluster, options.nodes.isEmpty() ? config->nodeNames() : options.nodes,
                        &recorder, &error)) {
        printLine(stderr, u"herd: " + error);
        return 1;
    }
    const bool verbose = options.verbose;
    QObject::connect(&cluster, &Herd::Cluster::eventOccurred, &app, [verbose](const Herd::Event &event) {
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
        monitor = std::make_unique<Herd::MonitorServer>(cluster);
        monitor->setToken(config->monitorToken);
        if (!monitor->listen(*monitorAt, &error)) {
            printLine(
                stderr,
                QStringLiteral("herd: monitor: cannot listen on %1: %2").arg(monitorAt->toString(), error));
            return 1;
        }
    }
    if (!cluster.start(options.nodes, &error)) {
        printLine(stderr, u"herd: " + error);
        return 1;
    }
    for (const Herd::Node *node : cluster.nodes()) {
        printLine(stdout,
                  QStringLiteral("%1 listening on %2:%3, neighbours: %4, log: %5")
                      .arg(node->name(), node->settings().host)
                      .arg(node->port())
                      .arg(config->neighboursOf(node->name()).join(u", "),
                           logs ? logs->pathFor(node->name()) : QStringLiteral("off")));
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
                  .arg(cluster.nodes().size())
                  .arg(places->description()));
    int status = app.exec();
    if (!finishRecording(cluster, recorder.get()))
        status = status != 0 ? status : 1; // as a lost log does; stderr said so
    else if (recorder)
        printLine(stdout, QStringLiteral("herd: recording written to %1").arg(recorder->path()));
    cluster.stop();
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
