// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QMetaType>
#include <QString>

#include <optional>

namespace Herd {

// Everything a node does is announced as one of these, in the past tense.
// The logs, the GUI and the tests all read this one stream.
enum class EventKind {
    NodeStarted,        // detail: "listening on host:port"
    NodeStopped,        // detail: why
    ClientConnected,    // peer: address:port
    ClientDisconnected, // detail: why
    LineReceived,       // line; peer is a neighbour's name when known
    LineSent,           // line; on a peer link, peer is the neighbour's name
    LineInvalid,        // line; detail: the parser's reason
    RecordStored,       // client, line: the AT line; detail: "iamat" or "flood"
    RecordDropped,      // client, line; detail: why (not newer)
    PeerConnected,      // peer: neighbour name; detail: address:port
    PeerDisconnected,   // peer: neighbour name; detail: why
    PeerRetrying,       // peer: neighbour name; detail: delay and attempt
    SendSkipped,        // line not sent to neighbour `peer`; detail: why
    LinkChanged,        // a fault set or undone: on the node -> peer link (cut, restored,
                        // delay, jitter, flaky), or with no peer on the node (clock skew);
                        // detail says which
    Resynced,           // peer: neighbour; detail: what one resync exchange compared and sent
    Refused,            // peer: address:port; detail: what was refused, naming the limit
    Error,              // detail: what went wrong
};

const char *eventKindName(EventKind kind);

// The detail of a WHATSAT answer's LineSent event: how long the places
// source took to answer it, "places 1.234 ms" (the monitor's histogram of
// upstream times reads it back).
QString placesTimeDetail(qint64 elapsedNs);
// The time in such a detail, in seconds; null for any other detail.
std::optional<double> placesTimeSeconds(const QString &detail);

struct Event
{
    qint64 timeNs = 0; // wall clock, ns since the POSIX epoch
    QString node;
    EventKind kind = EventKind::Error;
    QString peer; // address:port of a client, or a neighbour's name
    // The client an update is about: for record events, and for IAMAT and AT
    // lines received, sent or skipped (updateClient() in wire/protocol.h).
    QByteArray client;
    QByteArray line; // protocol line, without its ending
    QString detail;
    bool viaPeerLink = false; // the line travelled between two nodes
};

} // namespace Herd

Q_DECLARE_METATYPE(Herd::Event)
