// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>
#include <QtGlobal>

namespace Herd {

// Per-node knobs, filled from the herd file. Defaults suit a herd on one
// machine; every one has a herd-file key.
struct NodeSettings
{
    QString name;
    QString host = QStringLiteral("127.0.0.1"); // listen here; neighbours connect here
    quint16 port = 0;                           // 0: the OS picks (tests)
    qsizetype maxLineBytes = 16 * 1024;
    // Bounds (herd file "limits"): each one turns a misbehaving client into a
    // logged Refused event instead of unbounded memory or descriptors.
    int maxConnections = 10'000;                      // accepted connections; more are closed at once
    int idleTimeoutMs = 0;                            // 0: never; else close a client silent this long
    qsizetype maxPendingReplyBytes = 4 * 1024 * 1024; // unsent replies before a non-reader is dropped
    int maxWhatsatPerConnection = 64;                 // in flight; reading pauses while reached
    int maxWhatsatPerNode = 1024;                     // in flight over all connections; same
    // An IAMAT whose client time is further than this ahead of the node's
    // clock is answered as invalid (herd file "limits.maxClientTimeAheadMs").
    // 0, the default, is off: the course's servers take any time.
    qint64 maxClientTimeAheadMs = 0;
    int reconnectInitialMs = 100;
    int reconnectMaxMs = 3000;
    // When a link to a neighbour comes up, exchange a digest and send each
    // other what the other lacks (herd file "resync").
    bool resync = true;
    // With resync on: how often each link asks its neighbour whether they
    // hold the same records (one SYNC ROOT line; an exchange only if not), so
    // nodes that disagree for any reason agree again within about this long.
    // 0: only when a link comes up (herd file "antiEntropyMs").
    int antiEntropyMs = 5000;
    // Non-empty: neighbours authenticate and seal their lines (peerauth.h),
    // and an AT or SYNC line from anyone else is refused (herd file "auth").
    QByteArray peerSecret;
};

struct Neighbour
{
    QString name;
    QString host;
    quint16 port = 0;
    bool plain = false; // speaks only the course's protocol: sent AT lines, never resync lines
};

} // namespace Herd
