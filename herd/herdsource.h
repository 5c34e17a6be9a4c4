// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QStringList>

#include <optional>

#include "herd/config/herdconfig.h"
#include "herd/event.h"
#include "herd/inflightline.h"
#include "herd/linkstate.h"
#include "herd/partition.h"

namespace Herd {

class Store;

// One node as a front end sees it, when it asks.
struct NodeStatus
{
    QString host; // where clients reach it
    quint16 port = 0;
    bool running = false;
    qint64 clockSkewMs = 0; // its clock error (Node::setClockSkewMs)
    int clientConnections = 0;
    int neighbourConnections = 0; // neighbours' links into it
    // False for a node that is not running and never has: a recording's
    // node before its first start (not killed: it has not started yet).
    bool started = true;
};

// How well the times of events from several processes line up once moved
// onto one clock (AttachedHerd): each within worstUncertaintyNs of the truth.
struct ClockSpread
{
    int processes = 0;
    qint64 worstUncertaintyNs = 0;
};

// What a source kept of its past, for a view that draws a span of time
// (the plots) to draw it again after a jump: the herd at fromNs, told as
// events (eventsOfState's form, all at fromNs, and a NodeStopped for each
// node seen down), then every event after fromNs up to now, in order.
struct HerdPast
{
    qint64 fromNs = 0;
    QList<Event> state;
    QList<Event> events;
};

// A herd as the window shows and breaks it: what it is (the herd file),
// what each node holds and each link does now, the faults it takes, and one
// stream of everything its nodes do. The embedded Cluster is one; a herd of
// other processes seen through their monitors, or a recording replayed, can
// be another, and every view reads this interface only, so none exists
// twice.
//
// Reads answer for nodes the source can see; a node it cannot (one that
// runs in another process the source has no view of) has no status, store
// or links. Faults apply to what the source controls; each returns false if
// it changed nothing, and each change is reported as a LinkChanged event.
// Times in ms; setting 0 (or restoring) turns a fault off.
class HerdSource : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HerdSource)

public:
    // A fault on the link between two nodes in one direction (from -> to) or both.
    enum class Direction { Both, OneWay };

    using QObject::QObject;
    ~HerdSource() override = default;

    virtual const HerdConfig &config() const = 0;
    // Whether the herd runs now, so the window may send it traffic and
    // faults. A recording replayed is not live: nothing it shows touches a
    // socket, and the window disables what would.
    virtual bool isLive() const { return true; }
    // The herd's time now, ns since the POSIX epoch: the wall clock for a
    // running herd; for a replay, the moment under its cursor. Views that
    // draw "now" ask this, not the wall clock.
    virtual qint64 nowNs() const;
    // The herd from `fromNs` to now (HerdPast), for a view that redraws a
    // span of time after jumped(); a source may start it later than asked
    // to keep its size bounded. Null where the source keeps no past (a
    // running herd). Not const: a replay looks back by moving its own state
    // there and back, and answers with the state it had.
    virtual std::optional<HerdPast> past(qint64 fromNs)
    {
        Q_UNUSED(fromNs)
        return std::nullopt;
    }
    virtual std::optional<NodeStatus> nodeStatus(const QString &node) const = 0;
    // What the node holds now: empty while it is down.
    virtual const Store *store(const QString &node) const = 0;
    // The outgoing link from -> to as it stands.
    virtual std::optional<LinkState> linkState(const QString &from, const QString &to) const = 0;
    // Whether the source has lost sight of the node: the process that runs
    // it does not answer, so the node has no status, yet may still serve.
    virtual bool isOutOfSight(const QString &node) const
    {
        Q_UNUSED(node)
        return false;
    }
    // Null when every event time comes from one clock (this process's).
    virtual std::optional<ClockSpread> clockSpread() const { return std::nullopt; }
    // The flood lines on their way at nowNs(), for a view that shows a moment
    // as a still picture (a replay's cursor). A running herd's lines are
    // seen as they are sent (eventOccurred), so it names none.
    virtual QList<InFlightLine> linesInFlight() const { return {}; }

    // A killed node is like a crashed process: sockets closed, records lost.
    virtual bool kill(const QString &node) = 0;
    virtual bool restart(const QString &node, QString *error = nullptr) = 0;
    //  - delay: every line is held that long;
    //  - jitter: each line's hold varies by up to +-jitter, order kept;
    //  - flaky: the connection drops after a random up time of that mean,
    //    then reconnects with the usual back-off (see PeerLink).
    virtual bool setLinkCut(const QString &from, const QString &to, bool cut,
                            Direction direction = Direction::Both) = 0;
    virtual bool setLinkDelay(const QString &from, const QString &to, int delayMs,
                              Direction direction = Direction::Both) = 0;
    virtual bool setLinkJitter(const QString &from, const QString &to, int jitterMs,
                               Direction direction = Direction::Both) = 0;
    virtual bool setLinkFlaky(const QString &from, const QString &to, int meanUpMs,
                              Direction direction = Direction::Both) = 0;
    // A node's clock error; it survives kill and restart.
    virtual bool setClockSkew(const QString &node, qint64 skewMs) = 0;

    // Cuts both directions of each link (see partition.h for named sets).
    virtual void cutLinks(const QList<Partition::Link> &links);
    // Cuts every link between the groups; heal() restores every cut link.
    virtual void partition(const QList<QStringList> &groups);
    virtual void heal();
    // heal(), and every delay, jitter, flaky mean and clock skew back to 0.
    virtual void clearFaults();

    // The faults in force, read from linkState() and nodeStatus(): 0 or
    // false where there is none or the source cannot see it.
    bool isLinkCut(const QString &from, const QString &to) const;
    int linkDelay(const QString &from, const QString &to) const;
    int linkJitter(const QString &from, const QString &to) const;
    int linkFlaky(const QString &from, const QString &to) const;
    qint64 clockSkew(const QString &node) const;
    // Whether `node` is seen and runs.
    bool isRunning(const QString &node) const;
    // How many clients `node` holds a record of; 0 while it is down.
    qsizetype recordCount(const QString &node) const;

signals:
    void eventOccurred(const Herd::Event &event);
    // The link node -> neighbour changed state (LinkState::state).
    void linkStateChanged(const QString &node, const QString &neighbour);
    // Which nodes the source sees changed wholesale (a process went out of
    // sight, or came back and was read anew): views read the herd's state
    // again; the history they show (log, space-time) stays.
    void sightChanged();
    // The herd jumped to another moment without passing through the events
    // between (a replay seeked): what a view kept of earlier events no
    // longer holds. It reads the state again, and a view that shows history
    // takes `leadUp`, the events just before the moment (a bounded window),
    // as all it has seen; so a moment looks the same however it was reached.
    void jumped(const QList<Herd::Event> &leadUp);
    // nowNs() moved on by a step, after the events on the way: a replay's
    // cursor played forward. A running herd's now is the wall clock, which
    // moves by itself: it never emits this.
    void timeMoved();
};

} // namespace Herd
