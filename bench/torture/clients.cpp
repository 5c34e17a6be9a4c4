// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/torture/clients.h"

#include <random>

#include <sys/socket.h>
#include <unistd.h>

namespace HerdTorture {

WorkloadConn::WorkloadConn(Torture &torture, int node, Mode mode)
    : QObject(&torture)
    , m_torture(torture)
    , m_node(node)
    , m_mode(mode)
{
    m_splitTimer.setInterval(1);
    connect(&m_splitTimer, &QTimer::timeout, this, &WorkloadConn::splitTick);
}

void WorkloadConn::nodeUp()
{
    if (!m_stopped && !m_socket && !m_connecting)
        requestConnect();
}

void WorkloadConn::stop()
{
    m_stopped = true;
    m_splitTimer.stop();
    if (!m_socket)
        return;
    const linger reset {1, 0};
    ::setsockopt(int(m_socket->socketDescriptor()), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    m_socket->abort();
}

bool WorkloadConn::holds(int node, int incarnation) const
{
    return m_socket && node == m_node && incarnation == m_incarnation;
}

void WorkloadConn::requestConnect()
{
    if (!m_torture.accepting(m_node))
        return; // nodeUp() comes when it listens again
    m_connecting = true;
    m_torture.connector().connectTo(m_node, m_torture.node(m_node).port, [this](Connector::Result r) {
        m_connecting = false;
        m_torture.recordConnect(m_node, r);
        m_torture.connectorDone();
        if (r.fd < 0 || m_stopped || !m_torture.accepting(m_node)) {
            if (r.fd >= 0)
                ::close(r.fd);
            // Refused by a node that just died: nodeUp() will come. Else
            // try again shortly.
            if (!m_stopped && m_torture.accepting(m_node))
                QTimer::singleShot(100, this, &WorkloadConn::nodeUp);
            return;
        }
        connected(r.fd);
    });
}

void WorkloadConn::connected(int fd)
{
    m_socket = new QTcpSocket(this);
    m_socket->setSocketDescriptor(fd);
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_incarnation = m_torture.node(m_node).incarnation;
    connect(m_socket, &QTcpSocket::readyRead, this, &WorkloadConn::readReplies);
    connect(m_socket, &QTcpSocket::stateChanged, this, [this](QAbstractSocket::SocketState state) {
        if (state == QAbstractSocket::UnconnectedState)
            closed();
    });
    switch (m_mode) {
    case Mode::Burst: {
        // 200-2000 pipelined IAMATs in one write, then a half-close, then
        // every reply up to the node's close.
        const int count = std::uniform_int_distribution<int>(200, 2000)(m_torture.workRng());
        QByteArray text;
        for (int i = 0; i < count; ++i)
            queueIamat(text);
        connect(m_socket, &QTcpSocket::bytesWritten, this, [this] {
            if (m_socket && m_socket->bytesToWrite() == 0)
                ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
        });
        m_socket->write(text);
        break;
    }
    case Mode::Steady: {
        QByteArray text;
        for (int i = 0; i < SteadyDepth; ++i)
            queueIamat(text);
        m_socket->write(text);
        break;
    }
    case Mode::Split:
        m_splitTimer.start();
        break;
    }
}

void WorkloadConn::queueIamat(QByteArray &text)
{
    Sent sent;
    m_torture.nextIamat(text, sent);
    m_pending.push_back(std::move(sent));
    m_torture.iamatSent(m_mode);
}

void WorkloadConn::splitTick()
{
    if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    if (m_splitText.isEmpty() && m_pending.size() < std::size_t(SplitDepth))
        queueIamat(m_splitText);
    if (m_splitText.isEmpty())
        return;
    const int piece = std::uniform_int_distribution<int>(1, 12)(m_torture.workRng());
    m_socket->write(m_splitText.left(piece));
    m_socket->flush();
    m_splitText.remove(0, piece);
}

void WorkloadConn::readReplies()
{
    const qint64 atMs = m_torture.nowMs();
    if (m_socket->bytesAvailable() == 0)
        return;
    const QByteArray data = m_socket->readAll();
    QByteArray more;
    m_lines.feed(data, [&](QByteArrayView line) {
        if (m_pending.empty()) {
            m_torture.wrongReply(m_node, Sent {-1, 0, {}}, line);
            return;
        }
        const Sent sent = std::move(m_pending.front());
        m_pending.pop_front();
        // "AT <node> <diff> <client> <position> <time>", the last three
        // exactly as sent.
        const QByteArray prefix = "AT " + m_torture.node(m_node).nameUtf8 + ' ';
        const qsizetype diffEnd = line.startsWith(prefix) ? line.indexOf(' ', prefix.size()) : -1;
        if (diffEnd > prefix.size() && line.sliced(diffEnd + 1) == QByteArrayView(sent.tail))
            m_torture.acked(m_node, m_incarnation, sent, atMs, m_mode);
        else
            m_torture.wrongReply(m_node, sent, line);
        if (m_mode == Mode::Steady && !m_stopped && m_socket->state() == QAbstractSocket::ConnectedState)
            queueIamat(more);
    });
    if (!more.isEmpty())
        m_socket->write(more);
}

void WorkloadConn::closed()
{
    readReplies();
    // A half-closed burst is answered in full before the node closes;
    // other connections are never closed by a node that is up.
    if (!m_stopped && (m_mode != Mode::Burst || !m_pending.empty()) && m_torture.up(m_node, m_incarnation))
        m_torture.closedWhileUp(m_node, m_mode, m_pending.size());
    m_pending.clear();
    m_splitText.clear();
    m_splitTimer.stop();
    m_lines = LineScan();
    m_socket->deleteLater();
    m_socket = nullptr;
    m_torture.socketClosed();
    if (!m_stopped)
        QTimer::singleShot(0, this, &WorkloadConn::nodeUp);
}

Stranger::Stranger(Torture &torture, quint16 port, QByteArray payload)
    : QObject(&torture)
    , m_torture(torture)
{
    connect(&m_socket, &QTcpSocket::connected, this, [this, payload] { m_socket.write(payload); });
    connect(&m_socket, &QTcpSocket::bytesWritten, this, [this] {
        if (m_socket.bytesToWrite() == 0)
            ::shutdown(int(m_socket.socketDescriptor()), SHUT_WR);
    });
    connect(&m_socket, &QTcpSocket::readyRead, this, [this] { m_bytesBack += m_socket.readAll().size(); });
    connect(&m_socket, &QTcpSocket::stateChanged, this, [this](QAbstractSocket::SocketState state) {
        if (state == QAbstractSocket::UnconnectedState)
            done();
    });
    QTimer::singleShot(StrangerTimeoutMs, this, [this] { m_socket.abort(); });
    m_socket.connectToHost(QHostAddress::LocalHost, port);
}

void Stranger::done()
{
    if (m_done)
        return;
    m_done = true;
    if (m_socket.bytesAvailable() > 0)
        m_bytesBack += m_socket.readAll().size();
    m_torture.strangerDone(this, m_bytesBack);
    deleteLater();
}

} // namespace HerdTorture
