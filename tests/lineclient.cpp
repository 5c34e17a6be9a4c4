// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/lineclient.h"

#include <cerrno>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QHostAddress>
#include <QSocketNotifier>
#include <QTcpSocket>
#include <QTest>

namespace Herd::Test {

// ---- ClientBase ----------------------------------------------------------

QList<QByteArray> ClientBase::lines() const
{
    QList<QByteArray> result;
    qsizetype start = 0;
    for (;;) {
        const qsizetype newline = m_received.indexOf('\n', start);
        if (newline < 0)
            break;
        result.append(m_received.sliced(start, newline - start));
        start = newline + 1;
    }
    return result;
}

bool ClientBase::waitUntil(const std::function<bool()> &condition, int timeoutMs)
{
    if (condition())
        return true;
    return QTest::qWaitFor(condition, timeoutMs);
}

bool ClientBase::waitForLines(qsizetype count, int timeoutMs)
{
    return waitUntil([this, count] { return m_received.count('\n') >= count; }, timeoutMs);
}

bool ClientBase::waitForBytes(qsizetype count, int timeoutMs)
{
    return waitUntil([this, count] { return m_received.size() >= count; }, timeoutMs);
}

bool ClientBase::waitForText(const QByteArray &needle, int times, int timeoutMs)
{
    return waitUntil([this, needle, times] { return m_received.count(needle) >= times; }, timeoutMs);
}

bool ClientBase::waitForEof(int timeoutMs)
{
    return waitUntil([this] { return m_eof; }, timeoutMs);
}

void ClientBase::append(const QByteArray &bytes)
{
    if (bytes.isEmpty())
        return;
    m_received.append(bytes);
    emit bytesArrived();
}

void ClientBase::markEof()
{
    if (m_eof)
        return;
    m_eof = true;
    emit eofReached();
}

// ---- LineClient ----------------------------------------------------------

LineClient::LineClient(QObject *parent)
    : ClientBase(parent)
    , m_socket(new QTcpSocket(this))
{
    const auto drain = [this] {
        if (m_socket->isOpen())
            append(m_socket->readAll());
    };
    connect(m_socket, &QTcpSocket::readyRead, this, drain);
    connect(m_socket, &QTcpSocket::disconnected, this, [this, drain] {
        drain();
        markEof();
    });
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this, drain](QAbstractSocket::SocketError error) {
        if (error == QAbstractSocket::RemoteHostClosedError) {
            drain();
            markEof();
        }
    });
}

LineClient::~LineClient() = default;

bool LineClient::connectTo(quint16 port, int timeoutMs)
{
    m_socket->connectToHost(QHostAddress::LocalHost, port);
    return waitUntil([this] { return m_socket->state() == QAbstractSocket::ConnectedState; }, timeoutMs);
}

void LineClient::send(const QByteArray &bytes)
{
    m_socket->write(bytes);
}

bool LineClient::isConnected() const
{
    return m_socket->state() == QAbstractSocket::ConnectedState;
}

// ---- RawLineClient -------------------------------------------------------

RawLineClient::RawLineClient(QObject *parent)
    : ClientBase(parent)
{}

RawLineClient::~RawLineClient()
{
    close();
}

bool RawLineClient::connectTo(quint16 port, int timeoutMs)
{
    Q_UNUSED(timeoutMs); // a loopback connect to a listening port completes at once
    close();
    m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_fd < 0)
        return false;
    const sockaddr_in address = loopbackAddress(port);
    if (::connect(m_fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) != 0) {
        close();
        return false;
    }
    ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
    m_notifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &RawLineClient::onReadable);
    return true;
}

void RawLineClient::send(const QByteArray &bytes)
{
    qsizetype offset = 0;
    const auto trySend = [this, &bytes, &offset] {
        while (m_fd >= 0 && offset < bytes.size()) {
            const ssize_t n =
                ::send(m_fd, bytes.constData() + offset, size_t(bytes.size() - offset), MSG_NOSIGNAL);
            if (n > 0) {
                offset += n;
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                return false; // let the node read; try again from the event loop
            return true;      // broken: give up
        }
        return true;
    };
    if (!trySend())
        (void)QTest::qWaitFor(trySend, 5000);
}

void RawLineClient::shutdownWrite()
{
    if (m_fd >= 0)
        ::shutdown(m_fd, SHUT_WR);
}

void RawLineClient::close()
{
    delete m_notifier;
    m_notifier = nullptr;
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

void RawLineClient::onReadable()
{
    char buffer[64 * 1024];
    for (;;) {
        const ssize_t n = ::recv(m_fd, buffer, sizeof(buffer), 0);
        if (n > 0) {
            append(QByteArray(buffer, n));
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        // EOF or an error (a reset): nothing more will come.
        m_notifier->setEnabled(false);
        markEof();
        return;
    }
}

sockaddr_in loopbackAddress(quint16 port)
{
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

int smallWindowSocket()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    const int small = 4096;
    if (fd >= 0)
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
    return fd;
}

} // namespace Herd::Test
