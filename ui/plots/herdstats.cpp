// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/plots/herdstats.h"

#include <QSignalBlocker>

#include <algorithm>

#include "herd/wire/clock.h"
#include "herd/herdsource.h"
#include "herd/node/store.h"
#include "herd/node/node.h"
#include "herd/wire/protocol.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

QList<double> toList(const std::deque<double> &values)
{
    return QList<double>(values.begin(), values.end());
}

} // namespace

HerdStats::HerdStats(const QStringList &nodes, QObject *parent)
    : QObject(parent)
{
    m_startNs = m_lastTickNs = wallClockNs();
    for (const QString &node : nodes) {
        ensureNode(node);
        m_running.insert(node);
    }
    m_timer.setInterval(SampleIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, qOverload<>(&HerdStats::tick));
    m_timer.start();
}

HerdStats::HerdStats(HerdSource *herd, QObject *parent)
    : HerdStats(QStringList(), parent)
{
    m_herd = herd;
    if (!herd)
        return;
    m_herdTime = !herd->isLive();
    setStartTimeNs(herd->nowNs()); // a replay's x axis starts at its cursor
    if (m_herdTime) {
        m_timer.stop();
        restartFromPast(); // the faults in force at the start are shaded too
    } else {
        seed(*herd);
    }
    connect(herd, &HerdSource::eventOccurred, this, &HerdStats::record);
    connect(herd, &HerdSource::jumped, this, &HerdStats::restart);
    // Nodes came into sight or went out of it: samples taken before count
    // holders that are no longer seen, or miss those that are.
    connect(herd, &HerdSource::sightChanged, this, &HerdStats::restart);
    connect(herd, &HerdSource::timeMoved, this, [this] {
        catchUp();
        emit timeMoved();
    });
}

HerdStats::~HerdStats() = default;

void HerdStats::seed(const HerdSource &herd)
{
    for (const QString &name : herd.config().nodeNames()) {
        if (!herd.nodeStatus(name))
            continue;
        NodeHistory &history = ensureNode(name);
        const Store *store = herd.store(name);
        if (herd.isRunning(name) && store) {
            m_running.insert(name);
            for (auto it = store->records().cbegin(); it != store->records().cend(); ++it)
                history.known.insert(it.key());
        }
    }
}

void HerdStats::clear()
{
    m_nodes.clear();
    m_history.clear();
    m_running.clear();
    m_sampleTimes.clear();
    m_updates.clear();
    m_updateSeq.clear();
    m_storedBy.clear();
    m_firstUpdateSeq = 0;
    m_faults.clear();
}

void HerdStats::restart()
{
    if (m_herdTime) {
        restartFromPast();
        return;
    }
    clear();
    if (m_herd) {
        setStartTimeNs(m_herd->nowNs());
        seed(*m_herd);
    }
    emit seriesChanged();
    emit sampled();
}

// The series a replay played from a history's length before the cursor
// would have: the herd there, then every event since, sampled on the
// same boundaries as playing.
void HerdStats::restartFromPast()
{
    // The boundary at or before `ns`, on the grid from the start.
    const auto boundaryOf = [this](qint64 ns) {
        return m_startNs + std::max<qint64>(0, (ns - m_startNs) / SampleIntervalNs) * SampleIntervalNs;
    };
    const qint64 nowNs = m_herd->nowNs();
    const std::optional<HerdPast> past =
        m_herd->past(boundaryOf(nowNs - qint64(m_historyCapacity) * SampleIntervalNs));
    clear();
    {
        const QSignalBlocker quiet(this); // one refresh for the lot, below
        for (const QString &name : m_herd->config().nodeNames()) {
            if (m_herd->nodeStatus(name))
                ensureNode(name);
        }
        m_lastTickNs = past ? past->fromNs : nowNs;
        m_nextSampleNs = boundaryOf(m_lastTickNs) + SampleIntervalNs;
        if (past) {
            for (const Event &event : past->state) {
                if (event.kind == EventKind::RecordStored)
                    ensureNode(event.node).known.insert(event.client);
                else
                    record(event);
            }
            for (const Event &event : past->events)
                record(event);
        } else {
            seed(*m_herd);
        }
        catchUp();
    }
    emit seriesChanged();
    emit sampled();
    emit timeMoved();
}

void HerdStats::setHistoryCapacity(int samples)
{
    m_historyCapacity = std::max(1, samples);
    trim();
}

void HerdStats::setMaxUpdates(int updates)
{
    m_maxUpdates = std::max(1, updates);
    trim();
}

void HerdStats::setMaxFaultWindows(int windows)
{
    m_faults.setMaxWindows(windows);
}

void HerdStats::setAutoSample(bool on)
{
    if (on && !m_herdTime)
        m_timer.start();
    else
        m_timer.stop();
}

HerdStats::NodeHistory &HerdStats::ensureNode(const QString &node)
{
    auto it = m_history.find(node);
    if (it != m_history.end())
        return *it;
    m_nodes.append(node);
    NodeHistory history;
    history.index = int(m_nodes.size()) - 1;
    // A node that appears late has had no lines and no clients so far.
    history.rates.assign(m_sampleTimes.size(), 0.0);
    history.clients.assign(m_sampleTimes.size(), 0.0);
    return *m_history.insert(node, std::move(history));
}

void HerdStats::record(const Event &event)
{
    if (event.node.isEmpty())
        return;
    sampleUpTo(event.timeNs, false); // by the herd's time: the samples before it close first
    const qsizetype nodesBefore = m_nodes.size();
    NodeHistory &history = ensureNode(event.node);

    switch (event.kind) {
    case EventKind::LineSent:
    case EventKind::LineReceived:
        ++history.linesThisSample;
        break;
    case EventKind::RecordStored:
        history.known.insert(event.client);
        onRecordStored(event, history);
        break;
    case EventKind::NodeStopped:
        history.known.clear();
        m_running.remove(event.node);
        ++m_runningEpoch;
        m_faults.nodeStopped(event.node, secondsSinceStart(event.timeNs), latestSeconds());
        break;
    case EventKind::NodeStarted:
        m_running.insert(event.node);
        ++m_runningEpoch;
        m_faults.nodeStarted(event.node, secondsSinceStart(event.timeNs));
        break;
    case EventKind::LinkChanged:
        m_faults.linkChanged(event, secondsSinceStart(event.timeNs), latestSeconds());
        break;
    default:
        break;
    }
    if (m_nodes.size() != nodesBefore)
        emit seriesChanged();
}

void HerdStats::onRecordStored(const Event &event, const NodeHistory &history)
{
    QByteArrayView server;
    qint64 timeNs = 0;
    const bool isAt = atServerAndTime(event.line, &server, &timeNs);
    const UpdateKey key {event.client, isAt ? timeNs : 0};
    auto seq = m_updateSeq.constFind(key);
    size_t at = 0;
    if (seq == m_updateSeq.cend()) {
        Update fresh;
        fresh.client = event.client;
        fresh.clientTimeNs = key.second;
        fresh.origin = isAt ? QString::fromUtf8(server) : event.node;
        fresh.firstNs = fresh.lastNs = event.timeNs;
        fresh.startSeconds = secondsSinceStart(event.timeNs);
        m_updateSeq.insert(key, m_firstUpdateSeq + m_updates.size());
        at = m_updates.size();
        m_updates.push_back(std::move(fresh));
        m_storedBy.emplace_back();
    } else {
        at = size_t(*seq - m_firstUpdateSeq);
        m_updates[at].lastNs = std::max(m_updates[at].lastNs, event.timeNs);
    }
    Update &update = m_updates[at];
    // Only running nodes count: a node killed after storing it has lost it.
    StoredBy &stored = m_storedBy[at];
    const size_t node = size_t(history.index);
    if (stored.nodes.size() <= node)
        stored.nodes.resize(m_nodes.size());
    const bool added = !stored.nodes[node];
    stored.nodes[node] = true;
    if (stored.runningEpoch != m_runningEpoch) {
        stored.running = 0;
        for (size_t i = 0; i < stored.nodes.size(); ++i)
            stored.running += stored.nodes[i] && m_running.contains(m_nodes.at(qsizetype(i))) ? 1 : 0;
        stored.runningEpoch = m_runningEpoch;
    } else if (added && m_running.contains(event.node)) {
        ++stored.running;
    }
    update.nodesStored = stored.running;
    update.nodesRunning = int(m_running.size());
    // Only the updates grew: the per-node series need no trim (O(nodes)).
    trimUpdates();
}

void HerdStats::tick()
{
    tickAt(m_herd ? m_herd->nowNs() : wallClockNs());
}

void HerdStats::tickAt(qint64 nowNs)
{
    closeSample(nowNs);
    emit sampled();
}

double HerdStats::nowSeconds() const
{
    return m_herdTime && m_herd ? secondsSinceStart(m_herd->nowNs()) : latestSeconds();
}

void HerdStats::catchUp()
{
    sampleUpTo(m_herd->nowNs(), true);
    // The faults in force reach the cursor, not only the last sample.
    m_faults.extendOpen(nowSeconds());
}

void HerdStats::sampleUpTo(qint64 ns, bool inclusive)
{
    const qint64 last = inclusive ? ns : ns - 1; // the latest boundary that closes
    if (!m_herdTime || m_nextSampleNs > last)
        return;
    qint64 due = (last - m_nextSampleNs) / SampleIntervalNs + 1;
    if (due > m_historyCapacity) {
        // A long quiet stretch crossed at once: what comes before the
        // newest historyCapacity() samples would be trimmed as soon as made.
        m_nextSampleNs += (due - m_historyCapacity) * SampleIntervalNs;
        m_lastTickNs = m_nextSampleNs - SampleIntervalNs;
        for (NodeHistory &history : m_history)
            history.linesThisSample = 0;
        due = m_historyCapacity;
    }
    for (; due > 0; --due, m_nextSampleNs += SampleIntervalNs)
        closeSample(m_nextSampleNs);
    emit sampled();
}

void HerdStats::closeSample(qint64 nowNs)
{
    // A clock that stepped back would give a negative interval; count such
    // a sample over one nominal interval instead.
    const qint64 intervalNs = nowNs > m_lastTickNs ? nowNs - m_lastTickNs : SampleIntervalNs;
    m_lastTickNs = nowNs;
    const double seconds = double(intervalNs) / 1e9;
    m_sampleTimes.push_back(secondsSinceStart(nowNs));
    for (const QString &node : std::as_const(m_nodes)) {
        NodeHistory &history = m_history[node];
        history.rates.push_back(history.linesThisSample / seconds);
        history.linesThisSample = 0;
        // With a running herd the store is the truth (it also covers
        // records stored before this object existed); otherwise the
        // events are, and a replay's samples do not depend on when the
        // store was read.
        const bool readStore = m_herd && !m_herdTime && m_herd->nodeStatus(node);
        history.clients.push_back(double(readStore ? m_herd->recordCount(node) : history.known.size()));
    }
    m_faults.extendOpen(latestSeconds());
    trim();
}

void HerdStats::trim()
{
    const auto capacity = size_t(m_historyCapacity);
    while (m_sampleTimes.size() > capacity)
        m_sampleTimes.pop_front();
    for (NodeHistory &history : m_history) {
        while (history.rates.size() > capacity)
            history.rates.pop_front();
        while (history.clients.size() > capacity)
            history.clients.pop_front();
    }
    trimUpdates();
    if (!m_sampleTimes.empty())
        m_faults.dropEndedBefore(m_sampleTimes.front());
}

void HerdStats::trimUpdates()
{
    while (m_updates.size() > size_t(m_maxUpdates)) {
        const UpdateKey key {m_updates.front().client, m_updates.front().clientTimeNs};
        m_updateSeq.remove(key);
        m_updates.pop_front();
        m_storedBy.pop_front();
        ++m_firstUpdateSeq;
    }
}

QList<double> HerdStats::sampleTimes() const
{
    return toList(m_sampleTimes);
}

QList<double> HerdStats::messageRates(const QString &node) const
{
    const auto it = m_history.constFind(node);
    return it == m_history.cend() ? QList<double>() : toList(it->rates);
}

QList<double> HerdStats::knownClients(const QString &node) const
{
    const auto it = m_history.constFind(node);
    return it == m_history.cend() ? QList<double>() : toList(it->clients);
}

QList<HerdStats::Update> HerdStats::updates() const
{
    return QList<Update>(m_updates.begin(), m_updates.end());
}

QList<HerdStats::FaultWindow> HerdStats::faultWindows() const
{
    return QList<FaultWindow>(m_faults.windows().begin(), m_faults.windows().end());
}

} // namespace Herd
