// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHash>
#include <QMap>
#include <QString>

#include <utility>

#include "herd/event.h"
#include "herd/node/store.h"

namespace Herd {

// What a node held about one client at a moment of a recording.
struct ReplayRecord
{
    QByteArray atLine;       // the AT line as stored (shared with its event)
    qint64 clientTimeNs = 0; // the client's time: the newer-wins key
    // The node that took the IAMAT: the AT line's second field. Read from
    // the line, not kept, as a checkpoint holds every record of every node.
    QByteArrayView origin() const;
    // The record as a node's Store keeps it.
    Record toRecord(const QByteArray &clientId) const;
    // The record of a stored AT line, its client time read from the line.
    static ReplayRecord ofLine(const QByteArray &atLine);
    friend bool operator==(const ReplayRecord &, const ReplayRecord &) = default;
};

struct NodeMoment
{
    bool running = false;
    // It ran at or before this moment (a NodeStarted or NodeStopped seen):
    // a node not running that never did has not started yet, not been killed.
    bool started = false;
    qint64 clockSkewMs = 0;
    QHash<QByteArray, ReplayRecord> records; // by client id
    friend bool operator==(const NodeMoment &, const NodeMoment &) = default;
};

// One direction of a link, from -> to: connected or not, and its faults.
struct LinkMoment
{
    bool up = false;
    bool cut = false;
    int delayMs = 0;
    int jitterMs = 0;
    int flakyMeanMs = 0;
    friend bool operator==(const LinkMoment &, const LinkMoment &) = default;
};

// The herd as a recording shows it after its first `eventCount` events:
// every node's records (RecordStored adds, NodeStopped loses them all, as a
// killed node does), whether it runs (and ever did), and each link's state
// and faults.
//
// Copies are cheap (Qt's implicit sharing): a copy shares every node's
// records until one of them changes, so checkpoints cost only what changed.
struct HerdMoment
{
    using LinkKey = std::pair<QString, QString>; // from, to

    qsizetype eventCount = 0;
    qint64 timeNs = 0; // the last event's time; 0 before any
    QMap<QString, NodeMoment> nodes;
    QMap<LinkKey, LinkMoment> links;

    void apply(const Event &event);
    friend bool operator==(const HerdMoment &, const HerdMoment &) = default;

private:
    void applyLinkChange(const Event &event);
};

} // namespace Herd
