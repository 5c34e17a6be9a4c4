// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/node/digest_p.h"

namespace Herd::Digest {

quint64 mix(quint64 x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

quint64 clientHash(QByteArrayView clientId)
{
    quint64 hash = 0xcbf29ce484222325ULL;
    for (const char c : clientId) {
        hash ^= quint8(c);
        hash *= 0x100000001b3ULL;
    }
    return mix(hash);
}

quint64 recordHash(quint64 clientHash, qint64 timeNs)
{
    return mix(clientHash ^ mix(quint64(timeNs)));
}

} // namespace Herd::Digest
