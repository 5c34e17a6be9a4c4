// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/record/herdmoment.h"

#include <QRegularExpression>

#include "herd/wire/protocol.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

// The first whole number in a LinkChanged detail: "delay 250 ms" -> 250.
qint64 numberIn(const QString &detail)
{
    static const QRegularExpression number(u"[+-]?\\d+"_s);
    return number.match(detail).captured().toLongLong();
}

// The client time of an AT line as a node stores it (single spaces, the
// time last); 0 if it has none.
qint64 clientTimeOf(QByteArrayView atLine)
{
    qint64 ns = 0;
    return parseTime(atLine.sliced(atLine.lastIndexOf(' ') + 1), &ns) ? ns : 0;
}

} // namespace

QByteArrayView ReplayRecord::origin() const
{
    return normalField(atLine, 1);
}

ReplayRecord ReplayRecord::ofLine(const QByteArray &atLine)
{
    return {atLine, clientTimeOf(atLine)};
}

Record ReplayRecord::toRecord(const QByteArray &clientId) const
{
    Record record;
    record.clientId = clientId;
    record.atLine = atLine;
    record.timeNs = clientTimeNs;
    return record;
}

void HerdMoment::apply(const Event &event)
{
    ++eventCount;
    timeNs = event.timeNs;
    switch (event.kind) {
    case EventKind::NodeStarted: {
        NodeMoment &node = nodes[event.node];
        node.running = true;
        node.started = true;
        break;
    }
    case EventKind::NodeStopped: {
        // A stopped node is a crashed process: its store is gone
        // (Cluster::kill), its links closed; its faults stay.
        NodeMoment &node = nodes[event.node];
        node.running = false;
        node.started = true;
        node.records.clear();
        for (auto link = links.begin(); link != links.end(); ++link) {
            if (link.key().first == event.node)
                link->up = false;
        }
        break;
    }
    case EventKind::RecordStored: {
        nodes[event.node].records.insert(event.client, ReplayRecord::ofLine(event.line));
        break;
    }
    case EventKind::PeerConnected:
    case EventKind::PeerDisconnected:
        links[{event.node, event.peer}].up = event.kind == EventKind::PeerConnected;
        break;
    case EventKind::LinkChanged:
        applyLinkChange(event);
        break;
    default:
        break;
    }
}

// The details Cluster's fault setters write: "cut", "restored", "delay N
// ms", "jitter +-N ms", "flaky, mean up time N ms", "flaky off", each with
// " (one way)" for one direction; or, with no peer, "clock skew N ms".
void HerdMoment::applyLinkChange(const Event &event)
{
    const QString &detail = event.detail;
    if (event.peer.isEmpty()) {
        if (detail.startsWith("clock skew"_L1))
            nodes[event.node].clockSkewMs = numberIn(detail);
        return;
    }
    QList<LinkKey> directions {{event.node, event.peer}};
    if (!detail.endsWith("(one way)"_L1))
        directions.append({event.peer, event.node});
    for (const LinkKey &key : directions) {
        LinkMoment &link = links[key];
        if (detail.startsWith("cut"_L1))
            link.cut = true;
        else if (detail.startsWith("restored"_L1))
            link.cut = false;
        else if (detail.startsWith("delay"_L1))
            link.delayMs = int(numberIn(detail));
        else if (detail.startsWith("jitter"_L1))
            link.jitterMs = int(numberIn(detail));
        else if (detail.startsWith("flaky"_L1))
            link.flakyMeanMs = detail.startsWith("flaky off"_L1) ? 0 : int(numberIn(detail));
    }
}

} // namespace Herd
