// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMutex>
#include <QString>

#include <memory>

#include "herd/config/herdconfig.h"

class QThread;
class QTcpServer;
class QTcpSocket;

namespace Herd::Check {

// The checker standing in for one node of the herd under test (--listener
// NAME): it listens on that node's host and port, so the node's neighbours
// flood to it as to any course server, and it keeps every AT line they send
// with the time it came. It only reads: it answers nothing, not even the
// SYNC lines a Herd node tries first, so it is what the protocol calls a
// plain neighbour. The flood rules count its arrivals to see what a node
// forwards, which no answer of the node can show (a stale update flooded, an
// update sent twice).
//
// It runs on a thread of its own, from before the nodes start (so that a
// node that connects to its neighbours once, at start, finds it) to the end
// of the run; its arrivals may be read from any thread.
class FloodListener
{
public:
    struct Arrival
    {
        qint64 atNs = 0;    // nowNs() when it was read
        int connection = 0; // which accepted connection, from 1
        QByteArray line;    // without its line ending
    };
    // Arrivals kept per client; more are counted, not kept.
    static constexpr int MaxKept = 200;

    explicit FloodListener(NodeConfig node);
    ~FloodListener();
    FloodListener(const FloodListener &) = delete;
    FloodListener &operator=(const FloodListener &) = delete;

    // Listens on the node's host and port. False, with why in *error (the
    // port is taken: something already runs there), if it cannot.
    bool start(QString *error);
    const NodeConfig &node() const { return m_node; }

    // The AT lines received for `client`, oldest first (the first MaxKept).
    QList<Arrival> arrivals(const QByteArray &client) const;
    // How many copies of `client`'s update at `time` (the AT line's last
    // field) were received, kept or not.
    int count(const QByteArray &client, const QByteArray &time) const;
    // The update received most often so far: one of its lines, and how many.
    std::pair<QByteArray, int> mostCopied() const;

private:
    void accept();
    void read(QTcpSocket *socket, int connection);

    struct Received
    {
        QList<Arrival> kept;
        QHash<QByteArray, int> copies; // by client time
    };

    NodeConfig m_node;
    std::unique_ptr<QThread> m_thread;
    QTcpServer *m_server = nullptr;            // lives on m_thread
    int m_connections = 0;                     // m_thread only
    QHash<QTcpSocket *, QByteArray> m_buffers; // m_thread only
    mutable QMutex m_mutex;
    QHash<QByteArray, Received> m_received; // by client; under m_mutex
    std::pair<QByteArray, int> m_most;      // under m_mutex
};

} // namespace Herd::Check
