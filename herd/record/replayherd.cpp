// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/record/replayherd.h"

#include "herd/record/momentview.h"

#include <QRegularExpression>

#include <algorithm>

#include "herd/record/inflight.h"
#include "herd/record/stateevents.h"

using namespace Qt::StringLiterals;

namespace Herd {

std::unique_ptr<ReplayHerd> ReplayHerd::open(const QStringList &paths, QString *error,
                                             const Recording::Progress &progress)
{
    std::optional<Recording> recording = Recording::open(paths, error, progress);
    if (!recording)
        return nullptr;
    const QByteArray herdJson = recording->herdJson();
    if (herdJson.isEmpty()) {
        if (error)
            *error = QStringLiteral("%1: no herd file in it (text logs have none); the window needs a "
                                    "recording made with --record")
                         .arg(paths.join(u", "));
        return nullptr;
    }
    QString reason;
    std::optional<HerdConfig> config = HerdConfig::fromJson(herdJson, &reason);
    if (!config) {
        if (error)
            *error =
                QStringLiteral("%1: the herd in its header does not read: %2").arg(paths.join(u", "), reason);
        return nullptr;
    }
    return std::unique_ptr<ReplayHerd>(new ReplayHerd(std::move(*recording), std::move(*config), paths));
}

ReplayHerd::ReplayHerd(Recording recording, HerdConfig config, QStringList paths)
    : m_recording(std::move(recording))
    , m_config(std::move(config))
    , m_paths(std::move(paths))
    , m_state(m_recording)
{
    for (const QString &node : m_recording.nodes())
        m_stores.insert(node, {});
    // A scenario's herd is recorded with port 0: each node's real port is
    // in its first "listening on HOST:PORT" (a start, or the state a
    // recording began with).
    static const QRegularExpression listening(uR"(listening on \S+:(\d+))"_s);
    for (const Event &event : m_recording.events()) {
        const QRegularExpressionMatch match = listening.match(event.detail);
        if (event.kind != EventKind::NodeStarted || !match.hasMatch())
            continue;
        for (NodeConfig &node : m_config.nodes) {
            if (node.name == event.node && node.port == 0)
                node.port = quint16(match.captured(1).toUInt());
        }
    }
    m_state.seek(m_recording.countUpTo(startNs()));
    m_cursorNs = startNs();
    rebuildStores();
}

ReplayHerd::~ReplayHerd() = default;

std::optional<NodeStatus> ReplayHerd::nodeStatus(const QString &node) const
{
    return nodeStatusIn(moment(), m_config, node);
}

const Store *ReplayHerd::store(const QString &node) const
{
    const auto it = m_stores.constFind(node);
    return it == m_stores.cend() ? nullptr : &*it;
}

QList<InFlightLine> ReplayHerd::linesInFlight() const
{
    return inFlightAt(m_recording, moment(), m_cursorNs);
}

std::optional<LinkState> ReplayHerd::linkState(const QString &from, const QString &to) const
{
    return linkStateIn(moment(), m_config, from, to);
}

// A recording is what happened: nothing can be done to it.
bool ReplayHerd::kill(const QString &)
{
    return false;
}

bool ReplayHerd::restart(const QString &, QString *error)
{
    if (error)
        *error = QStringLiteral("a recording replayed runs no node (Fork Here starts a herd from it)");
    return false;
}

bool ReplayHerd::setLinkCut(const QString &, const QString &, bool, Direction)
{
    return false;
}

bool ReplayHerd::setLinkDelay(const QString &, const QString &, int, Direction)
{
    return false;
}

bool ReplayHerd::setLinkJitter(const QString &, const QString &, int, Direction)
{
    return false;
}

bool ReplayHerd::setLinkFlaky(const QString &, const QString &, int, Direction)
{
    return false;
}

bool ReplayHerd::setClockSkew(const QString &, qint64)
{
    return false;
}

void ReplayHerd::seekTime(qint64 timeNs)
{
    m_cursorNs = std::clamp(timeNs, startNs(), endNs());
    const qsizetype last = m_state.seek(m_recording.countUpTo(m_cursorNs)).eventCount;
    rebuildStores();
    const qsizetype first = std::max(m_recording.countUpTo(m_cursorNs - LeadUpNs), last - MaxLeadUp);
    emit jumped(m_recording.events().mid(first, last - first));
    emit cursorMoved();
}

void ReplayHerd::playTo(qint64 timeNs)
{
    const qint64 target = std::clamp(timeNs, startNs(), endNs());
    if (target < m_cursorNs) {
        seekTime(target);
        return;
    }
    const QList<Event> &events = m_recording.events();
    const qsizetype end = m_recording.countUpTo(target);
    for (qsizetype next = moment().eventCount; next < end; next = moment().eventCount) {
        m_state.seek(next + 1);
        m_cursorNs = std::max(m_cursorNs, events.at(next).timeNs);
        announce(events.at(next));
    }
    m_cursorNs = target;
    emit timeMoved();
    emit cursorMoved();
}

std::optional<HerdPast> ReplayHerd::past(qint64 fromNs)
{
    const qsizetype now = moment().eventCount;
    HerdPast past;
    past.fromNs = std::clamp(fromNs, startNs(), m_cursorNs);
    qsizetype first = m_recording.countUpTo(past.fromNs);
    if (now - first > MaxPast) {
        first = now - MaxPast;
        past.fromNs = m_recording.events().at(first - 1).timeNs;
    }
    // The state there is read as a seek would make it, and put back: the
    // stores keep their addresses, as views hold them.
    const QHash<QString, Store> stores = m_stores;
    const HerdMoment saved = m_state.current(); // a shallow copy
    m_state.seek(first);
    rebuildStores();
    past.state = eventsOfState(*this, past.fromNs);
    for (auto node = moment().nodes.cbegin(); node != moment().nodes.cend(); ++node) {
        if (node->running)
            continue;
        Event stopped;
        stopped.timeNs = past.fromNs;
        stopped.node = node.key();
        stopped.kind = EventKind::NodeStopped;
        past.state.append(stopped);
    }
    m_state.restore(saved);
    for (auto it = stores.cbegin(); it != stores.cend(); ++it)
        m_stores[it.key()] = it.value();
    past.events = m_recording.events().mid(first, now - first);
    return past;
}

bool ReplayHerd::stepToNextMessage()
{
    const QList<Event> &events = m_recording.events();
    const auto next =
        std::find_if(events.cbegin() + moment().eventCount, events.cend(), [](const Event &event) {
            return event.kind == EventKind::LineSent && event.viaPeerLink;
        });
    if (next == events.cend())
        return false;
    playTo(next->timeNs);
    return true;
}

void ReplayHerd::rebuildStores()
{
    for (auto node = moment().nodes.cbegin(); node != moment().nodes.cend(); ++node) {
        Store &store = m_stores[node.key()];
        store.clear();
        for (auto record = node->records.cbegin(); record != node->records.cend(); ++record)
            store.offer(record->toRecord(record.key()));
    }
}

// The store follows the moment, then the event is told as a running herd
// tells it, with the link signals the views listen for.
void ReplayHerd::announce(const Event &event)
{
    followInStore(m_stores, event);
    emit eventOccurred(event);
    for (const auto &[from, to] : linksChangedBy(event, m_config))
        emit linkStateChanged(from, to);
}

} // namespace Herd
