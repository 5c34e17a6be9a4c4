// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/node/peersession_p.h"

#include "herd/net/lineconnection_p.h"
#include "herd/net/silentpeer_p.h"
#include "herd/node/node.h"
#include "herd/node/peerlink_p.h"
#include "herd/wire/protocol.h"
#include "herd/wire/syncline_p.h"

namespace Herd {

namespace {

const QString Resync = QStringLiteral("resync");

// An answer is written while less than this waits unsent, and goes on as
// the asker reads: memory per answer stays near this, whatever the store.
constexpr qsizetype AnswerWindow = 256 * 1024;

} // namespace

PeerSession::PeerSession(LineConnection *connection, const QList<QByteArray> &lines, Node *node)
    : QObject(node)
    , m_node(node)
    , m_connection(connection)
{
    m_connection->setParent(this);
    m_address = m_connection->peer();
    m_neighbour = node->resolveSender(m_connection->peerAddress(), m_connection->peerPort());
    // A neighbour's link is not a client: its answers may be large, and it
    // is never idle or over a client's limits.
    m_connection->setMaxPendingBytes(-1);
    m_connection->setReadingHeld(false);
    dropWhenSilent(m_connection->descriptor());
    connect(m_connection, &LineConnection::lineReceived, this, &PeerSession::onLine);
    connect(m_connection, &LineConnection::lineTooLong, this, [this](const QByteArray &head) {
        reject(head, QString::fromLatin1(problemName(Problem::TooLong)));
    });
    connect(m_connection, &LineConnection::outputDrained, this, &PeerSession::pump);
    connect(m_connection, &LineConnection::inputFinished, this, [this] {
        m_inputFinished = true;
        closeIfDone();
    });
    connect(m_connection, &LineConnection::closed, this, [this](const QString &reason) {
        report(EventKind::ClientDisconnected, {}, reason);
        if (!m_finished) {
            m_finished = true;
            emit finished(this);
        }
    });
    for (const QByteArray &line : lines)
        onLine(line);
}

PeerSession::~PeerSession() = default;

QString PeerSession::peer() const
{
    return m_neighbour.isEmpty() ? m_address : m_neighbour;
}

void PeerSession::abort()
{
    m_answerClients.clear();
    m_answerLines.clear();
    m_connection->abort();
}

void PeerSession::onLine(const QByteArray &line)
{
    if (!m_answerClients.empty() || !m_answerLines.empty() || !m_held.empty()) {
        m_held.push_back(line);
        m_connection->setReadingHeld(true);
        return;
    }
    handle(line);
}

void PeerSession::handle(const QByteArray &line)
{
    const QByteArray &secret = m_node->settings().peerSecret;
    if (secret.isEmpty()) {
        dispatch(line);
        return;
    }
    if (!m_gate)
        m_gate = std::make_unique<PeerGate>(secret, m_node->name().toUtf8());
    if (!PeerAuth::looksLikeAuth(line)) {
        refuse(QStringLiteral("peer line refused: not sealed (the herd has a secret)"));
        reject(line, QStringLiteral("not sealed (the herd has a secret)"));
        return;
    }
    const PeerGate::Outcome outcome = m_gate->accept(line);
    switch (outcome.kind) {
    case PeerGate::Outcome::Kind::Reply:
        m_neighbour = QString::fromUtf8(m_gate->neighbour());
        report(EventKind::LineReceived, line, {});
        m_connection->write(outcome.text + '\n');
        report(EventKind::LineSent, outcome.text, QStringLiteral("authenticating"));
        return;
    case PeerGate::Outcome::Kind::Line:
        dispatch(outcome.text);
        return;
    case PeerGate::Outcome::Kind::Refused:
        refuse(QStringLiteral("sealed peer line refused: %1").arg(outcome.why));
        reject(line, outcome.why);
        return;
    }
}

void PeerSession::dispatch(const QByteArray &line)
{
    if (SyncLine::looksLikeSync(line) && m_node->settings().resync) {
        handleSync(line);
        return;
    }
    const Message message = parseLine(line);
    if (message.command != Command::At) {
        reject(line,
               message.command == Command::Invalid ? QString::fromLatin1(problemName(message.problem))
                                                   : QStringLiteral("a client's line on a neighbour's link"));
        return;
    }
    report(EventKind::LineReceived, line, {}, message.clientId);
    m_node->acceptAt(message, m_neighbour, line);
}

void PeerSession::handleSync(const QByteArray &line)
{
    QString error;
    const std::optional<SyncLine> sync = SyncLine::parse(line, &error);
    if (!sync) {
        reject(line, error);
        return;
    }
    const QString from = QString::fromUtf8(sync->from);
    PeerLink *link = m_node->link(from);
    if (!link) {
        reject(line, QStringLiteral("\"%1\" is not a neighbour of %2").arg(from, m_node->name()));
        return;
    }
    if (m_gate && from.toUtf8() != m_gate->neighbour()) {
        reject(line, QStringLiteral("\"%1\" authenticated as %2").arg(from, m_neighbour));
        return;
    }
    // Named as a neighbour only if it proved it is one (or is one in this
    // process); otherwise by its address, saying whom it claims to be.
    report(EventKind::LineReceived, line,
           m_neighbour.isEmpty() ? QStringLiteral("from %1, which says it is %2").arg(m_address, from)
                                 : QString());
    // Hearing from a neighbour means it is up: no need to wait out a back-off.
    link->retryNow();
    Resyncer &resyncer = m_node->resyncer();
    switch (sync->kind) {
    case SyncLine::Kind::Est: {
        if (resyncer.yieldsToEstimate(from, sync->records)) {
            answer({}, {SyncLine::done(m_node->name().toUtf8())},
                   QStringLiteral("first lines crossed; %1 answers ours, which covers both ways").arg(from));
            return;
        }
        Resyncer::Answer reply = resyncer.answerEstimate(from, sync->records, sync->blob);
        answer({reply.clients.cbegin(), reply.clients.cend()}, reply.lines, reply.summary);
        return;
    }
    case SyncLine::Kind::More: {
        Resyncer::Answer reply = resyncer.answerMore(from, sync->cells);
        answer({}, reply.lines, reply.summary);
        return;
    }
    case SyncLine::Kind::Get: {
        Resyncer::Answer reply = resyncer.answerGet(from, sync->clientHashes);
        answer({reply.clients.cbegin(), reply.clients.cend()}, {}, reply.summary);
        return;
    }
    case SyncLine::Kind::Sum: {
        if (sync->part == 1)
            m_theirBuckets.clear(); // a summary cut short earlier is void
        for (const auto &[bucket, hash] : sync->buckets)
            m_theirBuckets.insert(bucket, hash);
        if (sync->part != sync->parts)
            return;
        const QHash<int, quint64> theirs = std::exchange(m_theirBuckets, {});
        if (resyncer.yieldsTo(from)) {
            answer({}, {SyncLine::done(m_node->name().toUtf8())},
                   QStringLiteral("summaries crossed; %1 answers ours, which covers both ways").arg(from));
            return;
        }
        Resyncer::Answer reply = resyncer.answerSummary(from, theirs);
        answer({reply.clients.cbegin(), reply.clients.cend()}, reply.lines, reply.summary);
        return;
    }
    case SyncLine::Kind::Want: {
        Resyncer::Answer reply = resyncer.answerWant(from, sync->clients);
        answer({reply.clients.cbegin(), reply.clients.cend()}, {}, reply.summary);
        return;
    }
    case SyncLine::Kind::Root: {
        const Store &store = m_node->store();
        if (sync->records != store.size() || sync->root != store.rootHash())
            send(SyncLine::differ(m_node->name().toUtf8()), Resync);
        return;
    }
    case SyncLine::Kind::Table:
    case SyncLine::Kind::Buckets:
    case SyncLine::Kind::Have:
    case SyncLine::Kind::Done:
    case SyncLine::Kind::Differ:
        reject(line, QStringLiteral("an answer to an exchange this node did not start on this link"));
        return;
    }
}

void PeerSession::answer(std::deque<QByteArray> clients, const QList<QByteArray> &lines,
                         const QString &summary)
{
    m_answerSummary = summary;
    m_answerClients = std::move(clients);
    m_answerLines.assign(lines.cbegin(), lines.cend());
    pump();
}

void PeerSession::pump()
{
    if (!m_connection->isOpen())
        return;
    const Store &store = m_node->store();
    while (m_connection->pendingBytes() < AnswerWindow
           && (!m_answerClients.empty() || !m_answerLines.empty())) {
        if (!m_answerClients.empty()) {
            const QByteArray client = std::move(m_answerClients.front());
            m_answerClients.pop_front();
            if (const Record *record = store.find(client))
                send(record->atLine, Resync);
            continue;
        }
        const QByteArray line = std::move(m_answerLines.front());
        m_answerLines.pop_front();
        send(line, Resync);
    }
    if (!m_answerClients.empty() || !m_answerLines.empty()) {
        m_connection->notifyWhenDrained();
        return;
    }
    if (!m_answerSummary.isEmpty()) {
        Event event;
        event.kind = EventKind::Resynced;
        event.peer = peer();
        event.detail = std::exchange(m_answerSummary, {});
        if (m_neighbour.isEmpty())
            event.detail += QStringLiteral(" (asked from %1)").arg(m_address);
        event.viaPeerLink = true;
        m_node->report(std::move(event));
    }
    // Lines that waited for the answer go on now, until the next answer.
    while (!m_held.empty() && m_answerClients.empty() && m_answerLines.empty() && m_connection->isOpen()) {
        const QByteArray line = std::move(m_held.front());
        m_held.pop_front();
        handle(line);
    }
    if (m_held.empty() && m_connection->isOpen())
        m_connection->setReadingHeld(false);
    closeIfDone();
}

void PeerSession::closeIfDone()
{
    // A half-closed asker still gets its whole answer, then the close.
    if (m_inputFinished && m_held.empty() && m_answerClients.empty() && m_answerLines.empty())
        m_connection->closeWhenFlushed();
}

void PeerSession::send(const QByteArray &line, const QString &detail)
{
    report(EventKind::LineSent, line, detail);
    m_connection->write((m_gate && m_gate->isReady() ? m_gate->seal(line) : line) + '\n');
}

void PeerSession::reject(const QByteArray &line, const QString &why)
{
    report(EventKind::LineInvalid, line, why);
    send(invalidReply(line), {});
}

void PeerSession::refuse(const QString &detail)
{
    report(EventKind::Refused, {}, detail);
}

void PeerSession::report(EventKind kind, const QByteArray &line, const QString &detail,
                         const QByteArray &client)
{
    Event event;
    event.kind = kind;
    event.peer = peer();
    event.client = client;
    event.line = line;
    event.detail = detail;
    event.viaPeerLink = kind != EventKind::Refused && kind != EventKind::LineInvalid;
    m_node->report(std::move(event));
}

} // namespace Herd
