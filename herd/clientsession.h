#pragma once

#include <QObject>

#include <deque>

#include "protocol.h"

namespace Herd {

class LineConnection;
class Node;

// One client (or neighbour) connected to a node: turns each line into a
// reply, keeping replies in the order the lines arrived even when a WHATSAT
// waits for its places source. After the client half-closes, the session
// sends every pending reply and then closes.
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
    void closeIfDone();

    Node *m_node; // borrowed: the parent
    LineConnection *m_connection; // owned (child)
    QString m_peer;
    QString m_peerName; // neighbour's name, once an AT line identified it
    std::deque<Slot> m_slots;
    qint64 m_firstSequence = 0; // sequence number of m_slots.front()
    bool m_inputFinished = false;
    bool m_finished = false;
};

} // namespace Herd
