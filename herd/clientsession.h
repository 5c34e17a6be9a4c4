#pragma once

#include <QList>
#include <QObject>
#include <QTimer>

#include <memory>

#include "peerauth.h"

#include "protocol.h"

namespace Herd {

class LineConnection;
class Node;

// One client (or neighbour) connected to a node: turns each line into a
// reply, keeping replies in the order the lines arrived even when a WHATSAT
// waits for its places source. After the client half-closes, the session
// sends every pending reply and then closes.
//
// Limits (NodeSettings): with maxWhatsatPerConnection (or the node's
// maxWhatsatPerNode) WHATSATs waiting for places, the session stops reading
// and sets aside the lines already read, unanswered and in order; when an
// answer comes back it goes on with them. Nothing is dropped and replies keep
// their order (PROTOCOL.md); the client just waits, as TCP makes it. A
// connection silent for idleTimeoutMs while owed nothing, or whose unsent
// replies pass maxPendingReplyBytes, is closed and logged as Refused. A
// connection that has sent an AT line is a neighbour's link and never idles
// out.
//
// Owned by its Node (QObject child); asks the node to delete it later with
// finished(), never deletes itself.
class ClientSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientSession)

public:
    ClientSession(qintptr descriptor, Node *node);
    ~ClientSession() override;

    QString peer() const { return m_peer; }
    // Close now, as a crashed process would: pending replies are lost.
    void abort();
    // Goes on with lines set aside at a WHATSAT cap, if there is room now.
    // Queued, so a WHATSAT answered at once cannot recurse into it.
    void resumeLater();

signals:
    void finished(Herd::ClientSession *session);

private:
    // A reply in order: ready at once for IAMAT and invalid lines, later for
    // WHATSAT.
    struct Slot
    {
        QByteArray text;
        bool ready = false;
    };

    void onLine(const QByteArray &line);
    void onLineTooLong(const QByteArray &head);
    void onInputFinished();
    void answerWhatsat(const Message &message, const QByteArray &line);
    qint64 reserveSlot();
    void fillSlot(qint64 sequence, QByteArray text);
    void sendReady();
    void reply(QByteArray text);
    void rejectLine(const QByteArray &line, Problem problem);
    void rejectLine(const QByteArray &line, const QString &why);
    void handleLine(const QByteArray &line);
    void handleSealed(const QByteArray &line);
    void dispatch(const QByteArray &line, bool authenticated);
    void refusePeerLine(const QByteArray &line);
    void handleSync(const QByteArray &line);
    bool whatsatCapped() const;
    void resumeHeld();
    void onIdleTimer();
    void refuse(const QString &detail);
    void closeIfDone();

    Node *m_node; // borrowed: the parent
    LineConnection *m_connection; // owned (child)
    QString m_peer;
    QString m_peerName; // neighbour's name, once an AT line identified it
    std::unique_ptr<PeerGate> m_gate; // once the connection says AUTH, in a herd with a secret
    // QList, not std::deque: an empty QList allocates nothing, while
    // libstdc++'s deque allocates a 512-byte block and its map at
    // construction, about 1.2 KB per idle connection for these two. Popping
    // the front of a QList is O(1) (it moves its begin), and appends reuse
    // the room that leaves.
    QList<Slot> m_slots;
    qint64 m_firstSequence = 0; // sequence number of m_slots.front()
    QList<QByteArray> m_heldLines; // read while a WHATSAT cap was reached; bounded
                                   // by one read wake-up, as reading is held
    int m_whatsatInFlight = 0;
    bool m_resumeQueued = false;
    bool m_isPeer = false; // sent an AT line: a neighbour's link
    QTimer *m_idleTimer = nullptr; // owned (child); null without an idle timeout
    bool m_inputFinished = false;
    bool m_finished = false;
};

} // namespace Herd
