// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QElapsedTimer>
#include <QMap>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include "herd/event.h"
#include "herd/scenario/scenario.h"
#include "herd/scenario/scenariocheck.h"

namespace Herd {

class Cluster;
class LineRequest;
class Node;

// How one step went.
struct StepResult
{
    bool passed = false;
    // What it did or saw: "answered AT Alford +0.000081234 kiwi ...",
    // "held after 12 ms", "Bolden holds kiwi from 1621464827.9 (expected
    // 1621464830.1) after 2000 ms".
    QString outcome;
    qint64 startedMs = 0; // scenario time when the step started
    qint64 elapsedMs = 0; // how long it took
};

// Runs a scenario's steps, one after another, against a herd it does not
// own (the headless mode's, or the one the GUI shows). Everything happens on
// the event loop: steps wait on timers, clients on their sockets, and
// expectations on the herd's event stream with a deadline, so nothing
// blocks and the herd keeps serving throughout.
//
//   Idle --start()--> Settling --links up (or 10 s)--> Running --last step--> Finished
//                                                      |    ^
//                                         pause()/step |    | resume()/step()
//                                                      v    |
//                                                      Paused
//
// Settling waits (at most SettleTimeoutMs) until every link between running
// nodes that is not cut is connected, so step 1 does not flood into links
// still connecting; the scenario clock starts after it.
//
// Pausing: the live herd cannot pause, so a step in progress always
// finishes; pause() holds back the next step and stops the scenario clock,
// so "at" times stay relative to the scenario. step() runs the next step at
// once (jumping the clock to its time) and pauses after it; while running,
// step() pauses after the step in progress (or the next one, at once).
//
// Thread affinity: the creating thread, which must be the herd's.
class ScenarioRunner final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScenarioRunner)

public:
    static constexpr int SettleTimeoutMs = 10'000;
    static constexpr int ReplyTimeoutMs = 5'000; // an IAMAT's or WHATSAT's reply

    ScenarioRunner(const Scenario &scenario, Cluster *cluster, QObject *parent = nullptr);
    ~ScenarioRunner() override;

    const Scenario &scenario() const { return m_scenario; }

    void start();
    void pause();
    void resume();
    void step();

    bool isPaused() const { return m_paused; }
    bool isStarted() const { return m_phase != Phase::Idle; }
    bool isFinished() const { return m_phase == Phase::Finished; }
    int currentStep() const { return m_current; } // in progress, or -1
    int nextStep() const { return m_next; }
    // Scenario time: ms since the steps began, not counting paused time.
    qint64 clockMs() const;
    const QList<StepResult> &results() const { return m_results; }
    // Every step finished so far passed.
    bool passed() const;

signals:
    // The steps begin. `linksDown`: links ("Alford>Parker") that were still
    // not connected when settling gave up; normally empty.
    void started(const QStringList &linksDown);
    void stepStarted(int index);
    void stepFinished(int index, const Herd::StepResult &result);
    void finished(bool passed);
    void pausedChanged(bool paused);

private:
    enum class Phase { Idle, Settling, Running, Finished };

    void onHerdEvent(const Event &event);
    QStringList linksDown() const;
    void begin(const QStringList &linksDown);
    void scheduleNext();
    qint64 dueMs(int index) const;
    void freezeClock();
    void thawClock();
    void setPaused(bool paused);

    void runStep();
    void runIamat(const ScenarioStep &step, Node *node);
    void runWhatsat(const ScenarioStep &step, Node *node);
    void runFault(const ScenarioStep &step);
    void runExpect(const ScenarioStep &step);
    enum class Moment { First, Change, Deadline };
    void checkExpectation(Moment moment);
    void request(Node *node, const QByteArray &line, bool whatsat);
    void onReply(bool ok, const QByteArray &reply, const QString &error);
    // Ends the step in progress; finishLater() for calls from inside the
    // herd's own signals, so no front end reacts while a node is mid-event.
    // `elapsedMs`: when it was decided, if not now.
    void finishStep(bool passed, const QString &outcome, qint64 elapsedMs = -1);
    void finishLater(bool passed, const QString &outcome);

    Scenario m_scenario;
    QPointer<Cluster> m_cluster; // borrowed; may go away under us
    Phase m_phase = Phase::Idle;
    bool m_paused = false;
    bool m_stepOnce = false; // step(): run one step although paused
    int m_next = 0;
    int m_current = -1;
    QList<StepResult> m_results;

    // The scenario clock: real time since begin() minus m_shiftMs, frozen
    // while paused. step() moves it forward to the next step's time.
    QElapsedTimer m_clock;
    qint64 m_shiftMs = 0;
    qint64 m_frozenAtMs = -1; // real time at which it stopped, or -1
    qint64 m_lastEndMs = 0;   // scenario time the previous step ended

    QTimer m_stepTimer;   // the next step's start
    QTimer m_settleTimer; // gives up waiting for links
    QTimer m_deadline;    // a wait's end, an expectation's window
    QElapsedTimer m_stepClock;
    qint64 m_stepStartMs = 0;
    bool m_watching = false;          // an expectation in progress reads the herd's events
    bool m_finishing = false;         // finishLater() queued
    qint64 m_expectNs = 0;            // Holds, Stale: the client time looked for
    LineRequest *m_request = nullptr; // owned (child), the reply awaited
    // Client -> the newest client time an IAMAT of this scenario got
    // answered with: what "newest" means in holds, stale and agree.
    QMap<QByteArray, qint64> m_newest;
};

} // namespace Herd

Q_DECLARE_METATYPE(Herd::StepResult)
