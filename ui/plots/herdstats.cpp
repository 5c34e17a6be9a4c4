// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/plots/herdstats.h"

#include <algorithm>

#include "herd/wire/clock.h"
#include "herd/herdsource.h"
#include "herd/node/store.h"
#include "herd/node/node.h"
#include "herd/wire/protocol.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

QString pairKey(const QString &a, const QString &b)
{
    return a < b ? a + u'|' + b : b + u'|' + a;
}

QString pairLabel(const QString &a, const QString &b)
{
    return a < b ? a + u'\u2013' + b : b + u'\u2013' + a;
}

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
    seed(*herd);
    connect(herd, &HerdSource::eventOccurred, this, &HerdStats::record);
    connect(herd, &HerdSource::jumped, this, &HerdStats::restart);
    // Nodes came into sight or went out of it: samples taken before count
    // holders that are no longer seen, or miss those that are.
    connect(herd, &HerdSource::sightChanged, this, &HerdStats::restart);
}

HerdStats::~HerdStats() = default;

void HerdStats::seed(const HerdSource &herd)
{
    setStartTimeNs(herd.nowNs()); // a replay's x axis starts at its cursor
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

void HerdStats::restart()
{
    m_nodes.clear();
    m_history.clear();
    m_running.clear();
    m_sampleTimes.clear();
    m_updates.clear();
    m_updateSeq.clear();
    m_updateNodes.clear();
    m_firstUpdateSeq = 0;
    m_windows.clear();
    m_openWindows.clear();
    m_linkDelays.clear();
    m_linkJitters.clear();
    m_linkFlaky.clear();
    m_cutDirections.clear();
    if (m_herd)
        seed(*m_herd);
    emit seriesChanged();
    emit sampled();
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
    m_maxFaultWindows = std::max(1, windows);
    trim();
}

void HerdStats::setAutoSample(bool on)
{
    if (on)
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
    // A node that appears late has had no lines and no clients so far.
    history.rates.assign(m_sampleTimes.size(), 0.0);
    history.clients.assign(m_sampleTimes.size(), 0.0);
    return *m_history.insert(node, std::move(history));
}

void HerdStats::record(const Event &event)
{
    if (event.node.isEmpty())
        return;
    const qsizetype nodesBefore = m_nodes.size();
    NodeHistory &history = ensureNode(event.node);

    switch (event.kind) {
    case EventKind::LineSent:
    case EventKind::LineReceived:
        ++history.linesThisSample;
        break;
    case EventKind::RecordStored:
        history.known.insert(event.client);
        onRecordStored(event);
        break;
    case EventKind::NodeStopped:
        history.known.clear();
        m_running.remove(event.node);
        ++m_runningEpoch;
        openWindow(u"node:"_s + event.node, FaultWindow::Kind::NodeDown, event.node + u" down"_s,
                   event.timeNs);
        break;
    case EventKind::NodeStarted:
        m_running.insert(event.node);
        ++m_runningEpoch;
        closeWindow(u"node:"_s + event.node, event.timeNs);
        break;
    case EventKind::LinkChanged:
        onLinkChanged(event);
        break;
    default:
        break;
    }
    if (m_nodes.size() != nodesBefore)
        emit seriesChanged();
}

void HerdStats::onRecordStored(const Event &event)
{
    QByteArrayView server;
    qint64 timeNs = 0;
    const bool isAt = atServerAndTime(event.line, &server, &timeNs);
    const UpdateKey key {event.client, isAt ? timeNs : 0};
    auto seq = m_updateSeq.constFind(key);
    Update *update = nullptr;
    if (seq == m_updateSeq.cend()) {
        Update fresh;
        fresh.client = event.client;
        fresh.clientTimeNs = key.second;
        fresh.origin = isAt ? QString::fromUtf8(server) : event.node;
        fresh.firstNs = fresh.lastNs = event.timeNs;
        fresh.startSeconds = secondsSinceStart(event.timeNs);
        m_updateSeq.insert(key, m_firstUpdateSeq + m_updates.size());
        m_updates.push_back(std::move(fresh));
        update = &m_updates.back();
    } else {
        update = &m_updates[size_t(*seq - m_firstUpdateSeq)];
        update->lastNs = std::max(update->lastNs, event.timeNs);
    }
    // Only running nodes count: a node killed after storing it has lost it.
    StoredBy &stored = m_updateNodes[key];
    const qsizetype before = stored.nodes.size();
    stored.nodes.insert(event.node);
    if (stored.runningEpoch != m_runningEpoch) {
        stored.running = 0;
        for (const QString &node : std::as_const(stored.nodes))
            stored.running += m_running.contains(node) ? 1 : 0;
        stored.runningEpoch = m_runningEpoch;
    } else if (stored.nodes.size() != before && m_running.contains(event.node)) {
        ++stored.running;
    }
    update->nodesStored = stored.running;
    update->nodesRunning = int(m_running.size());
    // Only the updates grew: the per-node series need no trim (O(nodes)).
    trimUpdates();
}

void HerdStats::onLinkChanged(const Event &event)
{
    const QString &from = event.node;
    const QString &to = event.peer;
    const bool oneWay = event.detail.contains(u"one way"_s);
    QList<QString> directions {from + u'>' + to};
    if (!oneWay)
        directions.append(to + u'>' + from);
    const QString key = pairKey(from, to);

    if (event.detail.startsWith(u"cut"_s) || event.detail.startsWith(u"restored"_s)) {
        const bool cut = event.detail.startsWith(u"cut"_s);
        for (const QString &direction : std::as_const(directions)) {
            if (cut)
                m_cutDirections.insert(direction);
            else
                m_cutDirections.remove(direction);
        }
        const bool anyCut =
            m_cutDirections.contains(from + u'>' + to) || m_cutDirections.contains(to + u'>' + from);
        if (anyCut)
            openWindow(u"cut:"_s + key, FaultWindow::Kind::LinkCut, pairLabel(from, to) + u" cut"_s,
                       event.timeNs);
        else
            closeWindow(u"cut:"_s + key, event.timeNs);
    } else if (event.detail.startsWith(u"delay"_s)) {
        // "delay 300 ms"
        const int ms = event.detail.section(u' ', 1, 1).toInt();
        setLinkLevel(m_linkDelays, directions, ms, u"delay:"_s + key, FaultWindow::Kind::LinkDelay,
                     event.timeNs,
                     [&](int delay) -> QString { return pairLabel(from, to) + u" +%1 ms"_s.arg(delay); });
    } else if (event.detail.startsWith(u"jitter"_s)) {
        // "jitter +-50 ms"
        const int ms = event.detail.section(u' ', 1, 1).remove(u"+-"_s).toInt();
        setLinkLevel(m_linkJitters, directions, ms, u"jitter:"_s + key, FaultWindow::Kind::LinkJitter,
                     event.timeNs,
                     [&](int jitter) -> QString { return pairLabel(from, to) + u" ±%1 ms"_s.arg(jitter); });
    } else if (event.detail.startsWith(u"flaky"_s)) {
        // "flaky, mean up time 800 ms" or "flaky off"
        const int ms = event.detail.startsWith(u"flaky off"_s) ? 0 : event.detail.section(u' ', 4, 4).toInt();
        setLinkLevel(
            m_linkFlaky, directions, ms, u"flaky:"_s + key, FaultWindow::Kind::LinkFlaky, event.timeNs,
            [&](int mean) -> QString { return pairLabel(from, to) + u" flaky, up ~%1 ms"_s.arg(mean); });
    } else if (event.detail.startsWith(u"clock skew"_s)) {
        // "clock skew +500 ms (clock runs ahead)", on a node: no peer
        const qint64 ms = event.detail.section(u' ', 2, 2).toLongLong();
        const QString skewKey = u"skew:"_s + from;
        // A new skew is a new window: the label names the skew.
        closeWindow(skewKey, event.timeNs);
        if (ms != 0)
            openWindow(skewKey, FaultWindow::Kind::ClockSkew,
                       from + u" clock %1%2 ms"_s.arg(ms > 0 ? u"+"_s : QString()).arg(ms), event.timeNs);
    }
}

void HerdStats::setLinkLevel(QHash<QString, int> &levels, const QList<QString> &directions, int value,
                             const QString &windowKey, FaultWindow::Kind kind, qint64 ns,
                             const std::function<QString(int)> &label)
{
    // Either direction counts for the pair; both set, the larger one.
    const QString &first = directions.constFirst();
    const QString reverse = first.section(u'>', 1) + u'>' + first.section(u'>', 0, 0);
    const auto pairLevel = [&] { return std::max(levels.value(first), levels.value(reverse)); };
    const int before = pairLevel();
    for (const QString &direction : directions) {
        if (value > 0)
            levels.insert(direction, value);
        else
            levels.remove(direction);
    }
    const int level = pairLevel();
    if (level == before)
        return;
    // A new level is a new window: the label names the level.
    closeWindow(windowKey, ns);
    if (level > 0)
        openWindow(windowKey, kind, label(level), ns);
}

void HerdStats::openWindow(const QString &key, FaultWindow::Kind kind, const QString &label, qint64 ns)
{
    if (m_openWindows.contains(key))
        return;
    FaultWindow window;
    window.id = m_nextWindowId++;
    window.kind = kind;
    window.label = label;
    window.startSeconds = secondsSinceStart(ns);
    window.endSeconds = std::max(window.startSeconds, latestSeconds());
    window.open = true;
    m_openWindows.insert(key, window.id);
    m_windows.push_back(window);
    trim();
}

void HerdStats::closeWindow(const QString &key, qint64 ns)
{
    const auto it = m_openWindows.constFind(key);
    if (it == m_openWindows.cend())
        return;
    const quint64 id = *it;
    m_openWindows.erase(it);
    for (FaultWindow &window : m_windows) {
        if (window.id == id) {
            window.open = false;
            window.endSeconds = std::max(window.startSeconds, secondsSinceStart(ns));
            break;
        }
    }
}

void HerdStats::tick()
{
    tickAt(m_herd ? m_herd->nowNs() : wallClockNs());
}

void HerdStats::tickAt(qint64 nowNs)
{
    // A clock that stepped back would give a negative interval; count such
    // a sample over one nominal interval instead.
    const qint64 intervalNs =
        nowNs > m_lastTickNs ? nowNs - m_lastTickNs : qint64(SampleIntervalMs) * 1'000'000;
    m_lastTickNs = nowNs;
    const double seconds = double(intervalNs) / 1e9;
    m_sampleTimes.push_back(secondsSinceStart(nowNs));
    for (const QString &node : std::as_const(m_nodes)) {
        NodeHistory &history = m_history[node];
        history.rates.push_back(history.linesThisSample / seconds);
        history.linesThisSample = 0;
        // With a herd the store is the truth (it also covers records
        // stored before this object existed); otherwise the events are.
        const qsizetype clients =
            m_herd && m_herd->nodeStatus(node) ? m_herd->recordCount(node) : history.known.size();
        history.clients.push_back(double(clients));
    }
    const double now = latestSeconds();
    for (FaultWindow &window : m_windows) {
        if (window.open)
            window.endSeconds = std::max(window.startSeconds, now);
    }
    trim();
    emit sampled();
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
    // Closed windows go first; an open one only when there are too many
    // open ones, as with a partition of a very large herd.
    while (m_windows.size() > size_t(m_maxFaultWindows)) {
        auto victim = std::find_if(m_windows.begin(), m_windows.end(),
                                   [](const FaultWindow &window) { return !window.open; });
        if (victim == m_windows.end())
            victim = m_windows.begin();
        for (auto it = m_openWindows.begin(); it != m_openWindows.end(); ++it) {
            if (*it == victim->id) {
                m_openWindows.erase(it);
                break;
            }
        }
        m_windows.erase(victim);
    }
    // Windows that ended before the oldest sample can no longer be drawn.
    if (!m_sampleTimes.empty()) {
        const double oldest = m_sampleTimes.front();
        std::erase_if(m_windows, [oldest](const FaultWindow &window) {
            return !window.open && window.endSeconds < oldest;
        });
    }
}

void HerdStats::trimUpdates()
{
    while (m_updates.size() > size_t(m_maxUpdates)) {
        const UpdateKey key {m_updates.front().client, m_updates.front().clientTimeNs};
        m_updateSeq.remove(key);
        m_updateNodes.remove(key);
        m_updates.pop_front();
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
    return QList<FaultWindow>(m_windows.begin(), m_windows.end());
}

} // namespace Herd
