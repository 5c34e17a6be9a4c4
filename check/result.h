// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMetaType>
#include <QString>

#include "check/transcript.h"
#include "check/verdict.h"

namespace Herd::Check {

// One rule's verdict at one node (or for the herd), as every report shows it.
struct RuleResult
{
    QString ruleId;
    QString title;
    QString section;
    QString node; // empty for a herd-wide rule
    Verdict verdict;
    Transcript transcript;
    qint64 elapsedMs = 0;

    // "iamat.echo", or "iamat.echo@Alford" for a node's rule.
    QString name() const { return node.isEmpty() ? ruleId : ruleId + u'@' + node; }
};

struct Tally
{
    int passed = 0;
    int failed = 0;
    int notRun = 0;
};
Tally tally(const QList<RuleResult> &results);

} // namespace Herd::Check

Q_DECLARE_METATYPE(Herd::Check::RuleResult)
