// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

#include "check/result.h"

namespace Herd::Check {

// What the report files share.

// `text` with what a file format cannot hold or a reader would not see
// (control characters but "\n" and "\t", and non-characters such as a lone
// surrogate) written as Transcript::escaped() writes bytes: "\x00", "\r",
// "\uffff". Verdicts and notes are mostly escaped already; this makes sure.
QString printable(const QString &text);
// `bytes` as Transcript::escaped() writes them, on one line ("\n" stays "\n"
// escaped, without the line break after it).
QString escapedLine(const QByteArray &bytes);
// "iamat" for "iamat.echo": the rule's area, as reports group rules.
QString ruleArea(const QString &ruleId);
// "passed", "FAILED" or "not run": a failure stands out in a list.
QString statusWord(Verdict::Outcome outcome);
// The rule's section in docs/protocol.md, as a relative link.
QString sectionLink(const RuleResult &result);

// Writes `contents` to `path` whole or not at all (QSaveFile). False, with
// "PATH: cannot write: REASON" in *error, if it could not.
bool saveReport(const QString &path, const QByteArray &contents, QString *error);

} // namespace Herd::Check
