// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <deque>
#include <utility>
#include <vector>

#include "herd/event.h"
#include "ui/plots/faultwindows.h"

namespace Herd {

class HerdSource;

// Bounded time series about a running herd, for the plots: lines per second
// per node, known clients per node, how long each update took to reach every
// running node, and the fault windows (killed nodes, cut or slowed links)
// the plots shade.
//
// Fed with record(); a herd given to the constructor is connected for
// you. A 1 s timer (or tick()/tickAt() from tests, with an injected clock)
// closes the current sample and emits sampled(); seriesChanged() is emitted
// only when the set of nodes changes, so a view rebuilds its series then and
// merely refreshes their data on sampled().
//
// A herd that is not live (a replay) is sampled by its own time instead:
// a sample closes every SampleIntervalMs of HerdSource::nowNs() from the
// start, as its events and timeMoved() pass the boundary, so a replay
// played at any speed gives the same samples and a paused one adds none.
// After a jump the series are made again from the herd's past
// (HerdSource::past): the history's length of time before the cursor.
//
// Every history is a ring: historyCapacity() samples (600 = 10 min at 1 s),
// maxUpdates() updates, maxFaultWindows() windows; the oldest goes first.
// The set of clients each node knows mirrors the node's store (it is how a
// client "new to the node" is told from an update), so it is as large as
// the herd's own state and no larger.
//
// Times on the x axis are seconds since startTimeNs() (wall clock): for a
// replay, the cursor's time when the stats were made (its start), kept
// across jumps.
// Thread affinity: the creating thread.
class HerdStats final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HerdStats)

public:
    static constexpr int DefaultHistoryCapacity = 600; // samples: 10 min at 1 s
    static constexpr int DefaultMaxUpdates = 2000;
    static constexpr int DefaultMaxFaultWindows = FaultWindows::DefaultMaxWindows;
    static constexpr int SampleIntervalMs = 1000;
    static constexpr qint64 SampleIntervalNs = qint64(SampleIntervalMs) * 1'000'000;

    // One update (a client id and its client time) as it spread.
    struct Update
    {
        QByteArray client;
        qint64 clientTimeNs = 0;
        QString origin;          // node that received the IAMAT (the AT line's server)
        qint64 firstNs = 0;      // first RecordStored anywhere (wall clock)
        qint64 lastNs = 0;       // last RecordStored so far
        int nodesStored = 0;     // running nodes that stored it
        int nodesRunning = 0;    // nodes running when it was last stored
        double startSeconds = 0; // firstNs on the x axis
        double convergenceMs() const { return double(lastNs - firstNs) / 1e6; }
        bool reachedAll() const { return nodesStored >= nodesRunning; }
    };

    using FaultWindow = Herd::FaultWindow;

    // Watches the given nodes; all are taken as running until a
    // NodeStopped says otherwise. Nodes seen later in events are added.
    explicit HerdStats(const QStringList &nodes, QObject *parent = nullptr);
    // Watches the herd's nodes (borrowed; must outlive this or be
    // destroyed with it), seeded from their stores, and connects its
    // eventOccurred() to record().
    explicit HerdStats(HerdSource *herd, QObject *parent = nullptr);
    ~HerdStats() override;

    QStringList nodes() const { return m_nodes; }
    bool isRunning(const QString &node) const { return m_running.contains(node); }

    // The x axis origin; set it before any data arrives (tests inject it).
    qint64 startTimeNs() const { return m_startNs; }
    void setStartTimeNs(qint64 ns)
    {
        m_startNs = ns;
        m_lastTickNs = ns;
        m_nextSampleNs = ns + SampleIntervalNs;
    }
    double secondsSinceStart(qint64 ns) const { return double(ns - m_startNs) / 1e9; }

    int historyCapacity() const { return m_historyCapacity; }
    void setHistoryCapacity(int samples);
    int maxUpdates() const { return m_maxUpdates; }
    void setMaxUpdates(int updates);
    int maxFaultWindows() const { return m_faults.maxWindows(); }
    void setMaxFaultWindows(int windows);

    // The 1 s sampling timer (on by default, off for a herd sampled by its
    // own time); tests turn it off and tick.
    void setAutoSample(bool on);
    bool autoSample() const { return m_timer.isActive(); }

    // Oldest first; one entry per closed sample.
    int sampleCount() const { return int(m_sampleTimes.size()); }
    QList<double> sampleTimes() const;
    // Lines in + out per second at `node`, per sample; empty if unknown.
    QList<double> messageRates(const QString &node) const;
    // Clients in the node's store at each sample.
    QList<double> knownClients(const QString &node) const;
    // Seconds of the newest closed sample (0 before the first).
    double latestSeconds() const { return m_sampleTimes.empty() ? 0 : m_sampleTimes.back(); }
    // Whether samples follow the herd's time (a replay) rather than a timer.
    bool followsHerdTime() const { return m_herdTime; }
    // The herd's now on the x axis: a replay's cursor; otherwise the newest sample.
    double nowSeconds() const;

    // Oldest first.
    QList<Update> updates() const;
    int updateCount() const { return int(m_updates.size()); }
    QList<FaultWindow> faultWindows() const;

public slots:
    void record(const Herd::Event &event);
    // Closes the current sample at the herd's now (HerdSource::nowNs), or
    // the wall clock's without a herd.
    void tick();
    // Closes the current sample at `nowNs` (tests inject their clock).
    void tickAt(qint64 nowNs);
    // Forgets every series and starts again from the herd as it is now (its
    // stores, at its nowNs()): the herd jumped to another moment
    // (HerdSource::jumped), and what was sampled before does not lead to it.
    // A herd sampled by its own time is read from its past instead.
    void restart();

signals:
    // A sample was closed: every series has one more point.
    void sampled();
    // The set of nodes changed: rebuild the per-node series.
    void seriesChanged();
    // A herd sampled by its own time moved its now (nowSeconds()).
    void timeMoved();

private:
    struct NodeHistory
    {
        std::deque<double> rates;
        std::deque<double> clients;
        int linesThisSample = 0;
        QSet<QByteArray> known; // clients in the node's store
        int index = 0;          // in m_nodes
    };
    using UpdateKey = std::pair<QByteArray, qint64>;

    void seed(const HerdSource &herd);
    void clear();
    void restartFromPast();
    // Samples up to the herd's now, the open fault windows reaching it.
    void catchUp();
    // Closes a sample at each boundary of the herd's time before `ns` (and
    // at `ns` when `inclusive`); emits sampled() if any closed.
    void sampleUpTo(qint64 ns, bool inclusive);
    void closeSample(qint64 nowNs);
    NodeHistory &ensureNode(const QString &node);
    void onRecordStored(const Event &event, const NodeHistory &history);
    void trim();
    void trimUpdates();

    QPointer<HerdSource> m_herd; // borrowed; may be null
    QStringList m_nodes;         // in the order first seen (herd-file order)
    QHash<QString, NodeHistory> m_history;
    QSet<QString> m_running;
    std::deque<double> m_sampleTimes;

    std::deque<Update> m_updates;
    QHash<UpdateKey, quint64> m_updateSeq; // key -> sequence number
    // The nodes that stored a kept update, and how many of them run: counted
    // as they come while the running set stays as it was (m_runningEpoch),
    // so a store costs O(1), not O(nodes), on a big herd. One per update in
    // m_updates, in the same order; nodes by NodeHistory::index.
    struct StoredBy
    {
        std::vector<bool> nodes;
        int running = 0;
        quint64 runningEpoch = 0;
    };
    std::deque<StoredBy> m_storedBy;
    quint64 m_runningEpoch = 0;   // bumped whenever m_running changes
    quint64 m_firstUpdateSeq = 0; // sequence number of m_updates.front()

    FaultWindows m_faults;

    qint64 m_startNs = 0;
    qint64 m_lastTickNs = 0;
    bool m_herdTime = false;   // sampled by the herd's time, not the timer
    qint64 m_nextSampleNs = 0; // with m_herdTime: the next boundary
    int m_historyCapacity = DefaultHistoryCapacity;
    int m_maxUpdates = DefaultMaxUpdates;
    QTimer m_timer;
};

} // namespace Herd
