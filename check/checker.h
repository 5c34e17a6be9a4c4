// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QDateTime>
#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <optional>

#include "check/result.h"
#include "check/rule.h"
#include "check/runinfo.h"
#include "check/target.h"

class QThread;

namespace Herd {
class OfflinePlaces;
class PlacesServer;
} // namespace Herd

namespace Herd::Check {

// Runs the rules against a herd under test and reports each verdict as it
// comes. It serves the target Herd's offline places over Google's HTTP API
// (for the {places_url} placeholder) from the thread it was made on, starts
// the nodes that have a `run` block, then runs the rules one at a time on a
// worker thread: rules block on their probes, so the thread it was made on
// stays free (a window stays live, the places server answers). Every node it
// started is stopped when the run ends: finished, failed or cancelled.
//
// Thread affinity: the creating thread, which must run an event loop.
class Checker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Checker)

public:
    Checker(CheckTarget target, CheckSettings settings, QObject *parent = nullptr);
    ~Checker() override; // cancels and waits for the worker

    // Checks the settings against the target and starts the places server.
    // False, with an error worth exit status 2 (an unknown node, a rule
    // pattern that matches nothing), if the run cannot start.
    bool prepare(QString *error);
    // The rules and nodes that will run, as (rule, node) pairs; after prepare().
    int plannedCount() const;
    QList<Rule> rules() const { return m_rules; }
    QString placesBase() const;
    // Starts the run on the worker thread; after prepare().
    void start();
    // Stops at the next probe wait; finished() follows.
    void cancel();
    bool isRunning() const;
    // Blocks until the worker has stopped (and stopped every node it started).
    void wait();
    // What the reports say about the run as a whole.
    RunInfo runInfo() const;

    QList<RuleResult> results() const { return m_results; }

signals:
    // Something about the run as a whole: "starting Alford: python3 ...".
    void progress(const QString &message);
    void ruleStarted(const QString &name, int index, int total);
    void ruleFinished(const Herd::Check::RuleResult &result, int index, int total);
    // `error`: why the run could not go on (a node would not start); empty
    // when every rule ran (or the run was cancelled).
    void finished(bool cancelled, const QString &error);

private:
    void work();
    void onResult(const RuleResult &result);

    CheckTarget m_target;
    CheckSettings m_settings;
    QStringList m_selected;
    QList<Rule> m_rules;
    QList<RuleResult> m_results;
    std::unique_ptr<OfflinePlaces> m_places;
    std::unique_ptr<PlacesServer> m_placesServer;
    std::unique_ptr<QThread> m_thread;
    std::atomic<bool> m_cancelled {false};
    std::optional<bool> m_stopped; // set when the run has finished
    QDateTime m_startedAt;
    QElapsedTimer m_clock;
};

} // namespace Herd::Check
