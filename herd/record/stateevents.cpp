// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/record/stateevents.h"

#include "herd/herdsource.h"
#include "herd/node/store.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

constexpr auto OneWay = " (one way)"_L1;
constexpr auto AtStart = "held when recording began"_L1;

} // namespace

QList<Event> eventsOfState(const HerdSource &herd, qint64 timeNs)
{
    QList<Event> events;
    auto add = [&](const QString &node, EventKind kind, const QString &peer, const QString &detail) {
        Event event;
        event.timeNs = timeNs;
        event.node = node;
        event.kind = kind;
        event.peer = peer;
        event.detail = detail;
        events.append(event);
        return &events.last();
    };
    const HerdConfig &config = herd.config();
    for (const QString &node : config.nodeNames()) {
        if (!herd.isRunning(node))
            continue;
        // Where it listens, last, as a node's own start says it: a replay
        // reads the port from there.
        const std::optional<NodeStatus> status = herd.nodeStatus(node);
        add(node, EventKind::NodeStarted, {},
            u"running when recording began, listening on %1:%2"_s.arg(status ? status->host : QString())
                .arg(status ? status->port : 0));
        if (const qint64 skew = herd.clockSkew(node); skew != 0)
            add(node, EventKind::LinkChanged, {}, u"clock skew %1 ms"_s.arg(skew));
        for (const QString &neighbour : config.neighboursOf(node)) {
            const std::optional<LinkState> link = herd.linkState(node, neighbour);
            if (!link)
                continue;
            if (link->cut)
                add(node, EventKind::LinkChanged, neighbour, u"cut"_s + OneWay);
            if (link->delayMs != 0)
                add(node, EventKind::LinkChanged, neighbour, u"delay %1 ms"_s.arg(link->delayMs) + OneWay);
            if (link->jitterMs != 0)
                add(node, EventKind::LinkChanged, neighbour,
                    u"jitter +-%1 ms"_s.arg(link->jitterMs) + OneWay);
            if (link->flakyMeanMs != 0)
                add(node, EventKind::LinkChanged, neighbour,
                    u"flaky, mean up time %1 ms"_s.arg(link->flakyMeanMs) + OneWay);
            if (link->state == LinkState::State::Connected)
                add(node, EventKind::PeerConnected, neighbour, {});
        }
        if (const Store *store = herd.store(node)) {
            for (const Record &record : store->records()) {
                Event *stored = add(node, EventKind::RecordStored, {}, AtStart);
                stored->client = record.clientId;
                stored->line = record.atLine;
            }
        }
    }
    return events;
}

} // namespace Herd
