// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QList>
#include <QObject>

#include <deque>
#include <memory>

#include "herd/event.h"
#include "herd/wire/peerauth_p.h"

namespace Herd {

class LineConnection;
class Node;

// A neighbour's link to this node, seen from this end: the connection a
// neighbour's PeerLink opened. It carries the neighbour's floods (AT lines)
// and the resync exchanges it starts (resyncer.h), which are answered here,
// on this connection: whoever asks gets the answer, at the pace it reads it,
// so a stranger who asks (in a herd without a secret anyone may) gets only
// what it reads and never makes the node push its store down a real link.
// While an answer is going out, further lines wait, unread.
//
// A connection becomes one when a client session hands it over
// (clientsession.h): its line was AT, SYNC, or in a herd with a secret, AUTH
// HELLO, after which every line must be sealed (peerauth.h), and so is every
// answer. Events name it by the neighbour it is (or says it is) and its
// address. Client lines on it (IAMAT, WHATSAT) are answered "?".
//
// Owned by its Node (QObject child); asks the node to delete it later with
// finished(), never deletes itself.
class PeerSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PeerSession)

public:
    // Takes `connection` (re-parents it) and handles `lines` first.
    PeerSession(LineConnection *connection, const QList<QByteArray> &lines, Node *node);
    ~PeerSession() override;

    // The neighbour's name once it is known (its AUTH HELLO, or a link in
    // this process), else its address: what events name it by.
    QString peer() const;
    void abort();

signals:
    void finished(Herd::PeerSession *session);

private:
    void onLine(const QByteArray &line);
    void handle(const QByteArray &line);
    void dispatch(const QByteArray &line);
    void handleSync(const QByteArray &line);
    void answer(std::deque<QByteArray> clients, const QList<QByteArray> &lines, const QString &summary);
    void pump();
    void closeIfDone();
    void send(const QByteArray &line, const QString &detail);
    void reject(const QByteArray &line, const QString &why);
    void refuse(const QString &detail);
    void report(EventKind kind, const QByteArray &line, const QString &detail, const QByteArray &client = {});

    Node *m_node;                 // borrowed: the parent
    LineConnection *m_connection; // owned (child)
    QString m_address;
    QString m_neighbour;                // who it is: its AUTH HELLO, or the node's resolver
    std::unique_ptr<PeerGate> m_gate;   // in a herd with a secret
    QHash<int, quint64> m_theirBuckets; // a SYNC SUM being received
    // The answer going out: records (by client id, looked up as they go, so
    // the newest is sent), then SYNC lines.
    std::deque<QByteArray> m_answerClients;
    std::deque<QByteArray> m_answerLines;
    QString m_answerSummary;
    std::deque<QByteArray> m_held; // lines read while an answer goes out
    bool m_inputFinished = false;
    bool m_finished = false;
};

} // namespace Herd
