// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>

#include "check/result.h"
#include "check/runinfo.h"

namespace Herd::Check {

// The report as a Markdown report card, for a student to attach to a
// submission: the herd file and date, the tally, a table of every rule
// ("passed", "FAILED", "not run"), then each failure with what was expected,
// what came back and its transcript in a fenced block, the reasons rules
// were not run, and the figures measured.
QByteArray markdownReport(const QList<RuleResult> &results, const RunInfo &info);

} // namespace Herd::Check
