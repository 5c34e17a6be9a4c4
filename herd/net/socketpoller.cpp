// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/net/socketpoller_p.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

#include <sys/epoll.h>
#include <unistd.h>

#include <QSocketNotifier>

namespace Herd {

namespace {

// Ready descriptors taken per pass of the event loop; more wait for the next
// pass (level-triggered), so timers and other sources still get their turn.
constexpr int MaxEventsPerPass = 256;

quint32 epollEvents(quint32 interest)
{
    return ((interest & SocketPoller::Read) ? quint32(EPOLLIN) : 0u)
        | ((interest & SocketPoller::Write) ? quint32(EPOLLOUT) : 0u);
}

} // namespace

SocketPoller::SocketPoller(QObject *parent)
    : QObject(parent)
    , m_epoll(::epoll_create1(EPOLL_CLOEXEC))
{
    if (m_epoll < 0)
        qFatal("herd: epoll_create1 failed: %s", std::strerror(errno));
    m_notifier = new QSocketNotifier(m_epoll, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &SocketPoller::dispatch);
}

SocketPoller::~SocketPoller()
{
    ::close(m_epoll);
}

quint64 SocketPoller::add(int fd, quint32 interest, Watcher *watcher)
{
    const quint64 token = m_nextToken++;
    m_watches.insert(token, {fd, None, watcher});
    change(token, interest);
    return token;
}

void SocketPoller::change(quint64 token, quint32 interest)
{
    const auto it = m_watches.find(token);
    if (it == m_watches.end() || it->interest == interest)
        return;
    // A descriptor waiting for nothing leaves the set: epoll reports hang-ups
    // and errors whatever was asked, and level-triggered that would fire on
    // every pass for a connection that has paused its reading.
    epoll_event event {};
    event.events = epollEvents(interest);
    event.data.u64 = token;
    const int op = it->interest == None ? EPOLL_CTL_ADD : interest == None ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
    if (::epoll_ctl(m_epoll, op, it->fd, &event) != 0)
        qWarning("herd: epoll_ctl on descriptor %d failed: %s", it->fd, std::strerror(errno));
    it->interest = interest;
}

void SocketPoller::remove(quint64 token)
{
    change(token, None);
    m_watches.remove(token);
}

void SocketPoller::dispatch()
{
    std::array<epoll_event, MaxEventsPerPass> events;
    const int count = ::epoll_wait(m_epoll, events.data(), int(events.size()), 0);
    for (int i = 0; i < count; ++i) {
        // Looked up afresh each time: a watcher called earlier in this pass
        // may have removed this one, or changed what it waits for.
        const auto it = m_watches.constFind(events[i].data.u64);
        if (it == m_watches.cend())
            continue;
        const quint32 ready = events[i].events;
        const bool failed = ready & (EPOLLHUP | EPOLLERR);
        const bool readable = (it->interest & Read) && (failed || (ready & EPOLLIN));
        const bool writable = (it->interest & Write) && (failed || (ready & EPOLLOUT));
        if (readable || writable)
            it->watcher->socketReady(readable, writable);
    }
    for (const quint64 token : std::exchange(m_afterPass, {})) {
        const auto it = m_watches.constFind(token); // removed meanwhile: not called
        if (it != m_watches.cend())
            it->watcher->afterPass();
    }
}

void SocketPoller::callAfterPass(quint64 token)
{
    m_afterPass.push_back(token);
}

} // namespace Herd
