// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/threaded/herdworker.h"

#include "herd/cluster.h"
#include "herd/node/node.h"
#include "herd/places/placessource.h"

namespace Herd {

HerdWorker::HerdWorker(QStringList nodes, Wake wake)
    : m_nodes(std::move(nodes))
    , m_wake(std::move(wake))
    , m_anchor(std::make_unique<QObject>())
{
    m_thread.setObjectName(QStringLiteral("herd: %1").arg(m_nodes.join(u',')));
    m_anchor->moveToThread(&m_thread);
}

HerdWorker::~HerdWorker()
{
    stop();
}

bool HerdWorker::listen(const HerdConfig &config, const PlacesFactory &places, QString *error)
{
    m_thread.start();
    bool listening = false;
    runOnThread([&] {
        m_places = places();
        if (!m_places) {
            if (error)
                *error = QStringLiteral("places: the source could not be made on thread %1")
                             .arg(m_thread.objectName());
            return;
        }
        m_cluster = new Cluster(config, m_places.get());
        QObject::connect(m_cluster, &Cluster::eventOccurred, m_cluster,
                         [this](const Event &event) { queue(event); });
        listening = m_cluster->listen(m_nodes, error);
    });
    return listening;
}

QHash<QString, quint16> HerdWorker::ports()
{
    QHash<QString, quint16> ports;
    run([&](Cluster &cluster) {
        for (const Node *node : cluster.nodes())
            ports.insert(node->name(), node->port());
    });
    return ports;
}

void HerdWorker::connectNeighbours(const QHash<QString, quint16> &ports)
{
    run([&](Cluster &cluster) { cluster.connectNeighbours(ports); });
}

void HerdWorker::run(const std::function<void(Cluster &)> &action)
{
    runOnThread([&] {
        if (m_cluster)
            action(*m_cluster);
    });
}

void HerdWorker::stop()
{
    if (!m_thread.isRunning())
        return;
    runOnThread([this] {
        // Its sockets close on the thread they were opened on.
        if (m_cluster)
            m_cluster->stop();
        delete std::exchange(m_cluster, nullptr);
        m_places.reset();
    });
    m_thread.quit();
    m_thread.wait();
}

QList<Event> HerdWorker::takeEvents()
{
    const QMutexLocker lock(&m_mutex);
    m_taken.wakeAll();
    return std::exchange(m_queue, {});
}

qsizetype HerdWorker::queued() const
{
    const QMutexLocker lock(&m_mutex);
    return m_queue.size();
}

void HerdWorker::recycle(QList<Event> &&events)
{
    events.clear(); // keeps its capacity
    const QMutexLocker lock(&m_mutex);
    if (events.capacity() > m_spare.capacity())
        m_spare.swap(events);
}

void HerdWorker::runOnThread(const std::function<void()> &action)
{
    // A worker waiting for its queue to be taken would wait for us.
    ++m_ownerWaits;
    {
        const QMutexLocker lock(&m_mutex);
        m_taken.wakeAll();
    }
    QMetaObject::invokeMethod(
        m_anchor.get(),
        [&] {
            action();
            handOver();
        },
        Qt::BlockingQueuedConnection);
    --m_ownerWaits;
}

// Every event of the worker's nodes passes here. The batch goes over once
// the loop pass that made it ends (a queued call on this thread), so the
// owner is woken and the lock taken once per pass, not per event.
void HerdWorker::queue(const Event &event)
{
    if (m_pass.isEmpty())
        QMetaObject::invokeMethod(
            m_anchor.get(), [this] { handOver(); }, Qt::QueuedConnection);
    m_pass.append(event);
}

void HerdWorker::handOver()
{
    if (m_pass.isEmpty())
        return;
    bool first = false;
    {
        QMutexLocker lock(&m_mutex);
        while (m_queue.size() >= MaxQueued && m_ownerWaits == 0) {
            m_heldBack = true;
            m_taken.wait(&m_mutex);
        }
        m_heldBack = false;
        first = m_queue.isEmpty();
        if (first) {
            m_queue.swap(m_pass);
            m_pass.swap(m_spare);
        } else {
            m_queue.append(m_pass);
            m_pass.clear();
        }
    }
    // Until the owner takes the queue, later batches join it unannounced.
    if (first)
        m_wake(this);
}

} // namespace Herd
