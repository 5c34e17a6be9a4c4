// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMap>
#include <QString>
#include <QStringList>

#include "herd/scenario/scenario.h"
#include "herd/scenario/scenariorunner.h"

namespace Herd {

// The readable report of a scenario run, built a line at a time as steps
// finish, so the headless mode prints it as it goes and a GUI can show the
// same text:
//
//   Scenario: flood-path
//     One update, followed node by node ...
//   Herd: built-in "alford": Alford, Bolden, Hamilton, Parker, Powell; 5 links; resync on
//     +0.000s   1. iamat kiwi at Alford (...): answered AT Alford +0.000081234 ...
//     +0.002s   2. expect Parker holds kiwi (newest sent) within 500 ms: held after 2 ms
//   Summary: 2 steps in 0.004 s; all 1 expectations held; every action done.
//   PASSED
//
// Failed steps are listed again after the summary.
class ScenarioReport final
{
public:
    ScenarioReport(const Scenario &scenario, const HerdConfig &herd);

    QString header() const;
    // When the steps begin; `linksDown` as ScenarioRunner::started() gives it.
    QString startedLine(const QStringList &linksDown) const;
    // Records the result and returns its line (with its note, if any).
    QString stepLine(int index, const StepResult &result);
    // `totalMs`: scenario time at the end.
    QString summary(qint64 totalMs) const;
    bool passed() const;

    // What a step does, in words: "cut Alford -> Parker (one way)".
    static QString describe(const ScenarioStep &step);
    // "+1.234s"
    static QString offset(qint64 ms);

private:
    QString outcomeLine(int index, const StepResult &result) const;

    Scenario m_scenario;
    QString m_herdLine;
    QMap<int, StepResult> m_results;
};

} // namespace Herd
