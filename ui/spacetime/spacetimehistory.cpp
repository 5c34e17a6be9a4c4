// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/spacetime/spacetimehistory.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace HerdUi {

namespace {

bool isSpace(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

// Up to `max` white-space separated fields of `line`, as views into it.
int fields(const QByteArray &line, QByteArrayView *out, int max)
{
    int count = 0;
    qsizetype i = 0;
    const qsizetype n = line.size();
    while (i < n && count < max) {
        while (i < n && isSpace(line[i]))
            ++i;
        const qsizetype start = i;
        while (i < n && !isSpace(line[i]))
            ++i;
        if (start < i)
            out[count++] = QByteArrayView(line).sliced(start, i - start);
    }
    return count;
}

// What travels between nodes and is drawn as an arrow: AT lines, and the
// SYNC lines of the resync digest exchange.
bool isPeerMessage(const QByteArray &line)
{
    return line.startsWith("AT ") || line.startsWith("SYNC ");
}

// The message `event` reports, from `from` to `to`, sent at the event's time
// as far as is known.
SpaceTimeMessage messageOf(const QString &from, const QString &to, const Herd::Event &event)
{
    SpaceTimeMessage message;
    message.from = from;
    message.to = to;
    message.line = event.line;
    message.resync = event.line.startsWith("SYNC ");
    message.update = SpaceTimeHistory::updateKey(event.line);
    message.client = event.client;
    message.sentNs = event.timeNs;
    return message;
}

} // namespace

SpaceTimeHistory::SpaceTimeHistory(const QStringList &nodes)
{
    setNodes(nodes);
}

void SpaceTimeHistory::setNodes(const QStringList &nodes)
{
    clear();
    m_nodes = nodes;
    m_lane.clear();
    for (int i = 0; i < nodes.size(); ++i)
        m_lane.insert(nodes.at(i), i);
}

void SpaceTimeHistory::setCapacity(int messages, int marks)
{
    m_messageCapacity = std::max(1, messages);
    m_markCapacity = std::max(1, marks);
    while (int(m_messages.size()) > m_messageCapacity)
        evictOldest();
    while (int(m_marks.size()) > m_markCapacity)
        m_marks.pop_front();
}

void SpaceTimeHistory::evictOldest()
{
    const SpaceTimeMessage &oldest = m_messages.front();
    if (oldest.outcome == SpaceTimeMessage::Outcome::InFlight)
        closeOpen(oldest);
    m_messages.pop_front();
    ++m_evicted;
}

void SpaceTimeHistory::closeOpen(const SpaceTimeMessage &message)
{
    auto it = m_open.find({message.fromLane, message.toLane, message.line});
    if (it == m_open.end())
        return;
    auto &ids = it.value();
    const auto at = std::find(ids.begin(), ids.end(), message.id);
    if (at != ids.end()) {
        ids.erase(at);
        --m_openCount;
    }
    if (ids.empty())
        m_open.erase(it);
}

void SpaceTimeHistory::clear()
{
    m_messages.clear();
    m_marks.clear();
    m_open.clear();
    m_openCount = 0;
    m_early.clear();
    m_earlyOrder.clear();
    m_unnamed.clear();
    m_unnamedReceipts.clear();
    m_awaiting.clear();
    m_downtimes.clear();
    m_clocks.clear();
    m_handOffs.clear();
    m_handOffOrder.clear();
    m_evicted = 0;
    m_unmatched = 0;
    m_latestNs = 0;
    m_latestTick = 0;
}

QByteArray SpaceTimeHistory::updateKey(const QByteArray &line)
{
    QByteArrayView parts[6];
    const int count = fields(line, parts, 6);
    int clientField = -1;
    int timeField = -1;
    if (count >= 6 && parts[0] == "AT") {
        clientField = 3;
        timeField = 5;
    } else if (count >= 4 && parts[0] == "IAMAT") {
        clientField = 1;
        timeField = 3;
    } else {
        return {};
    }
    QByteArray key;
    key.reserve(parts[clientField].size() + 1 + parts[timeField].size());
    return key.append(parts[clientField]).append(' ').append(parts[timeField]);
}

const SpaceTimeMessage *SpaceTimeHistory::message(quint64 id) const
{
    if (m_messages.empty() || id < m_messages.front().id || id >= m_nextId)
        return nullptr;
    return &m_messages[size_t(id - m_messages.front().id)];
}

SpaceTimeMessage *SpaceTimeHistory::find(quint64 id)
{
    return const_cast<SpaceTimeMessage *>(std::as_const(*this).message(id));
}

QList<SpaceTimeDowntime> SpaceTimeHistory::downtimes(const QString &node) const
{
    const auto it = m_downtimes.constFind(node);
    if (it == m_downtimes.cend())
        return {};
    return QList<SpaceTimeDowntime>(it->cbegin(), it->cend());
}

QList<quint64> SpaceTimeHistory::messagesOfUpdate(const QByteArray &update) const
{
    QList<quint64> ids;
    if (update.isEmpty())
        return ids;
    for (const SpaceTimeMessage &message : m_messages) {
        if (message.update == update)
            ids.append(message.id);
    }
    return ids;
}

qint64 SpaceTimeHistory::earliestNs() const
{
    qint64 earliest = m_latestNs;
    if (!m_messages.empty())
        earliest = std::min(earliest, m_messages.front().sentNs);
    if (!m_marks.empty())
        earliest = std::min(earliest, m_marks.front().timeNs);
    return earliest;
}

qint64 SpaceTimeHistory::earliestTick() const
{
    // Lamport clocks are not ordered along the ring across nodes; the ring
    // is small enough to look at whole.
    qint64 earliest = m_latestTick;
    for (const SpaceTimeMessage &message : m_messages)
        earliest = std::min(earliest, message.sentTick);
    for (const SpaceTimeMark &mark : m_marks)
        earliest = std::min(earliest, mark.tick);
    return earliest;
}

qint64 SpaceTimeHistory::clockOf(const QString &node) const
{
    return m_clocks.value(node, 0);
}

qint64 SpaceTimeHistory::tick(const QString &node, qint64 atLeast)
{
    qint64 &clock = m_clocks[node];
    clock = std::max(clock, atLeast) + 1;
    m_latestTick = std::max(m_latestTick, clock);
    return clock;
}

bool SpaceTimeHistory::addEvent(const Herd::Event &event)
{
    using Herd::EventKind;
    if (!m_lane.contains(event.node))
        return false;
    switch (event.kind) {
    case EventKind::LineSent:
        if (!event.viaPeerLink || !m_lane.contains(event.peer) || event.peer == event.node
            || !isPeerMessage(event.line))
            return false;
        onSent(event);
        break;
    case EventKind::SendSkipped:
        if (!m_lane.contains(event.peer) || !isPeerMessage(event.line))
            return false;
        onSkipped(event);
        break;
    case EventKind::LineReceived: {
        // Whatever came before is settled: the core reports a record's
        // outcome in the same call as the line that carried it.
        m_awaiting.remove(event.node);
        if (!isPeerMessage(event.line) && !event.line.startsWith("IAMAT "))
            return false;
        onReceived(event);
        break;
    }
    case EventKind::RecordStored:
    case EventKind::RecordDropped:
        onOutcome(event, event.kind == EventKind::RecordStored);
        if (event.kind == EventKind::RecordStored)
            rememberHandOff(event);
        break;
    case EventKind::NodeStarted:
    case EventKind::NodeStopped:
        onNodeState(event, event.kind == EventKind::NodeStarted);
        break;
    case EventKind::LinkChanged:
        // No peer: a fault of the node itself (its clock).
        if (!event.peer.isEmpty() && !m_lane.contains(event.peer))
            return false;
        onLinkChanged(event);
        break;
    default:
        return false;
    }
    m_latestNs = std::max(m_latestNs, event.timeNs);
    return true;
}

void SpaceTimeHistory::push(SpaceTimeMessage message)
{
    if (int(m_messages.size()) >= m_messageCapacity)
        evictOldest();
    message.id = m_nextId++;
    message.fromLane = laneOf(message.from);
    message.toLane = laneOf(message.to);
    m_messages.push_back(std::move(message));
}

void SpaceTimeHistory::addMark(SpaceTimeMark mark)
{
    if (int(m_marks.size()) >= m_markCapacity)
        m_marks.pop_front();
    m_marks.push_back(std::move(mark));
    ++m_markSerial;
}

void SpaceTimeHistory::rememberHandOff(const Herd::Event &event)
{
    const LineKey key {laneOf(event.node), -1, event.line};
    const quint64 serial = ++m_handOffSerial;
    m_handOffs.insert(key, {event.timeNs, serial});
    m_handOffOrder.emplace_back(key, serial);
    while (int(m_handOffOrder.size()) > MaxHandOffs) {
        const auto &[oldKey, oldSerial] = m_handOffOrder.front();
        const auto it = m_handOffs.constFind(oldKey);
        if (it != m_handOffs.cend() && it->serial == oldSerial) // not stored again since
            m_handOffs.erase(it);
        m_handOffOrder.pop_front();
    }
}

void SpaceTimeHistory::setSendTimes(SpaceTimeMessage &message, const Herd::Event &event) const
{
    message.sentNs = event.timeNs;
    message.writtenNs = -1;
    // A peer link reports a line that waited on the link (a delay, or a socket
    // behind) as "delayed" or "queued" when it is written at last: it left
    // the node when the node stored the record. Any other detail says why
    // it was sent (a resync handing over an old record): kept for the tooltip.
    if (event.detail == u"delayed"_s || event.detail == u"queued"_s) {
        const auto handOff = m_handOffs.constFind({laneOf(event.node), -1, event.line});
        if (handOff != m_handOffs.cend() && handOff->timeNs <= event.timeNs) {
            message.sentNs = handOff->timeNs;
            message.writtenNs = event.timeNs;
        }
    } else if (!event.detail.isEmpty()) {
        message.note = event.detail;
    }
}

bool SpaceTimeHistory::completeEarlyReceipt(const Herd::Event &event)
{
    auto it = m_early.find({laneOf(event.node), laneOf(event.peer), event.line});
    if (it == m_early.end())
        return false;
    SpaceTimeMessage *message = nullptr;
    // Arrivals evicted from the ring since are skipped.
    while (!message && !it->empty()) {
        message = find(it->front());
        it->remove(0);
    }
    if (it->empty())
        m_early.erase(it);
    if (!message)
        return false;
    setSendTimes(*message, event);
    message->sendSeen = true;
    message->sentTick = tick(event.node);
    orderAfterSend(*message);
    --m_unmatched;
    return true;
}

void SpaceTimeHistory::orderAfterSend(SpaceTimeMessage &message)
{
    if (message.receivedTick > message.sentTick)
        return;
    message.receivedTick = message.sentTick + 1;
    qint64 &clock = m_clocks[message.to];
    clock = std::max(clock, message.receivedTick);
    m_latestTick = std::max(m_latestTick, clock);
}

void SpaceTimeHistory::rememberUnnamedReceipt(const Herd::Event &event)
{
    UnnamedReceipt receipt;
    receipt.serial = ++m_unnamedSerial;
    receipt.key = {-1, laneOf(event.node), event.line};
    receipt.client = event.client;
    receipt.receivedNs = event.timeNs;
    receipt.receivedTick = tick(event.node);
    m_unnamed[receipt.key].append(receipt.serial);
    m_unnamedReceipts.push_back(std::move(receipt));
    if (!event.line.startsWith("SYNC "))
        m_awaiting.insert(event.node, {0, 0, m_unnamedSerial});
    if (int(m_unnamedReceipts.size()) <= MaxEarlyReceipts)
        return;
    const UnnamedReceipt &oldest = m_unnamedReceipts.front();
    const auto it = m_unnamed.find(oldest.key);
    if (it != m_unnamed.end()) {
        const auto at = std::find(it->begin(), it->end(), oldest.serial);
        if (at != it->end())
            it->erase(at); // not completed since
        if (it->empty())
            m_unnamed.erase(it);
    }
    m_unnamedReceipts.pop_front();
}

SpaceTimeHistory::UnnamedReceipt *SpaceTimeHistory::unnamedReceipt(quint64 serial)
{
    if (m_unnamedReceipts.empty() || serial < m_unnamedReceipts.front().serial || serial > m_unnamedSerial)
        return nullptr;
    return &m_unnamedReceipts[size_t(serial - m_unnamedReceipts.front().serial)];
}

bool SpaceTimeHistory::completeUnnamedReceipt(const Herd::Event &event)
{
    const int toLane = laneOf(event.peer);
    auto it = m_unnamed.find({-1, toLane, event.line});
    if (it == m_unnamed.end())
        return false;
    UnnamedReceipt *receipt = nullptr;
    quint64 serial = 0;
    while (!receipt && !it->empty()) {
        serial = it->front();
        receipt = unnamedReceipt(serial);
        it->remove(0);
    }
    if (it->empty())
        m_unnamed.erase(it);
    if (!receipt)
        return false;
    SpaceTimeMessage message = messageOf(event.node, event.peer, event);
    setSendTimes(message, event);
    message.client = receipt->client;
    message.sentTick = tick(event.node);
    message.receivedNs = receipt->receivedNs;
    message.receivedTick = receipt->receivedTick;
    message.outcome = receipt->outcome;
    orderAfterSend(message);
    push(std::move(message));
    --m_unmatched;
    // Its outcome may still be to come.
    const auto awaiting = m_awaiting.find(event.peer);
    if (awaiting != m_awaiting.end() && awaiting->unnamed == serial)
        *awaiting = {m_messages.back().id, 0, 0};
    return true;
}

void SpaceTimeHistory::rememberEarlyReceipt(const SpaceTimeMessage &arrival)
{
    const LineKey key {arrival.fromLane, arrival.toLane, arrival.line};
    m_early[key].append(arrival.id);
    m_earlyOrder.emplace_back(key, arrival.id);
    while (int(m_earlyOrder.size()) > MaxEarlyReceipts) {
        const auto &[oldKey, oldId] = m_earlyOrder.front();
        const auto it = m_early.find(oldKey);
        if (it != m_early.end()) {
            const auto at = std::find(it->begin(), it->end(), oldId);
            if (at != it->end())
                it->erase(at); // not completed since
            if (it->empty())
                m_early.erase(it);
        }
        m_earlyOrder.pop_front();
    }
}

void SpaceTimeHistory::onSent(const Herd::Event &event)
{
    if (completeEarlyReceipt(event) || completeUnnamedReceipt(event))
        return;
    SpaceTimeMessage message = messageOf(event.node, event.peer, event);
    setSendTimes(message, event);
    message.sentTick = tick(event.node);
    push(std::move(message));
    const SpaceTimeMessage &sent = m_messages.back();
    m_open[{sent.fromLane, sent.toLane, sent.line}].append(sent.id);
    ++m_openCount;
}

void SpaceTimeHistory::onSkipped(const Herd::Event &event)
{
    SpaceTimeMessage message = messageOf(event.node, event.peer, event);
    message.sentTick = tick(event.node);
    message.outcome = SpaceTimeMessage::Outcome::NotSent;
    message.note = event.detail;
    push(std::move(message));
}

void SpaceTimeHistory::onReceived(const Herd::Event &event)
{
    const QString &to = event.node;
    if (event.line.startsWith("IAMAT ")) {
        if (event.viaPeerLink)
            return;
        SpaceTimeMark mark;
        mark.kind = SpaceTimeMark::Kind::Iamat;
        mark.node = to;
        mark.update = updateKey(event.line);
        mark.client = event.client;
        mark.timeNs = event.timeNs;
        mark.tick = tick(to);
        addMark(std::move(mark));
        m_awaiting.insert(to, {0, m_markSerial});
        return;
    }
    if (!event.viaPeerLink)
        return;

    // The oldest open send of this line to this node: from the named
    // sender, or, when the receiver could not tell, from any node.
    auto take = [this](const LineKey &key) -> quint64 {
        auto it = m_open.find(key);
        if (it == m_open.end() || it->empty())
            return 0;
        const quint64 id = it->front();
        it->remove(0);
        if (it->empty())
            m_open.erase(it);
        --m_openCount;
        return id;
    };
    quint64 id = 0;
    const int toLane = laneOf(to);
    if (m_lane.contains(event.peer)) {
        id = take({laneOf(event.peer), toLane, event.line});
    } else {
        quint64 oldest = 0;
        LineKey oldestKey;
        for (int fromLane = 0; fromLane < m_nodes.size(); ++fromLane) {
            const LineKey key {fromLane, toLane, event.line};
            const auto it = m_open.constFind(key);
            if (it != m_open.cend() && !it->empty() && (oldest == 0 || it->front() < oldest)) {
                oldest = it->front();
                oldestKey = key;
            }
        }
        if (oldest != 0)
            id = take(oldestKey);
    }

    SpaceTimeMessage *message = id ? find(id) : nullptr;
    if (!message) {
        // Its send is not in this history (yet): a sender in another
        // process, one evicted from the ring, or one whose events have not
        // reached the window yet. Drawn as an arrival until its send comes.
        ++m_unmatched;
        if (!m_lane.contains(event.peer)) {
            rememberUnnamedReceipt(event);
            return;
        }
        SpaceTimeMessage arrival = messageOf(event.peer, to, event);
        arrival.sentTick = tick(to, clockOf(event.peer));
        arrival.receivedNs = event.timeNs;
        arrival.receivedTick = arrival.sentTick;
        arrival.outcome = SpaceTimeMessage::Outcome::Received;
        arrival.sendSeen = false;
        const bool resync = arrival.resync;
        push(std::move(arrival));
        rememberEarlyReceipt(m_messages.back());
        if (!resync)
            m_awaiting.insert(to, {m_messages.back().id, 0});
        return;
    }
    message->receivedNs = event.timeNs;
    message->receivedTick = tick(to, message->sentTick);
    message->outcome = SpaceTimeMessage::Outcome::Received;
    // A SYNC line has no outcome to wait for: no record travels in it.
    if (!message->resync)
        m_awaiting.insert(to, {message->id, 0});
}

void SpaceTimeHistory::onOutcome(const Herd::Event &event, bool stored)
{
    const Awaiting awaiting = m_awaiting.take(event.node);
    if (SpaceTimeMessage *message = awaiting.message ? find(awaiting.message) : nullptr) {
        if (message->to == event.node && message->client == event.client)
            message->outcome =
                stored ? SpaceTimeMessage::Outcome::Stored : SpaceTimeMessage::Outcome::Dropped;
        return;
    }
    if (UnnamedReceipt *receipt = awaiting.unnamed ? unnamedReceipt(awaiting.unnamed) : nullptr) {
        if (receipt->client == event.client)
            receipt->outcome =
                stored ? SpaceTimeMessage::Outcome::Stored : SpaceTimeMessage::Outcome::Dropped;
        return;
    }
    if (awaiting.mark != 0 && m_markSerial - awaiting.mark < m_marks.size()) {
        SpaceTimeMark &mark = m_marks[m_marks.size() - 1 - size_t(m_markSerial - awaiting.mark)];
        if (mark.node == event.node && mark.client == event.client)
            mark.stale = !stored;
    }
}

void SpaceTimeHistory::onNodeState(const Herd::Event &event, bool started)
{
    SpaceTimeMark mark;
    mark.kind = started ? SpaceTimeMark::Kind::Started : SpaceTimeMark::Kind::Killed;
    mark.node = event.node;
    mark.timeNs = event.timeNs;
    mark.tick = clockOf(event.node);
    mark.detail = event.detail;

    auto &downtimes = m_downtimes[event.node];
    if (started) {
        if (!downtimes.empty() && downtimes.back().toNs < 0) {
            downtimes.back().toNs = mark.timeNs;
            downtimes.back().toTick = mark.tick;
        }
    } else {
        if (downtimes.empty() || downtimes.back().toNs >= 0) {
            if (int(downtimes.size()) >= MaxDowntimesPerNode)
                downtimes.pop_front();
            downtimes.push_back({mark.timeNs, -1, mark.tick, -1});
        }
        // Lines on their way to a stopped node are lost with its sockets.
        for (SpaceTimeMessage &message : m_messages) {
            if (message.to == event.node && message.outcome == SpaceTimeMessage::Outcome::InFlight) {
                closeOpen(message);
                message.outcome = SpaceTimeMessage::Outcome::Lost;
                message.note = u"lost: %1 stopped before reading it"_s.arg(event.node);
            }
        }
    }
    addMark(std::move(mark));
}

void SpaceTimeHistory::onLinkChanged(const Herd::Event &event)
{
    SpaceTimeMark mark;
    mark.kind = event.peer.isEmpty()             ? SpaceTimeMark::Kind::ClockChanged
        : event.detail.startsWith(u"cut"_s)      ? SpaceTimeMark::Kind::LinkCut
        : event.detail.startsWith(u"restored"_s) ? SpaceTimeMark::Kind::LinkRestored
                                                 : SpaceTimeMark::Kind::LinkChanged;
    mark.node = event.node;
    mark.peer = event.peer;
    mark.timeNs = event.timeNs;
    mark.tick = clockOf(event.node);
    mark.detail = event.detail;
    addMark(std::move(mark));
}

} // namespace HerdUi
