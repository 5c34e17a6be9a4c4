// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/herdfixture.h"

#include <QTest>

#include "herd/cluster.h"
#include "herd/node/node.h"
#include "herd/places/offlineplaces.h"

using namespace Qt::StringLiterals;

namespace Herd::Test {

bool allLinksConnected(const Cluster &cluster)
{
    for (const Node *node : cluster.nodes()) {
        if (!node->isRunning())
            continue;
        for (const QString &neighbour : node->neighbourNames()) {
            if (node->linkState(neighbour)->state != LinkState::State::Connected)
                return false;
        }
    }
    return true;
}

HerdFixture::HerdFixture(PlacesSource *places, QObject *parent)
    : QObject(parent)
    , m_places(places)
{
    if (!m_places) {
        m_ownPlaces = OfflinePlaces::fromEmbedded();
        m_places = m_ownPlaces.get();
    }
}

HerdFixture::~HerdFixture()
{
    stop();
}

HerdConfig HerdFixture::config(const QStringList &names, const QList<std::pair<QString, QString>> &links)
{
    HerdConfig config;
    config.name = u"test herd"_s;
    for (const QString &name : names) {
        NodeConfig node;
        node.name = name;
        config.nodes.append(node);
    }
    config.links = links;
    return config;
}

bool HerdFixture::start(HerdConfig config, QString *error)
{
    stop();
    if (!m_places) {
        if (error)
            *error = u"no places source (embedded data set missing?)"_s;
        return false;
    }
    for (NodeConfig &node : config.nodes) {
        node.host = u"127.0.0.1"_s;
        node.port = 0;
    }
    m_cluster = std::make_unique<Cluster>(config, m_places);
    connect(m_cluster.get(), &Cluster::eventOccurred, this, &HerdFixture::onEvent);
    return m_cluster->start({}, error);
}

void HerdFixture::stop()
{
    if (m_cluster) {
        m_cluster->disconnect(this);
        m_cluster.reset();
    }
    m_upLinks.clear();
}

Node *HerdFixture::node(const QString &name) const
{
    return m_cluster ? m_cluster->node(name) : nullptr;
}

quint16 HerdFixture::port(const QString &name) const
{
    const Node *n = node(name);
    return n ? n->port() : 0;
}

QList<Event> HerdFixture::events(EventKind kind, const QString &nodeName) const
{
    QList<Event> result;
    for (const Event &event : m_events) {
        if (event.kind == kind && (nodeName.isEmpty() || event.node == nodeName))
            result.append(event);
    }
    return result;
}

void HerdFixture::onEvent(const Event &event)
{
    m_events.append(event);
    const QString key = event.node + u'>' + event.peer;
    if (event.kind == EventKind::PeerConnected)
        m_upLinks.insert(key);
    else if (event.kind == EventKind::PeerDisconnected)
        m_upLinks.remove(key);
}

bool HerdFixture::allLinksConnected() const
{
    // The events must agree with the links' states.
    if (!m_cluster || !Test::allLinksConnected(*m_cluster))
        return false;
    for (const Node *n : m_cluster->nodes()) {
        if (!n->isRunning())
            continue;
        for (const QString &neighbour : n->neighbourNames()) {
            if (!m_upLinks.contains(n->name() + u'>' + neighbour))
                return false;
        }
    }
    return true;
}

bool HerdFixture::waitForLinks(int timeoutMs)
{
    return allLinksConnected() || QTest::qWaitFor([this] { return allLinksConnected(); }, timeoutMs);
}

bool HerdFixture::allStore(const QByteArray &clientId, qint64 timeNs) const
{
    if (!m_cluster)
        return false;
    for (const Node *n : m_cluster->nodes()) {
        if (!n->isRunning())
            continue;
        const Record *record = n->store().find(clientId);
        if (!record || (timeNs >= 0 && record->timeNs != timeNs))
            return false;
    }
    return true;
}

bool HerdFixture::waitUntilAllStore(const QByteArray &clientId, qint64 timeNs, int timeoutMs)
{
    return allStore(clientId, timeNs)
        || QTest::qWaitFor([&] { return allStore(clientId, timeNs); }, timeoutMs);
}

} // namespace Herd::Test
