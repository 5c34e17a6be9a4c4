// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>

#include "check/result.h"
#include "check/runinfo.h"

namespace Herd::Check {

// The report as JUnit XML, for CI servers and graders that read test
// results: one <testsuite> for the run, one <testcase> per result (its
// classname the rule's area, "iamat"; its name "iamat.echo@Alford"). A
// failure's message is what was expected and what came back, its body the
// transcript; a rule not run is <skipped> with the reason. Valid XML
// whatever bytes the transcripts hold.
QByteArray junitReport(const QList<RuleResult> &results, const RunInfo &info);

} // namespace Herd::Check
