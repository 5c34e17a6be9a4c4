// SPDX-License-Identifier: GPL-3.0-or-later
#include "check/probe.h"

#include <QDeadlineTimer>
#include <QHostAddress>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check/transcript.h"

namespace Herd::Check {

namespace {

// Waits are cut into slices so that a cancelled run stops within one.
constexpr int SliceMs = 50;

QString systemError()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

} // namespace

int countLines(const QByteArray &bytes)
{
    return int(bytes.count('\n'));
}

Probe::Probe(Transcript *transcript, QString label, const std::atomic<bool> *cancelled)
    : m_transcript(transcript)
    , m_label(std::move(label))
    , m_cancelled(cancelled)
{}

Probe::~Probe()
{
    close();
}

bool Probe::fail(const QString &error)
{
    if (!m_failed) {
        m_failed = true;
        m_error = error;
        if (m_transcript)
            m_transcript->note(m_label + u": " + error);
    }
    return false;
}

bool Probe::connectTo(const QString &host, quint16 port, int timeoutMs)
{
    close();
    m_failed = false;
    m_eof = false;
    m_error.clear();
    const QHostAddress address(host == u"localhost" ? QStringLiteral("127.0.0.1") : host);
    sockaddr_storage storage {};
    socklen_t length = 0;
    if (address.protocol() == QAbstractSocket::IPv6Protocol) {
        auto *in6 = reinterpret_cast<sockaddr_in6 *>(&storage);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        const Q_IPV6ADDR bytes = address.toIPv6Address();
        std::memcpy(&in6->sin6_addr, &bytes, sizeof bytes);
        length = sizeof *in6;
    } else {
        auto *in4 = reinterpret_cast<sockaddr_in *>(&storage);
        in4->sin_family = AF_INET;
        in4->sin_port = htons(port);
        in4->sin_addr.s_addr = htonl(address.toIPv4Address());
        length = sizeof *in4;
    }
    m_fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (m_fd < 0)
        return fail(u"socket: " + systemError());
    const int one = 1;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const QString target = host + u':' + QString::number(port);
    if (::connect(m_fd, reinterpret_cast<sockaddr *>(&storage), length) != 0 && errno != EINPROGRESS)
        return fail(QStringLiteral("cannot connect to %1: %2").arg(target, systemError()));
    QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        if (m_cancelled && m_cancelled->load())
            return fail(QStringLiteral("cancelled"));
        pollfd p {m_fd, POLLOUT, 0};
        const int ready = ::poll(&p, 1, int(qMin<qint64>(SliceMs, deadline.remainingTime())));
        if (ready > 0)
            break;
        if (ready < 0 && errno != EINTR)
            return fail(u"poll: " + systemError());
        if (deadline.hasExpired())
            return fail(
                QStringLiteral("cannot connect to %1: no answer in %2 ms").arg(target).arg(timeoutMs));
    }
    int error = 0;
    socklen_t size = sizeof error;
    ::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &error, &size);
    if (error != 0) {
        errno = error;
        return fail(QStringLiteral("cannot connect to %1: %2").arg(target, systemError()));
    }
    // With nothing listening on a port in the ephemeral range, the kernel
    // may pick that very port as our source and connect the socket to
    // itself (a TCP simultaneous open): that is not a server.
    sockaddr_storage local {};
    socklen_t localLength = sizeof local;
    if (::getsockname(m_fd, reinterpret_cast<sockaddr *>(&local), &localLength) == 0 && localLength == length
        && std::memcmp(&local, &storage, length) == 0)
        return fail(
            QStringLiteral("cannot connect to %1: nothing listens (the socket met itself)").arg(target));
    return true;
}

bool Probe::send(const QByteArray &bytes, int timeoutMs)
{
    if (!isConnected())
        return fail(QStringLiteral("not connected"));
    if (m_transcript)
        m_transcript->sent(m_label, bytes);
    qsizetype done = 0;
    QDeadlineTimer deadline(timeoutMs);
    while (done < bytes.size()) {
        const ssize_t n = ::send(m_fd, bytes.constData() + done, size_t(bytes.size() - done), MSG_NOSIGNAL);
        if (n > 0) {
            done += n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            return fail(u"send: " + systemError());
        if (deadline.hasExpired() || (m_cancelled && m_cancelled->load()))
            return fail(QStringLiteral("send: the peer took %1 of %2 bytes in %3 ms")
                            .arg(done)
                            .arg(bytes.size())
                            .arg(timeoutMs));
        pollfd p {m_fd, POLLOUT, 0};
        ::poll(&p, 1, int(qMin<qint64>(SliceMs, deadline.remainingTime())));
    }
    return true;
}

bool Probe::pump(int timeoutMs)
{
    if (m_fd < 0 || m_eof)
        return false;
    pollfd p {m_fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, timeoutMs);
    if (ready <= 0)
        return ready == 0 || errno == EINTR;
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
        if (n > 0) {
            const QByteArray bytes(buffer, n);
            m_received += bytes;
            if (m_transcript)
                m_transcript->received(m_label, bytes);
            if (n < ssize_t(sizeof buffer))
                return true;
            continue;
        }
        if (n == 0) {
            m_eof = true;
            if (m_transcript)
                m_transcript->note(m_label + u": closed by the node");
            return false;
        }
        if (errno == EAGAIN || errno == EINTR)
            return true;
        if (errno == ECONNRESET) {
            m_eof = true;
            if (m_transcript)
                m_transcript->note(m_label + u": reset by the node");
            return false;
        }
        return fail(u"recv: " + systemError());
    }
}

bool Probe::readUntil(const std::function<bool(const QByteArray &)> &done, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        if (done(m_received))
            return true;
        if (deadline.hasExpired() || (m_cancelled && m_cancelled->load()))
            return false;
        if (!pump(int(qMin<qint64>(SliceMs, deadline.remainingTime()))))
            return done(m_received);
    }
}

bool Probe::readLines(int count, int timeoutMs)
{
    return readUntil([count](const QByteArray &bytes) { return countLines(bytes) >= count; }, timeoutMs);
}

bool Probe::readUntilEof(int timeoutMs)
{
    readUntil([this](const QByteArray &) { return m_eof; }, timeoutMs);
    return m_eof;
}

bool Probe::readWhatsatReply(int timeoutMs)
{
    return readUntil(
        [](const QByteArray &bytes) {
            const qsizetype end = bytes.indexOf('\n');
            if (end < 0)
                return false;
            if (!bytes.startsWith("AT "))
                return true;
            return bytes.indexOf("\n\n", end) >= 0;
        },
        timeoutMs);
}

void Probe::halfClose()
{
    if (m_fd >= 0) {
        ::shutdown(m_fd, SHUT_WR);
        if (m_transcript)
            m_transcript->note(m_label + u": half-closed (shutdown SHUT_WR)");
    }
}

void Probe::reset()
{
    if (m_fd < 0)
        return;
    const linger hard {1, 0};
    ::setsockopt(m_fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    if (m_transcript)
        m_transcript->note(m_label + u": reset (SO_LINGER 0, close)");
    ::close(m_fd);
    m_fd = -1;
}

void Probe::close()
{
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
}

QByteArray Probe::take()
{
    return std::exchange(m_received, {});
}

} // namespace Herd::Check
