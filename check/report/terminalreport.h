// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>

#include "check/result.h"

namespace Herd::Check {

// The report on a terminal, in plain text a log file keeps too.

// One line as a rule finishes, "[ 3/84] passed   iamat.echo@Alford  The
// AT line echoes ... (3 ms)", then for a failure "expected:" and "got:"
// lines, for a rule not run its reason, and for figures one line each.
QString resultText(const RuleResult &result, int index, int total);
// After the run: the slowest rules, each failed rule with its transcript,
// and last "N passed, N failed, N not run".
QString summaryText(const QList<RuleResult> &results);
// The figure as a report prints it: "712 IAMAT/s (Herd: 45,210/s, 63.5x)".
QString figureText(const Figure &figure);

} // namespace Herd::Check
