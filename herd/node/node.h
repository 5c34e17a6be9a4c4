// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QSet>
#include <QStringList>

#include <functional>
#include <optional>
#include <vector>

#include "herd/event.h"
#include "herd/linkstate.h"
#include "herd/node/floodticket_p.h"
#include "herd/node/nodesettings.h"
#include "herd/wire/protocol.h"
#include "herd/node/resyncer_p.h"
#include "herd/node/store.h"

namespace Herd {

class ClientSession;
class LineConnection;
class Listener;
class PeerSession;
class SocketPoller;
class PeerLink;
class PlacesSource;

// One server of the herd: listens for clients, answers IAMAT and WHATSAT,
// keeps the newest record per client and floods new records to its
// neighbours. Every thing it does is announced to its event sink.
//
// A stopped node is like a crashed process: sockets closed, records gone.
// start() again brings it back on the same port.
// Thread affinity: the creating thread; everything runs on its event loop.
class Node final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Node)

public:
    // Names the neighbour whose outgoing link has this local endpoint, or
    // returns an empty string. Lets a node avoid flooding an update straight
    // back to the neighbour it came from when both live in one process.
    using SenderResolver = std::function<QString(const QHostAddress &, quint16)>;
    // Where every event goes, stamped: the owner's merge (Cluster) or a
    // test's list. A call, not a signal: every line in and out passes here,
    // and Qt's dispatch of a signal cost more per event than the rest of the
    // event's trip to the logs (bench/README.md, "The event path").
    using EventSink = std::function<void(const Event &)>;

    Node(const NodeSettings &settings, PlacesSource *places, QObject *parent = nullptr);
    ~Node() override;

    QString name() const { return m_settings.name; }
    const NodeSettings &settings() const { return m_settings; }
    // The epoll set of this node's client connections (socketpoller.h).
    SocketPoller *poller() const { return m_poller; }
    // The port it listens on (the OS's choice after a start with port 0).
    quint16 port() const { return m_settings.port; }
    bool isRunning() const;
    const Store &store() const { return m_store; }
    PlacesSource *places() const { return m_places; }
    // Client connections (a neighbour's link, peersession.h, is not one).
    int clientCount() const { return int(m_sessions.size()); }
    int neighbourLinkCount() const { return int(m_peerSessions.size()); }

    // The machine's clock error: this node's "now" is the wall clock plus the
    // skew (negative: its clock runs behind). It belongs to the machine, not
    // the process, so it survives stop() and start(). Only the AT diff
    // reads it; see nowNs().
    void setClockSkewMs(qint64 skewMs) { m_clockSkewMs = skewMs; }
    qint64 clockSkewMs() const { return m_clockSkewMs; }
    // What this node believes the time is, in ns since the POSIX epoch.
    qint64 nowNs() const;

    // Takes `record` into the store as if it had been there all along: no
    // flood, no event. A herd forked from a recording starts so (forkmoment.h).
    bool preload(const Record &record) { return m_store.offer(record); }

    void setNeighbours(const QList<Neighbour> &neighbours);
    // While held, new connections wait in the kernel's backlog: a node
    // started before it knows its neighbours (Cluster::listen, a herd on
    // threads) would take their first SYNC lines for a stranger's.
    void holdConnections(bool hold);
    // In the herd file's order.
    QStringList neighbourNames() const;
    // The outgoing link to `neighbour` as it stands now; nothing if it is not
    // a neighbour.
    std::optional<LinkState> linkState(const QString &neighbour) const;
    // herdcore's own: front ends read linkState().
    QList<PeerLink *> links() const { return m_links.values(); }
    PeerLink *link(const QString &neighbour) const { return m_links.value(neighbour); }
    void setSenderResolver(SenderResolver resolver) { m_resolveSender = std::move(resolver); }

    // Listens and starts the links. False, with a reason, if it could not listen.
    bool start(QString *error = nullptr);
    void stop(const QString &reason = QStringLiteral("stopped"));

    // Used by the sessions. `flood`, if given, says where the update's flood
    // stands once it is stored (floodticket.h).
    QByteArray acceptIamat(const Message &iamat, FloodTicket *flood = nullptr);
    // `line`, when given, is the line `at` was parsed from: kept as the
    // record's AT line, rather than built again, when it is already in the
    // normal form (single spaces).
    void acceptAt(const Message &at, const QString &fromNeighbour, const QByteArray &line = {});
    Resyncer &resyncer() { return m_resyncer; }
    QString resolveSender(const QHostAddress &address, quint16 port) const;
    bool floodLeft(const FloodTicket &flood) const;
    // `session` has IAMAT replies waiting for their floods: told when links move on.
    void waitForFloods(ClientSession *session) { m_floodWaiters.insert(session); }
    void stopWaitingForFloods(ClientSession *session) { m_floodWaiters.remove(session); }
    // Set before start(), so no event goes unseen.
    void setEventSink(EventSink sink) { m_eventSink = std::move(sink); }
    void report(Event event);
    // WHATSATs waiting for places over all sessions (maxWhatsatPerNode).
    void whatsatStarted() { ++m_whatsatInFlight; }
    void whatsatFinished();
    bool whatsatCapped() const { return m_whatsatInFlight >= m_settings.maxWhatsatPerNode; }
    int whatsatInFlight() const { return m_whatsatInFlight; }
    // `session` holds lines at the node's cap: resumed when a WHATSAT ends.
    void waitForWhatsatRoom(ClientSession *session) { m_waitingForRoom.insert(session); }

signals:
    // The link to `neighbour` changed state (LinkState::state).
    void linkStateChanged(const QString &neighbour);

private:
    void onAccepted(qintptr descriptor);
    void onHandOver(ClientSession *session, LineConnection *connection, const QList<QByteArray> &lines);
    void onLinkAnswer(PeerLink *link, const QByteArray &line);
    void onLinkFlushed();
    void onSyncRefused(PeerLink *link, const QByteArray &line);
    void storeAndFlood(const Record &record, const QString &fromNeighbour, const QString &how,
                       FloodTicket *flood = nullptr);

    NodeSettings m_settings;
    PlacesSource *m_places;             // borrowed: shared by the herd
    Listener *m_listener = nullptr;     // owned (child)
    SocketPoller *m_poller = nullptr;   // owned (child): readiness of every session's socket
    QHash<QString, PeerLink *> m_links; // owned (children), by neighbour name
    EventSink m_eventSink;
    // The same links in the herd file's order, with each neighbour's name as
    // it appears in AT lines: what a flood walks, for every record stored.
    struct FloodTarget
    {
        PeerLink *link;
        QByteArray nameUtf8;
    };
    std::vector<FloodTarget> m_floodTargets;
    QSet<ClientSession *> m_sessions;       // owned (children)
    QSet<ClientSession *> m_probation;      // owned (children): accepted past maxConnections
    QSet<PeerSession *> m_peerSessions;     // owned (children)
    QSet<ClientSession *> m_waitingForRoom; // borrowed: a subset of m_sessions
    QSet<ClientSession *> m_floodWaiters;   // borrowed: a subset of m_sessions
    quint64 m_linkGeneration = 1;           // FloodTicket::generation: bumped when links change
    int m_whatsatInFlight = 0;
    Store m_store;
    Resyncer m_resyncer {*this};
    SenderResolver m_resolveSender;
    QByteArray m_nameUtf8;
    qint64 m_clockSkewMs = 0;
};

} // namespace Herd
