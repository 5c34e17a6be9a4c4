// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/node/clientsession_p.h"

#include <QElapsedTimer>
#include <QPointer>

#include "herd/net/lineconnection_p.h"
#include "herd/node/node.h"
#include "herd/wire/peerauth_p.h"
#include "herd/node/peerlink_p.h"
#include "herd/places/placesjson.h"
#include "herd/places/placessource.h"
#include "herd/wire/syncline_p.h"

namespace Herd {

namespace {

const QString NotAuthenticated =
    QStringLiteral("not from an authenticated neighbour (the herd has a secret)");
const QString OwedReplies = QStringLiteral("a neighbour's line on a client connection that is owed replies");

} // namespace

ClientSession::ClientSession(qintptr descriptor, Node *node, bool probation)
    : QObject(node)
    , m_node(node)
    , m_connection(new LineConnection(descriptor, node->settings().maxLineBytes, node->poller(), this))
    , m_probation(probation)
{
    m_peer = m_connection->peer();
    m_connection->setMaxPendingBytes(node->settings().maxPendingReplyBytes);
    connect(m_connection, &LineConnection::outputOverflowed, this, [this](qsizetype pending) {
        refuse(QStringLiteral("disconnected: %1 unsent reply bytes passed limits.maxPendingReplyBytes (%2)")
                   .arg(pending)
                   .arg(m_node->settings().maxPendingReplyBytes));
    });
    const int timeoutMs = probation ? ProbationMs : node->settings().idleTimeoutMs;
    if (timeoutMs > 0) {
        m_idleTimer = new QTimer(this);
        m_idleTimer->setSingleShot(true);
        connect(m_idleTimer, &QTimer::timeout, this, &ClientSession::onIdleTimer);
        m_idleTimer->start(timeoutMs);
    }
    connect(m_connection, &LineConnection::aboutToSend, this, &ClientSession::onAboutToSend);
    connect(m_connection, &LineConnection::outputDrained, this, &ClientSession::resumeLater);
    connect(m_connection, &LineConnection::lineReceived, this, &ClientSession::onLine);
    connect(m_connection, &LineConnection::lineTooLong, this, &ClientSession::onLineTooLong);
    connect(m_connection, &LineConnection::inputFinished, this, &ClientSession::onInputFinished);
    connect(m_connection, &LineConnection::closed, this, [this](const QString &reason) {
        Event event;
        event.kind = EventKind::ClientDisconnected;
        event.peer = m_peer;
        event.detail = reason;
        m_node->report(std::move(event));
        if (!m_finished) {
            m_finished = true;
            emit finished(this);
        }
    });
}

ClientSession::~ClientSession() = default;

void ClientSession::abort()
{
    m_slots.clear();
    m_waitingFloods = 0;
    if (m_connection)
        m_connection->abort();
}

void ClientSession::onLine(const QByteArray &line)
{
    if (!m_heldLines.empty() || mustHold()) {
        m_heldLines.push_back(line);
        m_connection->setReadingHeld(true);
        resumeLater();
        return;
    }
    handleLine(line);
}

bool ClientSession::mustHold() const
{
    return whatsatCapped() || m_connection->isCongested() || m_slots.size() >= MaxWaitingReplies;
}

bool ClientSession::whatsatCapped() const
{
    return m_whatsatInFlight >= m_node->settings().maxWhatsatPerConnection || m_node->whatsatCapped();
}

void ClientSession::resumeLater()
{
    if (m_resumeQueued || !m_connection || m_heldLines.empty())
        return;
    if (mustHold()) {
        // Each brake has its own way back: a WHATSAT answered (ours, or the
        // node's next), output drained, or replies sent (sendReady()).
        if (whatsatCapped() && m_whatsatInFlight < m_node->settings().maxWhatsatPerConnection)
            m_node->waitForWhatsatRoom(this);
        if (m_connection->isCongested())
            m_connection->notifyWhenDrained();
        return;
    }
    m_resumeQueued = true;
    QMetaObject::invokeMethod(this, &ClientSession::resumeHeld, Qt::QueuedConnection);
}

void ClientSession::resumeHeld()
{
    m_resumeQueued = false;
    while (m_connection && !m_heldLines.empty() && !mustHold() && m_connection->isOpen()) {
        const QByteArray line = std::move(m_heldLines.front());
        m_heldLines.pop_front();
        handleLine(line);
    }
    if (!m_connection)
        return; // handed over meanwhile
    if (!m_heldLines.empty()) {
        resumeLater();
        return;
    }
    if (m_connection->isOpen())
        m_connection->setReadingHeld(false);
    closeIfDone();
}

void ClientSession::onIdleTimer()
{
    if (!m_connection || m_inputFinished || !m_connection->isOpen())
        return;
    if (m_probation) {
        refuse(QStringLiteral(
                   "connection closed: no neighbour's line within %1 ms after maxConnections (%2) was "
                   "reached (limits.maxConnections)")
                   .arg(ProbationMs)
                   .arg(m_node->settings().maxConnections));
        abort();
        return;
    }
    const int idleMs = m_node->settings().idleTimeoutMs;
    // A client still owed a reply is waiting on us, not idle.
    const bool owed = !m_slots.empty() || !m_heldLines.empty() || m_connection->pendingBytes() > 0;
    const qint64 silentMs = m_connection->msSinceInput();
    if (owed || silentMs < idleMs) {
        m_idleTimer->start(int(qMax<qint64>(1, idleMs - (owed ? 0 : silentMs))));
        return;
    }
    refuse(QStringLiteral("closed: no input for %1 ms (limits.idleTimeoutMs)").arg(silentMs));
    abort();
}

void ClientSession::refuse(const QString &detail)
{
    Event event;
    event.kind = EventKind::Refused;
    event.peer = m_peer;
    event.detail = detail;
    m_node->report(std::move(event));
}

bool ClientSession::isNeighbourLine(const QByteArray &line, const Message &message) const
{
    const NodeSettings &settings = m_node->settings();
    if (!settings.peerSecret.isEmpty())
        return line.startsWith("AUTH HELLO ");
    return message.command == Command::At || (settings.resync && SyncLine::looksLikeSync(line));
}

void ClientSession::handleLine(const QByteArray &line)
{
    const NodeSettings &settings = m_node->settings();
    const bool secret = !settings.peerSecret.isEmpty();
    const Message message = parseLine(line);
    if (isNeighbourLine(line, message)) {
        if (!m_slots.empty() || m_whatsatInFlight > 0) {
            refusePeerLine(line, OwedReplies);
            return;
        }
        if (m_idleTimer)
            m_idleTimer->stop();
        m_finished = true;
        m_connection->disconnect(this);
        LineConnection *connection = std::exchange(m_connection, nullptr);
        QList<QByteArray> lines = std::exchange(m_heldLines, {});
        lines.prepend(line);
        emit handOver(this, connection, lines);
        return;
    }
    if (secret && PeerAuth::looksLikeAuth(line)) {
        refusePeerLine(line, QStringLiteral("a sealed line before AUTH HELLO"));
        return;
    }
    if (message.command == Command::At || (settings.resync && SyncLine::looksLikeSync(line))) {
        refusePeerLine(line, NotAuthenticated);
        return;
    }
    if (m_probation) {
        refuse(QStringLiteral("connection closed: %1 connections already (limits.maxConnections)")
                   .arg(m_node->clientCount()));
        abort();
        return;
    }

    Event received;
    received.kind = EventKind::LineReceived;
    received.peer = m_peer;
    if (message.command == Command::Iamat)
        received.client = message.clientId;
    received.line = line;
    m_node->report(std::move(received));

    switch (message.command) {
    case Command::Iamat: {
        const qint64 aheadMs = m_node->settings().maxClientTimeAheadMs;
        if (aheadMs > 0 && message.timeNs > m_node->nowNs() + aheadMs * 1'000'000) {
            rejectLine(line,
                       QStringLiteral("client time more than %1 ms ahead of the node's clock "
                                      "(limits.maxClientTimeAheadMs)")
                           .arg(aheadMs));
            return;
        }
        FloodTicket flood;
        QByteArray at = m_node->acceptIamat(message, &flood);
        reply(std::move(at), std::move(flood), message.clientId);
        return;
    }
    case Command::Whatsat:
        answerWhatsat(message, line);
        return;
    case Command::At: // a neighbour's line: handed over above
    case Command::Invalid:
        rejectLine(line, message.problem);
        return;
    }
}

void ClientSession::onLineTooLong(const QByteArray &head)
{
    rejectLine(head.endsWith('\r') ? head.chopped(1) : head, Problem::TooLong);
}

void ClientSession::rejectLine(const QByteArray &line, Problem problem)
{
    rejectLine(line, QString::fromLatin1(problemName(problem)));
}

void ClientSession::rejectLine(const QByteArray &line, const QString &why)
{
    Event event;
    event.kind = EventKind::LineInvalid;
    event.peer = m_peer;
    event.line = line;
    event.detail = why;
    m_node->report(std::move(event));
    reply(invalidReply(line));
}

void ClientSession::refusePeerLine(const QByteArray &line, const QString &why)
{
    refuse(QStringLiteral("peer line refused: %1").arg(why));
    rejectLine(line, why);
}

void ClientSession::answerWhatsat(const Message &message, const QByteArray &line)
{
    const Record *record = m_node->store().find(message.clientId);
    if (!record) {
        rejectLine(line, Problem::UnknownClient);
        return;
    }
    const qint64 sequence = reserveSlot();
    const QByteArray atLine = record->atLine;
    const int bound = message.bound;
    PlacesQuery query;
    // A stored record's position was checked when it was parsed.
    record->degrees(&query.latitude, &query.longitude);
    query.radiusKm = message.radiusKm;
    query.bound = bound;
    QPointer<ClientSession> guard(this);
    QPointer<Node> node(m_node);
    ++m_whatsatInFlight;
    m_node->whatsatStarted();
    QElapsedTimer upstream;
    upstream.start();
    m_node->places()->search(
        query, [guard, node, sequence, atLine, bound, upstream](const QJsonObject &response) {
            const qint64 upstreamNs = upstream.nsecsElapsed();
            if (node)
                node->whatsatFinished(); // counted even when the client has left
            if (!guard || !guard->m_connection)
                return; // the client left (or its node was killed) while we waited
            --guard->m_whatsatInFlight;
            guard->fillSlot(sequence, atLine + '\n' + formatPlacesJson(trimResults(response, bound)) + "\n\n",
                            placesTimeDetail(upstreamNs));
            guard->resumeLater();
        });
}

qint64 ClientSession::reserveSlot()
{
    m_slots.push_back(Slot {});
    return m_firstSequence + qint64(m_slots.size()) - 1;
}

void ClientSession::fillSlot(qint64 sequence, QByteArray text, QString detail)
{
    const qint64 index = sequence - m_firstSequence;
    if (index < 0 || index >= qint64(m_slots.size()))
        return;
    Slot &slot = m_slots[qsizetype(index)];
    slot.text = std::move(text);
    slot.detail = std::move(detail);
    slot.ready = true;
    sendReady();
}

void ClientSession::reply(QByteArray text, FloodTicket flood, const QByteArray &client)
{
    text.append('\n');
    if (m_slots.empty() && flood.isEmpty()) {
        // The common case: nothing waits ahead of this reply.
        Event event;
        event.kind = EventKind::LineSent;
        event.peer = m_peer;
        event.client = client;
        event.line = text.chopped(1);
        m_node->report(std::move(event));
        m_connection->write(text);
        return;
    }
    Slot slot;
    slot.text = std::move(text);
    slot.client = client;
    slot.ready = flood.isEmpty();
    if (!slot.ready) {
        slot.flood = std::move(flood);
        if (m_waitingFloods++ == 0)
            m_node->waitForFloods(this);
        // Its flood is about to be handed to the kernel with the rest of
        // this pass's; whether it made it is looked at then.
        m_connection->requestSend();
    }
    m_slots.push_back(std::move(slot));
}

void ClientSession::onAboutToSend()
{
    // A reply may acknowledge an update: its flood leaves first.
    PeerLink::sendWritten();
    floodsFlushed();
}

void ClientSession::floodsFlushed()
{
    if (m_waitingFloods == 0 || !m_connection)
        return;
    for (Slot &slot : m_slots) {
        if (slot.ready || slot.flood.isEmpty() || !m_node->floodLeft(slot.flood))
            continue;
        slot.ready = true;
        slot.flood = {};
        --m_waitingFloods;
    }
    if (m_waitingFloods == 0)
        m_node->stopWaitingForFloods(this);
    sendReady();
}

void ClientSession::sendReady()
{
    if (!m_connection)
        return;
    while (!m_slots.empty() && m_slots.front().ready) {
        QByteArray text = std::move(m_slots.front().text);
        QByteArray client = std::move(m_slots.front().client);
        QString detail = std::move(m_slots.front().detail);
        m_slots.pop_front();
        ++m_firstSequence;
        Event event;
        event.kind = EventKind::LineSent;
        event.peer = m_peer;
        event.client = std::move(client);
        event.detail = std::move(detail);
        event.line = text.endsWith("\n\n") ? text.chopped(2) : text.chopped(1);
        m_node->report(std::move(event));
        m_connection->write(text);
    }
    resumeLater();
    closeIfDone();
}

void ClientSession::onInputFinished()
{
    m_inputFinished = true;
    closeIfDone();
}

void ClientSession::closeIfDone()
{
    if (m_connection && m_inputFinished && m_slots.empty() && m_heldLines.empty())
        m_connection->closeWhenFlushed();
}

} // namespace Herd
