// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/torture/connector.h"

#include <QObject>

#include <algorithm>
#include <cerrno>

#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench/benchsupport.h"

using Bench::monoNs;

namespace HerdTorture {

Connector::Connector(QObject *context, const Health &health)
    : m_context(context)
    , m_health(health)
    , m_epoll(::epoll_create1(EPOLL_CLOEXEC))
    , m_wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
{
    epoll_event event {};
    event.events = EPOLLIN;
    event.data.fd = m_wake;
    ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wake, &event);
    m_thread = std::thread([this] { run(); });
}

Connector::~Connector()
{
    m_stopping = true;
    wake();
    m_thread.join();
    for (auto &[fd, attempt] : m_attempts)
        ::close(fd);
    for (Storm &storm : m_storms)
        for (const int fd : storm.fds)
            ::close(fd);
    ::close(m_wake);
    ::close(m_epoll);
}

void Connector::connectTo(int node, quint16 port, std::function<void(Result)> done)
{
    ++m_outstanding;
    submit(Job {node,
                port,
                0,
                0,
                [this, done = std::move(done)](Result r) {
                    --m_outstanding;
                    done(r);
                },
                {}});
}

void Connector::storm(int node, quint16 port, int count, int holdMs, std::function<void(StormResult)> done)
{
    ++m_outstanding;
    submit(Job {node, port, count, holdMs, {}, [this, done = std::move(done)](StormResult r) {
                    --m_outstanding;
                    done(std::move(r));
                }});
}

void Connector::submit(Job job)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_jobs.push_back(std::move(job));
    }
    wake();
}

void Connector::wake()
{
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(m_wake, &one, sizeof one);
}

template <typename F> void Connector::post(F &&f)
{
    QMetaObject::invokeMethod(m_context, std::forward<F>(f), Qt::QueuedConnection);
}

void Connector::begin(int node, quint16 port, int storm, std::function<void(Result)> done)
{
    const std::uint64_t epoch = m_health.epoch(node);
    const qint64 start = monoNs();
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        finish(-1, Attempt {node, start, epoch, storm, std::move(done)}, errno);
        return;
    }
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    Attempt attempt {node, start, epoch, storm, std::move(done)};
    if (::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) == 0) {
        finish(fd, std::move(attempt), 0);
        return;
    }
    if (errno != EINPROGRESS) {
        finish(fd, std::move(attempt), errno);
        return;
    }
    epoll_event event {};
    event.events = EPOLLOUT;
    event.data.fd = fd;
    ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event);
    m_attempts.emplace(fd, std::move(attempt));
}

void Connector::finish(int fd, Attempt attempt, int error)
{
    const qint64 ns = monoNs() - attempt.startNs;
    // Only what the node's side can cause counts against it: not our own
    // want of descriptors, buffers or local ports.
    const bool theirs = error == 0 || error == ECONNREFUSED || error == ECONNRESET || error == ETIMEDOUT;
    const bool judged = theirs && Health::judged(attempt.epoch, m_health.epoch(attempt.node));
    if (error != 0 && fd >= 0) {
        ::close(fd);
        fd = -1;
    }
    if (attempt.storm < 0) {
        post([done = std::move(attempt.done), r = Result {fd, error, ns, judged}] { done(r); });
        return;
    }
    Storm &storm = m_storms[std::size_t(attempt.storm)];
    if (error == 0 && judged)
        storm.result.judgedNs.push_back(ns);
    else if (error != 0 && judged)
        storm.result.judgedFailures.emplace_back(error, ns);
    else if (error == 0)
        ++storm.result.excluded;
    else
        ++storm.result.failed;
    if (fd >= 0)
        storm.fds.push_back(fd);
    if (--storm.pending == 0)
        storm.holdUntilNs = monoNs() + qint64(storm.holdMs) * 1'000'000;
}

void Connector::run()
{
    std::vector<epoll_event> events(256);
    while (!m_stopping) {
        const qint64 now = monoNs();
        qint64 nextNs = now + 1'000'000'000;
        for (const auto &[fd, attempt] : m_attempts)
            nextNs = std::min(nextNs, attempt.startNs + ConnectGiveUpNs);
        for (const Storm &storm : m_storms)
            if (!storm.finished && storm.holdUntilNs > 0)
                nextNs = std::min(nextNs, storm.holdUntilNs);
        const int timeoutMs = int(std::clamp<qint64>((nextNs - now + 999'999) / 1'000'000, 0, 1000));
        const int n = ::epoll_wait(m_epoll, events.data(), int(events.size()), timeoutMs);
        for (int i = 0; i < n; ++i) {
            const int fd = events[std::size_t(i)].data.fd;
            if (fd == m_wake) {
                std::uint64_t count;
                [[maybe_unused]] const ssize_t r = ::read(m_wake, &count, sizeof count);
                startJobs();
                continue;
            }
            auto it = m_attempts.find(fd);
            if (it == m_attempts.end())
                continue;
            int error = 0;
            socklen_t length = sizeof error;
            ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
            ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
            Attempt attempt = std::move(it->second);
            m_attempts.erase(it);
            finish(fd, std::move(attempt), error);
        }
        const qint64 after = monoNs();
        for (auto it = m_attempts.begin(); it != m_attempts.end();) {
            if (after - it->second.startNs < ConnectGiveUpNs) {
                ++it;
                continue;
            }
            const int fd = it->first;
            ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
            Attempt attempt = std::move(it->second);
            it = m_attempts.erase(it);
            finish(fd, std::move(attempt), ETIMEDOUT);
        }
        for (Storm &storm : m_storms) {
            if (storm.finished || storm.holdUntilNs == 0 || after < storm.holdUntilNs)
                continue;
            for (const int fd : storm.fds)
                ::close(fd);
            storm.fds.clear();
            storm.finished = true;
            post([done = std::move(storm.done), r = std::move(storm.result)]() mutable {
                done(std::move(r));
            });
        }
    }
}

void Connector::startJobs()
{
    std::deque<Job> jobs;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        jobs.swap(m_jobs);
    }
    for (Job &job : jobs) {
        if (job.count == 0) {
            begin(job.node, job.port, -1, std::move(job.single));
            continue;
        }
        // As fast as possible: every socket and connect() back to back.
        Storm storm;
        storm.pending = job.count;
        storm.holdMs = job.holdMs;
        storm.result.node = job.node;
        storm.done = std::move(job.stormDone);
        m_storms.push_back(std::move(storm));
        const int index = int(m_storms.size()) - 1;
        for (int i = 0; i < job.count; ++i)
            begin(job.node, job.port, index, {});
    }
}

} // namespace HerdTorture
