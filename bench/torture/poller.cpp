// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/torture/poller.h"

#include <algorithm>

#include "bench/torture/torture.h"

namespace HerdTorture {

Poller::Poller(Torture &torture, int node, const std::vector<QByteArray> &clients)
    : QObject(&torture)
    , m_torture(torture)
    , m_node(node)
    , m_answers(clients.size())
{
    for (const QByteArray &client : clients)
        m_request += "WHATSAT " + client + " 50 1\n";
    connect(&m_socket, &QTcpSocket::connected, this, [this] { m_socket.write(m_request); });
    connect(&m_socket, &QTcpSocket::readyRead, this, &Poller::read);
    connect(&m_socket, &QTcpSocket::stateChanged, this, [this](QAbstractSocket::SocketState state) {
        if (state == QAbstractSocket::UnconnectedState && !m_done)
            giveUp(QStringLiteral("connection closed"));
    });
}

void Poller::round()
{
    const bool connected = m_socket.state() == QAbstractSocket::ConnectedState;
    if (!connected)
        m_socket.abort(); // while m_done: no round to give up
    m_done = false;
    m_next = 0;
    m_inBody = false;
    m_problem.clear();
    m_lines = LineScan();
    if (connected)
        m_socket.write(m_request);
    else
        m_socket.connectToHost(QHostAddress::LocalHost, m_torture.node(m_node).port);
}

void Poller::giveUp(const QString &why)
{
    if (m_done)
        return;
    m_problem = why;
    m_socket.abort();
    m_done = true;
    m_torture.pollDone();
}

void Poller::read()
{
    m_lines.feed(m_socket.readAll(), [this](QByteArrayView line) {
        if (m_done)
            return;
        if (m_inBody) {
            m_inBody = !line.isEmpty();
            if (!m_inBody)
                ++m_next;
        } else if (line.startsWith("AT ")) {
            m_answers[m_next] = line.toByteArray();
            m_inBody = true;
        } else if (line.startsWith("? WHATSAT ")) {
            m_answers[m_next++].clear();
        } else {
            giveUp(QStringLiteral("unexpected reply \"%1\"")
                       .arg(QString::fromUtf8(line.first(std::min<qsizetype>(line.size(), 200)))));
            return;
        }
        if (m_next == m_answers.size()) {
            m_done = true;
            m_torture.pollDone();
        }
    });
}

} // namespace HerdTorture
