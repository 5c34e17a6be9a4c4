// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/threaded/threadedherd.h"

#include <QElapsedTimer>
#include <QTimerEvent>

#include <algorithm>

#include "herd/cluster.h"
#include "herd/places/placessource.h"
#include "herd/record/momentview.h"
#include "herd/threaded/herdworker.h"

namespace Herd {

ThreadedHerd::ThreadedHerd(const HerdConfig &config, PlacesFactory places, Records records, QObject *parent)
    : HerdSource(parent)
    , m_config(config)
    , m_places(std::move(places))
    , m_records(records)
{}

ThreadedHerd::~ThreadedHerd()
{
    stop();
}

bool ThreadedHerd::start(int threads, const QStringList &only, QString *error)
{
    stop();
    if (!m_config.hasNodes(only, error))
        return false;
    for (const NodeConfig &node : std::as_const(m_config.nodes)) {
        if (only.isEmpty() || only.contains(node.name))
            m_order.append(node.name);
    }
    QList<QStringList> dealt(std::clamp<qsizetype>(threads, 1, std::max<qsizetype>(m_order.size(), 1)));
    for (qsizetype i = 0; i < m_order.size(); ++i)
        dealt[i % dealt.size()].append(m_order.at(i));
    // The wake-up is posted to this object: if it is gone, it is dropped;
    // if the worker is (a stop came first), there is nothing to take.
    const HerdWorker::Wake wake = [this](HerdWorker *worker) {
        QMetaObject::invokeMethod(
            this,
            [this, worker] {
                if (!m_resumePosted.contains(worker))
                    takeEvents(worker, Pace::Sliced);
            },
            Qt::QueuedConnection);
    };
    for (const QStringList &nodes : std::as_const(dealt)) {
        m_workers.push_back(std::make_unique<HerdWorker>(nodes, wake));
        for (const QString &node : nodes) {
            m_runBy.insert(node, m_workers.back().get());
            if (m_records == Records::Mirrored)
                m_stores.insert(node, {});
        }
    }
    // Every node listens before any links, so every port is known.
    QHash<QString, quint16> ports;
    for (const auto &worker : m_workers) {
        if (!worker->listen(m_config, m_places, error)) {
            stop();
            return false;
        }
        ports.insert(worker->ports());
    }
    for (NodeConfig &node : m_config.nodes) {
        if (ports.contains(node.name))
            node.port = ports.value(node.name);
    }
    // Every node has started (and nothing has crossed a link yet): readers
    // see them running as soon as start() returns.
    for (const auto &worker : m_workers)
        takeEvents(worker.get());
    // What the links do from here on is taken in once this thread's loop
    // turns, not now: a reader that connects to eventOccurred after start()
    // (the window) would otherwise miss a receipt taken in here whose send
    // another thread queued a moment later, and draw that send in flight
    // for good.
    for (const auto &worker : m_workers)
        worker->connectNeighbours(ports);
    return true;
}

void ThreadedHerd::stop()
{
    for (const auto &worker : m_workers) {
        worker->stop();
        takeEvents(worker.get());
    }
    m_workers.clear();
    m_backlogs.clear();
    m_resumePosted.clear();
    m_resumeTimer.stop();
    m_runBy.clear();
    m_order.clear();
}

QStringList ThreadedHerd::nodesOfThread(int index) const
{
    return index >= 0 && index < threadCount() ? m_workers.at(size_t(index))->nodes() : QStringList();
}

std::optional<NodeStatus> ThreadedHerd::nodeStatus(const QString &node) const
{
    std::optional<NodeStatus> status = nodeStatusIn(m_moment, m_config, node);
    if (!status || !m_runBy.contains(node))
        return std::nullopt;
    // Connections are counted from the events: every accepted connection is
    // a client's until a neighbour's link turns out to be one of them.
    for (auto link = m_moment.links.cbegin(); link != m_moment.links.cend(); ++link) {
        if (link.key().second == node && link->up && m_moment.nodes.value(link.key().first).running)
            ++status->neighbourConnections;
    }
    status->clientConnections = std::max(0, m_openConnections.value(node) - status->neighbourConnections);
    return status;
}

const Store *ThreadedHerd::store(const QString &node) const
{
    const auto it = m_stores.constFind(node);
    return it == m_stores.cend() ? nullptr : &*it;
}

std::optional<LinkState> ThreadedHerd::linkState(const QString &from, const QString &to) const
{
    return m_runBy.contains(from) ? linkStateIn(m_moment, m_config, from, to) : std::nullopt;
}

bool ThreadedHerd::kill(const QString &node)
{
    HerdWorker *worker = workerOf(node);
    if (!worker)
        return false;
    bool killed = false;
    worker->run([&](Cluster &cluster) { killed = cluster.kill(node); });
    takeEvents(worker);
    return killed;
}

bool ThreadedHerd::restart(const QString &node, QString *error)
{
    HerdWorker *worker = workerOf(node);
    if (!worker) {
        if (error)
            *error = QStringLiteral("no node named \"%1\" runs here").arg(node);
        return false;
    }
    bool started = false;
    worker->run([&](Cluster &cluster) { started = cluster.restart(node, error); });
    takeEvents(worker);
    return started;
}

bool ThreadedHerd::setLinkFault(const QString &from, const QString &to, Direction direction,
                                const LinkFault &fault)
{
    HerdWorker *sender = workerOf(from);
    HerdWorker *receiver = direction == Direction::Both ? workerOf(to) : nullptr;
    bool changed = false;
    if (sender && (receiver == sender || !receiver)) {
        // One thread holds every direction asked for (or the other end is elsewhere).
        sender->run([&](Cluster &cluster) { changed = fault(cluster, from, to, direction); });
        takeEvents(sender);
        return changed;
    }
    if (sender) {
        sender->run([&](Cluster &cluster) { changed = fault(cluster, from, to, Direction::OneWay); });
        takeEvents(sender);
    }
    if (receiver) {
        bool back = false;
        receiver->run([&](Cluster &cluster) { back = fault(cluster, to, from, Direction::OneWay); });
        takeEvents(receiver);
        changed = changed || back;
    }
    return changed;
}

bool ThreadedHerd::setLinkCut(const QString &from, const QString &to, bool cut, Direction direction)
{
    return setLinkFault(from, to, direction, &HerdSource::setLinkCut, cut);
}

bool ThreadedHerd::setLinkDelay(const QString &from, const QString &to, int delayMs, Direction direction)
{
    return setLinkFault(from, to, direction, &HerdSource::setLinkDelay, delayMs);
}

bool ThreadedHerd::setLinkJitter(const QString &from, const QString &to, int jitterMs, Direction direction)
{
    return setLinkFault(from, to, direction, &HerdSource::setLinkJitter, jitterMs);
}

bool ThreadedHerd::setLinkFlaky(const QString &from, const QString &to, int meanUpMs, Direction direction)
{
    return setLinkFault(from, to, direction, &HerdSource::setLinkFlaky, meanUpMs);
}

bool ThreadedHerd::setClockSkew(const QString &node, qint64 skewMs)
{
    HerdWorker *worker = workerOf(node);
    if (!worker)
        return false;
    bool set = false;
    worker->run([&](Cluster &cluster) { set = cluster.setClockSkew(node, skewMs); });
    takeEvents(worker);
    return set;
}

qsizetype ThreadedHerd::eventsWaiting() const
{
    qsizetype waiting = 0;
    for (const auto &worker : m_workers)
        waiting += worker->queued();
    for (const Backlog &backlog : m_backlogs)
        waiting += backlog.events.size() - backlog.next;
    return waiting;
}

int ThreadedHerd::threadsHeldBack() const
{
    return int(std::count_if(m_workers.cbegin(), m_workers.cend(),
                             [](const auto &worker) { return worker->isHeldBack(); }));
}

void ThreadedHerd::takeEvents(HerdWorker *worker, Pace pace)
{
    const auto known = [this, worker] {
        return std::any_of(m_workers.cbegin(), m_workers.cend(),
                           [worker](const auto &running) { return running.get() == worker; });
    };
    if (!known())
        return;
    QElapsedTimer slice;
    slice.start();
    const qint64 sliceMs = std::max<qint64>(1, SliceMs / qint64(m_workers.size()));
    // All: two batches, what a slice left (or else the queue) and then the
    // queue as it is by then: a busy worker keeps queuing, so not until it
    // is empty. Sliced: batches until the slice (this worker's share of
    // SliceMs) is spent.
    for (int batches = 0; pace == Pace::Sliced || batches < 2; ++batches) {
        // A slot may stop the herd, or take this worker's events itself (a
        // fault set from a view), while we emit: so the batch is ours alone
        // until it is done or the slice ends.
        Backlog batch = m_backlogs.take(worker);
        if (batch.events.isEmpty())
            batch.events = worker->takeEvents();
        if (batch.events.isEmpty())
            return;
        while (batch.next < batch.events.size()) {
            takeIn(batch.events.at(batch.next++));
            if (pace == Pace::Sliced && batch.next % 64 == 0 && slice.elapsed() >= sliceMs
                && batch.next < batch.events.size()) {
                if (!known())
                    return;
                m_backlogs.insert(worker, std::move(batch));
                resumeLater(worker);
                return;
            }
        }
        if (!known())
            return;
        worker->recycle(std::move(batch.events));
    }
}

void ThreadedHerd::resumeLater(HerdWorker *worker)
{
    if (m_resumePosted.contains(worker))
        return;
    m_resumePosted.insert(worker);
    // Not on the loop's next turn: a window fed a slice every turn spent
    // nearly all its time taking events in, and its paints waited behind
    // them (docs/threads.md).
    if (!m_resumeTimer.isActive())
        m_resumeTimer.start(SliceMs, Qt::PreciseTimer, this);
}

void ThreadedHerd::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_resumeTimer.timerId()) {
        HerdSource::timerEvent(event);
        return;
    }
    m_resumeTimer.stop();
    // In the workers' order; a slice may stop the herd and clear both.
    std::vector<HerdWorker *> due;
    for (const auto &worker : m_workers) {
        if (m_resumePosted.remove(worker.get()))
            due.push_back(worker.get());
    }
    for (HerdWorker *worker : due)
        takeEvents(worker, Pace::Sliced);
}

// The mirror follows first, so a view that reads the herd on the event
// sees it as the node left it.
void ThreadedHerd::takeIn(const Event &event)
{
    // The moment keeps no records: the stores hold them, if anything does.
    // On a big herd most events are lines, and they touch neither.
    if (event.kind != EventKind::RecordStored)
        m_moment.apply(event);
    if (m_records == Records::Mirrored)
        followInStore(m_stores, event);
    if (event.kind == EventKind::ClientConnected)
        ++m_openConnections[event.node];
    else if (event.kind == EventKind::ClientDisconnected)
        m_openConnections[event.node] = std::max(0, m_openConnections.value(event.node) - 1);
    else if (event.kind == EventKind::NodeStopped)
        m_openConnections.remove(event.node);
    emit eventOccurred(event);
    for (const auto &[from, to] : linksChangedBy(event, m_config))
        emit linkStateChanged(from, to);
}

} // namespace Herd
