// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/record/momentview.h"

#include "herd/node/store.h"

namespace Herd {

std::optional<NodeStatus> nodeStatusIn(const HerdMoment &moment, const HerdConfig &config,
                                       const QString &node)
{
    const auto seen = moment.nodes.constFind(node);
    if (seen == moment.nodes.cend())
        return std::nullopt;
    NodeStatus status;
    if (const NodeConfig *nodeConfig = config.node(node)) {
        status.host = nodeConfig->host;
        status.port = nodeConfig->port;
    }
    status.running = seen->running;
    status.started = seen->started || seen->running;
    status.clockSkewMs = seen->clockSkewMs;
    return status;
}

std::optional<LinkState> linkStateIn(const HerdMoment &moment, const HerdConfig &config, const QString &from,
                                     const QString &to)
{
    const auto sender = moment.nodes.constFind(from);
    const NodeConfig *receiver = config.node(to);
    if (sender == moment.nodes.cend() || !receiver || !config.neighboursOf(from).contains(to))
        return std::nullopt;
    const LinkMoment link = moment.links.value({from, to});
    LinkState state;
    state.host = receiver->host;
    state.port = receiver->port;
    state.cut = link.cut;
    state.delayMs = link.delayMs;
    state.jitterMs = link.jitterMs;
    state.flakyMeanMs = link.flakyMeanMs;
    if (link.cut)
        state.state = LinkState::State::Cut;
    else if (!sender->running)
        state.state = LinkState::State::Idle;
    else
        state.state = link.up ? LinkState::State::Connected : LinkState::State::Connecting;
    return state;
}

void followInStore(QHash<QString, Store> &stores, const Event &event)
{
    if (event.kind == EventKind::RecordStored)
        stores[event.node].offer(ReplayRecord::ofLine(event.line).toRecord(event.client));
    else if (event.kind == EventKind::NodeStopped)
        stores[event.node].clear();
}

QList<std::pair<QString, QString>> linksChangedBy(const Event &event, const HerdConfig &config)
{
    switch (event.kind) {
    case EventKind::PeerConnected:
    case EventKind::PeerDisconnected:
        return {{event.node, event.peer}};
    case EventKind::LinkChanged:
        if (event.peer.isEmpty())
            return {};
        return {{event.node, event.peer}, {event.peer, event.node}};
    case EventKind::NodeStarted:
    case EventKind::NodeStopped: {
        QList<std::pair<QString, QString>> links;
        for (const QString &neighbour : config.neighboursOf(event.node))
            links.append({event.node, neighbour});
        return links;
    }
    default:
        return {};
    }
}

} // namespace Herd
