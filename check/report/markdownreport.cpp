// SPDX-License-Identifier: GPL-3.0-or-later
#include "check/report/markdownreport.h"

#include <QFileInfo>
#include <QRegularExpression>

#include "check/report/reportsupport.h"
#include "check/report/terminalreport.h"

using namespace Qt::StringLiterals;

namespace Herd::Check {

namespace {

// Text that Markdown shows as written: its punctuation escaped, so that
// "<node>" is not taken for HTML nor "|" for a table's column, and on one line.
QString inlineText(const QString &text)
{
    QString out;
    for (const QChar c : printable(text)) {
        if (c == u'\n' || c == u'\t')
            out += u' ';
        else if (u"\\`*_[]<>|~#"_s.contains(c))
            out += u'\\' + c;
        else
            out += c;
    }
    return out;
}

// `text` in a fenced block whose fence no run of backticks in it closes.
QString fenced(const QString &text)
{
    static const QRegularExpression Backticks(u"`{3,}"_s);
    qsizetype longest = 2;
    for (const QRegularExpressionMatch &match : Backticks.globalMatch(text))
        longest = qMax(longest, match.capturedLength());
    const QString fence(longest + 1, u'`');
    QString body = printable(text);
    if (!body.endsWith(u'\n'))
        body += u'\n';
    return fence + u"text\n" + body + fence + u"\n\n";
}

QString header(const QList<RuleResult> &results, const RunInfo &info)
{
    const Tally counts = tally(results);
    const QString herd = info.herdName.isEmpty() ? QFileInfo(info.targetPath).fileName() : info.herdName;
    QString out = u"# herd --check report: "_s + inlineText(herd) + u"\n\n"_s;
    out += u"- Herd file: "_s + inlineText(info.targetPath) + u'\n';
    out += u"- Checked: "_s + info.startedAt.toUTC().toString(u"yyyy-MM-dd HH:mm:ss"_s)
        + QStringLiteral(" UTC, in %1 s\n").arg(double(info.elapsedMs) / 1000.0, 0, 'f', 1);
    out += u"- Nodes: "_s + inlineText(info.nodes.join(u", ")) + u'\n';
    out += QStringLiteral("- Result: **%1 passed, %2 failed, %3 not run** (%4 checks)\n")
               .arg(counts.passed)
               .arg(counts.failed)
               .arg(counts.notRun)
               .arg(results.size());
    if (info.cancelled)
        out += u"- The run was stopped before every rule had run.\n"_s;
    return out + u'\n';
}

QString ruleTable(const QList<RuleResult> &results)
{
    QString out = u"## Rules\n\n| # | Rule | Status | Time | What it checks |\n|---:|---|---|---:|---|\n"_s;
    for (qsizetype i = 0; i < results.size(); ++i) {
        const RuleResult &result = results[i];
        out += QStringLiteral("| %1 | %2 | %3 | %4 ms | %5 |\n")
                   .arg(i + 1)
                   .arg(inlineText(result.name()), statusWord(result.verdict.outcome))
                   .arg(result.elapsedMs)
                   .arg(inlineText(result.title));
    }
    return out + u'\n';
}

QString failures(const QList<RuleResult> &results)
{
    QString out;
    for (const RuleResult &result : results) {
        if (!result.verdict.isFailed())
            continue;
        if (out.isEmpty())
            out = u"## Failures\n\n"_s;
        out += QStringLiteral("### %1\n\n%2 (docs/protocol.md, \"%3\")\n\n")
                   .arg(inlineText(result.name()), inlineText(result.title), inlineText(result.section));
        out += fenced(u"expected: "_s + result.verdict.expected + u"\ngot:      "_s + result.verdict.actual);
        out += u"Transcript (`>` sent, `<` received, `#` note):\n\n"_s;
        out +=
            fenced(result.transcript.isEmpty() ? u"(nothing sent or received)"_s : result.transcript.text());
    }
    return out;
}

QString notRun(const QList<RuleResult> &results)
{
    QString out;
    for (const RuleResult &result : results) {
        if (result.verdict.outcome != Verdict::Outcome::NotRun)
            continue;
        if (out.isEmpty())
            out = u"## Not run\n\n"_s;
        out += u"- "_s + inlineText(result.name()) + u": "_s + inlineText(result.verdict.why) + u'\n';
    }
    return out.isEmpty() ? out : out + u'\n';
}

QString figures(const QList<RuleResult> &results)
{
    QString out;
    for (const RuleResult &result : results) {
        for (const Figure &figure : result.verdict.figures) {
            if (out.isEmpty())
                out = u"## Figures\n\n"_s;
            out += u"- "_s + inlineText(result.name()) + u": "_s + inlineText(figureText(figure)) + u'\n';
        }
    }
    return out.isEmpty() ? out : out + u'\n';
}

} // namespace

QByteArray markdownReport(const QList<RuleResult> &results, const RunInfo &info)
{
    const QString text =
        header(results, info) + ruleTable(results) + failures(results) + notRun(results) + figures(results);
    return text.trimmed().toUtf8() + '\n';
}

} // namespace Herd::Check
