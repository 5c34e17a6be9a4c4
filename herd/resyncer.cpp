#include "resyncer.h"

#include "digest.h"
#include "node.h"
#include "peerlink.h"
#include "syncline.h"

namespace Herd {

namespace {

const QString Resync = QStringLiteral("resync");

} // namespace

void Resyncer::linkUp(PeerLink *link)
{
    if (!m_node.settings().resync)
        return;
    const QString &neighbour = link->neighbour().name;
    if (link->neighbour().plain) {
        pushAll(link);
        return;
    }
    Peer &peer = m_peers[neighbour];
    if (peer.summaryComplete) {
        // Their summary came while our link was down: answering it covers
        // both directions, so a second exchange would only repeat it.
        answerSummary(link, peer);
        return;
    }
    sendSummary(link);
}

void Resyncer::linkDown(const QString &neighbour)
{
    // Our exchange, cut short, starts again whole when the link is back. A
    // summary of theirs stays: it is answered then.
    const auto peer = m_peers.find(neighbour);
    if (peer != m_peers.end()) {
        peer->awaitingHave = false;
        peer->theirEntries.clear();
    }
}

QString Resyncer::handle(const QByteArray &line)
{
    QString error;
    const std::optional<SyncLine> sync = SyncLine::parse(line, &error);
    if (!sync)
        return error;
    const QString from = QString::fromUtf8(sync->from);
    PeerLink *link = m_node.link(from);
    if (!link)
        return QStringLiteral("\"%1\" is not a neighbour of %2").arg(from, m_node.name());
    // Hearing from a neighbour means it is up: no need to wait out a back-off.
    link->retryNow();
    Peer &peer = m_peers[from];
    switch (sync->kind) {
    case SyncLine::Kind::Sum:
        if (sync->part == 1)
            peer.theirBuckets.clear(); // a summary cut short earlier is void
        for (const auto &[bucket, hash] : sync->buckets)
            peer.theirBuckets.insert(bucket, hash);
        if (sync->part != sync->parts)
            break;
        if (peer.awaitingHave && m_node.name() < from) {
            report(from, QStringLiteral("summaries crossed; %1 answers ours").arg(from));
            peer.theirBuckets.clear();
            break;
        }
        peer.awaitingHave = false;
        peer.summaryComplete = true;
        if (link->state() == PeerLink::State::Connected)
            answerSummary(link, peer);
        break;
    case SyncLine::Kind::Have:
        if (peer.awaitingHave)
            peer.theirEntries[sync->bucket].append(sync->entries);
        break;
    case SyncLine::Kind::Done:
        if (peer.awaitingHave)
            finishExchange(link, peer);
        break;
    case SyncLine::Kind::Want:
        sendWanted(link, sync->clients);
        break;
    }
    return {};
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

void Resyncer::answerSummary(PeerLink *link, Peer &peer)
{
    const Store &store = m_node.store();
    QSet<int> differing;
    for (int bucket = 0; bucket < Digest::Buckets; ++bucket) {
        if (store.bucketHash(bucket) != peer.theirBuckets.value(bucket, 0))
            differing.insert(bucket);
    }
    // One pass over the store: records in buckets the neighbour lacks go
    // as they are; the others are listed so it can tell what it lacks.
    QHash<int, QList<std::pair<QByteArray, qint64>>> listed;
    qsizetype pushed = 0;
    for (const Record &record : store.records()) {
        const int bucket = Digest::bucketOf(Digest::clientHash(record.clientId));
        if (!differing.contains(bucket))
            continue;
        if (!peer.theirBuckets.contains(bucket)) {
            link->send(record.atLine, Resync);
            ++pushed;
        } else {
            listed[bucket].append({record.clientId, record.timeNs});
        }
    }
    const QByteArray name = m_node.name().toUtf8();
    qsizetype entries = 0;
    for (const int bucket : std::as_const(differing)) {
        if (!peer.theirBuckets.contains(bucket))
            continue;
        const QList<std::pair<QByteArray, qint64>> mine = listed.value(bucket);
        entries += mine.size();
        send(link, SyncLine::have(name, bucket, mine, maxLineBytes()));
    }
    send(link, {SyncLine::done(name)});
    report(link->neighbour().name,
           QStringLiteral("answered %1's summary: %2 of %3 buckets differ; sent %4 records it lacked a bucket "
                          "of, listed %5 (client, time) pairs")
               .arg(link->neighbour().name)
               .arg(differing.size())
               .arg(Digest::Buckets)
               .arg(pushed)
               .arg(entries));
    peer.summaryComplete = false;
    peer.theirBuckets.clear();
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
    report(link->neighbour().name, QStringLiteral("%1 buckets differed: sent %2 records %3 lacked or held older; "
                                                  "asked for %4 it holds newer")
                                       .arg(peer.theirEntries.size())
                                       .arg(pushed)
                                       .arg(link->neighbour().name)
                                       .arg(wanted.size()));
    peer.awaitingHave = false;
    peer.theirEntries.clear();
}

void Resyncer::sendWanted(PeerLink *link, const QList<QByteArray> &clients)
{
    qsizetype sent = 0;
    for (const QByteArray &client : clients) {
        if (const Record *record = m_node.store().find(client)) {
            link->send(record->atLine, Resync);
            ++sent;
        }
    }
    report(link->neighbour().name,
           QStringLiteral("sent %1 of the %2 records %3 asked for").arg(sent).arg(clients.size()).arg(link->neighbour().name));
}

void Resyncer::pushAll(PeerLink *link)
{
    for (const Record &record : m_node.store().records())
        link->send(record.atLine, Resync);
    report(link->neighbour().name, QStringLiteral("sent all %1 records as AT lines (%2 speaks only PROTOCOL.md)")
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
