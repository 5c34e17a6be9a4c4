// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/load/worker.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench/benchsupport.h"
#include "bench/load/net.h"

using Bench::monoNs;

namespace HerdLoad {

void Worker::setOut(Conn &c, bool want)
{
    if (c.wantOut == want || c.dead)
        return;
    c.wantOut = want;
    epoll_event ev {};
    ev.events = EPOLLIN | (want ? EPOLLOUT : 0u);
    ev.data.u64 = std::uint64_t(&c - m_conns.data());
    ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &ev);
}

void Worker::enqueue(Conn &c, std::int64_t t)
{
    const Kind kind = m_maker.next(c.out);
    c.queue.push_back(Pending {t, kind});
    ++counters.sent;
    if (!c.dirty) {
        c.dirty = true;
        m_dirty.push_back(std::size_t(&c - m_conns.data()));
    }
}

void Worker::flush(Conn &c)
{
    c.dirty = false;
    if (c.dead)
        return;
    while (c.outOff < c.out.size()) {
        const ssize_t n = ::send(c.fd, c.out.data() + c.outOff, c.out.size() - c.outOff, MSG_NOSIGNAL);
        if (n > 0) {
            c.outOff += std::size_t(n);
            counters.bytesOut += n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            setOut(c, true);
            return;
        }
        kill(c, true);
        return;
    }
    c.out.clear();
    c.outOff = 0;
    setOut(c, false);
}

void Worker::kill(Conn &c, bool byServer)
{
    if (c.dead)
        return;
    c.dead = true;
    if (byServer)
        ++counters.closed;
    counters.timeouts += std::int64_t(c.queue.size());
    c.queue.clear();
    ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, c.fd, nullptr);
    ::close(c.fd);
    c.fd = -1;
}

void Worker::complete(Conn &c, std::int64_t now, bool good, bool question)
{
    const Pending p = c.queue.front();
    c.queue.pop_front();
    m_lastDone = now;
    if (!good) {
        ++(question ? counters.question : counters.badReply);
        return;
    }
    ++counters.ok;
    const std::int64_t latency = now - p.t;
    all.add(latency);
    switch (p.kind) {
    case Kind::Iamat:
        ++counters.okIamat;
        iamat.add(latency);
        break;
    case Kind::Whatsat:
        ++counters.okWhatsat;
        whatsat.add(latency);
        break;
    case Kind::Raw:
        ++counters.okRaw;
        break;
    }
}

void Worker::parse(Conn &c, std::int64_t now)
{
    std::size_t pos = 0;
    const char *data = c.in.data();
    while (pos < c.in.size()) {
        const void *nl = std::memchr(data + pos, '\n', c.in.size() - pos);
        if (!nl)
            break;
        const std::size_t end = std::size_t(static_cast<const char *>(nl) - data);
        std::string_view line(data + pos, end - pos);
        pos = end + 1;
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (c.queue.empty()) {
            ++counters.badReply; // a reply nobody asked for
            continue;
        }
        const Kind kind = c.queue.front().kind;
        if (kind == Kind::Whatsat) {
            if (c.inBody) {
                if (line.empty()) {
                    c.inBody = false;
                    complete(c, now, true, false);
                }
            } else if (startsWith(line, "AT ")) {
                c.inBody = true;
            } else {
                complete(c, now, false, startsWith(line, "? "));
            }
        } else if (kind == Kind::Iamat) {
            complete(c, now, startsWith(line, "AT "), startsWith(line, "? "));
        } else {
            const bool question = startsWith(line, "? ");
            complete(c, now, !question && !startsWith(line, "-ERR"), question);
        }
    }
    c.in.erase(0, pos);
}

void Worker::readFrom(Conn &c, std::int64_t now)
{
    char buf[65536];
    for (;;) {
        const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
        if (n > 0) {
            counters.bytesIn += n;
            c.in.append(buf, std::size_t(n));
            if (std::size_t(n) < sizeof buf)
                break;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        parse(c, now);
        kill(c, true); // EOF or reset
        return;
    }
    parse(c, now);
}

std::size_t Worker::inFlight() const
{
    std::size_t n = 0;
    for (const Conn &c : m_conns)
        n += c.queue.size();
    return n;
}

void Worker::run()
{
    m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
    m_conns.resize(m_connPorts.size());
    all.reserve(1 << 20);
    // Connect phase, not measured.
    std::size_t pendingConnects = 0;
    for (std::size_t i = 0; i < m_conns.size(); ++i) {
        Conn &c = m_conns[i];
        c.fd = connectTo(m_config.host, m_connPorts[i], false);
        if (c.fd < 0) {
            c.dead = true;
            ++counters.connectFailed;
            continue;
        }
        epoll_event ev {};
        ev.events = EPOLLOUT;
        ev.data.u64 = i;
        ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, c.fd, &ev);
        c.wantOut = true;
        ++pendingConnects;
    }
    std::vector<epoll_event> events(1024);
    const std::int64_t connectDeadline = monoNs() + 10'000'000'000;
    while (pendingConnects > 0 && monoNs() < connectDeadline) {
        const int n = ::epoll_wait(m_epoll, events.data(), int(events.size()), 100);
        for (int k = 0; k < n; ++k) {
            Conn &c = m_conns[events[std::size_t(k)].data.u64];
            if (c.connected || c.dead)
                continue;
            int err = 0;
            socklen_t len = sizeof err;
            ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
            --pendingConnects;
            if (err != 0) {
                kill(c, false);
                ++counters.connectFailed;
                continue;
            }
            c.connected = true;
            setOut(c, false);
        }
    }
    for (Conn &c : m_conns) {
        if (!c.dead && !c.connected) {
            kill(c, false);
            ++counters.connectFailed;
        }
    }

    rusage ru0 {};
    ::getrusage(RUSAGE_THREAD, &ru0);
    m_start = monoNs();
    m_lastDone = m_start;
    m_end = m_start + std::int64_t(m_config.durationS * 1e9);
    const std::int64_t drainNs = std::int64_t(m_config.timeoutMs) * 1'000'000;
    std::vector<std::size_t> live;
    for (std::size_t i = 0; i < m_conns.size(); ++i)
        if (!m_conns[i].dead)
            live.push_back(i);

    // Open loop: one global schedule per thread, request k at start + k/rate,
    // handed to the connections in turn; latency counts from the schedule.
    const double intervalNs = m_rate > 0 ? 1e9 / m_rate : 1e9;
    std::uint64_t scheduled = 0;
    std::size_t rr = 0;

    if (!m_config.open) {
        for (const std::size_t i : live)
            for (int d = 0; d < m_config.depth && canSend(m_start); ++d)
                enqueue(m_conns[i], m_start);
    }
    std::int64_t nextTimeoutScan = m_start + 100'000'000;
    for (;;) {
        std::int64_t now = monoNs();
        if (!m_stopping && !canSend(now))
            m_stopping = true;
        if (m_config.open && !m_stopping && !live.empty()) {
            for (;;) {
                const std::int64_t due = m_start + std::int64_t(double(scheduled) * intervalNs);
                if (due > now || !canSend(now))
                    break;
                // Skip dead connections; give up if all are dead.
                std::size_t tries = 0;
                while (m_conns[live[rr % live.size()]].dead && tries++ < live.size())
                    ++rr;
                if (tries > live.size())
                    break;
                enqueue(m_conns[live[rr++ % live.size()]], due);
                ++scheduled;
            }
        }
        for (const std::size_t i : m_dirty)
            flush(m_conns[i]);
        m_dirty.clear();

        if (m_stopping) {
            if (inFlight() == 0 || now > m_end + drainNs)
                break;
        }
        if (now >= nextTimeoutScan) {
            nextTimeoutScan = now + 100'000'000;
            for (Conn &c : m_conns)
                if (!c.dead && !c.queue.empty() && now - c.queue.front().t > drainNs)
                    kill(c, false);
            bool anyLive = false;
            for (const Conn &c : m_conns)
                anyLive = anyLive || !c.dead;
            if (!anyLive)
                break;
        }

        // Sleep until the next scheduled send, the end of the run or the
        // next timeout scan, whichever comes first.
        std::int64_t wake = std::min(nextTimeoutScan, m_stopping ? m_end + drainNs : m_end);
        if (m_config.open && !m_stopping)
            wake = std::min(wake, m_start + std::int64_t(double(scheduled) * intervalNs));
        const std::int64_t waitNs = std::max<std::int64_t>(0, wake - now);
        timespec ts {waitNs / 1'000'000'000, waitNs % 1'000'000'000};
        const int n = ::epoll_pwait2(m_epoll, events.data(), int(events.size()), &ts, nullptr);
        if (n <= 0)
            continue;
        now = monoNs();
        for (int k = 0; k < n; ++k) {
            const epoll_event &ev = events[std::size_t(k)];
            Conn &c = m_conns[ev.data.u64];
            if (c.dead)
                continue;
            if (ev.events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                const std::size_t before = c.queue.size();
                readFrom(c, now);
                if (c.dead)
                    continue;
                if (!m_config.open) {
                    const std::size_t done = before - c.queue.size();
                    for (std::size_t d = 0; d < done && canSend(now); ++d)
                        enqueue(c, now);
                }
            }
            if ((ev.events & EPOLLOUT) && !c.dirty)
                flush(c);
        }
    }
    for (Conn &c : m_conns) {
        if (!c.dead) {
            counters.timeouts += std::int64_t(c.queue.size());
            c.queue.clear();
            ::close(c.fd);
            c.dead = true;
        }
    }
    ::close(m_epoll);
    measuredNs = std::max<std::int64_t>(1, m_lastDone - m_start);
    rusage ru1 {};
    ::getrusage(RUSAGE_THREAD, &ru1);
    const auto secs = [](const timeval &tv) { return double(tv.tv_sec) + double(tv.tv_usec) / 1e6; };
    cpuSeconds = secs(ru1.ru_utime) - secs(ru0.ru_utime) + secs(ru1.ru_stime) - secs(ru0.ru_stime);
}

} // namespace HerdLoad
