// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/double/clientconnection.h"

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace HerdDouble {

ClientConnection::ClientConnection(qintptr descriptor, QObject *parent)
    : QObject(parent)
    , m_fd(int(descriptor))
    , m_reader(descriptor, QSocketNotifier::Read)
    , m_writer(descriptor, QSocketNotifier::Write)
{
    ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
    m_writer.setEnabled(false);
    connect(&m_reader, &QSocketNotifier::activated, this, &ClientConnection::readable);
    connect(&m_writer, &QSocketNotifier::activated, this, &ClientConnection::send);
}

ClientConnection::~ClientConnection()
{
    m_reader.setEnabled(false);
    m_writer.setEnabled(false);
    if (m_fd >= 0)
        ::close(m_fd);
}

void ClientConnection::readable()
{
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
        if (n > 0) {
            m_input.append(buffer, n);
            continue;
        }
        if (n == 0) {
            m_inputEnded = true;
            m_reader.setEnabled(false);
        } else if (errno != EAGAIN && errno != EINTR) {
            close();
            return;
        }
        break;
    }
    onRead(this);
}

void ClientConnection::write(const QByteArray &bytes)
{
    if (m_fd < 0)
        return;
    m_output += bytes;
    send();
}

void ClientConnection::closeWhenSent()
{
    m_closeWhenSent = true;
    if (m_output.isEmpty())
        close();
}

void ClientConnection::send()
{
    while (!m_output.isEmpty()) {
        const ssize_t n = ::send(m_fd, m_output.constData(), size_t(m_output.size()), MSG_NOSIGNAL);
        if (n > 0) {
            m_output.remove(0, n);
            continue;
        }
        if (errno == EAGAIN || errno == EINTR) {
            m_writer.setEnabled(true);
            return;
        }
        close();
        return;
    }
    m_writer.setEnabled(false);
    if (m_closeWhenSent)
        close();
}

void ClientConnection::flushBlocking()
{
    while (m_fd >= 0 && !m_output.isEmpty()) {
        pollfd p {m_fd, POLLOUT, 0};
        ::poll(&p, 1, -1);
        send();
    }
}

void ClientConnection::close()
{
    if (m_fd < 0)
        return;
    if (!m_output.isEmpty() && onLostWithOutput)
        onLostWithOutput();
    m_reader.setEnabled(false);
    m_writer.setEnabled(false);
    ::close(m_fd);
    m_fd = -1;
    deleteLater();
}

} // namespace HerdDouble
