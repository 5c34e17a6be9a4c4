// SPDX-License-Identifier: GPL-3.0-or-later
#include "check/report/reports.h"

#include "check/report/jsonreport.h"
#include "check/report/junitreport.h"
#include "check/report/markdownreport.h"
#include "check/report/reportsupport.h"

namespace Herd::Check {

bool writeReports(const ReportFiles &files, const QList<RuleResult> &results, const RunInfo &info,
                  QString *error)
{
    using Writer = QByteArray (*)(const QList<RuleResult> &, const RunInfo &);
    const std::pair<QString, Writer> reports[] = {
        {files.junit, junitReport},
        {files.json, jsonReport},
        {files.markdown, markdownReport},
    };
    for (const auto &[path, write] : reports) {
        if (!path.isEmpty() && !saveReport(path, write(results, info), error))
            return false;
    }
    return true;
}

} // namespace Herd::Check
