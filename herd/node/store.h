// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHash>

#include <optional>
#include <vector>

#include "herd/wire/protocol.h"

namespace Herd {

// What a node knows about one client: its newest report.
struct Record
{
    QByteArray clientId;
    qint64 timeNs = 0; // client time: the newer-wins key
    // The AT line as `server()` produced it, one space between its fields;
    // the fields below are read from it, not kept twice.
    QByteArray atLine;
    // Digest::clientHash(clientId), set by the Store: resync passes over
    // every record read it rather than each id's bytes (digest.h).
    quint64 clientHash = 0;

    // The node that received the IAMAT, and the position as the client
    // sent it: empty if atLine has too few fields.
    QByteArrayView server() const;
    QByteArrayView position() const;
    // The position's degrees (parsePosition()); false if it has none.
    bool degrees(double *latitude, double *longitude) const;

    // The record of an AT line, `at` being parseLine(line); the line is
    // normalised to single spaces so WHATSAT replies look as its origin made
    // them even if a neighbour used other white space.
    static Record ofAt(const Message &at, const QByteArray &line);
    // The same for a line not parsed yet: null if it is not an AT line.
    static std::optional<Record> ofAtLine(const QByteArray &line);
};

// Newest record per client id. Newer means a strictly larger client time,
// so a duplicate or an echo of a flood is never newer than itself.
// It also keeps the digest of what it holds (digest.h), bucket by bucket.
class Store final
{
public:
    // Stores the record if it is newer than the one held; true if stored.
    bool offer(const Record &record);

    const Record *find(const QByteArray &clientId) const;
    qsizetype size() const { return m_records.size(); }
    const QHash<QByteArray, Record> &records() const { return m_records; }
    void clear();

    // XOR of the record hashes in one bucket; 0 when it holds none.
    quint64 bucketHash(int bucket) const;
    // XOR of every record hash: equal stores have equal roots, and two
    // nodes compare this before anything costlier (resyncer.h).
    quint64 rootHash() const { return m_rootHash; }

private:
    QHash<QByteArray, Record> m_records;
    std::vector<quint64> m_bucketHashes; // Digest::Buckets once anything is stored
    quint64 m_rootHash = 0;
};

} // namespace Herd
