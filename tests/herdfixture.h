// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QObject>
#include <QSet>
#include <QStringList>

#include <memory>
#include <utility>

#include "herd/event.h"
#include "herd/config/herdconfig.h"

namespace Herd {
class Cluster;
class Node;
class PlacesSource;
} // namespace Herd

namespace Herd::Test {

// True when every outgoing link of every running node of `cluster` is Connected.
bool allLinksConnected(const Cluster &cluster);

// A herd in this process for tests: every node on 127.0.0.1 with an
// OS-picked port, the cluster's merged event stream recorded, and bounded
// waits for the states tests care about (links up, a record everywhere).
// Waits run the event loop (QTest::qWaitFor); none sleeps.
//
// Owns its cluster and, when none is given, an offline places source.
class HerdFixture final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HerdFixture)

public:
    // `places` is borrowed; null means the embedded offline data set.
    explicit HerdFixture(PlacesSource *places = nullptr, QObject *parent = nullptr);
    ~HerdFixture() override;

    // A herd of `names` linked as `links`, all ports 0 on 127.0.0.1, offline places.
    static HerdConfig config(const QStringList &names, const QList<std::pair<QString, QString>> &links = {});

    // Starts every node of `config` (ports forced to 0, hosts to 127.0.0.1).
    bool start(HerdConfig config, QString *error = nullptr);
    void stop();

    Cluster *cluster() const { return m_cluster.get(); }
    Node *node(const QString &name) const;
    quint16 port(const QString &name) const;
    PlacesSource *places() const { return m_places; }

    const QList<Event> &events() const { return m_events; }
    QList<Event> events(EventKind kind, const QString &node = {}) const;
    void clearEvents() { m_events.clear(); }

    // Every link of every running node is Connected (from PeerConnected /
    // PeerDisconnected events, cross-checked with the links' states).
    bool allLinksConnected() const;
    bool waitForLinks(int timeoutMs = 5000);
    // Every running node holds a record for `clientId` (with this time, if >= 0).
    bool allStore(const QByteArray &clientId, qint64 timeNs = -1) const;
    bool waitUntilAllStore(const QByteArray &clientId, qint64 timeNs = -1, int timeoutMs = 5000);

private:
    void onEvent(const Event &event);

    std::unique_ptr<PlacesSource> m_ownPlaces; // owned when none was given
    PlacesSource *m_places = nullptr;          // borrowed or m_ownPlaces
    std::unique_ptr<Cluster> m_cluster;
    QList<Event> m_events;
    QSet<QString> m_upLinks; // "node>neighbour"
};

} // namespace Herd::Test
