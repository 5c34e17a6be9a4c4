// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/attach/attachedherd.h"

#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>

#include "herd/attach/monitorclient.h"
#include "herd/wire/clock.h"

using namespace Qt::StringLiterals;

namespace Herd {

AttachedHerd::AttachedHerd(const HerdConfig &config, QObject *parent)
    : HerdSource(parent)
    , m_config(config)
{
    for (const NodeConfig &node : config.nodes) {
        if (node.monitor.isEmpty() || m_clients.contains(node.monitor))
            continue;
        auto *client = new MonitorClient(node.monitor, config.monitorToken, this);
        m_clients.insert(node.monitor, client);
        connect(client, &MonitorClient::stateRead, this,
                [this, client](const ProcessState &state, bool fresh) { onState(client, state, fresh); });
        connect(client, &MonitorClient::eventReceived, this,
                [this, client](const Event &event) { onEvent(client, event); });
        connect(client, &MonitorClient::lost, this, [this, client] { onLost(client); });
    }
}

AttachedHerd::~AttachedHerd()
{
    // Before the network manager, whose replies they follow.
    qDeleteAll(std::exchange(m_clients, {}));
}

QStringList AttachedHerd::missingMonitors(const HerdConfig &config)
{
    QStringList missing;
    for (const NodeConfig &node : config.nodes) {
        if (node.monitor.isEmpty())
            missing.append(node.name);
    }
    return missing;
}

void AttachedHerd::start()
{
    for (MonitorClient *client : std::as_const(m_clients))
        client->start();
}

QList<const MonitorClient *> AttachedHerd::monitors() const
{
    QList<const MonitorClient *> result;
    for (const MonitorClient *client : m_clients)
        result.append(client);
    return result;
}

std::optional<NodeStatus> AttachedHerd::nodeStatus(const QString &node) const
{
    const auto it = m_nodes.constFind(node);
    return it == m_nodes.cend() ? std::nullopt : std::optional<NodeStatus>(it->status);
}

const Store *AttachedHerd::store(const QString &node) const
{
    const auto it = m_nodes.constFind(node);
    return it == m_nodes.cend() ? nullptr : &it->store;
}

std::optional<LinkState> AttachedHerd::linkState(const QString &from, const QString &to) const
{
    const auto it = m_links.constFind({from, to});
    return it == m_links.cend() || !m_nodes.contains(from) ? std::nullopt : std::optional<LinkState>(*it);
}

bool AttachedHerd::isOutOfSight(const QString &node) const
{
    const NodeConfig *config = m_config.node(node);
    return config && !config->monitor.isEmpty() && !m_nodes.contains(node);
}

std::optional<ClockSpread> AttachedHerd::clockSpread() const
{
    ClockSpread spread;
    for (const MonitorClient *client : m_clients) {
        if (!client->clock().isKnown())
            continue;
        ++spread.processes;
        spread.worstUncertaintyNs = std::max(spread.worstUncertaintyNs, client->clock().uncertaintyNs());
    }
    return spread;
}

void AttachedHerd::onState(MonitorClient *client, const ProcessState &state, bool fresh)
{
    if (!fresh) {
        // A read the stream has overtaken is older than what is shown.
        if (state.timeNs < m_lastEventNs.value(client))
            return;
        for (auto it = state.nodes.cbegin(); it != state.nodes.cend(); ++it) {
            if (m_runBy.value(it.key()) == client)
                m_nodes[it.key()].status = it->status;
        }
        for (auto it = state.links.cbegin(); it != state.links.cend(); ++it) {
            LinkState &held = m_links[it.key()];
            const bool moved = held.state != it->state;
            held = *it;
            if (moved)
                emit linkStateChanged(it.key().first, it.key().second);
        }
        return;
    }
    forgetNodesOf(client);
    for (auto it = state.nodes.cbegin(); it != state.nodes.cend(); ++it) {
        m_nodes.insert(it.key(), *it);
        m_runBy.insert(it.key(), client);
    }
    for (auto it = state.links.cbegin(); it != state.links.cend(); ++it)
        m_links.insert(it.key(), *it);
    m_lastEventNs.insert(client, state.timeNs);
    settle(client);
    emit sightChanged();
}

void AttachedHerd::forgetNodesOf(MonitorClient *client)
{
    for (auto it = m_runBy.begin(); it != m_runBy.end();) {
        if (*it == client) {
            m_nodes.remove(it.key());
            it = m_runBy.erase(it);
        } else {
            ++it;
        }
    }
}

void AttachedHerd::onLost(MonitorClient *client)
{
    settle(client);
    const qsizetype before = m_nodes.size();
    forgetNodesOf(client);
    if (m_nodes.size() != before)
        emit sightChanged();
}

void AttachedHerd::settle(MonitorClient *client)
{
    if (m_settled.contains(client))
        return;
    m_settled.insert(client);
    if (isSettled())
        emit settled();
}

void AttachedHerd::onEvent(MonitorClient *client, Event event)
{
    m_lastEventNs[client] = std::max(m_lastEventNs.value(client), event.timeNs);
    apply(client, event);
    event.timeNs = client->clock().toLocal(event.timeNs);
    emit eventOccurred(event);
}

// What the event changes of the state shown, as the embedded Cluster's
// nodes would have changed it.
void AttachedHerd::apply(MonitorClient *client, const Event &event)
{
    if (m_runBy.value(event.node) != client)
        return; // the monitor's own events, or a node out of sight
    ProcessNode &node = m_nodes[event.node];
    auto link = [&]() -> LinkState & { return m_links[{event.node, event.peer}]; };
    switch (event.kind) {
    case EventKind::NodeStarted:
        node.status.running = true;
        break;
    case EventKind::NodeStopped:
        node.status.running = false;
        node.status.clientConnections = 0;
        node.store.clear();
        for (auto it = m_links.begin(); it != m_links.end(); ++it) {
            if (it.key().first == event.node && !it->cut)
                it->state = LinkState::State::Idle;
        }
        break;
    case EventKind::RecordStored:
        if (const std::optional<Record> record = Record::ofAtLine(event.line))
            node.store.offer(*record);
        break;
    case EventKind::ClientConnected:
        ++node.status.clientConnections;
        break;
    case EventKind::ClientDisconnected:
        node.status.clientConnections = std::max(0, node.status.clientConnections - 1);
        break;
    case EventKind::PeerConnected:
        link().state = LinkState::State::Connected;
        link().failedAttempts = 0;
        emit linkStateChanged(event.node, event.peer);
        break;
    case EventKind::PeerDisconnected:
    case EventKind::PeerRetrying:
        if (!link().cut)
            link().state = LinkState::State::BackingOff;
        emit linkStateChanged(event.node, event.peer);
        break;
    case EventKind::LinkChanged:
        applyLinkChange(client, event);
        break;
    default:
        break;
    }
}

// The details Cluster's fault setters write (herd/record/herdmoment.cpp
// reads the same): "cut", "restored", "delay N ms", "jitter +-N ms",
// "flaky, mean up time N ms", "flaky off", with " (one way)" for one
// direction; with no peer, "clock skew N ms". A change reaches only the
// directions whose sender runs in the process that reported it.
void AttachedHerd::applyLinkChange(MonitorClient *client, const Event &event)
{
    const QString &detail = event.detail;
    static const QRegularExpression number(u"[+-]?\\d+"_s);
    const qint64 value = number.match(detail).captured().toLongLong();
    if (event.peer.isEmpty()) {
        if (detail.startsWith("clock skew"_L1))
            m_nodes[event.node].status.clockSkewMs = value;
        return;
    }
    QList<LinkKey> directions {{event.node, event.peer}};
    if (!detail.endsWith("(one way)"_L1) && m_runBy.value(event.peer) == client)
        directions.append({event.peer, event.node});
    for (const LinkKey &key : directions) {
        LinkState &link = m_links[key];
        if (detail.startsWith("cut"_L1)) {
            link.cut = true;
            link.state = LinkState::State::Cut;
        } else if (detail.startsWith("restored"_L1)) {
            link.cut = false;
            link.state = LinkState::State::Connecting;
        } else if (detail.startsWith("delay"_L1)) {
            link.delayMs = int(value);
        } else if (detail.startsWith("jitter"_L1)) {
            link.jitterMs = int(value);
        } else if (detail.startsWith("flaky"_L1)) {
            link.flakyMeanMs = detail.startsWith("flaky off"_L1) ? 0 : int(value);
        }
        emit linkStateChanged(key.first, key.second);
    }
}

MonitorClient *AttachedHerd::clientInSight(const QString &node) const
{
    return m_runBy.value(node);
}

bool AttachedHerd::post(const QString &node, const QString &action, const QJsonObject &body)
{
    MonitorClient *client = clientInSight(node);
    if (!client)
        return false;
    client->control(action, body,
                    [this, node, action, address = client->address()](int status, const QJsonObject &answer) {
                        if (status == 200)
                            return;
                        Event event;
                        event.timeNs = wallClockNs();
                        event.node = node;
                        event.kind = EventKind::Error;
                        event.detail = status == 0
                            ? u"the monitor at %1 did not answer %2 in time"_s.arg(address, action)
                            : u"the monitor at %1 refused %2 (HTTP %3): %4"_s.arg(address, action)
                                  .arg(status)
                                  .arg(answer.value("error"_L1).toString());
                        emit eventOccurred(event);
                    });
    return true;
}

bool AttachedHerd::kill(const QString &node)
{
    return isRunning(node) && post(node, u"kill"_s, {{u"node"_s, node}});
}

bool AttachedHerd::restart(const QString &node, QString *error)
{
    if (nodeStatus(node) && !isRunning(node) && post(node, u"restart"_s, {{u"node"_s, node}}))
        return true;
    if (error)
        *error = isOutOfSight(node) ? u"the monitor of %1 does not answer"_s.arg(node)
                                    : u"%1 is not a stopped node in sight"_s.arg(node);
    return false;
}

bool AttachedHerd::setLinkFault(const QString &from, const QString &to, Direction direction,
                                const QString &action, QJsonObject body)
{
    QList<LinkKey> directions {{from, to}};
    if (direction == Direction::Both)
        directions.append({to, from});
    body.insert(u"oneWay", true);
    bool sent = false;
    for (const auto &[sender, receiver] : directions) {
        body.insert(u"from", sender);
        body.insert(u"to", receiver);
        sent = post(sender, action, body) || sent;
    }
    return sent;
}

bool AttachedHerd::setLinkCut(const QString &from, const QString &to, bool cut, Direction direction)
{
    return setLinkFault(from, to, direction, cut ? u"cut"_s : u"restore"_s, {});
}

bool AttachedHerd::setLinkDelay(const QString &from, const QString &to, int delayMs, Direction direction)
{
    return setLinkFault(from, to, direction, u"delay"_s, {{u"ms"_s, std::max(0, delayMs)}});
}

bool AttachedHerd::setLinkJitter(const QString &from, const QString &to, int jitterMs, Direction direction)
{
    return setLinkFault(from, to, direction, u"jitter"_s, {{u"ms"_s, std::max(0, jitterMs)}});
}

bool AttachedHerd::setLinkFlaky(const QString &from, const QString &to, int meanUpMs, Direction direction)
{
    return setLinkFault(from, to, direction, u"flaky"_s, {{u"ms"_s, std::max(0, meanUpMs)}});
}

bool AttachedHerd::setClockSkew(const QString &node, qint64 skewMs)
{
    return post(node, u"clock-skew"_s, {{u"node"_s, node}, {u"ms"_s, skewMs}});
}

} // namespace Herd
