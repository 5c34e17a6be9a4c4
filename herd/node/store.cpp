// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/node/store.h"

#include "herd/node/digest_p.h"

namespace Herd {

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
