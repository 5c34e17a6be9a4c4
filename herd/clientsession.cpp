#include "clientsession.h"

#include <QPointer>

#include "lineconnection.h"
#include "node.h"
#include "peerlink.h"
#include "placesjson.h"
#include "peerauth.h"
#include "placessource.h"
#include "syncline.h"

namespace Herd {

namespace {

// "as received, without its line ending": a "\r\n" ending loses its "\r" too.
QByteArray withoutCr(const QByteArray &line)
{
    return line.endsWith('\r') ? line.chopped(1) : line;
}

} // namespace

ClientSession::ClientSession(qintptr descriptor, Node *node)
    : QObject(node),
      m_node(node),
      m_connection(new LineConnection(descriptor, node->settings().maxLineBytes, node->poller(), this))
{
    m_peer = m_connection->peer();
    m_connection->setMaxPendingBytes(node->settings().maxPendingReplyBytes);
    connect(m_connection, &LineConnection::outputOverflowed, this, [this](qsizetype pending) {
        refuse(QStringLiteral("disconnected: %1 unsent reply bytes passed limits.maxPendingReplyBytes (%2)")
                   .arg(pending).arg(m_node->settings().maxPendingReplyBytes));
    });
    if (node->settings().idleTimeoutMs > 0) {
        m_idleTimer = new QTimer(this);
        m_idleTimer->setSingleShot(true);
        connect(m_idleTimer, &QTimer::timeout, this, &ClientSession::onIdleTimer);
        m_idleTimer->start(node->settings().idleTimeoutMs);
    }
    // A reply may acknowledge an update: its flood leaves first (PeerLink::sendWritten).
    connect(m_connection, &LineConnection::aboutToSend, this, &PeerLink::sendWritten);
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
    m_connection->abort();
}

void ClientSession::onLine(const QByteArray &rawLine)
{
    if (!m_heldLines.empty() || whatsatCapped()) {
        m_heldLines.push_back(rawLine);
        m_connection->setReadingHeld(true);
        if (!whatsatCapped())
            resumeLater();
        else if (m_whatsatInFlight < m_node->settings().maxWhatsatPerConnection)
            m_node->waitForWhatsatRoom(this); // the node's cap, not ours
        return;
    }
    handleLine(rawLine);
}

bool ClientSession::whatsatCapped() const
{
    return m_whatsatInFlight >= m_node->settings().maxWhatsatPerConnection
           || m_node->whatsatCapped();
}

void ClientSession::resumeLater()
{
    if (m_resumeQueued)
        return;
    m_resumeQueued = true;
    QMetaObject::invokeMethod(this, &ClientSession::resumeHeld, Qt::QueuedConnection);
}

void ClientSession::resumeHeld()
{
    m_resumeQueued = false;
    while (!m_heldLines.empty() && !whatsatCapped() && m_connection->isOpen()) {
        const QByteArray line = std::move(m_heldLines.front());
        m_heldLines.pop_front();
        handleLine(line);
    }
    if (!m_heldLines.empty()) {
        if (m_whatsatInFlight < m_node->settings().maxWhatsatPerConnection)
            m_node->waitForWhatsatRoom(this);
        return;
    }
    if (m_connection->isOpen())
        m_connection->setReadingHeld(false);
    closeIfDone();
}

void ClientSession::onIdleTimer()
{
    if (m_isPeer || m_inputFinished || !m_connection->isOpen())
        return;
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

void ClientSession::handleLine(const QByteArray &rawLine)
{
    const QByteArray line = withoutCr(rawLine);
    if (PeerAuth::looksLikeAuth(line) && !m_node->settings().peerSecret.isEmpty()) {
        handleSealed(line);
        return;
    }
    dispatch(line, false);
}

void ClientSession::handleSealed(const QByteArray &line)
{
    m_isPeer = true;
    if (!m_gate)
        m_gate = std::make_unique<PeerGate>(m_node->settings().peerSecret, m_node->name().toUtf8());
    const PeerGate::Outcome outcome = m_gate->accept(line);
    switch (outcome.kind) {
    case PeerGate::Outcome::Kind::Reply: {
        Event received;
        received.kind = EventKind::LineReceived;
        received.peer = QString::fromUtf8(m_gate->neighbour());
        received.line = line;
        received.viaPeerLink = true;
        m_node->report(std::move(received));
        reply(outcome.text);
        return;
    }
    case PeerGate::Outcome::Kind::Line:
        m_peerName = QString::fromUtf8(m_gate->neighbour());
        dispatch(outcome.text, true);
        return;
    case PeerGate::Outcome::Kind::Refused:
        refuse(QStringLiteral("sealed peer line refused: %1").arg(outcome.why));
        rejectLine(line, outcome.why);
        return;
    }
}

void ClientSession::dispatch(const QByteArray &line, bool authenticated)
{
    // With a secret, only a neighbour that proved it knows it may flood.
    const bool closed = !m_node->settings().peerSecret.isEmpty() && !authenticated;
    if (SyncLine::looksLikeSync(line) && m_node->settings().resync) {
        if (closed)
            refusePeerLine(line);
        else
            handleSync(line);
        return;
    }
    const Message message = parseLine(line);
    const bool fromPeer = message.command == Command::At;
    if (fromPeer && closed) {
        refusePeerLine(line);
        return;
    }
    m_isPeer = m_isPeer || fromPeer;
    if (fromPeer && m_peerName.isEmpty())
        m_peerName = m_node->resolveSender(m_connection->peerAddress(), m_connection->peerPort());

    Event received;
    received.kind = EventKind::LineReceived;
    received.peer = fromPeer && !m_peerName.isEmpty() ? m_peerName : m_peer;
    received.line = line;
    received.viaPeerLink = fromPeer;
    m_node->report(std::move(received));

    switch (message.command) {
    case Command::Iamat:
        reply(m_node->acceptIamat(message));
        return;
    case Command::Whatsat:
        answerWhatsat(message, line);
        return;
    case Command::At:
        m_node->acceptAt(message, m_peerName);
        return;
    case Command::Invalid:
        rejectLine(line, message.problem);
        return;
    }
}

void ClientSession::onLineTooLong(const QByteArray &head)
{
    rejectLine(withoutCr(head), Problem::TooLong);
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

void ClientSession::refusePeerLine(const QByteArray &line)
{
    const QString why = QStringLiteral("not from an authenticated neighbour (the herd has a secret)");
    refuse(QStringLiteral("peer line refused: %1").arg(why));
    rejectLine(line, why);
}

void ClientSession::handleSync(const QByteArray &line)
{
    m_isPeer = true;
    Event received;
    received.kind = EventKind::LineReceived;
    received.peer = QString::fromUtf8(SyncLine::senderOf(line));
    received.line = line;
    received.viaPeerLink = true;
    m_node->report(std::move(received));
    const QString refused = m_node->acceptSync(line);
    if (!refused.isEmpty())
        rejectLine(line, refused);
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
    query.latitude = record->latitude;
    query.longitude = record->longitude;
    query.radiusKm = message.radiusKm;
    query.bound = bound;
    QPointer<ClientSession> guard(this);
    QPointer<Node> node(m_node);
    ++m_whatsatInFlight;
    m_node->whatsatStarted();
    m_node->places()->search(query, [guard, node, sequence, atLine, bound](const QJsonObject &response) {
        if (node)
            node->whatsatFinished(); // counted even when the client has left
        if (!guard)
            return; // the client left (or its node was killed) while we waited
        --guard->m_whatsatInFlight;
        if (!guard->m_heldLines.empty())
            guard->resumeLater();
        guard->fillSlot(sequence, atLine + '\n' + formatPlacesJson(trimResults(response, bound))
                                      + "\n\n");
    });
}

qint64 ClientSession::reserveSlot()
{
    m_slots.push_back(Slot{});
    return m_firstSequence + qint64(m_slots.size()) - 1;
}

void ClientSession::fillSlot(qint64 sequence, QByteArray text)
{
    const qint64 index = sequence - m_firstSequence;
    if (index < 0 || index >= qint64(m_slots.size()))
        return;
    Slot &slot = m_slots[qsizetype(index)];
    slot.text = std::move(text);
    slot.ready = true;
    sendReady();
}

void ClientSession::reply(QByteArray text)
{
    if (m_slots.empty()) {
        // The common case: nothing waits ahead of this reply.
        Event event;
        event.kind = EventKind::LineSent;
        event.peer = m_peer;
        event.line = text;
        m_node->report(std::move(event));
        text.append('\n');
        m_connection->write(text);
        return;
    }
    fillSlot(reserveSlot(), text + '\n');
}

void ClientSession::sendReady()
{
    while (!m_slots.empty() && m_slots.front().ready) {
        QByteArray text = std::move(m_slots.front().text);
        m_slots.pop_front();
        ++m_firstSequence;
        Event event;
        event.kind = EventKind::LineSent;
        event.peer = m_peer;
        event.line = text.endsWith("\n\n") ? text.chopped(2) : text.chopped(1);
        m_node->report(std::move(event));
        m_connection->write(text);
    }
    closeIfDone();
}

void ClientSession::onInputFinished()
{
    m_inputFinished = true;
    closeIfDone();
}

void ClientSession::closeIfDone()
{
    if (m_inputFinished && m_slots.empty() && m_heldLines.empty())
        m_connection->closeWhenFlushed();
}

} // namespace Herd
