// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/checkmode.h"

#include <QCoreApplication>

#include "app/console.h"
#include "app/options.h"
#include "app/termination.h"
#include "check/checker.h"
#include "check/report/reports.h"
#include "check/report/terminalreport.h"

using namespace Herd::Check;

int listCheckRules()
{
    QString section;
    for (const Rule &rule : allRules()) {
        if (rule.section != section) {
            section = rule.section;
            printLine(stdout,
                      QStringLiteral("\n%1 (docs/protocol.md%2)").arg(section, sectionAnchor(section)));
        }
        QString needs;
        if (rule.needs & Rule::NeedsRun)
            needs += QStringLiteral(" [needs run]");
        if (rule.scope == Rule::Scope::Herd)
            needs += QStringLiteral(" [whole herd]");
        printLine(stdout, QStringLiteral("  %1  %2%3").arg(rule.id, -24).arg(rule.title, needs));
    }
    return 0;
}

int runCheck(const Options &options)
{
    QString error;
    std::optional<CheckTarget> target = CheckTarget::load(options.checkFile, &error);
    if (!target) {
        printLine(stderr, u"herd: " + error);
        return 2;
    }
    CheckSettings settings = options.check;
    settings.nodes = options.nodes;
    settings.herdProgram = QCoreApplication::applicationFilePath();
    Checker checker(std::move(*target), settings);
    if (!checker.prepare(&error)) {
        printLine(stderr, u"herd: " + error);
        return 2;
    }
    QCoreApplication &app = *QCoreApplication::instance();
    bool interrupted = false;
    if (!quitOnTerminationSignals(app, [&] {
            interrupted = true;
            printLine(stdout,
                      QStringLiteral("herd: %1, stopping the check and every node it started")
                          .arg(terminationSignalName()));
            checker.cancel();
        }))
        return 1;

    printLine(stdout,
              QStringLiteral("herd --check %1: %2 checks; places for the target at %3")
                  .arg(options.checkFile)
                  .arg(checker.plannedCount())
                  .arg(checker.placesBase()));
    QString stopReason;
    QObject::connect(&checker, &Checker::progress, &app,
                     [](const QString &message) { printLine(stdout, u"- " + message); });
    QObject::connect(&checker, &Checker::ruleFinished, &app,
                     [](const RuleResult &result, int index, int total) {
                         std::fputs(qPrintable(resultText(result, index, total)), stdout);
                         std::fflush(stdout);
                     });
    QObject::connect(&checker, &Checker::finished, &app, [&](bool, const QString &problem) {
        stopReason = problem;
        QCoreApplication::quit();
    });
    checker.start();
    app.exec();
    checker.cancel();
    checker.wait();
    QCoreApplication::sendPostedEvents(); // the last results, queued from the worker

    if (!stopReason.isEmpty()) {
        printLine(stderr, u"herd: " + stopReason);
        return 1;
    }
    const QList<RuleResult> results = checker.results();
    std::fputs(qPrintable(summaryText(results)), stdout);
    std::fflush(stdout);
    if (!writeReports(options.checkReports, results, checker.runInfo(), &error)) {
        printLine(stderr, u"herd: " + error);
        return 1;
    }
    return interrupted || tally(results).failed > 0 ? 1 : 0;
}
