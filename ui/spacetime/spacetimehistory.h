// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVarLengthArray>

#include <deque>

#include "herd/event.h"

namespace HerdUi {

// One AT line between two nodes of the herd, as the space-time diagram draws
// it: an arrow from (sender, send time) to (receiver, receive time).
struct SpaceTimeMessage
{
    enum class Outcome {
        InFlight, // sent, not received (yet, or ever: the ring keeps it as it is)
        Stored,   // received and newer: the receiver stored it and floods on
        Dropped,  // received and not newer (stale or a duplicate): the flood stops
        Received, // received; the receiver said nothing more (another process)
        NotSent,  // the sender skipped it (link cut, not connected, coalesced)
        Lost,     // sent, and the receiver stopped before reading it
    };

    quint64 id = 0;
    QString from;
    QString to;
    int fromLane = -1; // SpaceTimeHistory::laneOf(from), kept for drawing
    int toLane = -1;
    QByteArray client;
    QByteArray line;
    // Client id and client time: the same on every hop of one update.
    QByteArray update;
    // When the sender handed it to the link. A delayed link (or a slow
    // socket) holds it until writtenNs; the arrow spans both, as latency.
    qint64 sentNs = 0;
    qint64 writtenNs = -1; // -1: written at once
    qint64 receivedNs = -1;
    // Lamport clocks of the send and the receive.
    qint64 sentTick = 0;
    qint64 receivedTick = -1;
    Outcome outcome = Outcome::InFlight;
    // False for a receipt whose send this history never saw (a sender in
    // another process, or a send already evicted): its send time is unknown.
    bool sendSeen = true;
    // Why it was not sent or was lost; for a line sent, why it was sent
    // when the sender said (a resync).
    QString note;
    // A SYNC line of the resync digest exchange: it carries no record, so
    // it has no client, no update and no stored/stale outcome.
    bool resync = false;

    bool isReceived() const { return receivedNs >= 0; }
};

// Something that happened at one node, drawn on its line.
struct SpaceTimeMark
{
    enum class Kind { Iamat, Killed, Started, LinkCut, LinkRestored, LinkChanged, ClockChanged };

    Kind kind = Kind::Iamat;
    QString node;
    QString peer;      // the other end, for link marks
    QByteArray client; // IAMAT
    QByteArray update; // IAMAT: client id and client time
    qint64 timeNs = 0;
    qint64 tick = 0;
    bool stale = false; // IAMAT: the node already held a newer record
    QString detail;     // link and clock marks: what changed ("delay 800 ms")
};

// A time a node was down (killed), for drawing its line dashed.
struct SpaceTimeDowntime
{
    qint64 fromNs = 0;
    qint64 toNs = -1; // -1: still down
    qint64 fromTick = 0;
    qint64 toTick = -1;
};

// The herd's messages and node events as a bounded history, built from the
// merged event stream: the data of the space-time (Lamport) diagram, kept
// apart from any widget so tests can feed it events.
//
// Matching: a peer-link LineSent at the sender opens a message; the
// receiver's LineReceived of the same line from that sender closes the
// oldest open one with the same (from, to, line), FIFO, as TCP delivers them
// in order. When the receiver could not name its sender (it runs in another
// process, or the link was too new), the oldest open send of that line to
// it from any neighbour is taken. The RecordStored or RecordDropped that a
// node reports right after a receive (the core reports both in one call)
// says whether it was stored or stale.
//
// The receipt may come first: a herd on threads hands each thread's events
// over in batches of their own, so the receiver's batch can reach the window
// before the sender's. A receipt that names a sender of the herd and finds
// no open send is drawn as an arrival (send unknown) and remembered as
// early (bounded, oldest forgotten first); the LineSent of the same
// (from, to, line) that comes later completes the oldest such arrival, FIFO,
// instead of opening a message: its send time, the sender's tick, sendSeen.
// Its outcome was already attached when the receiver reported it. A
// receipt whose send never comes stays an arrival. A receipt that names no
// node (a thread's nodes know their neighbours on other threads by address
// only) cannot be drawn before its send names the sender: it is kept aside
// (bounded alike), with its outcome, and the first LineSent of that line to
// that node adds it as a message, whole; until then it counts as unmatched.
//
// A line that waited on its link (a delay, or a socket behind) is reported
// sent when it is written; its arrow starts when the sender stored the record
// and handed it over, so a slow link shows as a slanted arrow.
//
// Sends, receipts and IAMATs also advance per-node Lamport clocks (a send
// ticks the sender, a receipt takes max(own, sender's) + 1), so the diagram
// can draw logical time as well as wall time. Kills, restarts and faults are
// the experimenter's doing, not the node's: they are marked at the node's
// clock without ticking it. An early receipt cannot know its send's tick:
// it takes max(own, its named sender's clock so far) + 1; when the send comes
// it ticks the sender as any send; should the send's tick reach the
// receipt's, the receipt moves to the send's tick + 1 and the receiver's
// clock with it, so an arrow never points back in logical time and what
// the receiver does next comes after. Clocks only move forward, so what the
// receiver did between the receipt and the late send keeps its ticks: in
// logical time it may be drawn before that receipt (wall time is exact).
// Holding the receiver's events back until the send comes would avoid
// that, at the cost of a lane that stops when a send never comes.
//
// Bounded: at most messageCapacity() messages and markCapacity() marks; the
// oldest go first (constant memory on long runs). Open sends live in the
// ring too, so the index of open sends shrinks with it.
//
// Plain class, no QObject; the GUI thread.
class SpaceTimeHistory final
{
public:
    static constexpr int DefaultMessageCapacity = 4000;
    static constexpr int DefaultMarkCapacity = 1500;
    static constexpr int MaxDowntimesPerNode = 32;
    static constexpr int MaxHandOffs = 4096;      // stored records remembered for delayed sends
    static constexpr int MaxEarlyReceipts = 4096; // receipts waiting for their send

    explicit SpaceTimeHistory(const QStringList &nodes = {});

    // The nodes, one line each, in this order. Events of other nodes are
    // ignored.
    void setNodes(const QStringList &nodes);
    const QStringList &nodes() const { return m_nodes; }
    int laneOf(const QString &node) const { return m_lane.value(node, -1); }

    void setCapacity(int messages, int marks);
    int messageCapacity() const { return m_messageCapacity; }
    int markCapacity() const { return m_markCapacity; }

    // Takes one event of the herd; true if the diagram changed.
    bool addEvent(const Herd::Event &event);
    void clear();

    // Oldest first. Ids grow by one per message and never repeat.
    const std::deque<SpaceTimeMessage> &messages() const { return m_messages; }
    const SpaceTimeMessage *message(quint64 id) const;
    const std::deque<SpaceTimeMark> &marks() const { return m_marks; }
    QList<SpaceTimeDowntime> downtimes(const QString &node) const;

    // Every message in the ring that carries `update` (all its hops).
    QList<quint64> messagesOfUpdate(const QByteArray &update) const;

    int openSends() const { return m_openCount; }
    qint64 evictedMessages() const { return m_evicted; }
    qint64 unmatchedReceives() const { return m_unmatched; }
    // The newest event's wall time and the highest Lamport clock.
    qint64 latestNs() const { return m_latestNs; }
    qint64 latestTick() const { return m_latestTick; }
    qint64 earliestNs() const;
    qint64 earliestTick() const;

    // "client time" from an AT or IAMAT line; empty if it is neither.
    static QByteArray updateKey(const QByteArray &line);

private:
    SpaceTimeMessage *find(quint64 id);
    void evictOldest();
    // Removes an in-flight message from the index of open sends.
    void closeOpen(const SpaceTimeMessage &message);
    void push(SpaceTimeMessage message);
    void addMark(SpaceTimeMark mark);
    void onSent(const Herd::Event &event);
    // When `message` left its sender, as `event` (its LineSent) tells.
    void setSendTimes(SpaceTimeMessage &message, const Herd::Event &event) const;
    void onSkipped(const Herd::Event &event);
    void onReceived(const Herd::Event &event);
    // Completes the oldest early receipt of what `event` sent; false if none.
    bool completeEarlyReceipt(const Herd::Event &event);
    void rememberEarlyReceipt(const SpaceTimeMessage &arrival);
    // The same for receipts that did not name their sender.
    bool completeUnnamedReceipt(const Herd::Event &event);
    void rememberUnnamedReceipt(const Herd::Event &event);
    struct UnnamedReceipt;
    UnnamedReceipt *unnamedReceipt(quint64 serial);
    // Raises a receipt's tick past its send's, and the receiver's clock with it.
    void orderAfterSend(SpaceTimeMessage &message);
    void onOutcome(const Herd::Event &event, bool stored);
    void rememberHandOff(const Herd::Event &event);
    void onNodeState(const Herd::Event &event, bool started);
    void onLinkChanged(const Herd::Event &event);
    qint64 tick(const QString &node, qint64 atLeast = 0);
    qint64 clockOf(const QString &node) const;

    // A line on one link (from's lane, to's lane), or at one node (to -1).
    // A struct rather than bytes put together: the line is shared, not
    // copied, so the keys of hundreds of thousands of lines a second cost
    // no allocation.
    struct LineKey
    {
        int from = -1;
        int to = -1;
        QByteArray line;
        bool operator==(const LineKey &) const = default;
        friend size_t qHash(const LineKey &key, size_t seed = 0)
        {
            return qHashMulti(seed, key.from, key.to, key.line);
        }
    };

    QStringList m_nodes;
    QHash<QString, int> m_lane;
    int m_messageCapacity = DefaultMessageCapacity;
    int m_markCapacity = DefaultMarkCapacity;

    std::deque<SpaceTimeMessage> m_messages;
    quint64 m_nextId = 1; // id of the next message; m_messages.front().id is the oldest
    std::deque<SpaceTimeMark> m_marks;
    // (from's lane, to's lane, line) -> ids of its open sends, oldest first;
    // nearly always one, so no allocation of their own.
    QHash<LineKey, QVarLengthArray<quint64, 2>> m_open;
    int m_openCount = 0;
    // The same for receipts that came before their send (arrivals), and
    // the order they came in, to forget the oldest first.
    QHash<LineKey, QVarLengthArray<quint64, 2>> m_early;
    std::deque<std::pair<LineKey, quint64>> m_earlyOrder;
    // Receipts before their send that named no sender, not in the ring:
    // (-1, to's lane, line) -> serials, oldest first; serials grow by one
    // along m_unnamedReceipts.
    struct UnnamedReceipt
    {
        quint64 serial = 0;
        LineKey key;
        QByteArray client;
        qint64 receivedNs = 0;
        qint64 receivedTick = 0;
        SpaceTimeMessage::Outcome outcome = SpaceTimeMessage::Outcome::Received;
    };
    QHash<LineKey, QVarLengthArray<quint64, 2>> m_unnamed;
    std::deque<UnnamedReceipt> m_unnamedReceipts;
    quint64 m_unnamedSerial = 0; // serial of m_unnamedReceipts.back()
    // What a node's next RecordStored/RecordDropped is about: the message
    // (id) or IAMAT mark (by position from the back, as an id of its own)
    // it received last, within the same call.
    struct Awaiting
    {
        quint64 message = 0;
        quint64 mark = 0;    // 1-based serial of the IAMAT mark
        quint64 unnamed = 0; // serial of an unnamed receipt kept aside
    };
    QHash<QString, Awaiting> m_awaiting;
    quint64 m_markSerial = 0; // serial of m_marks.back()
    QHash<QString, std::deque<SpaceTimeDowntime>> m_downtimes;
    QHash<QString, qint64> m_clocks;
    // (node's lane, AT line) -> when the node stored it (and so handed it to its
    // links), for lines written later; bounded, oldest forgotten first.
    struct HandOff
    {
        qint64 timeNs;
        quint64 serial;
    };
    QHash<LineKey, HandOff> m_handOffs;
    std::deque<std::pair<LineKey, quint64>> m_handOffOrder;
    quint64 m_handOffSerial = 0;
    qint64 m_evicted = 0;
    qint64 m_unmatched = 0;
    qint64 m_latestNs = 0;
    qint64 m_latestTick = 0;
};

} // namespace HerdUi
