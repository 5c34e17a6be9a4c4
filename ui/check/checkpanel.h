// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace Herd {
class HerdSource;
}
namespace Herd::Check {
class Checker;
}

namespace HerdUi {

class CheckResultDetails;
class CheckResultsModel;

// The window's Check panel: herd --check's rules run against the herd on
// screen ("This herd") or a herd file, with the same checker, so the window
// shows the verdicts the command line prints. Verdicts appear as they come,
// with a progress bar naming the rule under way, and a long run can be
// stopped. Picking a result shows its verdict and transcript, and says
// which clients it used (clientsPicked) so the space-time diagram can pick
// out their messages.
//
// The rules run on the checker's worker thread: the herd on screen goes on
// answering them from this thread. The herd is borrowed and must outlive
// the panel; a run still going when the panel goes is stopped first.
class CheckPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CheckPanel)

public:
    explicit CheckPanel(Herd::HerdSource *herd, QWidget *parent = nullptr);
    ~CheckPanel() override;

    // Herd's executable, for the speed rules' reference figures; empty (the
    // default): the target's figures only.
    void setHerdProgram(const QString &path) { m_herdProgram = path; }
    // What the next run checks: the herd on screen, or a herd file (added to
    // the chooser).
    void setTargetThisHerd();
    void setTargetFile(const QString &path);
    // As herd --check --rules: wildcards over rule ids, separated by commas
    // or spaces; empty: every rule.
    void setRulePatterns(const QString &patterns);

    bool isRunning() const { return m_checker != nullptr; }
    CheckResultsModel *model() const { return m_model; }
    QTableView *resultsView() const { return m_table; }
    CheckResultDetails *details() const { return m_details; }
    QProgressBar *progressBar() const { return m_progress; }
    // "30 passed, 0 failed, 0 not run", and after a stop how many were not
    // checked.
    QString tallyText() const;
    // What the run is doing or why it ended (or could not start).
    QString statusText() const;

public slots:
    // Starts a run with the chosen target and rules; false, with why in the
    // status line, when it cannot start (a herd file that does not load, a
    // pattern that matches no rule).
    bool run();
    // Stops at the next wait of the rule under way; runFinished() follows.
    void stop();

signals:
    // The picked result's clients; empty when nothing is picked or the
    // result is not of the herd on screen.
    void clientsPicked(const QList<QByteArray> &clients);
    void runFinished(bool stopped);

private:
    void chooseTargetFile();
    void onFinished(bool stopped, const QString &error);
    void onCurrentChanged();
    void setStatus(const QString &text, bool problem = false);
    void updateControls();

    Herd::HerdSource *m_herd; // borrowed
    QString m_herdProgram;
    std::unique_ptr<Herd::Check::Checker> m_checker; // during a run only
    bool m_ofThisHerd = false;                       // the results are of the herd on screen
    int m_targetIndex = 0;                           // the chooser's last real choice
    CheckResultsModel *m_model;                      // owned (child), like everything below
    QSortFilterProxyModel *m_sorted;
    QComboBox *m_target;
    QLineEdit *m_rules;
    QPushButton *m_run;
    QPushButton *m_stop;
    QProgressBar *m_progress;
    QLabel *m_status;
    QTableView *m_table;
    CheckResultDetails *m_details;
    QLabel *m_tally;
};

} // namespace HerdUi
