// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/net/lineconnection_p.h"

#include <array>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Herd {

namespace {
// Bytes read per readiness notification: large enough to batch a pipelined
// burst, small enough that one busy client cannot starve the others.
constexpr std::size_t ReadChunk = 64 * 1024;
constexpr int MaxReadsPerWakeup = 4;
// A client that sends faster than it reads is not read further until its
// replies drain: memory per connection stays bounded without dropping lines.
constexpr qsizetype PauseReadingAbove = LineConnection::CongestedAbove;
constexpr qsizetype ResumeReadingBelow = 256 * 1024;
} // namespace

LineConnection::LineConnection(qintptr descriptor, qsizetype maxLineBytes, SocketPoller *poller,
                               QObject *parent)
    : QObject(parent)
    , m_fd(int(descriptor))
    , m_maxLineBytes(maxLineBytes)
    , m_poller(poller)
{
    ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
    peerOf(descriptor, &m_peerAddress, &m_peerPort);
    m_sinceInput.start();
    m_watch = m_poller->add(m_fd, SocketPoller::Read, this);
}

LineConnection::~LineConnection()
{
    if (m_fd >= 0) {
        m_poller->remove(m_watch);
        ::close(m_fd);
    }
}

void LineConnection::socketReady(bool readable, bool writable)
{
    // Writable first: sending what waits may resume reading.
    if (writable)
        onWritable();
    if (readable && m_fd >= 0)
        onReadable();
}

QString LineConnection::peerOf(qintptr descriptor, QHostAddress *address, quint16 *port)
{
    sockaddr_storage storage {};
    socklen_t length = sizeof(storage);
    QHostAddress peerAddress;
    quint16 peerPort = 0;
    if (::getpeername(int(descriptor), reinterpret_cast<sockaddr *>(&storage), &length) == 0) {
        peerAddress = QHostAddress(reinterpret_cast<const sockaddr *>(&storage));
        if (storage.ss_family == AF_INET)
            peerPort = ntohs(reinterpret_cast<const sockaddr_in *>(&storage)->sin_port);
        else if (storage.ss_family == AF_INET6)
            peerPort = ntohs(reinterpret_cast<const sockaddr_in6 *>(&storage)->sin6_port);
    }
    if (address)
        *address = peerAddress;
    if (port)
        *port = peerPort;
    return peerAddress.toString() + u':' + QString::number(peerPort);
}

QString LineConnection::peer() const
{
    return m_peerAddress.toString() + u':' + QString::number(m_peerPort);
}

void LineConnection::write(const QByteArray &data)
{
    if (m_fd < 0)
        return;
    m_out.append(data);
    if (m_maxPendingBytes >= 0 && pendingBytes() > m_maxPendingBytes) {
        // Try the kernel first: only bytes it will not take count.
        flush();
        if (m_fd >= 0 && pendingBytes() > m_maxPendingBytes) {
            const qsizetype pending = pendingBytes();
            emit outputOverflowed(pending);
            closeWith(QStringLiteral("%1 unsent reply bytes passed the limit of %2")
                          .arg(pending)
                          .arg(m_maxPendingBytes));
            return;
        }
    }
    if (pendingBytes() > PauseReadingAbove && !m_readPaused) {
        m_readPaused = true;
        updateInterest();
    }
    if (!m_inBatch && !m_sending) {
        flush();
        resumeReadingIfDrained();
    }
}

void LineConnection::requestSend()
{
    if (m_fd < 0)
        return;
    m_sendRequested = true;
    if (m_inBatch || m_sending)
        return; // onReadable() asks for afterPass(), or flush() is under way
    flush();
    resumeReadingIfDrained();
}

void LineConnection::closeWhenFlushed()
{
    if (m_fd < 0)
        return;
    m_closeWhenFlushed = true;
    updateInterest();
    if (pendingBytes() == 0)
        closeWith(QStringLiteral("closed by server"));
}

void LineConnection::abort()
{
    closeWith(QStringLiteral("aborted by server"));
}

void LineConnection::onReadable()
{
    // One buffer per thread: an idle connection holds no read buffer at all,
    // only the unfinished tail of a line.
    thread_local std::array<char, ReadChunk> buffer;
    m_inBatch = true;
    for (int round = 0;
         round < MaxReadsPerWakeup && m_fd >= 0 && !m_inputDone && !m_readPaused && !m_readingHeld; ++round) {
        const ssize_t n = ::recv(m_fd, buffer.data(), buffer.size(), 0);
        if (n > 0) {
            m_sinceInput.restart();
            consume(QByteArrayView(buffer.data(), n));
            if (n < ssize_t(buffer.size()))
                break;
            continue;
        }
        if (n == 0) {
            m_inputDone = true;
            updateInterest();
            if (!m_in.isEmpty() && !m_discarding)
                emit lineReceived(std::exchange(m_in, {})); // no ending to strip: it ended by EOF
            m_in = {};
            if (m_fd >= 0)
                emit inputFinished();
            break;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            break;
        m_inBatch = false;
        closeWith(QString::fromLocal8Bit(std::strerror(errno)));
        return;
    }
    m_inBatch = false;
    if (m_fd >= 0 && (pendingBytes() > 0 || m_sendRequested))
        m_poller->callAfterPass(m_watch);
    else
        resumeReadingIfDrained();
}

void LineConnection::afterPass()
{
    flush();
    resumeReadingIfDrained();
}

void LineConnection::consume(QByteArrayView chunk)
{
    qsizetype start = 0;
    if (!m_in.isEmpty() || m_discarding) {
        // Finish the line left over from earlier reads.
        const qsizetype newline = chunk.indexOf('\n');
        if (newline < 0) {
            keepTail(chunk);
            return;
        }
        if (m_discarding) {
            m_discarding = false;
        } else {
            m_in.append(chunk.first(newline));
            const QByteArray line = std::exchange(m_in, {});
            if (line.size() > m_maxLineBytes)
                emit lineTooLong(line.first(m_maxLineBytes));
            else
                deliver(line);
        }
        start = newline + 1;
    }
    while (m_fd >= 0) {
        const qsizetype newline = chunk.indexOf('\n', start);
        if (newline < 0)
            break;
        const qsizetype length = newline - start;
        if (length > m_maxLineBytes)
            emit lineTooLong(chunk.sliced(start, m_maxLineBytes).toByteArray());
        else
            deliver(chunk.sliced(start, length));
        start = newline + 1;
    }
    if (start < chunk.size())
        keepTail(chunk.sliced(start));
}

void LineConnection::deliver(QByteArrayView line)
{
    emit lineReceived((line.endsWith('\r') ? line.chopped(1) : line).toByteArray());
}

void LineConnection::keepTail(QByteArrayView tail)
{
    if (m_discarding)
        return;
    m_in.append(tail);
    if (m_in.size() > m_maxLineBytes) {
        emit lineTooLong(m_in.first(m_maxLineBytes));
        m_discarding = true;
        m_in = {};
    }
}

void LineConnection::flush()
{
    if (m_fd >= 0 && (pendingBytes() > 0 || m_sendRequested)) {
        m_sendRequested = false;
        m_sending = true;
        emit aboutToSend();
        m_sending = false;
    }
    while (m_fd >= 0 && pendingBytes() > 0) {
        const ssize_t n = ::send(m_fd, m_out.constData() + m_outOffset, size_t(pendingBytes()), MSG_NOSIGNAL);
        if (n > 0) {
            m_outOffset += n;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!m_waitingWritable) {
                m_waitingWritable = true;
                updateInterest();
            }
            return;
        }
        if (n < 0 && errno == EINTR)
            continue;
        closeWith(QString::fromLocal8Bit(std::strerror(errno)));
        return;
    }
    m_out.clear();
    m_outOffset = 0;
    if (m_fd >= 0) {
        if (m_waitingWritable) {
            m_waitingWritable = false;
            updateInterest();
        }
        if (m_closeWhenFlushed) {
            closeWith(QStringLiteral("closed by server"));
            return;
        }
        if (std::exchange(m_drainAwaited, false))
            emit outputDrained();
    }
}

void LineConnection::onWritable()
{
    flush();
    resumeReadingIfDrained();
}

void LineConnection::resumeReadingIfDrained()
{
    if (!m_readPaused || pendingBytes() >= ResumeReadingBelow || m_fd < 0)
        return;
    m_readPaused = false;
    updateInterest();
}

void LineConnection::setReadingHeld(bool held)
{
    m_readingHeld = held;
    updateInterest();
}

void LineConnection::updateInterest()
{
    if (m_fd < 0)
        return;
    const bool reading = !m_readPaused && !m_readingHeld && !m_inputDone && !m_closeWhenFlushed;
    m_poller->change(m_watch,
                     (reading ? SocketPoller::Read : SocketPoller::None)
                         | (m_waitingWritable ? SocketPoller::Write : SocketPoller::None));
}

void LineConnection::closeWith(const QString &reason)
{
    if (m_fd < 0)
        return;
    m_poller->remove(m_watch);
    ::close(m_fd);
    m_fd = -1;
    m_out.clear();
    m_outOffset = 0;
    emit closed(reason);
}

} // namespace Herd
