// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "bench/torture/settings.h"

class QObject;

namespace HerdTorture {

// Whether a node can accept at full speed: an even epoch means running and
// not stopped, and every change bumps it. A connect is judged only if its
// node's epoch was even and unchanged from the start of the attempt to its
// end (written by the main thread, read by the connector thread).
class Health
{
public:
    std::uint64_t epoch(int node) const { return m_epochs[std::size_t(node)].load(); }
    void set(int node, bool up)
    {
        std::atomic<std::uint64_t> &e = m_epochs[std::size_t(node)];
        const std::uint64_t now = e.load();
        e.store(now + ((now % 2 == 0) == up ? (up ? 0 : 2) : 1));
    }
    static bool judged(std::uint64_t before, std::uint64_t after)
    {
        return before % 2 == 0 && before == after;
    }

private:
    std::array<std::atomic<std::uint64_t>, NodeCount> m_epochs {};
};

// Non-blocking connects on a thread of their own, so that the time to
// "established" is the kernel's and not our busy event loop's. Results come
// back on the main thread, through the context object's event queue.
class Connector
{
public:
    struct Result
    {
        int fd = -1; // ours to close
        int error = 0;
        qint64 ns = 0;
        bool judged = false;
    };
    struct StormResult
    {
        int node = 0;
        std::vector<qint64> judgedNs; // established, node up throughout
        int excluded = 0;             // node stopped or down meanwhile
        int failed = 0;               // refused, reset or given up, node not up throughout
        std::vector<std::pair<int, qint64>> judgedFailures; // error, ns
    };

    Connector(QObject *context, const Health &health);
    ~Connector();
    void connectTo(int node, quint16 port, std::function<void(Result)> done);
    // `count` connects to `node` back to back, held `holdMs` once all are
    // done, then closed.
    void storm(int node, quint16 port, int count, int holdMs, std::function<void(StormResult)> done);

    // Main thread: jobs whose result has not come back yet.
    int outstanding() const { return m_outstanding; }

private:
    struct Job
    {
        int node;
        quint16 port;
        int count; // 0: one connect
        int holdMs;
        std::function<void(Result)> single;
        std::function<void(StormResult)> stormDone;
    };
    struct Attempt
    {
        int node;
        qint64 startNs;
        std::uint64_t epoch;
        int storm; // index into m_storms, or -1
        std::function<void(Result)> done;
    };
    struct Storm
    {
        int pending = 0;
        int holdMs = 0;
        qint64 holdUntilNs = 0; // 0 while connecting
        std::vector<int> fds;
        StormResult result;
        std::function<void(StormResult)> done;
        bool finished = false;
    };

    void submit(Job job);
    void wake();
    template <typename F> void post(F &&f);
    void begin(int node, quint16 port, int storm, std::function<void(Result)> done);
    void finish(int fd, Attempt attempt, int error);
    void run();
    void startJobs();

    QObject *m_context;
    const Health &m_health;
    const int m_epoll;
    const int m_wake;
    std::thread m_thread;
    std::atomic<bool> m_stopping {false};
    std::mutex m_mutex;
    std::deque<Job> m_jobs;
    // Connector thread only:
    std::unordered_map<int, Attempt> m_attempts;
    std::deque<Storm> m_storms; // a deque: indices and references stay valid
    // Main thread only:
    int m_outstanding = 0;
};

} // namespace HerdTorture
