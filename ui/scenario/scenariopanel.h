// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QTimer>
#include <QWidget>

#include <memory>

class QLabel;
class QTableView;
class QToolButton;

namespace Herd {
class Cluster;
class ScenarioRunner;
struct Scenario;
} // namespace Herd

namespace HerdUi {

class ScenarioStepModel;

// One scenario (or lab) in the window: its name and what it teaches, its
// steps with how each went (pending, running, done, held, FAILED), and
// Play, Pause, Step and Run Again. It runs on the herd the window shows,
// so the topology and the space-time diagram animate every step.
//
// Owns the ScenarioRunner, which borrows the cluster: the window deletes
// its views (this panel among them) before the cluster. Run Again asks the
// window for a fresh herd (runAgainRequested): a scenario starts from a
// herd that knows nothing.
class ScenarioPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScenarioPanel)

public:
    explicit ScenarioPanel(QWidget *parent = nullptr);
    ~ScenarioPanel() override;

    // Shows `scenario`, every step pending, ready to run on `cluster`.
    void setScenario(const Herd::Scenario &scenario, Herd::Cluster *cluster);
    bool hasScenario() const { return m_runner != nullptr; }
    Herd::ScenarioRunner *runner() const { return m_runner.get(); }
    ScenarioStepModel *model() const { return m_model; }
    QTableView *stepsView() const { return m_steps; }
    // "running step 4 of 15 · +1.234 s", "PASSED: 15 steps in 4.0 s", ...
    QString stateText() const;

public slots:
    void play(); // start, or resume after a pause
    void pause();
    void step(); // the next step, then pause

signals:
    void runAgainRequested();
    void finished(bool passed);

private:
    void updateControls();

    std::unique_ptr<Herd::ScenarioRunner> m_runner;
    ScenarioStepModel *m_model; // owned (child)
    QLabel *m_title;            // owned (child), like every widget below
    QLabel *m_description;
    QLabel *m_state;
    QToolButton *m_play;
    QToolButton *m_pause;
    QToolButton *m_step;
    QToolButton *m_again;
    QTableView *m_steps;
    QTimer m_clockTimer; // the state line's clock while running
};

} // namespace HerdUi
