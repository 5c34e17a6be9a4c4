// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/scenariomode.h"

#include <cstdio>

#include <QCoreApplication>

#include "herd/cluster.h"
#include "herd/config/herdconfig.h"
#include "app/logsetup.h"
#include "herd/log/logwriter.h"
#include "app/options.h"
#include "herd/places/placesfactory.h"
#include "app/recordsetup.h"
#include "herd/scenario/scenario.h"
#include "herd/scenario/scenarioreport.h"
#include "herd/scenario/scenariorunner.h"
#include "app/termination.h"

namespace {

void print(FILE *stream, const QString &text)
{
    std::fputs(qPrintable(text), stream);
    std::fflush(stream);
}

} // namespace

int runScenario(const Options &options)
{
    QString error;
    const std::optional<Herd::Scenario> scenario = Herd::Scenario::fromFile(options.scenarioFile, &error);
    if (!scenario) {
        print(stderr, u"herd: " + error + u'\n');
        return 2;
    }
    Herd::HerdConfig config = scenario->herd;
    applyPlacesOptions(options, &config);
    // The herd lives in this process only: loopback, and ports the OS picks,
    // so a scenario never clashes with a herd already running here.
    for (Herd::NodeConfig &node : config.nodes) {
        node.host = QStringLiteral("127.0.0.1");
        node.port = 0;
    }
    std::unique_ptr<Herd::PlacesSource> places = Herd::makePlacesSource(config.places, &error);
    if (!places) {
        print(stderr, u"herd: places: " + error + u'\n');
        return 2;
    }
    std::unique_ptr<Herd::LogWriter> logs;
    if (!openLogs(options, config.nodeNames(), &logs, &error)) {
        print(stderr, u"herd: " + error + u'\n');
        return 1;
    }
    QCoreApplication &app = *QCoreApplication::instance();
    bool interrupted = false;
    if (!quitOnTerminationSignals(app, [&interrupted] { interrupted = true; })) {
        print(stderr, QStringLiteral("herd: cannot install signal handlers\n"));
        return 1;
    }

    Herd::Cluster cluster(config, places.get());
    if (logs) {
        QObject::connect(&cluster, &Herd::Cluster::eventOccurred, logs.get(), &Herd::LogWriter::write);
        QObject::connect(logs.get(), &Herd::LogWriter::writeFailed, &app,
                         [](const QString &node, const QString &message) {
                             print(stderr, QStringLiteral("%1: %2\n").arg(node, message));
                         });
    }
    std::unique_ptr<Herd::Recorder> recorder;
    if (!startRecording(options, cluster, config.nodeNames(), &recorder, &error)) {
        print(stderr, u"herd: " + error + u'\n');
        return 1;
    }
    const bool verbose = options.verbose;
    QObject::connect(&cluster, &Herd::Cluster::eventOccurred, &app, [verbose](const Herd::Event &event) {
        if (verbose)
            print(stdout, QString::fromUtf8(Herd::LogWriter::formatLine(event)));
        else if (event.kind == Herd::EventKind::Error)
            print(stderr, QStringLiteral("%1: %2\n").arg(event.node, event.detail));
    });
    Herd::ScenarioReport report(*scenario, config);
    print(stdout, report.header());
    if (!cluster.start({}, &error)) {
        print(stderr, u"herd: " + error + u'\n');
        return 1;
    }
    print(stdout,
          logs ? QStringLiteral("Logs: %1/<node>.log\n").arg(options.logDir) : QStringLiteral("Logs: off\n"));

    Herd::ScenarioRunner runner(*scenario, &cluster);
    QObject::connect(&runner, &Herd::ScenarioRunner::started, &app, [&report](const QStringList &linksDown) {
        print(stdout, report.startedLine(linksDown));
    });
    QObject::connect(&runner, &Herd::ScenarioRunner::stepFinished, &app,
                     [&report](int index, const Herd::StepResult &result) {
                         print(stdout, report.stepLine(index, result));
                     });
    QObject::connect(&runner, &Herd::ScenarioRunner::finished, &app, [] { QCoreApplication::quit(); });
    runner.start();
    app.exec();

    if (interrupted) {
        print(stdout,
              QStringLiteral("herd: %1, stopping%2\n")
                  .arg(terminationSignalName(),
                       runner.currentStep() >= 0
                           ? QStringLiteral(" during step %1").arg(runner.currentStep() + 1)
                           : QString()));
    }
    print(stdout, report.summary(runner.clockMs()));
    const bool recorded = finishRecording(cluster, recorder.get());
    if (recorder && recorded)
        print(stdout, QStringLiteral("Recording: %1\n").arg(recorder->path()));
    cluster.stop();
    if (logs)
        logs->flush();
    // Lost log events, or a lost recording, fail the run too; stderr named each as it failed.
    const bool logsWritten = (!logs || !logs->failed()) && recorded;
    return report.passed() && !interrupted && logsWritten ? 0 : 1;
}
