// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/node/node.h"

#include <unistd.h>

#include "herd/node/clientsession_p.h"
#include "herd/wire/clock.h"
#include "herd/net/lineconnection_p.h"
#include "herd/net/listener_p.h"
#include "herd/node/peerlink_p.h"
#include "herd/node/peersession_p.h"
#include "herd/net/socketpoller_p.h"
#include "herd/wire/syncline_p.h"

namespace Herd {

namespace {

constexpr int ListenBacklog = 4096;
// Connections past maxConnections kept at once until their first line says
// whether they are a neighbour's link; more are closed at once.
constexpr int MaxOnProbation = 64;
} // namespace

Node::Node(const NodeSettings &settings, PlacesSource *places, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_places(places)
    , m_listener(new Listener(this))
    , m_poller(new SocketPoller(this))
    , m_nameUtf8(settings.name.toUtf8())
{
    connect(m_listener, &Listener::accepted, this, &Node::onAccepted);
}

Node::~Node()
{
    // Sessions and links are children; closing happens in their destructors.
    // Sessions go first, stopped ones waiting for deleteLater() too: their
    // connections leave the poller, which ~QObject may delete before them.
    qDeleteAll(findChildren<ClientSession *>(Qt::FindDirectChildrenOnly));
    qDeleteAll(findChildren<PeerSession *>(Qt::FindDirectChildrenOnly));
    // Links too, while this node can still take what they report.
    m_floodTargets.clear();
    qDeleteAll(std::exchange(m_links, {}));
}

bool Node::isRunning() const
{
    return m_listener->isListening();
}

qint64 Node::nowNs() const
{
    return wallClockNs() + m_clockSkewMs * 1'000'000;
}

void Node::holdConnections(bool hold)
{
    if (hold)
        m_listener->pauseAccepting();
    else
        m_listener->resumeAccepting();
}

void Node::setNeighbours(const QList<Neighbour> &neighbours)
{
    QHash<QString, PeerLink *> kept;
    m_floodTargets.clear();
    ++m_linkGeneration; // tickets naming links that may go now count as left
    for (const Neighbour &neighbour : neighbours) {
        PeerLink *link = m_links.take(neighbour.name);
        if (link) {
            link->setNeighbour(neighbour);
        } else {
            link = new PeerLink(
                neighbour, m_settings, [this](Event &&event) { report(std::move(event)); }, this);
            connect(link, &PeerLink::stateChanged, this, [this, link](PeerLink::State state) {
                if (state == PeerLink::State::Connected)
                    m_resyncer.linkUp(link);
                else
                    m_resyncer.linkDown(link->neighbour().name);
                emit linkStateChanged(link->neighbour().name);
            });
            connect(link, &PeerLink::syncRefused, this,
                    [this, link](const QByteArray &line) { onSyncRefused(link, line); });
            connect(link, &PeerLink::answerReceived, this,
                    [this, link](const QByteArray &line) { onLinkAnswer(link, line); });
            connect(link, &PeerLink::flushed, this, &Node::onLinkFlushed);
            if (isRunning())
                link->start();
        }
        kept.insert(neighbour.name, link);
        m_floodTargets.push_back({link, neighbour.name.toUtf8()});
    }
    qDeleteAll(m_links);
    m_links = kept;
}

QStringList Node::neighbourNames() const
{
    QStringList names;
    names.reserve(qsizetype(m_floodTargets.size()));
    for (const FloodTarget &target : m_floodTargets)
        names.append(target.link->neighbour().name);
    return names;
}

std::optional<LinkState> Node::linkState(const QString &neighbour) const
{
    const PeerLink *link = m_links.value(neighbour);
    if (!link)
        return std::nullopt;
    LinkState state;
    state.state = link->state();
    state.host = link->neighbour().host;
    state.port = link->neighbour().port;
    state.cut = link->isCut();
    state.delayMs = link->delayMs();
    state.jitterMs = link->jitterMs();
    state.flakyMeanMs = link->flakyMeanMs();
    state.failedAttempts = link->failedAttempts();
    state.msUntilRetry = link->msUntilRetry();
    state.queuedLines = link->queuedCount();
    return state;
}

bool Node::start(QString *error)
{
    if (isRunning())
        return true;
    QHostAddress address;
    if (!address.setAddress(m_settings.host)) {
        if (m_settings.host == u"localhost")
            address = QHostAddress::LocalHost;
        else {
            if (error)
                *error = QStringLiteral("%1: host \"%2\" is not an IP address")
                             .arg(m_settings.name, m_settings.host);
            return false;
        }
    }
    // Qt's default backlog of 50 fills within a millisecond when a class or
    // a grader connects at once; each connection dropped then waits a full
    // SYN retransmission (1 s). The kernel caps this at net.core.somaxconn.
    m_listener->setListenBacklogSize(ListenBacklog);
    if (!m_listener->listen(address, m_settings.port)) {
        if (error)
            *error = QStringLiteral("%1: cannot listen on %2:%3: %4")
                         .arg(m_settings.name, m_settings.host)
                         .arg(m_settings.port)
                         .arg(m_listener->errorString());
        return false;
    }
    m_settings.port = m_listener->serverPort();
    Event event;
    event.kind = EventKind::NodeStarted;
    event.detail = QStringLiteral("listening on %1:%2").arg(m_settings.host).arg(m_settings.port);
    report(std::move(event));
    for (PeerLink *link : std::as_const(m_links))
        link->start();
    return true;
}

void Node::stop(const QString &reason)
{
    if (!isRunning())
        return;
    m_listener->close();
    for (PeerLink *link : std::as_const(m_links))
        link->stop();
    m_waitingForRoom.clear();
    m_floodWaiters.clear();
    for (ClientSession *session : std::exchange(m_sessions, {}) + std::exchange(m_probation, {})) {
        session->disconnect(this);
        session->abort();
        session->deleteLater();
    }
    for (PeerSession *session : std::exchange(m_peerSessions, {})) {
        session->disconnect(this);
        session->abort();
        session->deleteLater();
    }
    m_store.clear();
    m_resyncer.clear();
    Event event;
    event.kind = EventKind::NodeStopped;
    event.detail = reason;
    report(std::move(event));
}

void Node::onAccepted(qintptr descriptor)
{
    // Past the limit a connection may still be a neighbour's link, which
    // must never be locked out by clients: it is kept on probation until its
    // first line says which it is (clientsession.h).
    const bool full = clientCount() >= m_settings.maxConnections;
    if (full && m_probation.size() >= MaxOnProbation) {
        // Accepted and closed at once: the backlog never fills with clients
        // that wait forever, and the refusal is seen at once as EOF.
        Event event;
        event.kind = EventKind::Refused;
        event.peer = LineConnection::peerOf(descriptor);
        ::close(int(descriptor));
        event.detail = QStringLiteral("connection closed: %1 connections already (limits.maxConnections)")
                           .arg(clientCount());
        report(std::move(event));
        return;
    }
    auto *session = new ClientSession(descriptor, this, full);
    (full ? m_probation : m_sessions).insert(session);
    connect(session, &ClientSession::finished, this, [this](ClientSession *finished) {
        m_sessions.remove(finished);
        m_probation.remove(finished);
        m_waitingForRoom.remove(finished);
        m_floodWaiters.remove(finished);
        finished->deleteLater();
    });
    connect(session, &ClientSession::handOver, this, &Node::onHandOver);
    Event event;
    event.kind = EventKind::ClientConnected;
    event.peer = session->peer();
    report(std::move(event));
}

void Node::onHandOver(ClientSession *session, LineConnection *connection, const QList<QByteArray> &lines)
{
    m_sessions.remove(session);
    m_probation.remove(session);
    m_waitingForRoom.remove(session);
    m_floodWaiters.remove(session);
    session->disconnect(this);
    session->deleteLater();
    auto *peer = new PeerSession(connection, lines, this);
    // It may have finished already, if its first lines closed it.
    if (!connection->isOpen()) {
        peer->deleteLater();
        return;
    }
    m_peerSessions.insert(peer);
    connect(peer, &PeerSession::finished, this, [this](PeerSession *finished) {
        m_peerSessions.remove(finished);
        finished->deleteLater();
    });
}

void Node::onLinkAnswer(PeerLink *link, const QByteArray &line)
{
    const QString &neighbour = link->neighbour().name;
    auto refuse = [&](const QString &why) {
        Event event;
        event.kind = EventKind::LineInvalid;
        event.peer = neighbour;
        event.line = line;
        event.detail = why;
        event.viaPeerLink = true;
        report(std::move(event));
    };
    if (SyncLine::looksLikeSync(line)) {
        QString error;
        const std::optional<SyncLine> sync = SyncLine::parse(line, &error);
        if (!sync)
            refuse(error);
        else if (const QString why = m_resyncer.handleAnswer(link, *sync); !why.isEmpty())
            refuse(why);
        return;
    }
    const Message message = parseLine(line);
    if (message.command != Command::At) {
        refuse(QString::fromLatin1(problemName(message.problem)));
        return;
    }
    acceptAt(message, neighbour, line);
}

void Node::onLinkFlushed()
{
    if (m_floodWaiters.isEmpty())
        return;
    for (ClientSession *session : QSet<ClientSession *>(m_floodWaiters))
        session->floodsFlushed();
}

bool Node::floodLeft(const FloodTicket &flood) const
{
    if (flood.generation != m_linkGeneration)
        return true;
    for (const auto &[link, sequence] : flood.links) {
        if (link->flushedSequence() < sequence)
            return false;
    }
    return true;
}

QByteArray Node::acceptIamat(const Message &iamat, FloodTicket *flood)
{
    Record record;
    record.clientId = iamat.clientId;
    record.timeNs = iamat.timeNs;
    // The node's own clock, skew included: a skewed server reports skewed diffs.
    record.atLine = formatAt(m_nameUtf8, nowNs(), iamat);
    storeAndFlood(record, {}, QStringLiteral("iamat"), flood);
    return record.atLine;
}

void Node::acceptAt(const Message &at, const QString &fromNeighbour, const QByteArray &line)
{
    storeAndFlood(Record::ofAt(at, line), fromNeighbour, QStringLiteral("flood"));
}

void Node::storeAndFlood(const Record &record, const QString &fromNeighbour, const QString &how,
                         FloodTicket *flood)
{
    Event event;
    event.client = record.clientId;
    event.line = record.atLine;
    event.peer = fromNeighbour;
    if (!m_store.offer(record)) {
        event.kind = EventKind::RecordDropped;
        event.detail = QStringLiteral("not newer than the record held");
        report(std::move(event));
        return;
    }
    event.kind = EventKind::RecordStored;
    event.detail = how;
    report(std::move(event));

    const QByteArrayView origin = record.server();
    for (const FloodTarget &target : m_floodTargets) {
        // The sender, and the node that made the record, hold it already.
        if (target.nameUtf8 == origin || target.link->neighbour().name == fromNeighbour)
            continue;
        // Node names hold no white space, so the AT line's client is the record's.
        target.link->send(record.atLine, {}, record.clientId);
        if (flood && !target.link->holdsOnPurpose()
            && target.link->flushedSequence() < target.link->lastSequence())
            flood->links.append({target.link, target.link->lastSequence()});
    }
    if (flood)
        flood->generation = m_linkGeneration;
}

void Node::onSyncRefused(PeerLink *link, const QByteArray &line)
{
    if (m_resyncer.estimateRefused(link, line))
        return;
    link->markPlain();
    Event event;
    event.kind = EventKind::Error;
    event.peer = link->neighbour().name;
    event.detail = QStringLiteral("%1 answered a SYNC line with \"?\": from now on it is sent AT lines only. "
                                  "Mark it \"protocol\": \"plain\" in the herd file.")
                       .arg(link->neighbour().name);
    report(std::move(event));
    if (link->state() == PeerLink::State::Connected)
        m_resyncer.linkUp(link);
}

void Node::whatsatFinished()
{
    --m_whatsatInFlight;
    if (whatsatCapped() || m_waitingForRoom.isEmpty())
        return;
    // Everyone waiting tries again (queued); those still capped wait again.
    for (ClientSession *session : std::exchange(m_waitingForRoom, {}))
        session->resumeLater();
}

QString Node::resolveSender(const QHostAddress &address, quint16 port) const
{
    return m_resolveSender ? m_resolveSender(address, port) : QString();
}

void Node::report(Event event)
{
    // True wall-clock time, never nowNs(): the GUI's plots and merged logs
    // put every node's events on one time base, and a skewed stamp would
    // reorder them. The skew shows only where a real server would show it,
    // in the AT diff.
    event.timeNs = wallClockNs();
    event.node = m_settings.name;
    // Every reader of the stream learns which client a line's update is
    // about without parsing the line again.
    const bool lineOnItsWay = event.kind == EventKind::LineReceived || event.kind == EventKind::LineSent
        || event.kind == EventKind::SendSkipped;
    // The sessions and links pass the client of the lines they parsed or
    // built (the hot path); any other line is looked at here.
    if (lineOnItsWay && event.client.isEmpty())
        event.client = updateClient(event.line);
    Q_ASSERT(!lineOnItsWay || event.client == updateClient(event.line));
    if (m_eventSink)
        m_eventSink(event);
}

} // namespace Herd
