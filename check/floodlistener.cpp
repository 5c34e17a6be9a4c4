// SPDX-License-Identifier: GPL-3.0-or-later
#include "check/floodlistener.h"

#include <QMutexLocker>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include "check/rules/support.h"

namespace Herd::Check {

namespace {

// A neighbour's line is one AT line; past this, what it sends is no line.
constexpr qsizetype MaxLineBytes = 64 * 1024;

} // namespace

FloodListener::FloodListener(NodeConfig node)
    : m_node(std::move(node))
{}

FloodListener::~FloodListener()
{
    if (!m_thread)
        return;
    // The server and its connections were made on the thread; they go there.
    QMetaObject::invokeMethod(
        m_server, [this] { delete m_server; }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
}

bool FloodListener::start(QString *error)
{
    m_thread = std::make_unique<QThread>();
    m_thread->setObjectName(QStringLiteral("flood listener"));
    m_server = new QTcpServer;
    m_server->moveToThread(m_thread.get());
    QObject::connect(m_server, &QTcpServer::newConnection, m_server, [this] { accept(); });
    m_thread->start();
    const QHostAddress address(m_node.host == u"localhost" ? QStringLiteral("127.0.0.1") : m_node.host);
    bool listening = false;
    QString why;
    QMetaObject::invokeMethod(
        m_server,
        [&] {
            listening = m_server->listen(address, m_node.port);
            why = m_server->errorString();
        },
        Qt::BlockingQueuedConnection);
    if (!listening)
        *error = QStringLiteral("--listener %1: cannot listen on %2:%3 (%4); it must name a node that "
                                "nothing runs at, so the checker can stand in for it")
                     .arg(m_node.name, m_node.host)
                     .arg(m_node.port)
                     .arg(why);
    return listening;
}

void FloodListener::accept()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        const int connection = ++m_connections;
        QObject::connect(socket, &QTcpSocket::readyRead, socket,
                         [this, socket, connection] { read(socket, connection); });
        QObject::connect(socket, &QTcpSocket::disconnected, socket, [this, socket] {
            m_buffers.remove(socket);
            socket->deleteLater();
        });
    }
}

void FloodListener::read(QTcpSocket *socket, int connection)
{
    QByteArray &buffer = m_buffers[socket];
    buffer += socket->readAll();
    const qint64 now = nowNs();
    qsizetype start = 0;
    for (qsizetype end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n', start)) {
        QByteArray line = buffer.sliced(start, end - start);
        start = end + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        const std::optional<AtLine> at = splitAtLine(line);
        if (!at)
            continue; // a Herd node's SYNC lines, or noise: a plain node ignores them
        QMutexLocker lock(&m_mutex);
        Received &received = m_received[at->client];
        if (received.kept.size() < MaxKept)
            received.kept.append({now, connection, line});
        const int copies = ++received.copies[at->time];
        if (copies > m_most.second)
            m_most = {line, copies};
    }
    buffer.remove(0, start);
    if (buffer.size() > MaxLineBytes)
        buffer.clear();
}

QList<FloodListener::Arrival> FloodListener::arrivals(const QByteArray &client) const
{
    QMutexLocker lock(&m_mutex);
    return m_received.value(client).kept;
}

int FloodListener::count(const QByteArray &client, const QByteArray &time) const
{
    QMutexLocker lock(&m_mutex);
    return m_received.value(client).copies.value(time);
}

std::pair<QByteArray, int> FloodListener::mostCopied() const
{
    QMutexLocker lock(&m_mutex);
    return m_most;
}

} // namespace Herd::Check
