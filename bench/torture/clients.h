// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QObject>
#include <QTcpSocket>
#include <QTimer>

#include <deque>

#include "bench/torture/herdlines.h"
#include "bench/torture/torture.h"

// The clients herd-torture sends to the nodes during the faults: workload
// connections that report positions and check every reply, and strangers
// that send hostile lines.
namespace HerdTorture {

// One client connection to one node, for the whole fault phase, reconnecting
// whenever its node comes back. Every reply is matched, in order, against the
// IAMAT it answers.
class WorkloadConn : public QObject
{
public:
    WorkloadConn(Torture &torture, int node, Mode mode);

    // The node listens (again): connect, unless connected or connecting.
    void nodeUp();

    // Walks away with a reset: a plain close after half a line would be a
    // half-close to the node, which takes a last unfinished line as a line
    // (a truncated IAMAT, an update nobody meant).
    void stop();
    bool holds(int node, int incarnation) const;

private:
    void requestConnect();
    void connected(int fd);
    void queueIamat(QByteArray &text);

    // Split: each line goes out in pieces of 1-12 bytes, one write a tick.
    void splitTick();
    void readReplies();
    void closed();

    Torture &m_torture;
    const int m_node;
    const Mode m_mode;
    QTcpSocket *m_socket = nullptr;
    int m_incarnation = 0;
    bool m_connecting = false, m_stopped = false;
    std::deque<Sent> m_pending;
    LineScan m_lines;
    QByteArray m_splitText;
    QTimer m_splitTimer;
};

// A client that sends hostile lines, half-closes, and reads whatever comes
// back until the node closes or StrangerTimeoutMs pass.
class Stranger : public QObject
{
public:
    Stranger(Torture &torture, quint16 port, QByteArray payload);
    void stop() { m_socket.abort(); }

private:
    void done();

    Torture &m_torture;
    QTcpSocket m_socket;
    qint64 m_bytesBack = 0;
    bool m_done = false;
};

} // namespace HerdTorture
