// SPDX-License-Identifier: GPL-3.0-or-later
#include "check/report/terminalreport.h"

#include "check/report/reportsupport.h"

#include <QLocale>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Herd::Check {

namespace {

constexpr int SlowestShown = 5;

QString indented(const QString &text, const QString &indent)
{
    QString out;
    for (const QString &line : text.split(u'\n')) {
        if (!line.isEmpty())
            out += indent + line + u'\n';
    }
    return out;
}

QString number(double value)
{
    const QLocale english(QLocale::English);
    return value >= 100 ? english.toString(qRound64(value)) : english.toString(value, 'g', 3);
}

} // namespace

QString figureText(const Figure &figure)
{
    QString text = figure.name + u": " + number(figure.value) + u' ' + figure.unit;
    if (figure.reference) {
        text += QStringLiteral(" (Herd: %1 %2").arg(number(*figure.reference), figure.unit);
        if (figure.value > 0 && *figure.reference > 0)
            text += QStringLiteral(", ratio %1").arg(number(figure.value / *figure.reference));
        text += u')';
    }
    return text;
}

QString resultText(const RuleResult &result, int index, int total)
{
    const int width = int(QString::number(total).size());
    QString text = QStringLiteral("[%1/%2] %3 %4  %5 (%6 ms)\n")
                       .arg(index + 1, width)
                       .arg(total)
                       .arg(statusWord(result.verdict.outcome), -7)
                       .arg(result.name(), result.title)
                       .arg(result.elapsedMs);
    const QString indent(width * 2 + 4, u' ');
    switch (result.verdict.outcome) {
    case Verdict::Outcome::Failed:
        text += indented(u"expected: " + result.verdict.expected, indent);
        text += indented(u"got:      " + result.verdict.actual, indent);
        break;
    case Verdict::Outcome::NotRun:
        text += indented(u"why: " + result.verdict.why, indent);
        break;
    case Verdict::Outcome::Passed:
        if (!result.verdict.why.isEmpty())
            text += indented(result.verdict.why, indent);
        break;
    }
    for (const Figure &figure : result.verdict.figures)
        text += indented(figureText(figure), indent);
    return text;
}

QString summaryText(const QList<RuleResult> &results)
{
    QString text;
    QList<const RuleResult *> slowest;
    for (const RuleResult &result : results)
        slowest.append(&result);
    std::sort(slowest.begin(), slowest.end(),
              [](const RuleResult *a, const RuleResult *b) { return a->elapsedMs > b->elapsedMs; });
    if (!slowest.isEmpty()) {
        text += u"\nSlowest:\n"_s;
        for (const RuleResult *result : slowest.first(qMin<qsizetype>(SlowestShown, slowest.size())))
            text += QStringLiteral("  %1 ms  %2\n").arg(result->elapsedMs, 7).arg(result->name());
    }
    for (const RuleResult &result : results) {
        if (!result.verdict.isFailed())
            continue;
        text += QStringLiteral("\nFailed: %1 (%2; docs/protocol.md, \"%3\")\n")
                    .arg(result.name(), result.title, result.section);
        text += indented(u"expected: " + result.verdict.expected, u"  "_s);
        text += indented(u"got:      " + result.verdict.actual, u"  "_s);
        text += u"  transcript (> sent, < received, # note):\n"_s;
        text += indented(result.transcript.text(), u"    "_s);
    }
    const Tally counts = tally(results);
    text += QStringLiteral("\n%1 passed, %2 failed, %3 not run\n")
                .arg(counts.passed)
                .arg(counts.failed)
                .arg(counts.notRun);
    return text;
}

} // namespace Herd::Check
