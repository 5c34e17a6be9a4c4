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
#include <functional>
#include <utility>

#include "herd/event.h"

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
// Every history is a ring: historyCapacity() samples (600 = 10 min at 1 s),
// maxUpdates() updates, maxFaultWindows() windows; the oldest goes first.
// The set of clients each node knows mirrors the node's store (it is how a
// client "new to the node" is told from an update), so it is as large as
// the herd's own state and no larger.
//
// Times on the x axis are seconds since startTimeNs() (wall clock).
// Thread affinity: the creating thread.
class HerdStats final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HerdStats)

public:
    static constexpr int DefaultHistoryCapacity = 600; // samples: 10 min at 1 s
    static constexpr int DefaultMaxUpdates = 2000;
    static constexpr int DefaultMaxFaultWindows = 200;
    static constexpr int SampleIntervalMs = 1000;

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

    struct FaultWindow
    {
        enum class Kind { NodeDown, LinkCut, LinkDelay, LinkJitter, LinkFlaky, ClockSkew };
        quint64 id = 0; // stable while the window is kept
        Kind kind = Kind::NodeDown;
        // "Hamilton down", "Alford–Parker cut", "Bolden–Powell +300 ms",
        // "Bolden–Powell ±50 ms", "Alford–Powell flaky, up ~800 ms", "Parker clock +500 ms"
        QString label;
        double startSeconds = 0;
        double endSeconds = 0; // the latest sample time while open
        bool open = true;
    };

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
    }
    double secondsSinceStart(qint64 ns) const { return double(ns - m_startNs) / 1e9; }

    int historyCapacity() const { return m_historyCapacity; }
    void setHistoryCapacity(int samples);
    int maxUpdates() const { return m_maxUpdates; }
    void setMaxUpdates(int updates);
    int maxFaultWindows() const { return m_maxFaultWindows; }
    void setMaxFaultWindows(int windows);

    // The 1 s sampling timer (on by default); tests turn it off and tick.
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
    void restart();

signals:
    // A sample was closed: every series has one more point.
    void sampled();
    // The set of nodes changed: rebuild the per-node series.
    void seriesChanged();

private:
    struct NodeHistory
    {
        std::deque<double> rates;
        std::deque<double> clients;
        int linesThisSample = 0;
        QSet<QByteArray> known; // clients in the node's store
    };
    using UpdateKey = std::pair<QByteArray, qint64>;

    void seed(const HerdSource &herd);
    NodeHistory &ensureNode(const QString &node);
    void onRecordStored(const Event &event);
    void onLinkChanged(const Event &event);
    void openWindow(const QString &key, FaultWindow::Kind kind, const QString &label, qint64 ns);
    void closeWindow(const QString &key, qint64 ns);
    // A per-direction level of a link fault (delay, jitter, flaky) changed
    // to `value` (0: off) on `directions`; the pair's window follows the
    // larger of its two directions.
    void setLinkLevel(QHash<QString, int> &levels, const QList<QString> &directions, int value,
                      const QString &windowKey, FaultWindow::Kind kind, qint64 ns,
                      const std::function<QString(int)> &label);
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
    // so a store costs O(1), not O(nodes), on a big herd.
    struct StoredBy
    {
        QSet<QString> nodes;
        int running = 0;
        quint64 runningEpoch = 0;
    };
    QHash<UpdateKey, StoredBy> m_updateNodes;
    quint64 m_runningEpoch = 0;   // bumped whenever m_running changes
    quint64 m_firstUpdateSeq = 0; // sequence number of m_updates.front()

    std::deque<FaultWindow> m_windows;
    QHash<QString, quint64> m_openWindows; // key ("node:X", "cut:A|B") -> id
    QHash<QString, int> m_linkDelays;      // "A>B" -> ms
    QHash<QString, int> m_linkJitters;     // "A>B" -> ms either way
    QHash<QString, int> m_linkFlaky;       // "A>B" -> mean up time, ms
    QSet<QString> m_cutDirections;         // "A>B"
    quint64 m_nextWindowId = 1;

    qint64 m_startNs = 0;
    qint64 m_lastTickNs = 0;
    int m_historyCapacity = DefaultHistoryCapacity;
    int m_maxUpdates = DefaultMaxUpdates;
    int m_maxFaultWindows = DefaultMaxFaultWindows;
    QTimer m_timer;
};

} // namespace Herd
