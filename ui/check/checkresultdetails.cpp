// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/check/checkresultdetails.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QVBoxLayout>

#include "check/report/terminalreport.h"
#include "check/result.h"
#include "check/rule.h"

using namespace Qt::StringLiterals;
using Herd::Check::Verdict;

namespace HerdUi {

namespace {

QString row(const QString &name, const QString &value)
{
    return u"<tr><td style='padding-right:8px'><b>"_s + name + u"</b></td><td>"_s
        + value.toHtmlEscaped().replace(u'\n', u"<br>"_s) + u"</td></tr>"_s;
}

} // namespace

CheckResultDetails::CheckResultDetails(QWidget *parent)
    : QWidget(parent)
    , m_verdict(new QLabel(this))
    , m_transcript(new QPlainTextEdit(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_verdict->setTextFormat(Qt::RichText);
    m_verdict->setWordWrap(true);
    m_verdict->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_verdict->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    layout->addWidget(m_verdict);
    m_transcript->setReadOnly(true);
    // Wrapped: the panel is narrow and a line's end (the AT reply's time,
    // say) matters as much as its start.
    m_transcript->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_transcript->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_transcript->setPlaceholderText(tr("The transcript: every line the rule sent (>) and received (<), "
                                        "and its notes (#), with times from its start"));
    layout->addWidget(m_transcript, 1);
    clear();
}

void CheckResultDetails::clear()
{
    m_verdict->setText(tr("Pick a result to see its verdict and transcript; the messages of its clients "
                          "stand out in the space-time diagram."));
    m_transcript->clear();
}

void CheckResultDetails::showResult(const Herd::Check::RuleResult &result)
{
    const Verdict &verdict = result.verdict;
    QString html = u"<p><b>%1</b> %2 in %3 ms: %4</p><table>"_s.arg(
        result.name().toHtmlEscaped(), Herd::Check::outcomeName(verdict.outcome),
        QString::number(result.elapsedMs), result.title.toHtmlEscaped());
    html +=
        row(tr("Protocol"),
            u"docs/protocol.md%1 (\"%2\")"_s.arg(Herd::Check::sectionAnchor(result.section), result.section));
    switch (verdict.outcome) {
    case Verdict::Outcome::Failed:
        html += row(tr("Expected"), verdict.expected) + row(tr("Got"), verdict.actual);
        break;
    case Verdict::Outcome::NotRun:
        html += row(tr("Why"), verdict.why);
        break;
    case Verdict::Outcome::Passed:
        if (!verdict.why.isEmpty())
            html += row(tr("Note"), verdict.why);
        break;
    }
    for (const Herd::Check::Figure &figure : verdict.figures)
        html += row(tr("Figure"), Herd::Check::figureText(figure));
    m_verdict->setText(html + u"</table>"_s);
    m_transcript->setPlainText(result.transcript.isEmpty() ? tr("(the rule opened no connection)")
                                                           : result.transcript.text());
}

QString CheckResultDetails::verdictText() const
{
    return m_verdict->text();
}

QString CheckResultDetails::transcriptText() const
{
    return m_transcript->toPlainText();
}

} // namespace HerdUi
