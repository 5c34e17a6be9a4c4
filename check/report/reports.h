// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>

#include "check/result.h"
#include "check/runinfo.h"

namespace Herd::Check {

// The report files a run may write; an empty path: not that one.
struct ReportFiles
{
    QString junit;    // JUnit XML, one testcase per rule and node
    QString json;     // everything, transcripts included
    QString markdown; // a report card to attach to a submission
};

// Writes every report asked for. False, with the first file that could not
// be written and why, otherwise.
bool writeReports(const ReportFiles &files, const QList<RuleResult> &results, const RunInfo &info,
                  QString *error);

} // namespace Herd::Check
