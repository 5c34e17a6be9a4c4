// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>

#include "check/result.h"
#include "check/runinfo.h"

namespace Herd::Check {

// The report as JSON: everything a run found, every transcript included,
// for tools that grade or compare runs. The schema (docs/check.md, "The
// JSON report"):
//
//   {
//     "format": "herd-check", "version": 1,
//     "run": {"target": PATH, "herd": NAME, "nodes": [NAME...],
//             "startedAt": ISO 8601 UTC, "elapsedMs": N, "stopped": BOOL},
//     "tally": {"total": N, "passed": N, "failed": N, "notRun": N},
//     "results": [{
//       "name": "iamat.echo@Alford", "rule": "iamat.echo", "area": "iamat",
//       "node": NAME or null (a rule for the whole herd), "title": TEXT,
//       "section": TEXT, "sectionLink": "docs/protocol.md#...",
//       "outcome": "passed" | "failed" | "not run",
//       "expected": TEXT, "got": TEXT, "why": TEXT (each "" when not
//         given), "elapsedMs": N,
//       "figures": [{"name": TEXT, "value": NUMBER, "unit": TEXT,
//                    "reference": NUMBER or null (Herd's own figure)}],
//       "transcript": {
//         "entries": [{"atUs": N (from the rule's start),
//                      "direction": "sent" | "received" | "note",
//                      "connection": "c1" ("" for a note),
//                      "bytes": TEXT (escaped: printable ASCII as is,
//                               \n \r \t \\ and \xHH), "size": N}],
//         "omittedBytes": N (past the transcript's cap)}
//     }]
//   }
QByteArray jsonReport(const QList<RuleResult> &results, const RunInfo &info);

} // namespace Herd::Check
