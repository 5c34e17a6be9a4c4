// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QBasicTimer>
#include <QHash>
#include <QSet>
#include <QStringList>

#include <functional>
#include <memory>
#include <vector>

#include "herd/herdsource.h"
#include "herd/node/store.h"
#include "herd/record/herdmoment.h"

namespace Herd {

class HerdWorker;
class PlacesSource;

// The nodes of this process run on N threads (herd --threads N): the
// HerdSource of a herd whose sockets stay off the thread that owns it, so
// that thread (the GUI's, or main's) only reads and draws.
//
// Each thread runs one Cluster with the nodes dealt to it round-robin in
// herd-file order; the threads share no node state and reach each other's
// nodes over loopback TCP exactly as separate processes do. Their events
// come back in batches (one queued wake-up per batch, not per event) and
// are re-emitted here in order per node; what the readers ask (store(),
// nodeStatus(), linkState()) is answered from a HerdMoment kept from those
// events, as a replay answers it (momentview.h). So a reader sees the herd
// as of the last batch taken in, a few event-loop passes behind the nodes.
//
// Batches that arrive on their own are taken in SliceMs at a time (shared
// by the workers): what is left waits SliceMs more, one continuation per
// worker at most, so taking events in has at most half of this thread's
// time and the window keeps painting and answering while the herd makes
// more events than it can read, and falls behind instead (bounded:
// HerdWorker::MaxQueued). A fault, kill or restart takes in everything
// queued first.
//
// Faults, kill and restart go to the thread that runs the node (for a
// link, each direction to its sending node's thread) and block until it
// has applied them; the events they made are taken in before they return,
// so the state read next shows them. A link fault in both directions
// between nodes on two threads is two one-way changes, and the events say
// "(one way)" for each.
//
// Thread affinity: the creating thread. stop() (and the destructor) stops
// the nodes on their threads, joins the threads and takes in their last
// events.
class ThreadedHerd final : public HerdSource
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ThreadedHerd)

public:
    // Measured with herd-guistall on a 100-node herd (docs/threads.md).
    static constexpr int SliceMs = 2;

    // Called once on each worker thread: that thread's places source.
    using PlacesFactory = std::function<std::unique_ptr<PlacesSource>()>;
    // Whether the mirror keeps every node's records. A front end that reads
    // no store (herd --server, herd-scale) spares this thread a copy of
    // every record: then store() is null for every node.
    enum class Records { Mirrored, NotMirrored };

    ThreadedHerd(const HerdConfig &config, PlacesFactory places, Records records = Records::Mirrored,
                 QObject *parent = nullptr);
    ~ThreadedHerd() override;

    // Starts `only` (every node when empty) on `threads` threads (at most one
    // per node). All or nothing, as Cluster::start.
    bool start(int threads, const QStringList &only = {}, QString *error = nullptr);
    void stop();
    int threadCount() const { return int(m_workers.size()); }
    // The nodes that run here, in herd-file order.
    const QStringList &nodeNames() const { return m_order; }
    // The nodes the thread `index` runs.
    QStringList nodesOfThread(int index) const;
    // Events the threads made that this thread has not taken in yet.
    qsizetype eventsWaiting() const;
    // Threads that wait for this one to take their events in (their queue
    // is full: HerdWorker::MaxQueued).
    int threadsHeldBack() const;

    // The herd file with every node's port as it listens.
    const HerdConfig &config() const override { return m_config; }
    std::optional<NodeStatus> nodeStatus(const QString &node) const override;
    const Store *store(const QString &node) const override;
    std::optional<LinkState> linkState(const QString &from, const QString &to) const override;

    bool kill(const QString &node) override;
    bool restart(const QString &node, QString *error = nullptr) override;
    bool setLinkCut(const QString &from, const QString &to, bool cut,
                    Direction direction = Direction::Both) override;
    bool setLinkDelay(const QString &from, const QString &to, int delayMs,
                      Direction direction = Direction::Both) override;
    bool setLinkJitter(const QString &from, const QString &to, int jitterMs,
                       Direction direction = Direction::Both) override;
    bool setLinkFlaky(const QString &from, const QString &to, int meanUpMs,
                      Direction direction = Direction::Both) override;
    bool setClockSkew(const QString &node, qint64 skewMs) override;

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    using LinkFault = std::function<bool(HerdSource &, const QString &, const QString &, Direction)>;

    HerdWorker *workerOf(const QString &node) const { return m_runBy.value(node); }
    bool setLinkFault(const QString &from, const QString &to, Direction direction, const LinkFault &fault);
    // setLinkFault with one of HerdSource's setters and its value.
    template <typename Value>
    bool setLinkFault(const QString &from, const QString &to, Direction direction,
                      bool (HerdSource::*set)(const QString &, const QString &, Value, Direction),
                      Value value)
    {
        return setLinkFault(from, to, direction,
                            [set, value](HerdSource &herd, const QString &a, const QString &b, Direction d) {
                                return (herd.*set)(a, b, value, d);
                            });
    }
    // Takes in the events `worker` has queued, after any left from a slice
    // before: the mirror follows, then each is re-emitted. Sliced: for about
    // SliceMs, then the rest SliceMs later (resumeLater).
    enum class Pace { All, Sliced };
    void takeEvents(HerdWorker *worker, Pace pace = Pace::All);
    // Takes up `worker`'s events SliceMs from now, unless that is already
    // planned.
    void resumeLater(HerdWorker *worker);
    void takeIn(const Event &event);

    HerdConfig m_config;
    PlacesFactory m_places;
    Records m_records;
    std::vector<std::unique_ptr<HerdWorker>> m_workers;
    QHash<QString, HerdWorker *> m_runBy;  // node -> its worker
    QStringList m_order;                   // the nodes run here, in herd-file order
    HerdMoment m_moment;                   // nodes and links; records are in m_stores
    QHash<QString, Store> m_stores;        // made at start: store() pointers stay valid
    QHash<QString, int> m_openConnections; // clients and neighbours' links, by node
    // Per worker: a batch a slice did not finish, and where it stopped.
    struct Backlog
    {
        QList<Event> events;
        qsizetype next = 0;
    };
    QHash<HerdWorker *, Backlog> m_backlogs;
    // Workers whose next slice is posted. A wake finding its worker here
    // leaves the work to that slice: each wake that started a chain of its
    // own let the chains pile up under load, every one taking a slice each
    // turn (a 180 ms turn on a 100-node herd).
    QSet<HerdWorker *> m_resumePosted;
    // Fires the posted slices: one timer for every worker, so the pause
    // after a slice is one, not one per worker.
    QBasicTimer m_resumeTimer;
};

} // namespace Herd
