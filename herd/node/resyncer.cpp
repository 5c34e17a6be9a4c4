// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/node/resyncer_p.h"

#include "herd/node/digest_p.h"
#include "herd/node/node.h"
#include "herd/node/peerlink_p.h"
#include "herd/wire/syncline_p.h"

#include <QSet>

namespace Herd {

namespace {

const QString Resync = QStringLiteral("resync");

} // namespace

Resyncer::Resyncer(Node &node)
    : m_node(node)
{
    QObject::connect(&m_antiEntropy, &QTimer::timeout, &node, [this] { checkRoots(); });
}

void Resyncer::linkUp(PeerLink *link)
{
    if (!m_node.settings().resync)
        return;
    if (link->neighbour().plain) {
        pushAll(link);
        return;
    }
    sendSummary(link);
    if (m_node.settings().antiEntropyMs > 0 && !m_antiEntropy.isActive())
        m_antiEntropy.start(m_node.settings().antiEntropyMs);
}

void Resyncer::linkDown(const QString &neighbour)
{
    // Our exchange, cut short, starts again whole when the link is back.
    const auto peer = m_peers.find(neighbour);
    if (peer != m_peers.end()) {
        peer->awaitingHave = false;
        peer->theirEntries.clear();
    }
}

void Resyncer::clear()
{
    m_peers.clear();
    m_antiEntropy.stop();
}

QString Resyncer::handleAnswer(PeerLink *link, const SyncLine &sync)
{
    Peer &peer = m_peers[link->neighbour().name];
    switch (sync.kind) {
    case SyncLine::Kind::Have:
        if (peer.awaitingHave)
            peer.theirEntries[sync.bucket].append(sync.entries);
        return {};
    case SyncLine::Kind::Done:
        if (peer.awaitingHave)
            finishExchange(link, peer);
        return {};
    case SyncLine::Kind::Differ:
        if (!peer.awaitingHave)
            sendSummary(link);
        return {};
    case SyncLine::Kind::Sum:
    case SyncLine::Kind::Want:
    case SyncLine::Kind::Root:
        break;
    }
    return QStringLiteral("a neighbour asks on its own link, not on ours");
}

void Resyncer::checkRoots()
{
    const Store &store = m_node.store();
    const QByteArray root = SyncLine::rootLine(m_node.name().toUtf8(), store.size(), store.rootHash());
    for (PeerLink *link : m_node.links()) {
        if (link->state() != PeerLink::State::Connected || link->neighbour().plain)
            continue;
        if (!m_peers.value(link->neighbour().name).awaitingHave)
            link->send(root, Resync);
    }
}

bool Resyncer::yieldsTo(const QString &asker) const
{
    return m_node.name() < asker && m_peers.value(asker).awaitingHave;
}

void Resyncer::sendSummary(PeerLink *link)
{
    const Store &store = m_node.store();
    QList<std::pair<int, quint64>> buckets;
    for (int bucket = 0; bucket < Digest::Buckets; ++bucket) {
        if (const quint64 hash = store.bucketHash(bucket))
            buckets.append({bucket, hash});
    }
    Peer &peer = m_peers[link->neighbour().name];
    peer.awaitingHave = true;
    peer.theirEntries.clear();
    send(link, SyncLine::sum(m_node.name().toUtf8(), buckets, maxLineBytes()));
}

Resyncer::Answer Resyncer::answerSummary(const QString &asker, const QHash<int, quint64> &theirBuckets)
{
    const Store &store = m_node.store();
    QSet<int> differing;
    for (int bucket = 0; bucket < Digest::Buckets; ++bucket) {
        if (store.bucketHash(bucket) != theirBuckets.value(bucket, 0))
            differing.insert(bucket);
    }
    // One pass over the store: records in buckets the asker lacks go as
    // they are; the others are listed so it can tell what it lacks.
    Answer answer;
    QHash<int, QList<std::pair<QByteArray, qint64>>> listed;
    for (const Record &record : store.records()) {
        const int bucket = Digest::bucketOf(Digest::clientHash(record.clientId));
        if (!differing.contains(bucket))
            continue;
        if (!theirBuckets.contains(bucket))
            answer.clients.append(record.clientId);
        else
            listed[bucket].append({record.clientId, record.timeNs});
    }
    const QByteArray name = m_node.name().toUtf8();
    qsizetype entries = 0;
    for (const int bucket : std::as_const(differing)) {
        if (!theirBuckets.contains(bucket))
            continue;
        const QList<std::pair<QByteArray, qint64>> mine = listed.value(bucket);
        entries += mine.size();
        answer.lines.append(SyncLine::have(name, bucket, mine, maxLineBytes()));
    }
    answer.lines.append(SyncLine::done(name));
    answer.summary = QStringLiteral("answered %1's summary: %2 of %3 buckets differ; sending %4 records it "
                                    "lacked a bucket of, listing %5 (client, time) pairs")
                         .arg(asker)
                         .arg(differing.size())
                         .arg(Digest::Buckets)
                         .arg(answer.clients.size())
                         .arg(entries);
    return answer;
}

Resyncer::Answer Resyncer::answerWant(const QString &asker, const QList<QByteArray> &clients)
{
    Answer answer;
    for (const QByteArray &client : clients) {
        if (m_node.store().find(client))
            answer.clients.append(client);
    }
    answer.summary = QStringLiteral("sending %1 of the %2 records %3 asked for")
                         .arg(answer.clients.size())
                         .arg(clients.size())
                         .arg(asker);
    return answer;
}

void Resyncer::finishExchange(PeerLink *link, Peer &peer)
{
    QHash<QByteArray, qint64> theirs;
    for (const auto &entries : std::as_const(peer.theirEntries)) {
        for (const auto &[client, timeNs] : entries)
            theirs.insert(client, timeNs);
    }
    const Store &store = m_node.store();
    qsizetype pushed = 0;
    for (const Record &record : store.records()) {
        const int bucket = Digest::bucketOf(Digest::clientHash(record.clientId));
        if (!peer.theirEntries.contains(bucket))
            continue;
        const auto their = theirs.constFind(record.clientId);
        if (their == theirs.cend() || *their < record.timeNs) {
            link->send(record.atLine, Resync);
            ++pushed;
        }
    }
    QList<QByteArray> wanted;
    for (auto it = theirs.cbegin(); it != theirs.cend(); ++it) {
        const Record *mine = store.find(it.key());
        if (!mine || mine->timeNs < it.value())
            wanted.append(it.key());
    }
    if (!wanted.isEmpty())
        send(link, SyncLine::want(m_node.name().toUtf8(), wanted, maxLineBytes()));
    report(link->neighbour().name,
           QStringLiteral("%1 buckets differed: sent %2 records %3 lacked or held older; "
                          "asked for %4 it holds newer")
               .arg(peer.theirEntries.size())
               .arg(pushed)
               .arg(link->neighbour().name)
               .arg(wanted.size()));
    peer.awaitingHave = false;
    peer.theirEntries.clear();
}

void Resyncer::pushAll(PeerLink *link)
{
    for (const Record &record : m_node.store().records())
        link->send(record.atLine, Resync);
    report(link->neighbour().name,
           QStringLiteral("sent all %1 records as AT lines (%2 speaks only the course's "
                          "protocol)")
               .arg(m_node.store().size())
               .arg(link->neighbour().name));
}

void Resyncer::send(PeerLink *link, const QList<QByteArray> &lines)
{
    for (const QByteArray &line : lines)
        link->send(line, Resync);
}

void Resyncer::report(const QString &neighbour, const QString &detail)
{
    Event event;
    event.kind = EventKind::Resynced;
    event.peer = neighbour;
    event.detail = detail;
    event.viaPeerLink = true;
    m_node.report(std::move(event));
}

qsizetype Resyncer::maxLineBytes() const
{
    // Well under the neighbour's limit (herd files give every node the same).
    return qMin<qsizetype>(4096, m_node.settings().maxLineBytes / 2);
}

} // namespace Herd
