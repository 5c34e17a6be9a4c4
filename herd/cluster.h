// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QStringList>

#include "herd/herdsource.h"

namespace Herd {

class Node;
class PeerLink;
class PlacesSource;

// The registry of the nodes this process runs, keyed by name: builds them
// from a herd configuration, wires each to its neighbours (local or in
// other processes), kills and restarts them, and merges every node's events
// into one stream that the logs, the GUI and the tests read. It is the
// HerdSource of an embedded herd: it sees and controls the nodes it runs.
//
// Faults on a link can be set only in the directions whose sending node
// runs in this process. A negative time counts as 0.
//
// Thread affinity: the creating thread. Owns its nodes; front ends never
// delete them.
class Cluster final : public HerdSource
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Cluster)

public:
    Cluster(const HerdConfig &config, PlacesSource *places, QObject *parent = nullptr);
    ~Cluster() override;

    const HerdConfig &config() const override { return m_config; }

    // Starts the named nodes (all when `only` is empty); the others are
    // expected to run elsewhere, at the host and port the herd file gives.
    // All or nothing: if any node cannot listen, none is left running.
    bool start(const QStringList &only = {}, QString *error = nullptr);
    // start() in two steps, for a herd split over threads (ThreadedHerd),
    // whose nodes on port 0 learn each other's ports only once all listen:
    // listen() starts the nodes with no links, their connections held in
    // the backlog (Node::holdConnections); connectNeighbours() gives them
    // their neighbours, at `portsElsewhere` (node -> port) for nodes run
    // elsewhere that it names, else at the herd file's port, and lets the
    // held connections in.
    bool listen(const QStringList &only = {}, QString *error = nullptr);
    void connectNeighbours(const QHash<QString, quint16> &portsElsewhere = {});
    void stop();

    QList<Node *> nodes() const;
    Node *node(const QString &name) const { return m_nodes.value(name); }

    std::optional<NodeStatus> nodeStatus(const QString &node) const override;
    const Store *store(const QString &node) const override;
    std::optional<LinkState> linkState(const QString &from, const QString &to) const override;

    bool kill(const QString &name) override;
    bool restart(const QString &name, QString *error = nullptr) override;
    bool setLinkCut(const QString &from, const QString &to, bool cut,
                    Direction direction = Direction::Both) override;
    bool setLinkDelay(const QString &from, const QString &to, int delayMs,
                      Direction direction = Direction::Both) override;
    bool setLinkJitter(const QString &from, const QString &to, int jitterMs,
                       Direction direction = Direction::Both) override;
    bool setLinkFlaky(const QString &from, const QString &to, int meanUpMs,
                      Direction direction = Direction::Both) override;
    bool setClockSkew(const QString &node, qint64 skewMs) override;

    // An event of the process that no node made (the monitor's refusals):
    // stamped with the wall clock and merged into eventOccurred, so the
    // logs and the window see it with the rest. `event.node` names its
    // maker (a log file of its own).
    void report(Event event);

private:
    void onNodeEvent(const Event &event);
    QList<PeerLink *> directions(const QString &from, const QString &to, Direction direction) const;
    // `to` empty: a fault of node `from` itself (its clock).
    void reportLinkChange(const QString &from, const QString &to, const QString &what);
    static QString senderKey(const QString &receiver, quint16 senderPort);

    HerdConfig m_config;
    PlacesSource *m_places;         // borrowed
    QHash<QString, Node *> m_nodes; // owned (children)
    QStringList m_order;            // node names in herd-file order
    // Local endpoint of each connected outgoing peer link -> its node, so a
    // node can tell which neighbour an incoming AT line came from.
    QHash<QString, QString> m_linkSenders; // "receiver|port" -> sender
    QHash<QString, QString> m_linkKeys;    // "sender>receiver" -> its key above
};

} // namespace Herd
