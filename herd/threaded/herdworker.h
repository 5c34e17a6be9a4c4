// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QList>
#include <QMutex>
#include <QStringList>
#include <QThread>
#include <QWaitCondition>

#include <atomic>
#include <functional>
#include <memory>

#include "herd/config/herdconfig.h"
#include "herd/event.h"

namespace Herd {

class Cluster;
class PlacesSource;

// One thread of a ThreadedHerd: a Cluster of some of the herd's nodes, made,
// run and destroyed on a QThread of its own, and the queue its events wait
// in for the owning thread. Every other method is called on the owning
// thread; those that touch the Cluster run on the worker thread and wait.
//
// The queue is bounded: a worker whose queue holds MaxQueued events or more
// waits, at the end of its loop pass, until the owner takes them, so nodes
// that make events faster than the owner reads them (a window drawing a big
// herd) slow down as they would on the owner's own thread, instead of
// queuing without end. It never waits while the owner waits on it (run(),
// stop()).
class HerdWorker final
{
    Q_DISABLE_COPY_MOVE(HerdWorker)

public:
    using PlacesFactory = std::function<std::unique_ptr<PlacesSource>()>;
    // Called on the worker thread when its queue turns non-empty: the owner
    // takes the batch (takeEvents) when its loop comes round.
    using Wake = std::function<void(HerdWorker *)>;
    static constexpr qsizetype MaxQueued = 100'000;

    HerdWorker(QStringList nodes, Wake wake);
    ~HerdWorker();

    const QStringList &nodes() const { return m_nodes; }

    // Starts the thread, and there a Cluster of nodes() listening with no
    // links yet (Cluster::listen). False, with the reason, if a node cannot
    // listen or the places source cannot be made.
    bool listen(const HerdConfig &config, const PlacesFactory &places, QString *error);
    // Each node's port, once listening.
    QHash<QString, quint16> ports();
    void connectNeighbours(const QHash<QString, quint16> &ports);
    // Runs `action` with the Cluster on the worker thread and waits for it.
    void run(const std::function<void(Cluster &)> &action);
    // Stops the nodes and destroys the Cluster on the worker thread, then
    // ends the thread and waits for it. The events it made stay queued.
    void stop();

    QList<Event> takeEvents();
    // Events queued and not yet taken: at most MaxQueued plus one loop pass.
    qsizetype queued() const;
    // Whether the thread waits now for the owner to take its queue.
    bool isHeldBack() const { return m_heldBack; }
    // Gives back a list takeEvents() returned, once read: its memory holds
    // a later batch, so a busy worker does not allocate (and fault in) a
    // fresh buffer for each.
    void recycle(QList<Event> &&events);

private:
    // Runs `action` on the worker thread, then hands over what it made.
    void runOnThread(const std::function<void()> &action);
    // On the worker thread: an event into this pass's batch.
    void queue(const Event &event);
    // On the worker thread: this pass's batch into the shared queue.
    void handOver();

    QStringList m_nodes;
    Wake m_wake;
    QThread m_thread;
    std::unique_ptr<QObject> m_anchor; // lives on m_thread: the target of runOnThread
    Cluster *m_cluster = nullptr;      // made, used and deleted on m_thread
    std::unique_ptr<PlacesSource> m_places;
    QList<Event> m_pass; // the worker thread's own: this loop pass's events
    mutable QMutex m_mutex;
    QList<Event> m_queue;              // guarded by m_mutex
    QList<Event> m_spare;              // guarded by m_mutex: empty, with room
    QWaitCondition m_taken;            // the owner took the queue, or waits on this thread
    std::atomic<int> m_ownerWaits {0}; // owner calls blocked on this thread now
    std::atomic<bool> m_heldBack {false};
};

} // namespace Herd
