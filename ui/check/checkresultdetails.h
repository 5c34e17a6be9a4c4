// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QLabel;
class QPlainTextEdit;

namespace Herd::Check {
struct RuleResult;
}

namespace HerdUi {

// One check result in full, under the Check panel's table: what was
// checked and where, the verdict (expected and got, or why), its figures,
// and the rule's transcript, every byte it sent and received, in the same
// words as herd --check prints them.
class CheckResultDetails final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CheckResultDetails)

public:
    explicit CheckResultDetails(QWidget *parent = nullptr);

    void showResult(const Herd::Check::RuleResult &result);
    // Back to the hint that says what to click.
    void clear();
    QString verdictText() const;
    QString transcriptText() const;

private:
    QLabel *m_verdict;            // owned (child)
    QPlainTextEdit *m_transcript; // owned (child)
};

} // namespace HerdUi
