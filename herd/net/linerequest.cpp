// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/net/linerequest.h"

#include <QTcpSocket>

using namespace Qt::StringLiterals;

namespace Herd {

LineRequest::LineRequest(QObject *parent)
    : QObject(parent)
    , m_socket(new QTcpSocket(this))
{
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        finish(
            false,
            QStringLiteral("no complete reply from %1 within %2 ms").arg(m_target).arg(m_timeout.interval()));
    });
    connect(m_socket, &QTcpSocket::connected, this, [this] { m_socket->write(m_line + '\n'); });
    connect(m_socket, &QTcpSocket::readyRead, this, &LineRequest::onReadyRead);
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
        // The node may close right after a complete reply; that is no error.
        onReadyRead();
        if (error == QAbstractSocket::RemoteHostClosedError && !m_reply.isEmpty())
            finish(false,
                   QStringLiteral("%1 closed the connection in the middle of its reply").arg(m_target));
        else
            finish(false, QStringLiteral("%1: %2").arg(m_target, m_socket->errorString()));
    });
}

LineRequest::~LineRequest()
{
    m_socket->abort();
}

void LineRequest::start(const QString &host, quint16 port, const QByteArray &line, Shape shape, int timeoutMs)
{
    m_line = line;
    m_shape = shape;
    m_target = host + u':' + QString::number(port);
    m_timeout.start(timeoutMs);
    m_socket->connectToHost(host, port);
}

void LineRequest::onReadyRead()
{
    if (m_done)
        return;
    m_reply += m_socket->readAll();
    const qsizetype firstEnd = m_reply.indexOf('\n');
    if (firstEnd < 0)
        return;
    const bool placesFollow = m_shape == Shape::Whatsat && m_reply.startsWith("AT ");
    if (!placesFollow || m_reply.indexOf("\n\n", firstEnd + 1) >= 0)
        finish(true);
}

void LineRequest::finish(bool ok, const QString &error)
{
    if (m_done)
        return;
    m_done = true;
    m_timeout.stop();
    m_socket->disconnect(this);
    m_socket->disconnectFromHost();
    emit finished(ok, ok ? m_reply : QByteArray(), error);
}

} // namespace Herd
