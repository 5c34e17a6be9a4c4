// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QObject>
#include <QTimer>

#include "herd/node/floodticket_p.h"
#include "herd/wire/protocol.h"

namespace Herd {

class LineConnection;
class Node;

// One client connected to a node: turns each IAMAT, WHATSAT or invalid line
// into a reply, keeping replies in the order the lines arrived even when a
// WHATSAT waits for its places source or an IAMAT for its flood. After the
// client half-closes, the session sends every pending reply and then closes.
//
// An IAMAT is answered only once its flood has left this node (handed to the
// kernel on every connected link, floodticket.h): a node killed the moment
// after answering has passed the update on already.
//
// A neighbour's link is something else (peersession.h): a connection whose
// line is a neighbour's (a valid AT line, a SYNC line, AUTH HELLO) while
// nothing is owed on it becomes one, through handOver(); the same line later
// on a busy client connection is answered "?".
//
// Limits (NodeSettings): with maxWhatsatPerConnection (or the node's
// maxWhatsatPerNode) WHATSATs waiting for places, with replies piling up
// unsent (LineConnection::isCongested()), or with MaxWaitingReplies replies
// owed, the session stops reading and sets aside the lines already read,
// unanswered and in order; when there is room again it goes on with them.
// Nothing is dropped and replies keep their order; the client just waits,
// as TCP makes it. A connection silent for idleTimeoutMs while owed nothing,
// or whose unsent replies still pass maxPendingReplyBytes, is closed and
// logged as Refused.
//
// On probation (a connection accepted past maxConnections) the first line
// decides: a neighbour's is taken, anything else, or silence for
// ProbationMs, closes it.
//
// Owned by its Node (QObject child); asks the node to delete it later with
// finished(), never deletes itself.
class ClientSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientSession)

public:
    static constexpr int MaxWaitingReplies = 4096;
    static constexpr int ProbationMs = 2000;

    ClientSession(qintptr descriptor, Node *node, bool probation = false);
    ~ClientSession() override;

    QString peer() const { return m_peer; }
    bool onProbation() const { return m_probation; }
    // Close now, as a crashed process would: pending replies are lost.
    void abort();
    // Goes on with lines set aside at a WHATSAT cap, if there is room now.
    // Queued, so a WHATSAT answered at once cannot recurse into it.
    void resumeLater();
    // A link's flood moved on: IAMAT replies waiting for it may go.
    void floodsFlushed();

signals:
    void finished(Herd::ClientSession *session);
    // The connection turned out to be a neighbour's link: the receiver takes
    // `connection` (re-parents it) and handles `lines`, then all that follow.
    // The session is finished then and does not touch it again.
    void handOver(Herd::ClientSession *session, Herd::LineConnection *connection,
                  const QList<QByteArray> &lines);

private:
    // A reply in order: ready at once for invalid lines, once its flood has
    // left for IAMAT, later for WHATSAT.
    struct Slot
    {
        QByteArray text;
        QByteArray client; // of an IAMAT's reply, for its LineSent event
        QString detail;    // of a WHATSAT's answer: the places source's time
        bool ready = false;
        FloodTicket flood;
    };

    void onLine(const QByteArray &line);
    void onLineTooLong(const QByteArray &head);
    void onInputFinished();
    void onAboutToSend();
    bool isNeighbourLine(const QByteArray &line, const Message &message) const;
    void answerWhatsat(const Message &message, const QByteArray &line);
    qint64 reserveSlot();
    void fillSlot(qint64 sequence, QByteArray text, QString detail);
    void sendReady();
    void reply(QByteArray text, FloodTicket flood = {}, const QByteArray &client = {});
    void rejectLine(const QByteArray &line, Problem problem);
    void rejectLine(const QByteArray &line, const QString &why);
    void handleLine(const QByteArray &line);
    void refusePeerLine(const QByteArray &line, const QString &why);
    bool mustHold() const;
    bool whatsatCapped() const;
    void resumeHeld();
    void onIdleTimer();
    void refuse(const QString &detail);
    void closeIfDone();

    Node *m_node;                 // borrowed: the parent
    LineConnection *m_connection; // owned (child) until handed over
    QString m_peer;
    // QList, not std::deque: an empty QList allocates nothing, while
    // libstdc++'s deque allocates a 512-byte block and its map at
    // construction, about 1.2 KB per idle connection for these two. Popping
    // the front of a QList is O(1) (it moves its begin), and appends reuse
    // the room that leaves.
    QList<Slot> m_slots;
    qint64 m_firstSequence = 0;    // sequence number of m_slots.front()
    qsizetype m_waitingFloods = 0; // slots whose reply waits for its flood
    QList<QByteArray> m_heldLines; // read while held; bounded by one read
                                   // wake-up, as reading is held
    int m_whatsatInFlight = 0;
    bool m_resumeQueued = false;
    QTimer *m_idleTimer = nullptr; // owned (child); null without an idle timeout or probation
    bool m_probation = false;
    bool m_inputFinished = false;
    bool m_finished = false;
};

} // namespace Herd
