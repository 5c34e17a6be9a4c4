// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArrayView>
#include <QtGlobal>

namespace Herd::Digest {

// What two nodes compare when a link comes up (see resyncer.h): client ids
// fall into a fixed number of buckets, and each bucket's hash is the XOR of
// its records' hashes, so a store keeps every bucket's hash up to date in
// O(1) per update and equal buckets need no further talk.
//
// The hashes are our own (FNV-1a and a SplitMix64 finaliser), not qHash,
// whose value differs between machines and Qt builds: nodes of one herd may
// run on different machines.
constexpr int Buckets = 4096;

quint64 clientHash(QByteArrayView clientId);
inline int bucketOf(quint64 clientHash)
{
    return int(clientHash % Buckets);
}
// Never 0 in practice (probability 2^-64), so 0 stands for "no records".
quint64 recordHash(quint64 clientHash, qint64 timeNs);
// The SplitMix64 finaliser both are built on; the difference tables
// (difftable_p.h, diffestimate_p.h) draw their cell positions from it.
quint64 mix(quint64 x);

} // namespace Herd::Digest
