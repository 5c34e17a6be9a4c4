// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/node/resyncer_p.h"

#include "herd/node/diffestimate_p.h"
#include "herd/node/digest_p.h"
#include "herd/node/node.h"
#include "herd/node/peerlink_p.h"
#include "herd/wire/syncline_p.h"

#include <QSet>

#include <utility>

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
    startExchange(link);
    if (m_node.settings().antiEntropyMs > 0 && !m_antiEntropy.isActive()) {
        m_rootAtCheck = m_node.store().rootHash();
        m_antiEntropy.start(m_node.settings().antiEntropyMs);
    }
}

void Resyncer::linkDown(const QString &neighbour)
{
    // Our exchange, cut short, starts again whole when the link is back.
    const auto peer = m_peers.find(neighbour);
    if (peer != m_peers.end())
        *peer = {};
}

void Resyncer::clear()
{
    m_peers.clear();
    m_bucketsOnly.clear();
    m_antiEntropy.stop();
    m_rootAtCheck = 0;
    m_busyChecksSkipped = 0;
}

bool Resyncer::estimateRefused(PeerLink *link, const QByteArray &refusal)
{
    const QString &neighbour = link->neighbour().name;
    if (!refusal.startsWith("? SYNC EST ") || m_bucketsOnly.contains(neighbour))
        return false;
    m_bucketsOnly.insert(neighbour);
    report(neighbour,
           QStringLiteral("%1 does not know SYNC EST (a Herd node from before difference tables): "
                          "comparing bucket summaries with it from now on")
               .arg(neighbour));
    if (link->state() == PeerLink::State::Connected)
        sendSummary(link);
    return true;
}

QString Resyncer::handleAnswer(PeerLink *link, const SyncLine &sync)
{
    Peer &peer = m_peers[link->neighbour().name];
    switch (sync.kind) {
    case SyncLine::Kind::Table:
        return receiveTable(link, peer, sync);
    case SyncLine::Kind::Buckets:
        if (peer.waiting == Peer::Waiting::Table)
            sendSummary(link);
        return {};
    case SyncLine::Kind::Have:
        if (peer.waiting == Peer::Waiting::Have)
            peer.theirEntries[sync.bucket].append(sync.entries);
        return {};
    case SyncLine::Kind::Done:
        // After a SUM, the end of the HAVE lines; after an EST, the neighbour
        // runs its own exchange instead (crossed), or sent us everything.
        if (peer.waiting == Peer::Waiting::Have)
            finishExchange(link, peer);
        else if (peer.waiting == Peer::Waiting::Table)
            peer = {};
        return {};
    case SyncLine::Kind::Differ:
        if (peer.waiting == Peer::Waiting::Nothing)
            startExchange(link);
        return {};
    case SyncLine::Kind::Est:
    case SyncLine::Kind::More:
    case SyncLine::Kind::Get:
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
    const bool busy = store.rootHash() != std::exchange(m_rootAtCheck, store.rootHash());
    if (busy && m_busyChecksSkipped < MaxBusyChecksSkipped) {
        ++m_busyChecksSkipped;
        return;
    }
    m_busyChecksSkipped = 0;
    const QByteArray root = SyncLine::rootLine(m_node.name().toUtf8(), store.size(), store.rootHash());
    for (PeerLink *link : m_node.links()) {
        if (link->state() != PeerLink::State::Connected || link->neighbour().plain)
            continue;
        if (m_peers.value(link->neighbour().name).waiting == Peer::Waiting::Nothing)
            link->send(root, Resync);
    }
}

bool Resyncer::yieldsTo(const QString &asker) const
{
    return m_node.name() < asker && m_peers.value(asker).waiting == Peer::Waiting::Have;
}

bool Resyncer::yieldsToEstimate(const QString &asker, qint64 theirRecords) const
{
    const Peer peer = m_peers.value(asker);
    return peer.waiting == Peer::Waiting::Table
        && std::pair(peer.statedRecords, m_node.name()) < std::pair(theirRecords, asker);
}

void Resyncer::startExchange(PeerLink *link)
{
    // Herd nodes from before difference tables compare buckets, as do
    // lines limited to less than the estimator's 2 KiB.
    const Store &store = m_node.store();
    const QByteArray line = m_bucketsOnly.contains(link->neighbour().name)
        ? QByteArray()
        : SyncLine::estimate(m_node.name().toUtf8(), store.size(), DiffEstimate::of(store).bytes());
    if (line.isEmpty() || line.size() > maxLineBytes()) {
        sendSummary(link);
        return;
    }
    Peer &peer = m_peers[link->neighbour().name];
    peer = {};
    peer.waiting = Peer::Waiting::Table;
    peer.statedRecords = store.size();
    link->send(line, Resync);
}

QString Resyncer::receiveTable(PeerLink *link, Peer &peer, const SyncLine &sync)
{
    if (peer.waiting != Peer::Waiting::Table)
        return QStringLiteral("a SYNC TABLE this node did not ask for");
    if (!peer.table && sync.first == 0)
        peer.table.emplace(sync.cells);
    if (!peer.table || peer.table->size() != sync.cells || peer.tableReceived != sync.first) {
        // The exchange is void; the next anti-entropy round starts another.
        peer = {};
        return QStringLiteral("SYNC TABLE cells out of order: exchange abandoned");
    }
    peer.table->setBytes(sync.first, sync.blob);
    peer.tableReceived += sync.blob.size() / DiffTable::CellBytes;
    if (peer.tableReceived == peer.table->size())
        finishTable(link, peer);
    return {};
}

void Resyncer::finishTable(PeerLink *link, Peer &peer)
{
    const Store &store = m_node.store();
    const qsizetype cells = peer.table->size();
    const std::optional<DiffTable::Difference> difference =
        DiffTable::of(store, cells).subtract(*std::exchange(peer.table, std::nullopt));
    peer.tableReceived = 0;
    const QString &neighbour = link->neighbour().name;
    if (!difference) {
        if (cells * 2 <= DiffTable::MaxCells) {
            link->send(SyncLine::more(m_node.name().toUtf8(), cells * 2), Resync);
            report(
                neighbour,
                QStringLiteral("a table of %1 cells did not peel: asked for %2").arg(cells).arg(cells * 2));
        } else {
            sendSummary(link);
        }
        return;
    }
    // What each side holds that the other does not, by client.
    QHash<quint64, qint64> mine;
    for (const DiffTable::Pair &pair : difference->onlyHere)
        mine.insert(pair.clientHash, pair.timeNs);
    QHash<quint64, qint64> theirs;
    for (const DiffTable::Pair &pair : difference->onlyThere)
        theirs.insert(pair.clientHash, pair.timeNs);
    qsizetype pushed = 0;
    for (auto it = store.records().cbegin(); !mine.isEmpty() && it != store.records().cend(); ++it) {
        const quint64 client = it->clientHash;
        const auto held = mine.constFind(client);
        if (held == mine.cend() || *held != it->timeNs)
            continue;
        const auto their = theirs.constFind(client);
        if (their == theirs.cend() || *their < it->timeNs) {
            link->send(it->atLine, Resync);
            ++pushed;
        }
    }
    QList<quint64> wanted;
    for (auto it = theirs.cbegin(); it != theirs.cend(); ++it) {
        const auto held = mine.constFind(it.key());
        if (held == mine.cend() || *held < it.value())
            wanted.append(it.key());
    }
    if (!wanted.isEmpty())
        send(link, SyncLine::get(m_node.name().toUtf8(), wanted, maxLineBytes()));
    report(neighbour,
           QStringLiteral("a table of %1 cells gave %2 pairs only here, %3 only at %4: sent %5 "
                          "records %4 lacked or held older; asked for %6 it holds newer")
               .arg(cells)
               .arg(mine.size())
               .arg(theirs.size())
               .arg(neighbour)
               .arg(pushed)
               .arg(wanted.size()));
    peer = {};
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
    peer = {};
    peer.waiting = Peer::Waiting::Have;
    send(link, SyncLine::sum(m_node.name().toUtf8(), buckets, maxLineBytes()));
}

Resyncer::Answer Resyncer::answerEstimate(const QString &asker, qint64 theirRecords,
                                          const QByteArray &theirEstimator)
{
    const Store &store = m_node.store();
    const QByteArray name = m_node.name().toUtf8();
    Answer answer;
    if (theirRecords == 0) {
        answer.clients = store.records().keys();
        answer.lines = {SyncLine::done(name)};
        answer.summary =
            QStringLiteral("%1 holds nothing: sending all %2 records").arg(asker).arg(store.size());
        return answer;
    }
    const std::optional<DiffEstimate> theirs = DiffEstimate::fromBytes(theirEstimator);
    const qint64 pairs =
        qMax(theirs ? DiffEstimate::of(store).differences(*theirs) : 0, qAbs(store.size() - theirRecords));
    const qsizetype cells = DiffTable::cellsFor(pairs);
    if (cells == 0) {
        answer.lines = {SyncLine::askForBuckets(name)};
        answer.summary =
            QStringLiteral("about %1 pairs differ from %2's: too many for a table, asked for its "
                           "bucket summary")
                .arg(pairs)
                .arg(asker);
        return answer;
    }
    answer.lines = SyncLine::table(name, DiffTable::of(store, cells), maxLineBytes());
    answer.summary = QStringLiteral("about %1 pairs differ from %2's: sending a table of %3 cells")
                         .arg(pairs)
                         .arg(asker)
                         .arg(cells);
    return answer;
}

Resyncer::Answer Resyncer::answerMore(const QString &asker, qsizetype cells)
{
    Answer answer;
    answer.lines =
        SyncLine::table(m_node.name().toUtf8(), DiffTable::of(m_node.store(), cells), maxLineBytes());
    answer.summary = QStringLiteral("sending %1 a table of %2 cells").arg(asker).arg(cells);
    return answer;
}

Resyncer::Answer Resyncer::answerGet(const QString &asker, const QList<quint64> &clientHashes)
{
    const QSet<quint64> wanted(clientHashes.cbegin(), clientHashes.cend());
    Answer answer;
    for (const Record &record : m_node.store().records()) {
        if (wanted.contains(record.clientHash))
            answer.clients.append(record.clientId);
    }
    answer.summary = QStringLiteral("sending %1 of the %2 records %3 asked for")
                         .arg(answer.clients.size())
                         .arg(clientHashes.size())
                         .arg(asker);
    return answer;
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
    peer = {};
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
