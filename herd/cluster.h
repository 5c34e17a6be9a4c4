// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QObject>
#include <QStringList>

#include "herd/event.h"
#include "herd/config/herdconfig.h"
#include "herd/partition.h"

namespace Herd {

class Node;
class PeerLink;
class PlacesSource;

// The registry of the nodes this process runs, keyed by name: builds them
// from a herd configuration, wires each to its neighbours (local or in
// other processes), kills and restarts them, and merges every node's events
// into one stream that the logs, the GUI and the tests read.
//
// Thread affinity: the creating thread. Owns its nodes; front ends never
// delete them.
class Cluster final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Cluster)

public:
    Cluster(const HerdConfig &config, PlacesSource *places, QObject *parent = nullptr);
    ~Cluster() override;

    const HerdConfig &config() const { return m_config; }

    // Starts the named nodes (all when `only` is empty); the others are
    // expected to run elsewhere, at the host and port the herd file gives.
    // All or nothing: if any node cannot listen, none is left running.
    bool start(const QStringList &only = {}, QString *error = nullptr);
    void stop();

    QList<Node *> nodes() const;
    Node *node(const QString &name) const { return m_nodes.value(name); }

    // A killed node is like a crashed process: sockets closed, records lost.
    bool kill(const QString &name);
    bool restart(const QString &name, QString *error = nullptr);

    // Faults on the link between two nodes of the herd, in one direction
    // (from -> to) or both. Only the directions whose sending node runs in
    // this process can be changed; false if none can. All are undoable:
    // setting 0 (or restoring) turns a fault off. Each change is reported as
    // a LinkChanged event. Times in ms; a negative one counts as 0.
    //  - delay: every line is held that long;
    //  - jitter: each line's hold varies by up to +-jitter, order kept;
    //  - flaky: the connection drops after a random up time of that mean,
    //    then reconnects with the usual back-off (see PeerLink).
    enum class Direction { Both, OneWay };
    bool setLinkCut(const QString &from, const QString &to, bool cut, Direction direction = Direction::Both);
    bool setLinkDelay(const QString &from, const QString &to, int delayMs,
                      Direction direction = Direction::Both);
    bool setLinkJitter(const QString &from, const QString &to, int jitterMs,
                       Direction direction = Direction::Both);
    bool setLinkFlaky(const QString &from, const QString &to, int meanUpMs,
                      Direction direction = Direction::Both);
    bool isLinkCut(const QString &from, const QString &to) const;
    int linkDelay(const QString &from, const QString &to) const;
    int linkJitter(const QString &from, const QString &to) const;
    int linkFlaky(const QString &from, const QString &to) const;

    // A node's clock error (see Node::setClockSkewMs); it survives kill and
    // restart. False if the node does not run in this process. Reported as
    // a LinkChanged event with the node and no peer.
    bool setClockSkew(const QString &node, qint64 skewMs);
    qint64 clockSkew(const QString &node) const;

    // Cuts both directions of each link (see partition.h for named sets).
    void cutLinks(const QList<Partition::Link> &links);
    // Cuts every link between the groups; heal() restores every cut link.
    void partition(const QList<QStringList> &groups);
    void heal();
    // heal(), and every delay, jitter, flaky mean and clock skew back to 0.
    void clearFaults();

    // An event of the process that no node made (the monitor's refusals):
    // stamped with the wall clock and merged into eventOccurred, so the
    // logs and the window see it with the rest. `event.node` names its
    // maker (a log file of its own).
    void report(Event event);

signals:
    void eventOccurred(const Herd::Event &event);

private:
    void onNodeEvent(const Event &event);
    QList<PeerLink *> directions(const QString &from, const QString &to, Direction direction) const;
    const PeerLink *linkFrom(const QString &from, const QString &to) const;
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
