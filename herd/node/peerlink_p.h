// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QElapsedTimer>
#include <QHash>
#include <QTimer>

#include <deque>
#include <functional>
#include <optional>

#include "herd/event.h"
#include "herd/linkstate.h"
#include "herd/node/nodesettings.h"
#include "herd/wire/peerauth_p.h"

class QTcpSocket;

namespace Herd {

// A node's outgoing connection to one neighbour, used to flood AT lines.
// It keeps trying to connect while the neighbour is away, with exponential
// back-off (capped, with jitter so a restarted herd does not reconnect in
// lock-step). Its states, and how it moves between them, are
// LinkState::State's (linkstate.h).
//
// A delay holds each line for that long before it is written (a slow
// link, for slow-motion demos); lines keep their order. Jitter adds a
// uniform +-jitter to each line's hold (never below zero), but a line is
// never written before the one queued ahead of it: one TCP connection cannot
// reorder, so jitter spreads the holds without reordering the lines.
// Flaky: while Connected, the link drops its connection after an
// exponentially distributed up time with the given mean (memoryless, like
// independent failures), then reconnects through the usual back-off.
// Lines also wait when the neighbour reads slower than we send (more than
// 64 KiB unsent in the socket), until the socket drains.
// Coalescing: while lines wait (delayed, or queued behind a slow socket), only
// the newest record per client waits. A newer AT line for a client already
// queued takes the older one's place (its slot and due time, so the order of
// first queueing holds) and the older one is reported as SendSkipped; a
// flood storm then queues at most one line per client. coalescedCount()
// counts the lines replaced.
// Lines sent are gathered and go out in one send() for all the lines of an
// event-loop pass, just before the loop next waits
// (QAbstractEventDispatcher::aboutToBlock, or awake in a loop that never
// blocks) rather than when a write notifier fires a pass later, so a flood
// hop costs one pass, not two. They go sooner when a client's answer is about
// to leave (sendWritten()), so no update is answered before it is flooded.
// Lines sent while not Connected are dropped and reported; resync
// (resyncer.h) brings the neighbour up to date once the link is back.
// A resync exchange this node starts runs on this connection both ways: the
// neighbour answers on it (peersession.h), and answerReceived() hands each
// AT or SYNC line it answers with to the node.
// In a herd with a secret the link is Connected only once the neighbour has
// answered our AUTH HELLO with a valid challenge; every line is then sealed,
// both ways.
//
// Sequence numbers say when a line has left Herd's own buffers: every line
// taken while Connected gets the next lastSequence(); flushedSequence()
// passes it once the line is with the kernel, or the connection it was
// meant for is gone (resync then carries what it held). A client's IAMAT is
// answered only once its flood has left (clientsession.h), so a node killed
// after answering has already passed the update on.
// Thread affinity: the owning node's thread.
class PeerLink final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PeerLink)

public:
    using State = LinkState::State;

    // Takes each event for the owning node to stamp and publish: a call, as
    // for the node's own events (Node::EventSink).
    using Reporter = std::function<void(Event &&)>;

    PeerLink(const Neighbour &neighbour, const NodeSettings &settings, Reporter reporter,
             QObject *parent = nullptr);
    ~PeerLink() override;

    const Neighbour &neighbour() const { return m_neighbour; }
    void setNeighbour(const Neighbour &neighbour);
    State state() const { return m_state; }
    int failedAttempts() const { return m_failedAttempts; }
    // While BackingOff, milliseconds until the next attempt; otherwise -1.
    int msUntilRetry() const { return m_state == State::BackingOff ? m_retryTimer.remainingTime() : -1; }
    quint16 localPort() const;

    void start();
    void stop();

    // A cut link closes its connection and does not reconnect until restored.
    void setCut(bool cut);
    bool isCut() const { return m_cut; }
    // Each takes effect at once; 0 turns the fault off. Negative counts as 0.
    void setDelayMs(int delayMs);
    int delayMs() const { return m_delayMs; }
    void setJitterMs(int jitterMs);
    int jitterMs() const { return m_jitterMs; }
    void setFlakyMeanMs(int meanUpMs);
    int flakyMeanMs() const { return m_flakyMeanMs; }
    // `line` without its "\n"; `detail` goes into its LineSent event, and
    // `client`, when the caller knows it, too (else the node finds it in the line).
    void send(const QByteArray &line, const QString &detail = {}, const QByteArray &client = {});
    // As send(), but held `holdMs` rather than the link's own delay and
    // jitter: the rest of a hold that began before a fork (forkmoment.h).
    // On a link with neither it goes at once, as any line would.
    void sendHeld(const QByteArray &line, qint64 holdMs, const QString &detail);
    // While backing off, tries again now: the neighbour was heard from.
    void retryNow();
    // The neighbour turned out to speak only docs/protocol.md (it answered a
    // SYNC line with "?"): from now on it is sent AT lines only.
    void markPlain() { m_neighbour.plain = true; }
    qint64 coalescedCount() const { return m_coalesced; }
    int queuedCount() const { return int(m_delayed.size()); }
    // A delay or jitter fault stands for time on the wire: lines it holds
    // count as gone for whoever waits on flushedSequence() (the node's
    // flood tickets skip such a link).
    bool holdsOnPurpose() const { return slow(); }
    qint64 lastSequence() const { return m_lastSequence; }
    qint64 flushedSequence() const { return m_flushedSequence; }

    // Hands the lines written on this thread's links to the kernel now,
    // rather than just before its event loop next waits. Client connections
    // call it before their replies go out, so an update's flood leaves
    // before its acknowledgement: a node killed the moment after answering
    // has already passed the update on. (Not so for lines held by a slow
    // link or queued behind a neighbour that does not keep up.)
    static void sendWritten();

signals:
    void stateChanged(Herd::LinkState::State state);
    // The neighbour answered one of our SYNC lines with "?" (`line`).
    void syncRefused(const QByteArray &line);
    // An AT or SYNC line the neighbour answered a resync exchange with,
    // unsealed and logged already.
    void answerReceived(const QByteArray &line);
    // flushedSequence() moved on.
    void flushed();

private:
    void connectNow();
    void closeSocket();
    // `heldMs` < 0: held as the link's delay and jitter say.
    void enqueue(const QByteArray &line, const QString &detail, const QByteArray &client, qint64 heldMs);
    void writeDue();
    void startDelayTimer(qint64 nowNs);
    bool slow() const { return m_delayMs > 0 || m_jitterMs > 0; }
    qint64 holdMs() const;
    void scheduleFlakyDrop();
    void dropFlaky();
    void dropDelayed(const QString &reason);
    bool backlogged() const;
    void write(const QByteArray &line, const QString &detail, qint64 sequence, const QByteArray &client = {});
    void append(const QByteArray &bytes, qint64 sequence);
    void flushBeforeWaiting();
    void flushOutgoing();
    void movedToKernel(qint64 bytes);
    void forgetUnsent();
    void handleLine(const QByteArray &line);
    void onConnected();
    void onAuthenticated();
    void onReadyRead();
    void onDropped(const QString &reason);
    void setState(State state);
    void report(EventKind kind, const QString &detail, const QByteArray &line = {},
                const QByteArray &client = {});

    Neighbour m_neighbour;
    NodeSettings m_settings;
    Reporter m_reporter;
    QTcpSocket *m_socket = nullptr;     // owned; recreated for each attempt
    QByteArray m_outgoing;              // lines written since the last flush, sealed, with their '\n'
    bool m_flushQueued = false;         // in this thread's list of links to flush before waiting
    std::optional<PeerSealer> m_sealer; // this connection's, in a herd with a secret
    QTimer m_retryTimer;
    State m_state = State::Idle;
    int m_failedAttempts = 0;
    bool m_running = false;
    bool m_cut = false;
    int m_delayMs = 0;
    int m_jitterMs = 0;
    int m_flakyMeanMs = 0;
    QTimer m_flakyTimer; // runs only while Connected with a flaky mean
    struct Delayed
    {
        qint64 dueNs; // on m_clock
        QByteArray line;
        QString detail;
        qint64 sequence;
    };
    // Where each written line ends in this connection's byte stream, until
    // the kernel has it.
    struct Mark
    {
        qint64 sequence;
        qint64 end;
    };
    std::deque<Mark> m_marks;
    qint64 m_bytesAppended = 0; // this connection's bytes put into m_outgoing
    qint64 m_bytesInKernel = 0; // and of those, handed to the kernel
    qint64 m_lastSequence = 0;
    qint64 m_flushedSequence = 0;
    std::deque<Delayed> m_delayed;
    qint64 m_firstDelayed = 0;                 // sequence number of m_delayed.front()
    QHash<QByteArray, qint64> m_delayedClient; // client id -> sequence of its queued line
    qint64 m_coalesced = 0;
    QTimer m_delayTimer;
    QElapsedTimer m_clock;
};

} // namespace Herd
