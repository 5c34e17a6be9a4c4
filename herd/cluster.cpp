// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/cluster.h"

#include "herd/wire/clock.h"
#include "herd/node/node.h"
#include "herd/node/peerlink_p.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

QString oneWaySuffix(Cluster::Direction direction)
{
    return direction == Cluster::Direction::OneWay ? u" (one way)"_s : QString();
}

} // namespace

Cluster::Cluster(const HerdConfig &config, PlacesSource *places, QObject *parent)
    : HerdSource(parent)
    , m_config(config)
    , m_places(places)
{}

Cluster::~Cluster()
{
    stop();
}

bool Cluster::start(const QStringList &only, QString *error)
{
    if (!listen(only, error))
        return false;
    connectNeighbours();
    return true;
}

bool Cluster::listen(const QStringList &only, QString *error)
{
    if (!m_config.hasNodes(only, error))
        return false;
    for (const NodeConfig &nodeConfig : m_config.nodes) {
        if (!only.isEmpty() && !only.contains(nodeConfig.name))
            continue;
        auto *node = new Node(m_config.settingsFor(nodeConfig), m_places, this);
        node->setSenderResolver([this, receiver = nodeConfig.name](const QHostAddress &, quint16 port) {
            return m_linkSenders.value(senderKey(receiver, port));
        });
        node->setEventSink([this](const Event &event) { onNodeEvent(event); });
        connect(node, &Node::linkStateChanged, this,
                [this, name = nodeConfig.name](const QString &neighbour) {
                    emit linkStateChanged(name, neighbour);
                });
        m_nodes.insert(nodeConfig.name, node);
        m_order.append(nodeConfig.name);
        if (!node->start(error)) {
            stop();
            return false;
        }
        node->holdConnections(true); // until connectNeighbours
    }
    return true;
}

void Cluster::connectNeighbours(const QHash<QString, quint16> &portsElsewhere)
{
    for (NodeConfig &nodeConfig : m_config.nodes) {
        if (portsElsewhere.contains(nodeConfig.name) && !m_nodes.contains(nodeConfig.name))
            nodeConfig.port = portsElsewhere.value(nodeConfig.name);
    }
    // Only now are the ports of nodes configured with port 0 known.
    for (Node *node : std::as_const(m_nodes)) {
        QList<Neighbour> neighbours;
        for (const QString &name : m_config.neighboursOf(node->name())) {
            const NodeConfig *config = m_config.node(name);
            const Node *local = m_nodes.value(name);
            neighbours.append({name, config->host, local ? local->port() : config->port, config->plain});
        }
        node->setNeighbours(neighbours);
        node->holdConnections(false);
    }
}

void Cluster::stop()
{
    for (const QString &name : std::as_const(m_order)) {
        if (Node *node = m_nodes.value(name))
            node->stop(QStringLiteral("herd stopped"));
    }
    qDeleteAll(m_nodes);
    m_nodes.clear();
    m_order.clear();
    m_linkSenders.clear();
}

QList<Node *> Cluster::nodes() const
{
    QList<Node *> result;
    for (const QString &name : m_order)
        result.append(m_nodes.value(name));
    return result;
}

std::optional<NodeStatus> Cluster::nodeStatus(const QString &name) const
{
    const Node *node = m_nodes.value(name);
    if (!node)
        return std::nullopt;
    return NodeStatus {node->settings().host, node->port(),        node->isRunning(),
                       node->clockSkewMs(),   node->clientCount(), node->neighbourLinkCount()};
}

const Store *Cluster::store(const QString &name) const
{
    const Node *node = m_nodes.value(name);
    return node ? &node->store() : nullptr;
}

std::optional<LinkState> Cluster::linkState(const QString &from, const QString &to) const
{
    const Node *sender = m_nodes.value(from);
    return sender ? sender->linkState(to) : std::nullopt;
}

bool Cluster::kill(const QString &name)
{
    Node *node = m_nodes.value(name);
    if (!node || !node->isRunning())
        return false;
    node->stop(QStringLiteral("killed"));
    return true;
}

bool Cluster::restart(const QString &name, QString *error)
{
    Node *node = m_nodes.value(name);
    if (!node) {
        if (error)
            *error = QStringLiteral("no node named \"%1\" runs here").arg(name);
        return false;
    }
    return node->start(error);
}

QList<PeerLink *> Cluster::directions(const QString &from, const QString &to, Direction direction) const
{
    QList<PeerLink *> result;
    if (const Node *sender = m_nodes.value(from); sender && sender->link(to))
        result.append(sender->link(to));
    if (direction == Direction::Both) {
        if (const Node *receiver = m_nodes.value(to); receiver && receiver->link(from))
            result.append(receiver->link(from));
    }
    return result;
}

bool Cluster::setLinkCut(const QString &from, const QString &to, bool cut, Direction direction)
{
    const QList<PeerLink *> links = directions(from, to, direction);
    for (PeerLink *link : links)
        link->setCut(cut);
    if (!links.isEmpty())
        reportLinkChange(from, to, (cut ? u"cut"_s : u"restored"_s) + oneWaySuffix(direction));
    return !links.isEmpty();
}

bool Cluster::setLinkDelay(const QString &from, const QString &to, int delayMs, Direction direction)
{
    const QList<PeerLink *> links = directions(from, to, direction);
    for (PeerLink *link : links)
        link->setDelayMs(delayMs);
    if (!links.isEmpty())
        reportLinkChange(
            from, to,
            QStringLiteral("delay %1 ms%2").arg(links.constFirst()->delayMs()).arg(oneWaySuffix(direction)));
    return !links.isEmpty();
}

bool Cluster::setLinkJitter(const QString &from, const QString &to, int jitterMs, Direction direction)
{
    const QList<PeerLink *> links = directions(from, to, direction);
    for (PeerLink *link : links)
        link->setJitterMs(jitterMs);
    if (!links.isEmpty())
        reportLinkChange(from, to,
                         QStringLiteral("jitter +-%1 ms%2")
                             .arg(links.constFirst()->jitterMs())
                             .arg(oneWaySuffix(direction)));
    return !links.isEmpty();
}

bool Cluster::setLinkFlaky(const QString &from, const QString &to, int meanUpMs, Direction direction)
{
    const QList<PeerLink *> links = directions(from, to, direction);
    for (PeerLink *link : links)
        link->setFlakyMeanMs(meanUpMs);
    if (links.isEmpty())
        return false;
    const int mean = links.constFirst()->flakyMeanMs();
    const QString what = mean > 0 ? QStringLiteral("flaky, mean up time %1 ms").arg(mean) : u"flaky off"_s;
    reportLinkChange(from, to, what + oneWaySuffix(direction));
    return true;
}

bool Cluster::setClockSkew(const QString &name, qint64 skewMs)
{
    Node *node = m_nodes.value(name);
    if (!node)
        return false;
    node->setClockSkewMs(skewMs);
    QString what = QStringLiteral("clock skew %1%2 ms").arg(skewMs > 0 ? u"+"_s : QString()).arg(skewMs);
    if (skewMs != 0)
        what += skewMs < 0 ? u" (clock runs behind)"_s : u" (clock runs ahead)"_s;
    reportLinkChange(name, {}, what);
    return true;
}

void Cluster::reportLinkChange(const QString &from, const QString &to, const QString &what)
{
    Event event;
    event.timeNs = wallClockNs();
    event.node = from;
    event.peer = to;
    event.kind = EventKind::LinkChanged;
    event.detail = what;
    emit eventOccurred(event);
}

void Cluster::onNodeEvent(const Event &event)
{
    // Every line in and out of every node passes here: only link changes,
    // which are rare, pay for building the link's key.
    if (event.kind == EventKind::PeerConnected) {
        if (const PeerLink *peerLink = m_nodes.value(event.node)->link(event.peer)) {
            const QString key = senderKey(event.peer, peerLink->localPort());
            m_linkSenders.insert(key, event.node);
            m_linkKeys.insert(event.node + u'>' + event.peer, key);
        }
    } else if (event.kind == EventKind::PeerDisconnected) {
        m_linkSenders.remove(m_linkKeys.take(event.node + u'>' + event.peer));
    }
    emit eventOccurred(event);
}

QString Cluster::senderKey(const QString &receiver, quint16 senderPort)
{
    // The local port alone is not unique: Linux reuses an ephemeral port for
    // connections to different destinations. With the receiver it is.
    return receiver + u'|' + QString::number(senderPort);
}

void Cluster::report(Event event)
{
    event.timeNs = wallClockNs();
    emit eventOccurred(event);
}

} // namespace Herd
