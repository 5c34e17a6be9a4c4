// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/node/store.h"

#include "herd/node/digest_p.h"

namespace Herd {

namespace {

// Whether `line`, which parsed as `at`, is the AT line ofAt() would build
// from it: its six fields with one space between them. The parser split it
// on white space into exactly those fields, so with five bytes left over
// there is exactly one between each two and none around them.
bool isNormalAt(const QByteArray &line, const Message &at)
{
    const qsizetype fields[] = {2, at.server.size(), at.diff.size(), at.clientId.size(), at.position.size()};
    qsizetype separator = 0;
    for (const qsizetype field : fields)
        separator += field;
    if (line.size() != separator + at.time.size() + 5)
        return false;
    separator = -1;
    for (const qsizetype field : fields) {
        separator += field + 1;
        if (line.at(separator) != ' ')
            return false;
    }
    return true;
}

} // namespace

QByteArrayView Record::server() const
{
    return normalField(atLine, 1);
}

QByteArrayView Record::position() const
{
    return normalField(atLine, 4);
}

bool Record::degrees(double *latitude, double *longitude) const
{
    Problem problem = Problem::None;
    return parsePosition(position(), latitude, longitude, &problem);
}

Record Record::ofAt(const Message &at, const QByteArray &line)
{
    Record record;
    record.clientId = at.clientId;
    record.timeNs = at.timeNs;
    if (isNormalAt(line, at)) {
        record.atLine = line;
        return record;
    }
    record.atLine = joinAt(at.server, at.diff, at.clientId, at.position, at.time);
    return record;
}

std::optional<Record> Record::ofAtLine(const QByteArray &line)
{
    const Message at = parseLine(line);
    if (at.command != Command::At)
        return std::nullopt;
    return ofAt(at, line);
}

bool Store::offer(const Record &record)
{
    auto it = m_records.find(record.clientId);
    if (it != m_records.end() && record.timeNs <= it->timeNs)
        return false;
    const quint64 client = Digest::clientHash(record.clientId);
    if (m_bucketHashes.empty())
        m_bucketHashes.assign(Digest::Buckets, 0);
    quint64 &bucket = m_bucketHashes[size_t(Digest::bucketOf(client))];
    if (it == m_records.end()) {
        it = m_records.insert(record.clientId, record);
    } else {
        const quint64 old = Digest::recordHash(client, it->timeNs);
        bucket ^= old;
        m_rootHash ^= old;
        *it = record;
    }
    it->clientHash = client;
    const quint64 added = Digest::recordHash(client, record.timeNs);
    bucket ^= added;
    m_rootHash ^= added;
    return true;
}

const Record *Store::find(const QByteArray &clientId) const
{
    const auto it = m_records.constFind(clientId);
    return it == m_records.cend() ? nullptr : &*it;
}

void Store::clear()
{
    m_records.clear();
    m_bucketHashes.clear();
    m_rootHash = 0;
}

quint64 Store::bucketHash(int bucket) const
{
    return m_bucketHashes.empty() ? 0 : m_bucketHashes[size_t(bucket)];
}

} // namespace Herd
