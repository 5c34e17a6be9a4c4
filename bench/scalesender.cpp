// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/scalesender.h"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench/benchsupport.h"

using Bench::monoNs;

namespace ScaleSender {

[[noreturn]] void die(const QString &what, int status)
{
    std::fprintf(stderr, "herd-scale: %s\n", qPrintable(what));
    std::fflush(stdout);
    std::_Exit(status); // the herd's sockets and threads are not worth a clean stop here
}

QString nodeName(int i)
{
    return QStringLiteral("N%1").arg(i, 3, 10, QLatin1Char('0'));
}

std::string clientId(int k)
{
    char id[32];
    std::snprintf(id, sizeof id, "scale%07d", k);
    return id;
}

std::int64_t sendPhase(const std::vector<quint16> &ports, const std::vector<int> &origin, int from, int to,
                       int window, Shared &shared)
{
    struct Conn
    {
        int fd = -1;
        std::string out;
        std::size_t outOff = 0;
        std::string in;
        bool wantOut = false;
    };
    std::vector<Conn> conns(ports.size());
    const int epoll = ::epoll_create1(EPOLL_CLOEXEC);
    for (std::size_t i = 0; i < ports.size(); ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address {};
        address.sin_family = AF_INET;
        address.sin_port = htons(ports[i]);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd < 0 || ::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0)
            die(QStringLiteral("client: cannot connect to node %1 on port %2: %3")
                    .arg(nodeName(int(i)))
                    .arg(ports[i])
                    .arg(QString::fromLocal8Bit(std::strerror(errno))));
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
        conns[i].fd = fd;
        epoll_event event {};
        event.events = EPOLLIN;
        event.data.u64 = i;
        ::epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
    }
    epoll_event wake {};
    wake.events = EPOLLIN;
    wake.data.u64 = ports.size();
    ::epoll_ctl(epoll, EPOLL_CTL_ADD, shared.wakeFd, &wake);

    const auto setOut = [&](std::size_t i, bool want) {
        if (conns[i].wantOut == want)
            return;
        conns[i].wantOut = want;
        epoll_event event {};
        event.events = EPOLLIN | (want ? EPOLLOUT : 0u);
        event.data.u64 = i;
        ::epoll_ctl(epoll, EPOLL_CTL_MOD, conns[i].fd, &event);
    };
    const auto flush = [&](std::size_t i) {
        Conn &c = conns[i];
        while (c.outOff < c.out.size()) {
            const ssize_t n = ::send(c.fd, c.out.data() + c.outOff, c.out.size() - c.outOff, MSG_NOSIGNAL);
            if (n > 0) {
                c.outOff += std::size_t(n);
            } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
                setOut(i, true);
                return;
            } else {
                die(QStringLiteral("client: node %1 closed the connection").arg(nodeName(int(i))));
            }
        }
        c.out.clear();
        c.outOff = 0;
        setOut(i, false);
    };

    std::int64_t answered = 0, bad = 0;
    int next = from;
    std::vector<char> dirty(conns.size(), 0);
    while (answered < to - from) {
        // Send while there is room in the window.
        while (next < to && next - shared.converged.load(std::memory_order_acquire) < window) {
            const int node = origin[std::size_t(next)];
            // Each client reports once, from near UCLA, at a time that is
            // its own index (any time will do: it is the only report).
            char line[128];
            const int n = std::snprintf(line, sizeof line, "IAMAT %s %+.6f%+.6f 1700000000.%09d\n",
                                        clientId(next).c_str(), 34.068930 + 0.0001 * (next % 997),
                                        -118.445127 + 0.0001 * (next % 991), next);
            shared.sentAtNs[std::size_t(next)] = monoNs();
            conns[std::size_t(node)].out.append(line, std::size_t(n));
            dirty[std::size_t(node)] = 1;
            ++next;
        }
        for (std::size_t i = 0; i < conns.size(); ++i) {
            if (dirty[i]) {
                dirty[i] = 0;
                flush(i);
            }
        }
        epoll_event events[128];
        const int ready = ::epoll_wait(epoll, events, 128, 1000);
        for (int e = 0; e < ready; ++e) {
            const std::size_t i = events[e].data.u64;
            if (i == conns.size()) {
                std::uint64_t count = 0;
                [[maybe_unused]] const ssize_t ignored = ::read(shared.wakeFd, &count, sizeof count);
                continue;
            }
            Conn &c = conns[i];
            if (events[e].events & EPOLLOUT)
                flush(i);
            if (!(events[e].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                continue;
            char buffer[65536];
            for (;;) {
                const ssize_t n = ::recv(c.fd, buffer, sizeof buffer, 0);
                if (n > 0) {
                    c.in.append(buffer, std::size_t(n));
                    continue;
                }
                if (n == 0)
                    die(QStringLiteral("client: node %1 closed the connection").arg(nodeName(int(i))));
                break;
            }
            std::size_t start = 0, newline;
            while ((newline = c.in.find('\n', start)) != std::string::npos) {
                if (c.in.compare(start, 3, "AT ") != 0)
                    ++bad;
                ++answered;
                start = newline + 1;
            }
            c.in.erase(0, start);
        }
    }
    for (const Conn &c : conns)
        ::close(c.fd);
    ::close(epoll);
    return bad;
}

} // namespace ScaleSender
