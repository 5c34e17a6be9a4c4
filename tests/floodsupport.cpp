// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/floodsupport.h"

#include "herd/cluster.h"
#include "herd/log/logwriter.h"
#include "herd/node/node.h"

namespace FloodSupport {

quint16 freePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    const quint16 port = server.serverPort();
    server.close();
    return port;
}

Herd::HerdConfig withOsPorts(Herd::HerdConfig config, int reconnectInitialMs, int reconnectMaxMs)
{
    for (Herd::NodeConfig &node : config.nodes)
        node.port = 0;
    config.reconnectInitialMs = reconnectInitialMs;
    config.reconnectMaxMs = reconnectMaxMs;
    return config;
}

QByteArray iamatLine(const QByteArray &clientId, const QByteArray &time, const QByteArray &position)
{
    return "IAMAT " + clientId + ' ' + position + ' ' + time;
}

EventLog::EventLog(Herd::Cluster *cluster, QObject *parent)
    : QObject(parent)
{
    connect(cluster, &Herd::Cluster::eventOccurred, this,
            [this](const Herd::Event &event) { m_events.append(event); });
}

int EventLog::count(const std::function<bool(const Herd::Event &)> &predicate) const
{
    int n = 0;
    for (const Herd::Event &event : m_events)
        n += predicate(event) ? 1 : 0;
    return n;
}

int EventLog::count(Herd::EventKind kind, const QByteArray &line, const QString &node) const
{
    return count([&](const Herd::Event &event) {
        return event.kind == kind && (line.isNull() || event.line == line)
            && (node.isEmpty() || event.node == node);
    });
}

int EventLog::sentOnLinks(const QByteArray &line) const
{
    return count([&](const Herd::Event &event) {
        return event.kind == Herd::EventKind::LineSent && event.viaPeerLink && event.line == line;
    });
}

int EventLog::receivedOnLinks(const QByteArray &line) const
{
    return count([&](const Herd::Event &event) {
        return event.kind == Herd::EventKind::LineReceived && event.viaPeerLink && event.line == line;
    });
}

QByteArray EventLog::dump() const
{
    QByteArray out;
    for (const Herd::Event &event : m_events)
        out += Herd::LogWriter::formatLine(event);
    return out;
}

LineClient::LineClient(QObject *parent)
    : LineClient(new QTcpSocket, parent)
{}

LineClient::LineClient(QTcpSocket *adopted, QObject *parent)
    : QObject(parent)
    , m_socket(adopted)
{
    m_socket->setParent(this);
    connect(m_socket, &QTcpSocket::readyRead, this, &LineClient::onReadyRead);
    if (m_socket->bytesAvailable() > 0)
        onReadyRead();
}

void LineClient::connectTo(quint16 port, const QString &host)
{
    m_socket->connectToHost(host, port);
}

void LineClient::send(const QByteArray &line)
{
    m_socket->write(line + '\n');
}

void LineClient::onReadyRead()
{
    m_buffer += m_socket->readAll();
    qsizetype end;
    while ((end = m_buffer.indexOf('\n')) >= 0) {
        m_lines.append(m_buffer.left(end));
        m_buffer.remove(0, end + 1);
    }
}

ForeignNode::ForeignNode(QObject *parent)
    : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_server.nextPendingConnection())
            m_connections.append(new LineClient(socket, this));
    });
}

bool ForeignNode::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

QList<QByteArray> ForeignNode::received() const
{
    QList<QByteArray> lines;
    for (const LineClient *connection : m_connections)
        lines += connection->lines();
    return lines;
}

} // namespace FloodSupport
