// herd-torture: a herd of `herd --server` processes under faults and load,
// judged only by what can be seen from outside it.
//
// Jepsen's lesson: check the history, not the code path. Nothing here links
// the herd's code. Five processes run the CS 131 topology on 127.0.0.1; each
// link goes through relays of ours (one small TCP forwarder per direction),
// so that a link can be cut and the AT lines on it can be seen. A relay
// holds at most RelayWindowBytes for a slow receiver, so a stopped node
// pushes back on its neighbours' links as it would over TCP; a cut forwards
// what was sent before it, then closes both ends and refuses connections.
// Clients report moving positions in bursts (up to 2,000 IAMATs in one
// write, then a half-close), in steady pipelines and in lines split over
// many writes, all while nodes are killed and restarted, stopped and
// continued, links cut, storms of connections opened and strangers send
// hostile lines. Then everything is healed, and every node is asked about
// every client until all agree or the deadline passes.
//
// The checks (exit 1 names each one that failed, with examples):
// - convergence: within --converge-seconds of healing, every node answers
//   the same AT line for every client, and its time is at least the newest
//   acknowledged one for that client (an IAMAT whose exact AT reply came
//   back), save what the protocol cannot keep (docs/recovery.md): an update
//   that no living node holds any more. Who holds what is known by evidence
//   only: a node that acknowledged (c, t), was seen sending an AT line of c
//   at least that new on a link, or whose kernel took such a line from a
//   relay, holds a record of c at least that new until it dies. When a kill
//   leaves no living node with evidence for an acknowledged time, that time
//   is no longer required ("released"; an update answered while every link
//   of its node was down is one).
// - lost: but a release is a failure if the killed node had acknowledged the
//   update while one of its links was up and carrying its lines (from
//   LinkMarginMs before the acknowledgement until LinkMarginMs after, or
//   until its death), and no line of that client at least that new ever
//   left it: an answered update it never passed on. A node killed while
//   stopped, or just after, is not held to this: its kernel may have reset
//   its links with unread input and dropped what it had not sent yet.
// - connect: no connect() to a running node, in a storm or by a workload
//   client, took over 500 ms (a full listen backlog shows up as 1 s SYN
//   retransmissions). Connects to a node that was stopped or down at any
//   moment of the attempt are not judged: that backlog is our doing.
// - memory: every node's peak VmRSS stayed under --max-rss-mb.
// - exits: no node process ended unless we killed it (and each restarted
//   node listened again within ListenTimeoutMs).
// - replies: every IAMAT reply was its exact AT line, and no node that was
//   up closed a client connection with IAMATs unanswered.
//
// Everything random comes from --seed (printed always), in separate streams
// for the fault schedule, the workload and the strangers, so a failing run
// replays the same schedule. Timing (who is stopped when a burst lands) is
// the machine's, not ours.
//
//   herd-torture [--seconds 60] [--seed N] [--clients 300] [--herd PATH]
//                [--work-dir DIR] [--converge-seconds 60] [--max-rss-mb 512]
//                [--no-faults] [--json FILE] [--verbose]
//
// Exit status: 0 every check passed, 1 a check failed, 2 bad command line or
// the herd could not be run at all.

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <QByteArrayView>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTimer>

namespace {

constexpr int NodeCount = 5;
const std::array<const char *, NodeCount> NodeNames { "Alford", "Bolden", "Hamilton", "Parker", "Powell" };
constexpr std::array<std::pair<int, int>, 5> Links { { { 0, 3 }, { 0, 4 }, { 1, 3 }, { 1, 4 }, { 2, 3 } } };

// A connect slower than this fails the check: a full backlog costs a 1 s
// SYN retransmission.
constexpr qint64 ConnectLimitNs = 500'000'000;
// A connect not established by then is given up (and, if judged, failed).
constexpr qint64 ConnectGiveUpNs = 10'000'000'000;
constexpr int StormSize = 300;
// What a relay holds for a slow receiver before it stops reading the sender,
// as a router's queue would: past it, the sender's kernel buffers fill and
// its peer link feels the back-pressure of a stopped neighbour.
constexpr qint64 RelayWindowBytes = 256 * 1024;
// How far around an acknowledgement a link must have been up for the node
// to have had to send the update on it: covers our own reading lag.
constexpr qint64 LinkMarginMs = 500;
constexpr int ListenTimeoutMs = 15'000;
// After a kill, how long the sockets of the dead process may take to close
// before its evidence is settled anyway.
constexpr int SettleTimeoutMs = 3'000;
constexpr int SteadyDepth = 16;
constexpr int SplitDepth = 4;
constexpr int PollRoundTimeoutMs = 10'000;
constexpr int PollPauseMs = 100;
constexpr int StrangerTimeoutMs = 3'000;
constexpr int ShutdownTimeoutMs = 10'000;

qint64 monoNs()
{
    timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

qint64 realNs()
{
    timespec ts {};
    clock_gettime(CLOCK_REALTIME, &ts);
    return qint64(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

QString msText(qint64 ns)
{
    return QString::number(double(ns) / 1e6, 'f', 1);
}

QByteArray timeText(qint64 ns)
{
    char buffer[32];
    const int n = std::snprintf(buffer, sizeof buffer, "%lld.%09lld",
        static_cast<long long>(ns / 1'000'000'000), static_cast<long long>(ns % 1'000'000'000));
    return QByteArray(buffer, n);
}

// A client time as the protocol writes it, "<seconds>[.<1 to 9 digits>]",
// in nanoseconds; -1 if it is not one.
qint64 parseTime(QByteArrayView text)
{
    const qsizetype dot = text.indexOf('.');
    const qsizetype whole = dot < 0 ? text.size() : dot;
    const qsizetype digits = dot < 0 ? 0 : text.size() - dot - 1;
    if (whole < 1 || whole > 10 || (dot >= 0 && (digits < 1 || digits > 9)))
        return -1;
    qint64 seconds = 0, fraction = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (i == dot)
            continue;
        const char c = text[i];
        if (c < '0' || c > '9')
            return -1;
        qint64 &part = i < whole ? seconds : fraction;
        part = part * 10 + (c - '0');
    }
    if (seconds > std::numeric_limits<qint64>::max() / 1'000'000'000 - 1)
        return -1;
    for (qsizetype k = digits; k < 9; ++k)
        fraction *= 10;
    return seconds * 1'000'000'000 + fraction;
}

// The last field of an AT line: its client time.
qint64 atLineTime(const QByteArray &line)
{
    return parseTime(QByteArrayView(line).sliced(line.lastIndexOf(' ') + 1));
}

// Cuts a byte stream into lines, whatever the reads.
class LineScan {
public:
    template <typename F> void feed(const QByteArray &data, F &&onLine)
    {
        qsizetype start = 0;
        for (qsizetype nl = data.indexOf('\n'); nl >= 0; nl = data.indexOf('\n', start)) {
            if (m_partial.isEmpty()) {
                onLine(QByteArrayView(data).sliced(start, nl - start));
            } else {
                m_partial.append(data.constData() + start, nl - start);
                onLine(QByteArrayView(m_partial));
                m_partial.clear();
            }
            start = nl + 1;
        }
        // Herd lines are short; a runaway line is not worth keeping.
        if (m_partial.size() + (data.size() - start) <= 1 << 20)
            m_partial.append(data.constData() + start, data.size() - start);
        else
            m_partial.clear();
    }

private:
    QByteArray m_partial;
};

// --- connects, timed on their own thread ----------------------------------

// Whether a node can accept at full speed: an even epoch means running and
// not stopped, and every change bumps it. A connect is judged only if its
// node's epoch was even and unchanged from the start of the attempt to its
// end (written by the main thread, read by the connector thread).
class Health {
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
class Connector {
public:
    struct Result {
        int fd = -1; // ours to close
        int error = 0;
        qint64 ns = 0;
        bool judged = false;
    };
    struct StormResult {
        int node = 0;
        std::vector<qint64> judgedNs; // established, node up throughout
        int excluded = 0; // node stopped or down meanwhile
        int failed = 0; // refused, reset or given up, node not up throughout
        std::vector<std::pair<int, qint64>> judgedFailures; // error, ns
    };

    Connector(QObject *context, const Health &health)
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

    ~Connector()
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

    void connectTo(int node, quint16 port, std::function<void(Result)> done)
    {
        ++m_outstanding;
        submit(Job { node, port, 0, 0,
            [this, done = std::move(done)](Result r) {
                --m_outstanding;
                done(r);
            },
            {} });
    }

    void storm(int node, quint16 port, int count, int holdMs, std::function<void(StormResult)> done)
    {
        ++m_outstanding;
        submit(Job { node, port, count, holdMs, {}, [this, done = std::move(done)](StormResult r) {
                        --m_outstanding;
                        done(std::move(r));
                    } });
    }

    // Main thread: jobs whose result has not come back yet.
    int outstanding() const { return m_outstanding; }

private:
    struct Job {
        int node;
        quint16 port;
        int count; // 0: one connect
        int holdMs;
        std::function<void(Result)> single;
        std::function<void(StormResult)> stormDone;
    };
    struct Attempt {
        int node;
        qint64 startNs;
        std::uint64_t epoch;
        int storm; // index into m_storms, or -1
        std::function<void(Result)> done;
    };
    struct Storm {
        int pending = 0;
        int holdMs = 0;
        qint64 holdUntilNs = 0; // 0 while connecting
        std::vector<int> fds;
        StormResult result;
        std::function<void(StormResult)> done;
        bool finished = false;
    };

    void submit(Job job)
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_jobs.push_back(std::move(job));
        }
        wake();
    }

    void wake()
    {
        const std::uint64_t one = 1;
        [[maybe_unused]] const ssize_t n = ::write(m_wake, &one, sizeof one);
    }

    template <typename F> void post(F &&f)
    {
        QMetaObject::invokeMethod(m_context, std::forward<F>(f), Qt::QueuedConnection);
    }

    void begin(int node, quint16 port, int storm, std::function<void(Result)> done)
    {
        const std::uint64_t epoch = m_health.epoch(node);
        const qint64 start = monoNs();
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            finish(-1, Attempt { node, start, epoch, storm, std::move(done) }, errno);
            return;
        }
        sockaddr_in address {};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        Attempt attempt { node, start, epoch, storm, std::move(done) };
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

    void finish(int fd, Attempt attempt, int error)
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
            post([done = std::move(attempt.done), r = Result { fd, error, ns, judged }] { done(r); });
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

    void run()
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

    void startJobs()
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

    QObject *m_context;
    const Health &m_health;
    const int m_epoll;
    const int m_wake;
    std::thread m_thread;
    std::atomic<bool> m_stopping { false };
    std::mutex m_mutex;
    std::deque<Job> m_jobs;
    // Connector thread only:
    std::unordered_map<int, Attempt> m_attempts;
    std::deque<Storm> m_storms; // a deque: indices and references stay valid
    // Main thread only:
    int m_outstanding = 0;
};

// --- the history: who is known to hold what ------------------------------

class History {
public:
    struct Loss {
        int client;
        qint64 time;
        int node;
        qint64 ackedMs;
        qint64 diedMs;
    };

    explicit History(int clients)
        : m_clients(clients)
        , m_required(std::size_t(clients), 0)
        , m_releasedMax(std::size_t(clients), 0)
    {
        for (NodeView &node : m_nodes)
            node.clear(clients);
    }

    void started(int node, int incarnation)
    {
        NodeView &n = m_nodes[std::size_t(node)];
        n.clear(m_clients);
        n.incarnation = incarnation;
        n.alive = true;
    }

    // `node` answered the IAMAT (client, time) with its exact AT line.
    void acked(int node, int incarnation, int client, qint64 time, qint64 atMs)
    {
        NodeView &n = m_nodes[std::size_t(node)];
        const auto c = std::size_t(client);
        if (!n.alive || n.incarnation != incarnation) {
            // Read after its node's death was settled: only what a living
            // node is known to hold can still be asked for.
            const qint64 kept = heldByLiving(client);
            if (time > kept)
                release(client, time);
            m_required[c] = std::max(m_required[c], std::min(time, kept));
            return;
        }
        m_required[c] = std::max(m_required[c], time);
        n.holds[c] = std::max(n.holds[c], time);
        // Had the node heard of a newer record, it would not flood this one.
        if (n.heard[c] < time && time > n.unsent[c].first)
            n.unsent[c] = { time, atMs };
    }

    // An AT line of (client, time) seen leaving `node` on a link.
    void sent(int node, int incarnation, int client, qint64 time)
    {
        NodeView &n = m_nodes[std::size_t(node)];
        if (!n.alive || n.incarnation != incarnation)
            return;
        n.sentMax[std::size_t(client)] = std::max(n.sentMax[std::size_t(client)], time);
        n.holds[std::size_t(client)] = std::max(n.holds[std::size_t(client)], time);
    }

    // An AT line of (client, time) is in `node`'s kernel: it will read it
    // unless it dies, and then it holds a record at least that new.
    void delivered(int node, int incarnation, int client, qint64 time)
    {
        NodeView &n = m_nodes[std::size_t(node)];
        if (n.alive && n.incarnation == incarnation)
            n.holds[std::size_t(client)] = std::max(n.holds[std::size_t(client)], time);
    }

    // We are about to SIGKILL `node`: links that close from now on close
    // because it died, not under it.
    // `caughtUp`: it was running, and had been since well before; else
    // what it held unsent may have been dropped by its kernel, and an update
    // it answered but never sent is not held against it.
    void killed(int node, qint64 atMs, bool caughtUp)
    {
        m_nodes[std::size_t(node)].killedMs = atMs;
        m_nodes[std::size_t(node)].judged = caughtUp;
    }

    // An AT line of (client, time) read on its way to `node`.
    void heard(int node, int incarnation, int client, qint64 time)
    {
        NodeView &n = m_nodes[std::size_t(node)];
        if (n.alive && n.incarnation == incarnation)
            n.heard[std::size_t(client)] = std::max(n.heard[std::size_t(client)], time);
    }

    // One of `node`'s own links carries its lines from `atMs`; the index for
    // linkDown(), or -1.
    int linkUp(int node, int incarnation, qint64 atMs)
    {
        NodeView &n = m_nodes[std::size_t(node)];
        if (!n.alive || n.incarnation != incarnation)
            return -1;
        n.links.push_back({ atMs, std::numeric_limits<qint64>::max() });
        return int(n.links.size()) - 1;
    }

    void linkDown(int node, int incarnation, int link, qint64 atMs)
    {
        NodeView &n = m_nodes[std::size_t(node)];
        if (n.alive && n.incarnation == incarnation && link >= 0 && std::size_t(link) < n.links.size())
            n.links[std::size_t(link)].second = std::min(n.links[std::size_t(link)].second, atMs);
    }

    // `node` was killed (or died) and every socket of it is closed: what it
    // held is gone.
    void died(int node, qint64 atMs)
    {
        NodeView &n = m_nodes[std::size_t(node)];
        if (!n.alive)
            return;
        n.alive = false;
        for (int client = 0; client < m_clients; ++client) {
            const auto c = std::size_t(client);
            const qint64 kept = heldByLiving(client);
            if (m_required[c] <= kept)
                continue;
            const auto [time, ackedMs] = n.unsent[c];
            if (n.judged && time > kept && time > n.sentMax[c] && linkCovered(n, ackedMs)) {
                m_losses.push_back({ client, time, node, ackedMs, atMs });
                m_required[c] = std::max(kept, time);
            } else {
                release(client, m_required[c]);
                m_required[c] = kept;
            }
        }
        n.clear(m_clients);
    }

    // Per client: the time every node must hold at least (0: nothing).
    const std::vector<qint64> &required() const { return m_required; }
    const std::vector<Loss> &losses() const { return m_losses; }
    qint64 released() const { return m_released; }
    // Per client: the newest acknowledged time released (0: none).
    const std::vector<qint64> &releasedMax() const { return m_releasedMax; }

private:
    struct NodeView {
        int incarnation = 0;
        bool alive = false;
        qint64 killedMs = std::numeric_limits<qint64>::max();
        bool judged = true; // its unsent updates count as lost
        std::vector<qint64> holds; // holds a record at least this new
        std::vector<qint64> sentMax; // newest seen leaving it
        std::vector<qint64> heard; // newest seen on its way to it
        std::vector<std::pair<qint64, qint64>> unsent; // newest acknowledged (time, at ms) it had to flood
        std::vector<std::pair<qint64, qint64>> links; // its links carrying its lines, from..to ms

        void clear(int clients)
        {
            holds.assign(std::size_t(clients), 0);
            sentMax.assign(std::size_t(clients), 0);
            heard.assign(std::size_t(clients), 0);
            unsent.assign(std::size_t(clients), { 0, 0 });
            links.clear();
            killedMs = std::numeric_limits<qint64>::max();
            judged = true;
        }
    };

    void release(int client, qint64 time)
    {
        ++m_released;
        m_releasedMax[std::size_t(client)] = std::max(m_releasedMax[std::size_t(client)], time);
    }

    qint64 heldByLiving(int client) const
    {
        qint64 kept = 0;
        for (const NodeView &n : m_nodes)
            if (n.alive)
                kept = std::max(kept, n.holds[std::size_t(client)]);
        return kept;
    }

    // A link carried the node's lines from well before `atMs` until well
    // after, or until the node was killed (the node's own death does not
    // make the link down in its eyes; a cut or the far end's death may, but
    // only from the moment it shows).
    static bool linkCovered(const NodeView &n, qint64 atMs)
    {
        return std::any_of(n.links.begin(), n.links.end(), [&n, atMs](const auto &link) {
            return link.first <= atMs - LinkMarginMs
                && (link.second >= atMs + LinkMarginMs || link.second >= n.killedMs);
        });
    }

    int m_clients;
    std::array<NodeView, NodeCount> m_nodes;
    std::vector<qint64> m_required;
    std::vector<qint64> m_releasedMax;
    std::vector<Loss> m_losses;
    qint64 m_released = 0;
};

// --- the run -------------------------------------------------------------

struct Options {
    QString herd;
    int seconds = 60;
    quint64 seed = 0;
    int clients = 300;
    QString workDir;
    bool verbose = false;
    int convergeSeconds = 60;
    int maxRssMb = 512;
    bool faults = true;
    QString json;
};

enum class NodeState { Down, Starting, Running, Stopped };
enum class Mode { Burst, Steady, Split };
constexpr std::array<const char *, 3> ModeNames { "burst", "steady", "split" };
enum class Phase { Starting, Faults, Healing, Converging, Stopping, Done };

struct NodeRun {
    QString name;
    QByteArray nameUtf8;
    quint16 port = 0;
    QList<int> neighbours;
    QProcess *process = nullptr;
    NodeState state = NodeState::Down;
    int incarnation = 0;
    qint64 pid = 0;
    bool killedByUs = false;
    bool deathPending = false; // dead, its sockets not all closed yet
    bool restartWhenReaped = false;
    QByteArray stdoutLine; // the unfinished last line of its stdout
    QFile *stdoutLog = nullptr;
    qint64 peakRssKb = 0;
    qint64 continuedMs = std::numeric_limits<qint64>::min() / 2; // the last SIGCONT
};

// One IAMAT sent, awaiting its reply.
struct Sent {
    int client;
    qint64 time;
    QByteArray tail; // "<client> <position> <time>", as the AT reply must echo it
};

struct Example {
    qint64 count = 0;
    QString first;
    void add(const QString &what)
    {
        if (count++ == 0)
            first = what;
    }
};

class Relay;
class RelayPair;
class WorkloadConn;
class Poller;
class Stranger;

class Torture : public QObject {
public:
    Torture(Options options, QString workDir);
    ~Torture() override;

    void start();
    int exitCode() const { return m_exitCode; }

    // For the parts of the run below.
    qint64 nowMs() const { return m_clock.elapsed(); }
    History &history() { return m_history; }
    Connector &connector() { return *m_connector; }
    std::mt19937_64 &workRng() { return m_workRng; }
    const NodeRun &node(int i) const { return m_nodes[std::size_t(i)]; }
    bool faultPhase() const { return m_phase == Phase::Faults; }
    // The node's process is alive and listening (or stopped), this incarnation.
    bool up(int node, int incarnation) const;
    bool accepting(int node) const;
    // An AT line of a workload client: its client index and time.
    bool parseAt(QByteArrayView line, int *client, qint64 *time) const;
    void socketClosed();
    void nextIamat(QByteArray &out, Sent &sent);
    void iamatSent(Mode mode) { ++m_sent[std::size_t(mode)]; }
    void acked(int node, int incarnation, const Sent &sent, qint64 atMs, Mode mode);
    void wrongReply(int node, const Sent &sent, QByteArrayView reply);
    void closedWhileUp(int node, Mode mode, std::size_t unanswered);
    void recordConnect(int node, const Connector::Result &result);
    void strangerDone(Stranger *stranger, qint64 bytesBack);
    void connectorDone();
    void pollDone();
    void fatal(const QString &why);
    void say(const QString &text) const;

private:
    void writeHerdFile(int i);
    void startNode(int i);
    void onStdout(int i, QProcess *process);
    void onListening(int i);
    void onExited(int i, QProcess *process, int code, QProcess::ExitStatus status);
    void settle(int i, bool force);
    void restartNode(int i);
    void setHealth(int i);
    Relay *relay(int from, int to) const;
    void setTargetUp(int node, bool up);
    void beginFaults();
    void scheduleFault();
    void fault();
    bool faultKill();
    bool faultStop();
    bool faultCut();
    bool faultStorm();
    bool faultStranger();
    QByteArray strangerPayload(int node, int *lines);
    void sampleRss();
    void heal();
    void checkHealed();
    void pollRound();
    void evaluateRound();
    void shutdown();
    void finishRun();
    void report();

    Options m_options;
    QString m_workDir;
    QElapsedTimer m_clock;
    Phase m_phase = Phase::Starting;
    std::array<NodeRun, NodeCount> m_nodes;
    std::array<std::array<quint16, NodeCount>, NodeCount> m_relayPorts {};
    std::vector<Relay *> m_relays;
    std::vector<WorkloadConn *> m_workload;
    std::vector<Poller *> m_pollers;
    Health m_health;
    std::unique_ptr<Connector> m_connector;
    History m_history;
    std::vector<QByteArray> m_clientIds;
    QHash<QByteArray, int> m_clientIndex;
    std::vector<qint64> m_lastTime;
    std::mt19937_64 m_faultRng, m_workRng, m_strangerRng;
    QTimer m_faultTimer, m_rssTimer;
    bool m_stormActive = false;
    QList<Stranger *> m_strangersActive;

    // What happened.
    std::array<qint64, 3> m_sent {}, m_acked {};
    int m_kills = 0, m_stops = 0, m_cuts = 0, m_storms = 0, m_strangers = 0, m_skipped = 0;
    qint64 m_stormConnections = 0, m_strangerLines = 0, m_strangerBytesBack = 0;
    std::vector<qint64> m_stormNs, m_workloadNs;
    qint64 m_connectsExcluded = 0, m_connectsFailed = 0;
    struct SlowConnect {
        qint64 ns;
        int node;
        bool storm;
        qint64 atMs;
        int error;
    };
    std::vector<SlowConnect> m_slowConnects;
    Example m_wrongReplies, m_closedWhileUp;
    qint64 m_unansweredWhileUp = 0;
    QStringList m_unexpectedExits;
    QString m_fatal; // the herd could not be run (exit 2)
    QString m_restartFault; // a node did not come back (a failed check)
    qint64 m_healStartMs = -1, m_healedMs = -1, m_convergedMs = -1;
    qint64 m_pollRounds = 0;
    int m_pollsPending = 0;
    QStringList m_convergenceProblems;
    int m_releasedClients = 0, m_releasedGone = 0;
    int m_exitCode = 0;
};

// --- relays: one per link direction ---------------------------------------

// A TCP forwarder standing for node `to` in node `from`'s herd file. It
// listens only while its link is not cut and `to` is up, as `to` itself
// would: a cut link or a dead node refuses connections.
class Relay : public QObject {
public:
    Relay(Torture &torture, int from, int to, quint16 port, quint16 targetPort)
        : QObject(&torture)
        , m_torture(torture)
        , m_from(from)
        , m_to(to)
        , m_port(port)
        , m_targetPort(targetPort)
    {
        connect(&m_server, &QTcpServer::newConnection, this, &Relay::accept);
    }

    void setTargetUp(bool up)
    {
        m_targetUp = up;
        update();
    }
    void setCut(bool cut);
    bool isCut() const { return m_cut; }
    bool holds(int node, int incarnation) const;
    void senderDied(int node, int incarnation);
    void creditQueued();
    void finished(RelayPair *pair);
    void addBytes(qint64 n) { m_bytes += n; }
    qint64 bytes() const { return m_bytes; }

    Torture &torture() const { return m_torture; }
    int from() const { return m_from; }
    int to() const { return m_to; }
    quint16 targetPort() const { return m_targetPort; }

private:
    bool wanted() const { return !m_cut && m_targetUp; }
    void update()
    {
        if (wanted() && !m_server.isListening()) {
            if (!m_server.listen(QHostAddress::LocalHost, m_port))
                m_torture.fatal(QStringLiteral("the relay %1->%2 cannot listen on port %3: %4")
                                    .arg(m_torture.node(m_from).name, m_torture.node(m_to).name)
                                    .arg(m_port)
                                    .arg(m_server.errorString()));
        } else if (!wanted() && m_server.isListening()) {
            m_server.close();
        }
    }
    void accept();

    Torture &m_torture;
    const int m_from, m_to;
    const quint16 m_port, m_targetPort;
    QTcpServer m_server;
    bool m_cut = false, m_targetUp = false;
    QList<RelayPair *> m_pairs;
    qint64 m_bytes = 0;
};

// One connection through a relay: `in` from node `from` (its outgoing link),
// `out` to node `to`. Bytes go both ways (resync answers come back on the
// asker's connection), and every AT line of the workload's clients is shown
// to the history: as sent by one end when read, as held by the other once
// its kernel took the bytes. Closing either end closes the other after
// forwarding what was already read.
class RelayPair : public QObject {
public:
    RelayPair(Relay &relay, QTcpSocket *in)
        : QObject(&relay)
        , m_relay(relay)
        , m_forth(in, new QTcpSocket(this), relay.from(), relay.to())
        , m_back(m_forth.to, in, relay.to(), relay.from())
    {
        in->setParent(this);
        m_incarnation[m_forth.sender] = relay.torture().node(relay.from()).incarnation;
        for (Direction *d : { &m_forth, &m_back }) {
            d->from->setReadBufferSize(RelayWindowBytes);
            connect(d->from, &QTcpSocket::readyRead, this, [this, d] { forward(*d); });
            connect(d->to, &QTcpSocket::bytesWritten, this, [this, d](qint64 n) { taken(*d, n); });
            connect(d->from, &QTcpSocket::stateChanged, this, [this](QAbstractSocket::SocketState state) {
                if (state == QAbstractSocket::UnconnectedState)
                    closeBoth();
            });
        }
        connect(m_forth.to, &QTcpSocket::connected, this, [this] {
            m_incarnation[m_forth.receiver] = m_relay.torture().node(m_relay.to()).incarnation;
            m_forth.to->write(std::exchange(m_early, {}));
            maybeLinkUp();
            forward(m_forth);
        });
        m_forth.to->connectToHost(QHostAddress::LocalHost, relay.targetPort());
    }

    // The link is cut: what was sent before is forwarded, then both ends close.
    void cut() { closeBoth(); }

    // `node` was killed: nothing more comes from it, so whatever it sent is
    // read now, whatever the window (its last lines count as sent).
    void senderDied(int node, int incarnation)
    {
        if (!holds(node, incarnation))
            return;
        for (Direction *d : { &m_forth, &m_back }) {
            if (d->sender == node && !d->unthrottled) {
                d->unthrottled = true;
                d->from->setReadBufferSize(0);
                forward(*d);
            }
        }
    }

    bool holds(int node, int incarnation) const
    {
        const auto it = m_incarnation.find(node);
        return it != m_incarnation.end() && it->second == incarnation;
    }

    // Lines queued for a receiver that is connected (or being closed after
    // its pending writes) reach it unless it dies, and then what it holds
    // is gone anyway: at a death they count as held, as if taken already
    // (a stopped receiver may take seconds to take them).
    void creditQueued()
    {
        for (Direction *d : { &m_forth, &m_back }) {
            if (d->to->state() != QAbstractSocket::ConnectedState
                && d->to->state() != QAbstractSocket::ClosingState)
                continue;
            for (const Direction::Delivery &delivery : d->deliveries)
                m_relay.torture().history().delivered(
                    d->receiver, incarnation(d->receiver), delivery.client, delivery.time);
        }
    }

private:
    struct Direction {
        Direction(QTcpSocket *source, QTcpSocket *sink, int senderNode, int receiverNode)
            : from(source)
            , to(sink)
            , sender(senderNode)
            , receiver(receiverNode)
        {
        }
        QTcpSocket *from;
        QTcpSocket *to;
        int sender;
        int receiver;
        bool unthrottled = false;
        LineScan lines;
        qint64 queued = 0; // bytes written to `to`, by Qt or not yet
        qint64 taken = 0; // bytes `to`'s kernel took
        struct Delivery {
            qint64 end; // offset in the stream after its line
            int client;
            qint64 time;
        };
        std::deque<Delivery> deliveries;
    };

    int incarnation(int node) const
    {
        const auto it = m_incarnation.find(node);
        return it == m_incarnation.end() ? -1 : it->second;
    }

    // Whether `to` still takes bytes: connected, or (forth only) connecting,
    // the bytes waiting in m_early.
    bool early(const Direction &d) const
    {
        return &d == &m_forth
            && (d.to->state() == QAbstractSocket::HostLookupState
                || d.to->state() == QAbstractSocket::ConnectingState);
    }

    void forward(Direction &d)
    {
        const qint64 waiting = early(d) ? m_early.size() : d.to->bytesToWrite();
        if (d.from->bytesAvailable() == 0 || (!d.unthrottled && waiting >= RelayWindowBytes))
            return; // the rest waits in Qt's buffer (bounded), then in the kernel's
        pass(d, d.from->readAll());
    }

    // Shows `data`'s AT lines to the history and sends it on, if `to` takes it.
    void pass(Direction &d, const QByteArray &data)
    {
        if (data.isEmpty())
            return;
        m_relay.addBytes(data.size());
        const bool deliver = !m_closing && (d.to->state() == QAbstractSocket::ConnectedState || early(d));
        History &history = m_relay.torture().history();
        const qint64 end = d.queued + data.size();
        d.lines.feed(data, [&](QByteArrayView line) {
            int client;
            qint64 time;
            if (!m_relay.torture().parseAt(line, &client, &time))
                return;
            history.sent(d.sender, incarnation(d.sender), client, time);
            history.heard(d.receiver, m_relay.torture().node(d.receiver).incarnation, client, time);
            if (deliver)
                d.deliveries.push_back({ end, client, time });
        });
        if (!deliver)
            return;
        d.queued = end;
        if (&d == &m_forth)
            m_seenIn = true;
        if (early(d))
            m_early += data;
        else
            d.to->write(data);
        if (&d == &m_forth)
            maybeLinkUp();
    }

    void taken(Direction &d, qint64 n)
    {
        d.taken += n;
        for (; !d.deliveries.empty() && d.deliveries.front().end <= d.taken; d.deliveries.pop_front())
            m_relay.torture().history().delivered(
                d.receiver, incarnation(d.receiver), d.deliveries.front().client, d.deliveries.front().time);
        forward(d); // room again, maybe
    }

    // The link carries `from`'s lines once `from` wrote on it and `to` is
    // connected; that interval is what LinkMarginMs is measured against.
    void maybeLinkUp()
    {
        if (m_link < 0 && !m_closing && m_seenIn && m_forth.to->state() == QAbstractSocket::ConnectedState)
            m_link = m_relay.torture().history().linkUp(
                m_forth.sender, incarnation(m_forth.sender), m_relay.torture().nowMs());
    }

    // Everything `from` sent before now: Qt's buffer, then the kernel's.
    void drain(Direction &d)
    {
        QByteArray data = d.from->bytesAvailable() > 0 ? d.from->readAll() : QByteArray();
        const int fd = int(d.from->socketDescriptor());
        char buffer[65536];
        for (ssize_t n; fd >= 0 && (n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT)) > 0;)
            data.append(buffer, n);
        pass(d, data);
    }

    void closeBoth()
    {
        if (!m_closing) {
            drain(m_forth);
            drain(m_back);
            m_closing = true;
            m_relay.torture().history().linkDown(
                m_forth.sender, incarnation(m_forth.sender), m_link, m_relay.torture().nowMs());
            for (QTcpSocket *socket : { m_forth.from, m_forth.to }) {
                if (socket->state() == QAbstractSocket::ConnectedState)
                    socket->disconnectFromHost(); // after the pending writes
                else if (socket->state() != QAbstractSocket::ClosingState)
                    socket->abort();
            }
        }
        if (!m_finished && m_forth.from->state() == QAbstractSocket::UnconnectedState
            && m_forth.to->state() == QAbstractSocket::UnconnectedState) {
            m_finished = true;
            m_relay.finished(this);
        }
    }

    Relay &m_relay;
    Direction m_forth; // from -> to: `from`'s floods and resync questions
    Direction m_back; // to -> from: the answers on `from`'s connection
    std::unordered_map<int, int> m_incarnation; // of each end, once known
    QByteArray m_early; // from `from` before `to` connected
    bool m_seenIn = false, m_closing = false, m_finished = false;
    int m_link = -1;
};

void Relay::setCut(bool cut)
{
    m_cut = cut;
    update();
    if (cut)
        for (RelayPair *pair : QList<RelayPair *>(m_pairs))
            pair->cut();
}

bool Relay::holds(int node, int incarnation) const
{
    return std::any_of(
        m_pairs.begin(), m_pairs.end(), [&](const RelayPair *p) { return p->holds(node, incarnation); });
}

void Relay::senderDied(int node, int incarnation)
{
    for (RelayPair *pair : QList<RelayPair *>(m_pairs))
        pair->senderDied(node, incarnation);
}

void Relay::creditQueued()
{
    for (RelayPair *pair : std::as_const(m_pairs))
        pair->creditQueued();
}

void Relay::finished(RelayPair *pair)
{
    m_pairs.removeOne(pair);
    pair->deleteLater();
    m_torture.socketClosed();
}

void Relay::accept()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        if (!wanted()) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        m_pairs.append(new RelayPair(*this, socket));
    }
}

// --- workload clients -------------------------------------------------------

// One client connection to one node, for the whole fault phase, reconnecting
// whenever its node comes back. Every reply is matched, in order, against the
// IAMAT it answers.
class WorkloadConn : public QObject {
public:
    WorkloadConn(Torture &torture, int node, Mode mode)
        : QObject(&torture)
        , m_torture(torture)
        , m_node(node)
        , m_mode(mode)
    {
        m_splitTimer.setInterval(1);
        connect(&m_splitTimer, &QTimer::timeout, this, &WorkloadConn::splitTick);
    }

    // The node listens (again): connect, unless connected or connecting.
    void nodeUp()
    {
        if (!m_stopped && !m_socket && !m_connecting)
            requestConnect();
    }

    // Walks away with a reset: a plain close after half a line would be a
    // half-close to the node, which takes a last unfinished line as a line
    // (a truncated IAMAT, an update nobody meant).
    void stop()
    {
        m_stopped = true;
        m_splitTimer.stop();
        if (!m_socket)
            return;
        const linger reset { 1, 0 };
        ::setsockopt(int(m_socket->socketDescriptor()), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
        m_socket->abort();
    }

    bool holds(int node, int incarnation) const
    {
        return m_socket && node == m_node && incarnation == m_incarnation;
    }

private:
    void requestConnect()
    {
        if (!m_torture.accepting(m_node))
            return; // nodeUp() comes when it listens again
        m_connecting = true;
        m_torture.connector().connectTo(m_node, m_torture.node(m_node).port, [this](Connector::Result r) {
            m_connecting = false;
            m_torture.recordConnect(m_node, r);
            m_torture.connectorDone();
            if (r.fd < 0 || m_stopped || !m_torture.accepting(m_node)) {
                if (r.fd >= 0)
                    ::close(r.fd);
                // Refused by a node that just died: nodeUp() will come. Else
                // try again shortly.
                if (!m_stopped && m_torture.accepting(m_node))
                    QTimer::singleShot(100, this, &WorkloadConn::nodeUp);
                return;
            }
            connected(r.fd);
        });
    }

    void connected(int fd)
    {
        m_socket = new QTcpSocket(this);
        m_socket->setSocketDescriptor(fd);
        m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        m_incarnation = m_torture.node(m_node).incarnation;
        connect(m_socket, &QTcpSocket::readyRead, this, &WorkloadConn::readReplies);
        connect(m_socket, &QTcpSocket::stateChanged, this, [this](QAbstractSocket::SocketState state) {
            if (state == QAbstractSocket::UnconnectedState)
                closed();
        });
        switch (m_mode) {
        case Mode::Burst: {
            // 200-2000 pipelined IAMATs in one write, then a half-close, then
            // every reply up to the node's close.
            const int count = std::uniform_int_distribution<int>(200, 2000)(m_torture.workRng());
            QByteArray text;
            for (int i = 0; i < count; ++i)
                queueIamat(text);
            connect(m_socket, &QTcpSocket::bytesWritten, this, [this] {
                if (m_socket && m_socket->bytesToWrite() == 0)
                    ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
            });
            m_socket->write(text);
            break;
        }
        case Mode::Steady: {
            QByteArray text;
            for (int i = 0; i < SteadyDepth; ++i)
                queueIamat(text);
            m_socket->write(text);
            break;
        }
        case Mode::Split:
            m_splitTimer.start();
            break;
        }
    }

    void queueIamat(QByteArray &text)
    {
        Sent sent;
        m_torture.nextIamat(text, sent);
        m_pending.push_back(std::move(sent));
        m_torture.iamatSent(m_mode);
    }

    // Split: each line goes out in pieces of 1-12 bytes, one write a tick.
    void splitTick()
    {
        if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState)
            return;
        if (m_splitText.isEmpty() && m_pending.size() < std::size_t(SplitDepth))
            queueIamat(m_splitText);
        if (m_splitText.isEmpty())
            return;
        const int piece = std::uniform_int_distribution<int>(1, 12)(m_torture.workRng());
        m_socket->write(m_splitText.left(piece));
        m_socket->flush();
        m_splitText.remove(0, piece);
    }

    void readReplies()
    {
        const qint64 atMs = m_torture.nowMs();
        if (m_socket->bytesAvailable() == 0)
            return;
        const QByteArray data = m_socket->readAll();
        QByteArray more;
        m_lines.feed(data, [&](QByteArrayView line) {
            if (m_pending.empty()) {
                m_torture.wrongReply(m_node, Sent { -1, 0, {} }, line);
                return;
            }
            const Sent sent = std::move(m_pending.front());
            m_pending.pop_front();
            // "AT <node> <diff> <client> <position> <time>", the last three
            // exactly as sent.
            const QByteArray prefix = "AT " + m_torture.node(m_node).nameUtf8 + ' ';
            const qsizetype diffEnd = line.startsWith(prefix) ? line.indexOf(' ', prefix.size()) : -1;
            if (diffEnd > prefix.size() && line.sliced(diffEnd + 1) == QByteArrayView(sent.tail))
                m_torture.acked(m_node, m_incarnation, sent, atMs, m_mode);
            else
                m_torture.wrongReply(m_node, sent, line);
            if (m_mode == Mode::Steady && !m_stopped && m_socket->state() == QAbstractSocket::ConnectedState)
                queueIamat(more);
        });
        if (!more.isEmpty())
            m_socket->write(more);
    }

    void closed()
    {
        readReplies();
        // A half-closed burst is answered in full before the node closes;
        // other connections are never closed by a node that is up.
        if (!m_stopped && (m_mode != Mode::Burst || !m_pending.empty())
            && m_torture.up(m_node, m_incarnation))
            m_torture.closedWhileUp(m_node, m_mode, m_pending.size());
        m_pending.clear();
        m_splitText.clear();
        m_splitTimer.stop();
        m_lines = LineScan();
        m_socket->deleteLater();
        m_socket = nullptr;
        m_torture.socketClosed();
        if (!m_stopped)
            QTimer::singleShot(0, this, &WorkloadConn::nodeUp);
    }

    Torture &m_torture;
    const int m_node;
    const Mode m_mode;
    QTcpSocket *m_socket = nullptr;
    int m_incarnation = 0;
    bool m_connecting = false, m_stopped = false;
    std::deque<Sent> m_pending;
    LineScan m_lines;
    QByteArray m_splitText;
    QTimer m_splitTimer;
};

// --- strangers ----------------------------------------------------------------

// A client that sends hostile lines, half-closes, and reads whatever comes
// back until the node closes or StrangerTimeoutMs pass.
class Stranger : public QObject {
public:
    Stranger(Torture &torture, quint16 port, QByteArray payload)
        : QObject(&torture)
        , m_torture(torture)
    {
        connect(&m_socket, &QTcpSocket::connected, this, [this, payload] { m_socket.write(payload); });
        connect(&m_socket, &QTcpSocket::bytesWritten, this, [this] {
            if (m_socket.bytesToWrite() == 0)
                ::shutdown(int(m_socket.socketDescriptor()), SHUT_WR);
        });
        connect(
            &m_socket, &QTcpSocket::readyRead, this, [this] { m_bytesBack += m_socket.readAll().size(); });
        connect(&m_socket, &QTcpSocket::stateChanged, this, [this](QAbstractSocket::SocketState state) {
            if (state == QAbstractSocket::UnconnectedState)
                done();
        });
        QTimer::singleShot(StrangerTimeoutMs, this, [this] { m_socket.abort(); });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
    }

    void stop() { m_socket.abort(); }

private:
    void done()
    {
        if (m_done)
            return;
        m_done = true;
        if (m_socket.bytesAvailable() > 0)
            m_bytesBack += m_socket.readAll().size();
        m_torture.strangerDone(this, m_bytesBack);
        deleteLater();
    }

    Torture &m_torture;
    QTcpSocket m_socket;
    qint64 m_bytesBack = 0;
    bool m_done = false;
};

// --- convergence polls ----------------------------------------------------------

// One connection to one node; a round is a WHATSAT for every client in one
// write, each reply read up to its empty line ("? ..." means unknown).
class Poller : public QObject {
public:
    Poller(Torture &torture, int node, const std::vector<QByteArray> &clients)
        : QObject(&torture)
        , m_torture(torture)
        , m_node(node)
        , m_answers(clients.size())
    {
        for (const QByteArray &client : clients)
            m_request += "WHATSAT " + client + " 50 1\n";
        connect(&m_socket, &QTcpSocket::connected, this, [this] { m_socket.write(m_request); });
        connect(&m_socket, &QTcpSocket::readyRead, this, &Poller::read);
        connect(&m_socket, &QTcpSocket::stateChanged, this, [this](QAbstractSocket::SocketState state) {
            if (state == QAbstractSocket::UnconnectedState && !m_done)
                giveUp(QStringLiteral("connection closed"));
        });
    }

    void round()
    {
        const bool connected = m_socket.state() == QAbstractSocket::ConnectedState;
        if (!connected)
            m_socket.abort(); // while m_done: no round to give up
        m_done = false;
        m_next = 0;
        m_inBody = false;
        m_problem.clear();
        m_lines = LineScan();
        if (connected)
            m_socket.write(m_request);
        else
            m_socket.connectToHost(QHostAddress::LocalHost, m_torture.node(m_node).port);
    }

    void giveUp(const QString &why)
    {
        if (m_done)
            return;
        m_problem = why;
        m_socket.abort();
        m_done = true;
        m_torture.pollDone();
    }

    bool done() const { return m_done; }
    const QString &problem() const { return m_problem; }
    // Per client: its AT line, or empty if the node does not know it.
    const std::vector<QByteArray> &answers() const { return m_answers; }

private:
    void read()
    {
        m_lines.feed(m_socket.readAll(), [this](QByteArrayView line) {
            if (m_done)
                return;
            if (m_inBody) {
                m_inBody = !line.isEmpty();
                if (!m_inBody)
                    ++m_next;
            } else if (line.startsWith("AT ")) {
                m_answers[m_next] = line.toByteArray();
                m_inBody = true;
            } else if (line.startsWith("? WHATSAT ")) {
                m_answers[m_next++].clear();
            } else {
                giveUp(QStringLiteral("unexpected reply \"%1\"")
                           .arg(QString::fromUtf8(line.first(std::min<qsizetype>(line.size(), 200)))));
                return;
            }
            if (m_next == m_answers.size()) {
                m_done = true;
                m_torture.pollDone();
            }
        });
    }

    Torture &m_torture;
    const int m_node;
    QTcpSocket m_socket;
    QByteArray m_request;
    std::vector<QByteArray> m_answers;
    std::size_t m_next = 0;
    bool m_inBody = false, m_done = true;
    LineScan m_lines;
    QString m_problem;
};

// --- the run, step by step ---------------------------------------------------------

// Ports for the nodes and relays: free now, and below the kernel's ephemeral
// range, so that while a node is dead (or a link cut) no outgoing connection
// can be given its port as a local port and make the restart's bind fail.
QList<quint16> freePorts(int count)
{
    int low = 32768;
    QFile range(QStringLiteral("/proc/sys/net/ipv4/ip_local_port_range"));
    if (range.open(QIODevice::ReadOnly))
        low = range.readAll().simplified().split(' ').value(0).toInt();
    low = std::max(low, 12000);
    std::random_device seed; // not --seed: ports must not collide with a rerun
    std::mt19937 rng(seed());
    std::uniform_int_distribution<int> pick(10000, low - 1);
    std::vector<std::unique_ptr<QTcpServer>> held; // all held at once: no repeats
    QList<quint16> ports;
    for (int tries = 0; ports.size() < count && tries < 10'000; ++tries) {
        auto server = std::make_unique<QTcpServer>();
        const auto port = quint16(pick(rng));
        if (ports.contains(port) || !server->listen(QHostAddress::LocalHost, port))
            continue;
        ports.append(port);
        held.push_back(std::move(server));
    }
    return ports;
}

Torture::Torture(Options options, QString workDir)
    : m_options(std::move(options))
    , m_workDir(std::move(workDir))
    , m_history(m_options.clients)
    , m_faultRng(m_options.seed)
    , m_workRng(m_options.seed ^ 0x9E3779B97F4A7C15ull)
    , m_strangerRng(m_options.seed ^ 0xBF58476D1CE4E5B9ull)
{
    m_clock.start();
    m_connector = std::make_unique<Connector>(this, m_health);
    for (int c = 0; c < m_options.clients; ++c) {
        m_clientIds.push_back("c" + QByteArray::number(c));
        m_clientIndex.insert(m_clientIds.back(), c);
    }
    m_lastTime.assign(std::size_t(m_options.clients), 0);
    for (int i = 0; i < NodeCount; ++i) {
        m_nodes[std::size_t(i)].name = QString::fromLatin1(NodeNames[std::size_t(i)]);
        m_nodes[std::size_t(i)].nameUtf8 = NodeNames[std::size_t(i)];
    }
    for (const auto &[a, b] : Links) {
        m_nodes[std::size_t(a)].neighbours.append(b);
        m_nodes[std::size_t(b)].neighbours.append(a);
    }
    connect(&m_faultTimer, &QTimer::timeout, this, &Torture::fault);
    m_faultTimer.setSingleShot(true);
    connect(&m_rssTimer, &QTimer::timeout, this, &Torture::sampleRss);
    m_rssTimer.setInterval(1000);
}

Torture::~Torture()
{
    // The thread first: nothing may post to us while we go.
    m_connector.reset();
    for (NodeRun &n : m_nodes) {
        if (n.process && n.process->state() != QProcess::NotRunning) {
            if (n.pid > 0)
                ::kill(pid_t(n.pid), SIGCONT);
            n.process->kill();
            n.process->waitForFinished(ShutdownTimeoutMs);
        }
    }
    // Relays, clients and pollers call back into us as their sockets close:
    // they go while everything they use is still here.
    qDeleteAll(findChildren<QObject *>(Qt::FindDirectChildrenOnly));
}

void Torture::say(const QString &text) const
{
    if (!m_options.verbose)
        return;
    std::printf("[%8.3f] %s\n", double(nowMs()) / 1000, qPrintable(text));
    std::fflush(stdout);
}

void Torture::start()
{
    const QList<quint16> ports = freePorts(NodeCount + 2 * int(Links.size()));
    if (ports.size() != NodeCount + 2 * int(Links.size())) {
        fatal(QStringLiteral("cannot find %1 free ports").arg(NodeCount + 2 * int(Links.size())));
        return;
    }
    int next = 0;
    for (NodeRun &n : m_nodes)
        n.port = ports[next++];
    for (const auto &[a, b] : Links) {
        m_relayPorts[std::size_t(a)][std::size_t(b)] = ports[next++];
        m_relayPorts[std::size_t(b)][std::size_t(a)] = ports[next++];
        m_relays.push_back(new Relay(
            *this, a, b, m_relayPorts[std::size_t(a)][std::size_t(b)], m_nodes[std::size_t(b)].port));
        m_relays.push_back(new Relay(
            *this, b, a, m_relayPorts[std::size_t(b)][std::size_t(a)], m_nodes[std::size_t(a)].port));
    }
    std::printf("herd-torture: seed %llu, %d s of %s, %d clients, herd %s\n",
        static_cast<unsigned long long>(m_options.seed), m_options.seconds,
        m_options.faults ? "faults and load" : "load (no faults)", m_options.clients,
        qPrintable(m_options.herd));
    std::printf("  work dir %s\n", qPrintable(m_workDir));
    std::fflush(stdout);
    for (int i = 0; i < NodeCount; ++i) {
        writeHerdFile(i);
        startNode(i);
    }
    if (m_phase == Phase::Starting) {
        m_rssTimer.start();
        QTimer::singleShot(ListenTimeoutMs, this, [this] {
            if (m_phase == Phase::Starting)
                fatal(QStringLiteral("the herd did not start listening within %1 s (see the logs in %2)")
                          .arg(ListenTimeoutMs / 1000)
                          .arg(m_workDir));
        });
    }
}

// Node i's herd file: its own real port, and for each neighbour the port of
// the relay i->neighbour. Nodes it is not linked to keep their real ports
// (it never connects to them).
void Torture::writeHerdFile(int i)
{
    QJsonObject nodes;
    for (int j = 0; j < NodeCount; ++j) {
        const quint16 port = i != j && m_nodes[std::size_t(i)].neighbours.contains(j)
            ? m_relayPorts[std::size_t(i)][std::size_t(j)]
            : m_nodes[std::size_t(j)].port;
        nodes.insert(m_nodes[std::size_t(j)].name,
            QJsonObject {
                { QStringLiteral("host"), QStringLiteral("127.0.0.1") }, { QStringLiteral("port"), port } });
    }
    QJsonArray links;
    for (const auto &[a, b] : Links)
        links.append(QJsonArray { m_nodes[std::size_t(a)].name, m_nodes[std::size_t(b)].name });
    const QJsonObject herd {
        { QStringLiteral("name"),
            QStringLiteral("herd-torture, as %1 sees it").arg(m_nodes[std::size_t(i)].name) },
        { QStringLiteral("nodes"), nodes },
        { QStringLiteral("links"), links },
        { QStringLiteral("resync"), true },
        { QStringLiteral("reconnect"),
            QJsonObject { { QStringLiteral("initialMs"), 50 }, { QStringLiteral("maxMs"), 500 } } },
    };
    QFile file(QDir(m_workDir).filePath(m_nodes[std::size_t(i)].name + QStringLiteral(".json")));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || file.write(QJsonDocument(herd).toJson()) < 0)
        fatal(QStringLiteral("cannot write %1").arg(file.fileName()));
}

void Torture::startNode(int i)
{
    NodeRun &n = m_nodes[std::size_t(i)];
    if (m_phase == Phase::Stopping || m_phase == Phase::Done)
        return;
    if (n.deathPending)
        settle(i, true); // what the last one held is gone before this one starts
    auto *process = new QProcess(this);
    process->setProgram(m_options.herd);
    process->setArguments({ QStringLiteral("--server"), QStringLiteral("--config"),
        QDir(m_workDir).filePath(n.name + QStringLiteral(".json")), QStringLiteral("--node"), n.name,
        QStringLiteral("--log"), QStringLiteral("none") });
    process->setStandardErrorFile(
        QDir(m_workDir).filePath(n.name + QStringLiteral(".stderr")), QIODevice::Append);
    // No node outlives us, whatever ends us. Each node has a process group
    // of its own: were it in ours, the shell that started us exiting while a
    // node is stopped would orphan the group, and the kernel would hang it
    // up (SIGHUP, then SIGCONT) as a stopped job. A terminal's Ctrl-C then
    // reaches us alone, and the nodes go with us.
    process->setChildProcessModifier([] {
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    });
    if (!n.stdoutLog) {
        n.stdoutLog = new QFile(QDir(m_workDir).filePath(n.name + QStringLiteral(".stdout")), this);
        n.stdoutLog->open(QIODevice::WriteOnly | QIODevice::Append);
    }
    connect(process, &QProcess::readyReadStandardOutput, this, [this, i, process] { onStdout(i, process); });
    connect(process, &QProcess::finished, this,
        [this, i, process](int code, QProcess::ExitStatus status) { onExited(i, process, code, status); });
    connect(process, &QProcess::errorOccurred, this, [this, i, process](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart && process == m_nodes[std::size_t(i)].process)
            fatal(QStringLiteral("cannot run %1: %2").arg(m_options.herd, process->errorString()));
    });
    n.process = process;
    n.state = NodeState::Starting;
    n.killedByUs = false;
    n.stdoutLine.clear();
    ++n.incarnation;
    m_history.started(i, n.incarnation);
    n.stdoutLog->write(QStringLiteral("--- herd-torture: start %1 at +%2 s\n")
                           .arg(n.incarnation)
                           .arg(double(nowMs()) / 1000, 0, 'f', 3)
                           .toUtf8());
    process->start();
    n.pid = process->processId();
    const int incarnation = n.incarnation;
    QTimer::singleShot(ListenTimeoutMs, this, [this, i, incarnation] {
        const NodeRun &late = m_nodes[std::size_t(i)];
        if (late.incarnation == incarnation && late.state == NodeState::Starting && m_phase != Phase::Starting
            && m_restartFault.isEmpty()) {
            m_restartFault = QStringLiteral("%1 did not listen again within %2 s of its restart at +%3 s")
                                 .arg(late.name)
                                 .arg(ListenTimeoutMs / 1000)
                                 .arg(double(nowMs() - ListenTimeoutMs) / 1000, 0, 'f', 1);
            shutdown();
        }
    });
}

void Torture::onStdout(int i, QProcess *process)
{
    NodeRun &n = m_nodes[std::size_t(i)];
    const QByteArray data = process->readAllStandardOutput();
    n.stdoutLog->write(data);
    n.stdoutLog->flush();
    if (process != n.process || n.state != NodeState::Starting)
        return;
    n.stdoutLine += data;
    // "<name> listening on 127.0.0.1:<port>, ..."
    if (n.stdoutLine.contains(QByteArray(n.nameUtf8 + " listening on ")))
        onListening(i);
    else if (const qsizetype nl = n.stdoutLine.lastIndexOf('\n'); nl >= 0)
        n.stdoutLine.remove(0, nl + 1);
}

void Torture::onListening(int i)
{
    NodeRun &n = m_nodes[std::size_t(i)];
    n.state = NodeState::Running;
    n.stdoutLine.clear();
    setHealth(i);
    setTargetUp(i, true);
    say(QStringLiteral("%1 listening (start %2)").arg(n.name).arg(n.incarnation));
    if (m_phase == Phase::Starting) {
        if (std::all_of(m_nodes.begin(), m_nodes.end(),
                [](const NodeRun &r) { return r.state == NodeState::Running; }))
            beginFaults();
        return;
    }
    for (WorkloadConn *w : m_workload)
        w->nodeUp();
    if (m_phase == Phase::Healing)
        checkHealed();
}

void Torture::onExited(int i, QProcess *process, int code, QProcess::ExitStatus status)
{
    NodeRun &n = m_nodes[std::size_t(i)];
    process->deleteLater();
    if (process != n.process)
        return;
    const NodeState before = n.state;
    n.process = nullptr;
    n.pid = 0;
    if (m_phase == Phase::Stopping || m_phase == Phase::Done) {
        n.state = NodeState::Down;
        finishRun();
        return;
    }
    if (n.killedByUs) {
        // Its port is free now; a restart that was due waited for this.
        if (std::exchange(n.restartWhenReaped, false))
            startNode(i);
        return;
    }
    n.state = NodeState::Down;
    setHealth(i);
    setTargetUp(i, false);
    for (Relay *r : m_relays)
        r->senderDied(i, n.incarnation);
    n.deathPending = true;
    settle(i, false);
    QTimer::singleShot(SettleTimeoutMs, this, [this, i] { settle(i, true); });
    QFile err(QDir(m_workDir).filePath(n.name + QStringLiteral(".stderr")));
    QByteArray tail;
    if (err.open(QIODevice::ReadOnly)) {
        err.seek(std::max<qint64>(0, err.size() - 400));
        tail = err.readAll().trimmed();
    }
    // For a crash, QProcess gives the signal as the exit code.
    const QString how = status == QProcess::CrashExit
        ? QStringLiteral("killed by signal %1 (%2)").arg(code).arg(QString::fromLocal8Bit(::strsignal(code)))
        : QStringLiteral("exit status %1").arg(code);
    const QString exit
        = QStringLiteral("%1 exited on its own at +%2 s (%3)%4")
              .arg(n.name)
              .arg(double(nowMs()) / 1000, 0, 'f', 1)
              .arg(how,
                  tail.isEmpty() ? QString()
                                 : QString(QStringLiteral("; stderr ends: ") + QString::fromUtf8(tail)));
    if (m_phase == Phase::Starting) {
        fatal(exit);
        return;
    }
    m_unexpectedExits.append(exit);
    say(exit);
    if (before == NodeState::Starting) {
        if (m_restartFault.isEmpty())
            m_restartFault = QStringLiteral("%1 exited while starting again").arg(n.name);
        shutdown();
        return;
    }
    // Back in a second, so that the run goes on.
    QTimer::singleShot(1000, this, [this, i] { restartNode(i); });
}

void Torture::restartNode(int i)
{
    NodeRun &n = m_nodes[std::size_t(i)];
    if (n.state != NodeState::Down || m_phase == Phase::Stopping || m_phase == Phase::Done)
        return;
    if (n.process)
        n.restartWhenReaped = true; // the killed process still holds its port
    else
        startNode(i);
}

// A dead node's evidence is settled once every socket that could still bring
// its last lines or replies is closed (or SettleTimeoutMs have passed).
void Torture::settle(int i, bool force)
{
    NodeRun &n = m_nodes[std::size_t(i)];
    if (!n.deathPending)
        return;
    if (!force) {
        const auto holds = [&](const auto *x) { return x->holds(i, n.incarnation); };
        if (std::any_of(m_relays.begin(), m_relays.end(), holds)
            || std::any_of(m_workload.begin(), m_workload.end(), holds))
            return;
    }
    n.deathPending = false;
    for (Relay *r : m_relays)
        r->creditQueued();
    m_history.died(i, nowMs());
}

void Torture::socketClosed()
{
    for (int i = 0; i < NodeCount; ++i)
        settle(i, false);
}

void Torture::setHealth(int i)
{
    m_health.set(i, m_nodes[std::size_t(i)].state == NodeState::Running);
}

Relay *Torture::relay(int from, int to) const
{
    for (Relay *r : m_relays)
        if (r->from() == from && r->to() == to)
            return r;
    return nullptr;
}

void Torture::setTargetUp(int node, bool up)
{
    for (Relay *r : m_relays)
        if (r->to() == node)
            r->setTargetUp(up);
}

bool Torture::up(int node, int incarnation) const
{
    const NodeRun &n = m_nodes[std::size_t(node)];
    return n.incarnation == incarnation && !n.killedByUs
        && (n.state == NodeState::Running || n.state == NodeState::Stopped);
}

bool Torture::accepting(int node) const
{
    const NodeRun &n = m_nodes[std::size_t(node)];
    return n.state == NodeState::Running || n.state == NodeState::Stopped;
}

bool Torture::parseAt(QByteArrayView line, int *client, qint64 *time) const
{
    // "AT <server> <diff> <client> <position> <time>", single spaces.
    if (!line.startsWith("AT "))
        return false;
    qsizetype fields[6] = { 0 };
    int count = 1;
    for (qsizetype i = 0; i < line.size() && count < 6; ++i)
        if (line[i] == ' ')
            fields[count++] = i + 1;
    if (count != 6 || line.indexOf(' ', fields[5]) >= 0)
        return false;
    const auto it = m_clientIndex.constFind(
        QByteArray::fromRawData(line.data() + fields[3], fields[4] - fields[3] - 1));
    if (it == m_clientIndex.cend())
        return false;
    *client = *it;
    *time = parseTime(line.sliced(fields[5]));
    return *time >= 0;
}

void Torture::nextIamat(QByteArray &out, Sent &sent)
{
    const int client = std::uniform_int_distribution<int>(0, m_options.clients - 1)(m_workRng);
    // Strictly newer than anything sent for this client before.
    const qint64 time = std::max(realNs(), m_lastTime[std::size_t(client)] + 1);
    m_lastTime[std::size_t(client)] = time;
    std::uniform_real_distribution<double> step(-0.05, 0.05);
    char position[64];
    const int n = std::snprintf(
        position, sizeof position, "%+.6f%+.6f", 34.068930 + step(m_workRng), -118.445127 + step(m_workRng));
    sent.client = client;
    sent.time = time;
    sent.tail = m_clientIds[std::size_t(client)] + ' ' + QByteArray(position, n) + ' ' + timeText(time);
    out += "IAMAT " + sent.tail + '\n';
}

void Torture::acked(int node, int incarnation, const Sent &sent, qint64 atMs, Mode mode)
{
    ++m_acked[std::size_t(mode)];
    m_history.acked(node, incarnation, sent.client, sent.time, atMs);
}

void Torture::wrongReply(int node, const Sent &sent, QByteArrayView reply)
{
    m_wrongReplies.add(QStringLiteral("%1 answered \"%2\" to \"IAMAT %3\"")
                           .arg(m_nodes[std::size_t(node)].name,
                               QString::fromUtf8(reply.first(std::min<qsizetype>(reply.size(), 200))),
                               sent.client < 0 ? QStringLiteral("(nothing)") : QString::fromUtf8(sent.tail)));
}

void Torture::closedWhileUp(int node, Mode mode, std::size_t unanswered)
{
    m_unansweredWhileUp += qint64(unanswered);
    m_closedWhileUp.add(
        QStringLiteral("%1 closed a %2 connection at +%3 s with %4 IAMAT(s) unanswered")
            .arg(m_nodes[std::size_t(node)].name, QString::fromLatin1(ModeNames[std::size_t(mode)]))
            .arg(double(nowMs()) / 1000, 0, 'f', 1)
            .arg(unanswered));
}

void Torture::recordConnect(int node, const Connector::Result &result)
{
    if (!result.judged) {
        ++m_connectsExcluded;
        return;
    }
    if (result.error != 0)
        ++m_connectsFailed;
    else
        m_workloadNs.push_back(result.ns);
    if (result.error != 0 || result.ns > ConnectLimitNs)
        m_slowConnects.push_back({ result.ns, node, false, nowMs(), result.error });
}

void Torture::connectorDone()
{
    if (m_phase == Phase::Stopping)
        finishRun();
}

void Torture::strangerDone(Stranger *stranger, qint64 bytesBack)
{
    m_strangersActive.removeOne(stranger);
    m_strangerBytesBack += bytesBack;
}

void Torture::fatal(const QString &why)
{
    if (m_fatal.isEmpty())
        m_fatal = why;
    std::fprintf(stderr, "herd-torture: %s\n", qPrintable(why));
    shutdown();
}

// --- faults ------------------------------------------------------------------

void Torture::beginFaults()
{
    m_phase = Phase::Faults;
    say(QStringLiteral("all nodes listening; faults and load for %1 s").arg(m_options.seconds));
    // Several connections per node, each its own way of sending.
    for (int i = 0; i < NodeCount; ++i)
        for (const Mode mode : { Mode::Burst, Mode::Burst, Mode::Steady, Mode::Split })
            m_workload.push_back(new WorkloadConn(*this, i, mode));
    for (WorkloadConn *w : m_workload)
        w->nodeUp();
    if (m_options.faults)
        scheduleFault();
    QTimer::singleShot(m_options.seconds * 1000, this, &Torture::heal);
}

void Torture::scheduleFault()
{
    m_faultTimer.start(std::uniform_int_distribution<int>(500, 2000)(m_faultRng));
}

void Torture::fault()
{
    if (m_phase != Phase::Faults)
        return;
    bool done = false;
    switch (std::uniform_int_distribution<int>(0, 4)(m_faultRng)) {
    case 0:
        done = faultKill();
        break;
    case 1:
        done = faultStop();
        break;
    case 2:
        done = faultCut();
        break;
    case 3:
        done = faultStorm();
        break;
    case 4:
        done = faultStranger();
        break;
    }
    if (!done)
        ++m_skipped; // no node or link in a state to take it
    scheduleFault();
}

// Draws one of `candidates` (or -1 if there are none).
// Draws one of `candidates`, or -1 if there are none; one draw either way,
// so that the rest of the schedule does not depend on who was eligible.
template <typename Rng> int pick(Rng &rng, const QList<int> &candidates)
{
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return candidates.isEmpty()
        ? -1
        : candidates[std::min(candidates.size() - 1, qsizetype(u * double(candidates.size())))];
}

bool Torture::faultKill()
{
    QList<int> candidates;
    for (int i = 0; i < NodeCount; ++i)
        if (accepting(i))
            candidates.append(i);
    const int i = pick(m_faultRng, candidates);
    const int delayMs = std::uniform_int_distribution<int>(500, 3000)(m_faultRng);
    if (i < 0)
        return false;
    NodeRun &n = m_nodes[std::size_t(i)];
    // Down from now on: the process is as good as gone.
    // A node killed while stopped, or just after, may have had input unread:
    // then the kernel resets its connections and drops what it had not sent
    // yet, so what it answered may be lost without any fault of its own.
    const bool caughtUp = n.state == NodeState::Running && nowMs() - n.continuedMs > LinkMarginMs;
    n.killedByUs = true;
    n.state = NodeState::Down;
    setHealth(i);
    setTargetUp(i, false);
    m_history.killed(i, nowMs(), caughtUp);
    ::kill(pid_t(n.pid), SIGKILL);
    for (Relay *r : m_relays)
        r->senderDied(i, n.incarnation);
    ++m_kills;
    say(QStringLiteral("kill %1 (restart in %2 s)").arg(n.name).arg(delayMs / 1000.0));
    n.deathPending = true;
    settle(i, false);
    QTimer::singleShot(SettleTimeoutMs, this, [this, i] { settle(i, true); });
    QTimer::singleShot(delayMs, this, [this, i] {
        if (m_phase == Phase::Faults)
            restartNode(i);
    });
    return true;
}

bool Torture::faultStop()
{
    QList<int> candidates;
    for (int i = 0; i < NodeCount; ++i)
        if (m_nodes[std::size_t(i)].state == NodeState::Running)
            candidates.append(i);
    const int i = pick(m_faultRng, candidates);
    const int forMs = std::uniform_int_distribution<int>(300, 3000)(m_faultRng);
    if (i < 0)
        return false;
    NodeRun &n = m_nodes[std::size_t(i)];
    n.state = NodeState::Stopped;
    setHealth(i);
    ::kill(pid_t(n.pid), SIGSTOP);
    ++m_stops;
    say(QStringLiteral("stop %1 for %2 s").arg(n.name).arg(forMs / 1000.0));
    const int incarnation = n.incarnation;
    QTimer::singleShot(forMs, this, [this, i, incarnation] {
        NodeRun &s = m_nodes[std::size_t(i)];
        if (s.incarnation != incarnation || s.state != NodeState::Stopped || m_phase != Phase::Faults)
            return; // killed meanwhile, or healed
        ::kill(pid_t(s.pid), SIGCONT);
        s.state = NodeState::Running;
        s.continuedMs = nowMs();
        setHealth(i);
        say(QStringLiteral("continue %1").arg(s.name));
    });
    return true;
}

bool Torture::faultCut()
{
    QList<int> candidates;
    for (int l = 0; l < int(Links.size()); ++l)
        if (!relay(Links[std::size_t(l)].first, Links[std::size_t(l)].second)->isCut())
            candidates.append(l);
    const int l = pick(m_faultRng, candidates);
    const int forMs = std::uniform_int_distribution<int>(500, 3000)(m_faultRng);
    if (l < 0)
        return false;
    const auto [a, b] = Links[std::size_t(l)];
    relay(a, b)->setCut(true);
    relay(b, a)->setCut(true);
    ++m_cuts;
    say(QStringLiteral("cut %1-%2 for %3 s")
            .arg(m_nodes[std::size_t(a)].name, m_nodes[std::size_t(b)].name)
            .arg(forMs / 1000.0));
    QTimer::singleShot(forMs, this, [this, a, b] {
        if (m_phase != Phase::Faults)
            return; // healed
        relay(a, b)->setCut(false);
        relay(b, a)->setCut(false);
        say(QStringLiteral("restore %1-%2").arg(m_nodes[std::size_t(a)].name, m_nodes[std::size_t(b)].name));
    });
    return true;
}

bool Torture::faultStorm()
{
    QList<int> candidates;
    for (int i = 0; i < NodeCount; ++i)
        if (m_nodes[std::size_t(i)].state == NodeState::Running)
            candidates.append(i);
    const int i = pick(m_faultRng, candidates);
    const int holdMs = std::uniform_int_distribution<int>(200, 1000)(m_faultRng);
    if (i < 0 || m_stormActive)
        return false;
    m_stormActive = true;
    ++m_storms;
    m_stormConnections += StormSize;
    const qint64 atMs = nowMs();
    say(QStringLiteral("storm of %1 connections on %2").arg(StormSize).arg(m_nodes[std::size_t(i)].name));
    m_connector->storm(
        i, m_nodes[std::size_t(i)].port, StormSize, holdMs, [this, atMs](Connector::StormResult r) {
            m_stormActive = false;
            m_stormNs.insert(m_stormNs.end(), r.judgedNs.begin(), r.judgedNs.end());
            m_connectsExcluded += r.excluded + r.failed;
            for (const qint64 ns : r.judgedNs)
                if (ns > ConnectLimitNs)
                    m_slowConnects.push_back({ ns, r.node, true, atMs, 0 });
            for (const auto &[error, ns] : r.judgedFailures) {
                ++m_connectsFailed;
                m_slowConnects.push_back({ ns, r.node, true, atMs, error });
            }
            const qint64 worst
                = r.judgedNs.empty() ? 0 : *std::max_element(r.judgedNs.begin(), r.judgedNs.end());
            say(QStringLiteral("storm on %1 done: %2 judged, worst %3 ms, %4 not judged, %5 failed")
                    .arg(m_nodes[std::size_t(r.node)].name)
                    .arg(r.judgedNs.size())
                    .arg(msText(worst))
                    .arg(r.excluded + r.failed)
                    .arg(r.judgedFailures.size()));
            connectorDone();
        });
    return true;
}

bool Torture::faultStranger()
{
    QList<int> candidates;
    for (int i = 0; i < NodeCount; ++i)
        if (accepting(i))
            candidates.append(i);
    const int i = pick(m_faultRng, candidates);
    if (i < 0)
        return false;
    int lines = 0;
    const QByteArray payload = strangerPayload(i, &lines);
    ++m_strangers;
    m_strangerLines += lines;
    say(QStringLiteral("stranger sends %1 hostile lines to %2").arg(lines).arg(m_nodes[std::size_t(i)].name));
    m_strangersActive.append(new Stranger(*this, m_nodes[std::size_t(i)].port, payload));
    return true;
}

// 3-12 hostile lines for node i. Forged AT lines only name clients outside
// the workload's pool: newer wins, so a forged newer record of a workload
// client would rightly replace an acknowledged one.
QByteArray Torture::strangerPayload(int i, int *lines)
{
    std::mt19937_64 &rng = m_strangerRng;
    const auto below = [&rng](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
    const NodeRun &n = m_nodes[std::size_t(i)];
    QByteArray text;
    *lines = 3 + below(10);
    for (int k = 0; k < *lines; ++k) {
        const QByteArray neighbour
            = m_nodes[std::size_t(n.neighbours[below(int(n.neighbours.size()))])].nameUtf8;
        switch (below(8)) {
        case 0:
            text += "SYNC SUM " + neighbour + " 1/1";
            break;
        case 1:
            text += "SYNC WANT " + neighbour + ' '
                + (below(2) ? m_clientIds[std::size_t(below(m_options.clients))] : QByteArray("x"));
            break;
        case 2:
            text += "SYNC HAVE " + neighbour + " 0";
            break;
        case 3:
            text += "AUTH HELLO x y z";
            break;
        case 4: // garbage, any byte but a newline
            for (int b = 1 + below(200); b > 0; --b) {
                const char c = char(below(256));
                text += c == '\n' ? ' ' : c;
            }
            break;
        case 5: // far past maxLineBytes
            text += QByteArray(100 * 1024, 'x');
            break;
        case 6: {
            static const char nul[] = "IAMAT ki\0wi +34.068930-118.445127 1621464827.959498503";
            text += QByteArray(nul, sizeof nul - 1);
            break;
        }
        case 7:
            text += "AT " + m_nodes[std::size_t(below(NodeCount))].nameUtf8 + " +0.000000001 stranger-"
                + QByteArray::number(below(50)) + " +34.000000-118.000000 " + timeText(realNs());
            break;
        }
        text += '\n';
    }
    return text;
}

void Torture::sampleRss()
{
    for (NodeRun &n : m_nodes) {
        if (n.pid <= 0)
            continue;
        QFile status(QStringLiteral("/proc/%1/status").arg(n.pid));
        if (!status.open(QIODevice::ReadOnly))
            continue;
        for (const QByteArray &line : status.readAll().split('\n'))
            if (line.startsWith("VmRSS:"))
                n.peakRssKb = std::max(n.peakRssKb, line.mid(6).trimmed().split(' ').value(0).toLongLong());
    }
}

// --- the end: heal, converge, stop ---------------------------------------------

void Torture::heal()
{
    if (m_phase != Phase::Faults)
        return;
    m_phase = Phase::Healing;
    m_healStartMs = nowMs();
    m_faultTimer.stop();
    for (WorkloadConn *w : m_workload)
        w->stop();
    for (Stranger *s : QList<Stranger *>(m_strangersActive))
        s->stop();
    for (int i = 0; i < NodeCount; ++i) {
        NodeRun &n = m_nodes[std::size_t(i)];
        if (n.state == NodeState::Stopped) {
            ::kill(pid_t(n.pid), SIGCONT);
            n.state = NodeState::Running;
            setHealth(i);
        } else if (n.state == NodeState::Down) {
            restartNode(i);
        }
    }
    for (Relay *r : m_relays)
        r->setCut(false);
    say(QStringLiteral("healing: everything continued, restarted and restored"));
    checkHealed();
}

void Torture::checkHealed()
{
    if (m_phase != Phase::Healing || !std::all_of(m_nodes.begin(), m_nodes.end(), [](const NodeRun &n) {
            return n.state == NodeState::Running;
        }))
        return;
    m_phase = Phase::Converging;
    m_healedMs = nowMs();
    say(QStringLiteral("healed; polling every node for every client"));
    for (int i = 0; i < NodeCount; ++i)
        m_pollers.push_back(new Poller(*this, i, m_clientIds));
    pollRound();
}

void Torture::pollRound()
{
    if (m_phase != Phase::Converging)
        return;
    ++m_pollRounds;
    m_pollsPending = NodeCount;
    for (Poller *p : m_pollers)
        p->round();
    const qint64 round = m_pollRounds;
    QTimer::singleShot(PollRoundTimeoutMs, this, [this, round] {
        if (m_phase == Phase::Converging && m_pollRounds == round)
            for (Poller *p : m_pollers)
                p->giveUp(QStringLiteral("no complete answer within %1 s").arg(PollRoundTimeoutMs / 1000));
    });
}

void Torture::pollDone()
{
    if (m_phase == Phase::Converging && --m_pollsPending == 0)
        evaluateRound();
}

// A node's answer for a client, for a message.
QString describe(const QByteArray &line)
{
    if (line.isEmpty())
        return QStringLiteral("nothing");
    const qint64 time = atLineTime(line);
    return (time >= 0 ? QString::fromUtf8(timeText(time)) : QStringLiteral("an unreadable time"))
        + QStringLiteral(" (line \"") + QString::fromUtf8(line) + QStringLiteral("\")");
}

// Converged: every node gives the same answer for every client, at least as
// new as the history requires.
void Torture::evaluateRound()
{
    const std::vector<qint64> &required = m_history.required();
    QStringList problems;
    std::array<Example, NodeCount> lacking;
    Example disagree;
    for (int i = 0; i < NodeCount; ++i)
        if (!m_pollers[std::size_t(i)]->problem().isEmpty())
            problems.append(QStringLiteral("%1 could not be polled: %2")
                                .arg(m_nodes[std::size_t(i)].name, m_pollers[std::size_t(i)]->problem()));
    if (problems.isEmpty()) {
        for (int c = 0; c < m_options.clients; ++c) {
            const auto client = std::size_t(c);
            const QByteArray &first = m_pollers[0]->answers()[client];
            bool same = true;
            for (int i = 0; i < NodeCount; ++i) {
                const QByteArray &line = m_pollers[std::size_t(i)]->answers()[client];
                same = same && line == first;
                const qint64 held = line.isEmpty() ? 0 : atLineTime(line);
                if (required[client] > 0 && held < required[client])
                    lacking[std::size_t(i)].add(
                        QStringLiteral("client %1: newest acknowledged time %2, %3 holds %4")
                            .arg(QString::fromUtf8(m_clientIds[client]),
                                QString::fromUtf8(timeText(required[client])), m_nodes[std::size_t(i)].name,
                                describe(line)));
            }
            if (!same) {
                QStringList held;
                for (int i = 0; i < NodeCount; ++i) {
                    const QByteArray &line = m_pollers[std::size_t(i)]->answers()[client];
                    const qint64 time = line.isEmpty() ? 0 : atLineTime(line);
                    held.append(m_nodes[std::size_t(i)].name + u' '
                        + (line.isEmpty()   ? QStringLiteral("nothing")
                                : time >= 0 ? QString::fromUtf8(timeText(time))
                                            : QString(u'"' + QString::fromUtf8(line) + u'"')));
                }
                disagree.add(
                    QStringLiteral("client %1: %2")
                        .arg(QString::fromUtf8(m_clientIds[client]), held.join(QStringLiteral(", "))));
            }
        }
        for (int i = 0; i < NodeCount; ++i)
            if (lacking[std::size_t(i)].count > 0)
                problems.append(QStringLiteral("%1 lacks %2 acknowledged update(s), e.g. %3")
                                    .arg(m_nodes[std::size_t(i)].name)
                                    .arg(lacking[std::size_t(i)].count)
                                    .arg(lacking[std::size_t(i)].first));
        if (disagree.count > 0)
            problems.append(QStringLiteral("the nodes disagree on %1 client(s), e.g. %2")
                                .arg(disagree.count)
                                .arg(disagree.first));
    }
    if (problems.isEmpty()) {
        m_convergedMs = nowMs();
        m_convergenceProblems.clear();
        // How much the release rule let go: clients whose released time the
        // converged herd holds anyway were let go for want of evidence only.
        const std::vector<qint64> &releasedMax = m_history.releasedMax();
        for (int c = 0; c < m_options.clients; ++c) {
            if (releasedMax[std::size_t(c)] == 0)
                continue;
            ++m_releasedClients;
            const QByteArray &line = m_pollers[0]->answers()[std::size_t(c)];
            if ((line.isEmpty() ? 0 : atLineTime(line)) < releasedMax[std::size_t(c)])
                ++m_releasedGone;
        }
        say(QStringLiteral("converged after %1 poll round(s)").arg(m_pollRounds));
        shutdown();
        return;
    }
    m_convergenceProblems = problems;
    if (nowMs() - m_healedMs >= qint64(m_options.convergeSeconds) * 1000) {
        shutdown();
        return;
    }
    if (m_pollRounds % 20 == 1)
        say(QStringLiteral("not converged yet: %1").arg(problems.join(QStringLiteral("; "))));
    QTimer::singleShot(PollPauseMs, this, &Torture::pollRound);
}

void Torture::shutdown()
{
    if (m_phase == Phase::Stopping || m_phase == Phase::Done)
        return;
    m_phase = Phase::Stopping;
    m_faultTimer.stop();
    for (WorkloadConn *w : m_workload)
        w->stop();
    for (Stranger *s : QList<Stranger *>(m_strangersActive))
        s->stop();
    sampleRss();
    bool any = false;
    for (NodeRun &n : m_nodes) {
        if (!n.process)
            continue;
        any = true;
        if (n.pid > 0)
            ::kill(pid_t(n.pid), SIGCONT);
        n.process->terminate();
    }
    // A node that ignores SIGTERM is killed; a storm still holding its
    // connections is waited for, within its own give-up time.
    QTimer::singleShot(ShutdownTimeoutMs, this, [this] {
        for (NodeRun &n : m_nodes)
            if (n.process)
                n.process->kill();
    });
    QTimer::singleShot(ShutdownTimeoutMs + int(ConnectGiveUpNs / 1'000'000) + 2000, this, [this] {
        if (m_phase == Phase::Stopping) {
            std::fprintf(stderr, "herd-torture: gave up waiting for the last storm or node\n");
            m_phase = Phase::Done;
            report();
        }
    });
    if (!any)
        finishRun();
}

void Torture::finishRun()
{
    if (m_phase != Phase::Stopping || m_connector->outstanding() > 0
        || std::any_of(m_nodes.begin(), m_nodes.end(), [](const NodeRun &n) { return n.process; }))
        return;
    m_phase = Phase::Done;
    report();
}

// --- the report ------------------------------------------------------------------

qint64 percentile(std::vector<qint64> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto rank = std::size_t(std::max(1.0, std::ceil(p * double(values.size()))));
    return values[std::min(rank, values.size()) - 1];
}

void Torture::report()
{
    const qint64 sent = m_sent[0] + m_sent[1] + m_sent[2];
    const qint64 acked = m_acked[0] + m_acked[1] + m_acked[2];
    std::vector<qint64> allNs = m_workloadNs;
    allNs.insert(allNs.end(), m_stormNs.begin(), m_stormNs.end());
    const qint64 worstNs = allNs.empty() ? 0 : *std::max_element(allNs.begin(), allNs.end());
    qint64 relayed = 0;
    for (const Relay *r : m_relays)
        relayed += r->bytes();

    QStringList failures;
    if (!m_fatal.isEmpty())
        failures.append(QStringLiteral("run: ") + m_fatal);
    if (!m_restartFault.isEmpty())
        failures.append(QStringLiteral("restart: ") + m_restartFault);
    if (m_convergedMs < 0 && m_fatal.isEmpty() && m_restartFault.isEmpty()) {
        failures.append(
            QStringLiteral("convergence: not reached %1 s after healing: %2")
                .arg(m_options.convergeSeconds)
                .arg(m_convergenceProblems.isEmpty() ? QStringLiteral("never polled")
                                                     : m_convergenceProblems.join(QStringLiteral("; "))));
    }
    if (!m_history.losses().empty()) {
        const History::Loss &l = m_history.losses().front();
        failures.append(QStringLiteral(
            "lost: %1 acknowledged update(s) were never seen leaving the node that answered them, "
            "though one of its links was up, and died with it; e.g. client %2 time %3, "
            "acknowledged by %4 at +%5 s, %4 killed at +%6 s")
                            .arg(m_history.losses().size())
                            .arg(QString::fromUtf8(m_clientIds[std::size_t(l.client)]),
                                QString::fromUtf8(timeText(l.time)), m_nodes[std::size_t(l.node)].name)
                            .arg(double(l.ackedMs) / 1000, 0, 'f', 3)
                            .arg(double(l.diedMs) / 1000, 0, 'f', 3));
    }
    if (!m_slowConnects.empty()) {
        std::sort(m_slowConnects.begin(), m_slowConnects.end(),
            [](const SlowConnect &a, const SlowConnect &b) { return a.ns > b.ns; });
        QStringList worst;
        for (std::size_t k = 0; k < std::min<std::size_t>(3, m_slowConnects.size()); ++k) {
            const SlowConnect &s = m_slowConnects[k];
            worst.append(QStringLiteral("%1 ms to %2 (%3 at +%4 s%5)")
                             .arg(msText(s.ns), m_nodes[std::size_t(s.node)].name,
                                 s.storm ? QStringLiteral("storm") : QStringLiteral("workload"))
                             .arg(double(s.atMs) / 1000, 0, 'f', 1)
                             .arg(s.error ? QString(
                                      QStringLiteral(", ") + QString::fromLocal8Bit(std::strerror(s.error)))
                                          : QString()));
        }
        failures.append(QStringLiteral(
            "connect: %1 of %2 connects to running nodes took over %3 ms or failed; worst %4; p99 %5 ms")
                            .arg(m_slowConnects.size())
                            .arg(allNs.size() + std::size_t(m_connectsFailed))
                            .arg(ConnectLimitNs / 1'000'000)
                            .arg(worst.join(QStringLiteral(", ")), msText(percentile(allNs, 0.99))));
    }
    for (const NodeRun &n : m_nodes)
        if (n.peakRssKb > qint64(m_options.maxRssMb) * 1024)
            failures.append(QStringLiteral("memory: %1 peaked at %2 MB (bound %3 MB)")
                                .arg(n.name)
                                .arg(double(n.peakRssKb) / 1024, 0, 'f', 1)
                                .arg(m_options.maxRssMb));
    for (const QString &exit : m_unexpectedExits)
        failures.append(QStringLiteral("exits: ") + exit);
    if (m_wrongReplies.count > 0)
        failures.append(QStringLiteral("replies: %1 IAMAT reply(ies) were not the exact AT line; e.g. %2")
                            .arg(m_wrongReplies.count)
                            .arg(m_wrongReplies.first));
    if (m_closedWhileUp.count > 0)
        failures.append(QStringLiteral(
            "replies: %1 connection(s) closed by a node that was up, %2 IAMAT(s) unanswered; e.g. %3")
                            .arg(m_closedWhileUp.count)
                            .arg(m_unansweredWhileUp)
                            .arg(m_closedWhileUp.first));

    const double seconds = double(nowMs()) / 1000;
    std::printf("herd-torture: seed %llu, %d s of %s, %.1f s in all\n",
        static_cast<unsigned long long>(m_options.seed), m_options.seconds,
        m_options.faults ? "faults and load" : "load (no faults)", seconds);
    std::printf(
        "  updates: %lld sent, %lld acknowledged (burst %lld/%lld, steady %lld/%lld, split %lld/%lld)\n",
        static_cast<long long>(sent), static_cast<long long>(acked), static_cast<long long>(m_acked[0]),
        static_cast<long long>(m_sent[0]), static_cast<long long>(m_acked[1]),
        static_cast<long long>(m_sent[1]), static_cast<long long>(m_acked[2]),
        static_cast<long long>(m_sent[2]));
    std::printf("  faults: %d kills, %d stops, %d cuts, %d storms (%lld connections), %d strangers (%lld "
                "lines, %lld bytes back); %d skipped\n",
        m_kills, m_stops, m_cuts, m_storms, static_cast<long long>(m_stormConnections), m_strangers,
        static_cast<long long>(m_strangerLines), static_cast<long long>(m_strangerBytesBack), m_skipped);
    std::printf("  connects judged: %zu workload (worst %s ms), %zu in storms (worst %s ms, p99 %s ms); %lld "
                "failed; %lld not judged (node stopped or down)\n",
        m_workloadNs.size(),
        qPrintable(
            msText(m_workloadNs.empty() ? 0 : *std::max_element(m_workloadNs.begin(), m_workloadNs.end()))),
        m_stormNs.size(),
        qPrintable(msText(m_stormNs.empty() ? 0 : *std::max_element(m_stormNs.begin(), m_stormNs.end()))),
        qPrintable(msText(percentile(m_stormNs, 0.99))), static_cast<long long>(m_connectsFailed),
        static_cast<long long>(m_connectsExcluded));
    std::printf("  links: %.1f MB relayed; lost (acknowledged, never passed on): %zu\n",
        double(relayed) / 1e6, m_history.losses().size());
    std::printf(
        "  released (acknowledged, then every node known to hold it killed): %lld time(s) of %d client(s)",
        static_cast<long long>(m_history.released()), m_releasedClients);
    if (m_convergedMs >= 0)
        std::printf(", of which %d really lacked at the end\n", m_releasedGone);
    else
        std::printf("\n");
    if (m_healedMs >= 0)
        std::printf("  healing took %.3f s; convergence %s\n", double(m_healedMs - m_healStartMs) / 1000,
            m_convergedMs >= 0
                ? qPrintable(QStringLiteral("reached %1 s after healing (%2 poll rounds)")
                                 .arg(double(m_convergedMs - m_healedMs) / 1000, 0, 'f', 3)
                                 .arg(m_pollRounds))
                : qPrintable(QStringLiteral("not reached (%1 poll rounds)").arg(m_pollRounds)));
    QStringList rss;
    for (const NodeRun &n : m_nodes)
        rss.append(QStringLiteral("%1 %2 MB").arg(n.name).arg(double(n.peakRssKb) / 1024, 0, 'f', 1));
    std::printf("  peak RSS: %s\n", qPrintable(rss.join(QStringLiteral(", "))));
    for (const QString &f : failures)
        std::printf("  FAILED %s\n", qPrintable(f));
    m_exitCode = !m_fatal.isEmpty() ? 2 : failures.isEmpty() ? 0 : 1;
    std::printf("herd-torture: %s (seed %llu)\n", m_exitCode == 0 ? "PASS" : "FAIL",
        static_cast<unsigned long long>(m_options.seed));
    std::fflush(stdout);

    if (!m_options.json.isEmpty()) {
        QJsonObject peak;
        for (const NodeRun &n : m_nodes)
            peak.insert(n.name, double(n.peakRssKb) / 1024);
        QJsonObject links;
        for (const Relay *r : m_relays)
            links.insert(QString(m_nodes[std::size_t(r->from())].name + QStringLiteral("->")
                             + m_nodes[std::size_t(r->to())].name),
                qint64(r->bytes()));
        const QJsonObject json {
            { QStringLiteral("seed"), QString::number(m_options.seed) },
            { QStringLiteral("seconds"), m_options.seconds },
            { QStringLiteral("faults"), m_options.faults },
            { QStringLiteral("wall_seconds"), seconds },
            { QStringLiteral("clients"), m_options.clients },
            { QStringLiteral("sent"), sent },
            { QStringLiteral("acknowledged"), acked },
            { QStringLiteral("sent_by_mode"),
                QJsonObject { { QStringLiteral("burst"), m_sent[0] }, { QStringLiteral("steady"), m_sent[1] },
                    { QStringLiteral("split"), m_sent[2] } } },
            { QStringLiteral("acknowledged_by_mode"),
                QJsonObject { { QStringLiteral("burst"), m_acked[0] },
                    { QStringLiteral("steady"), m_acked[1] }, { QStringLiteral("split"), m_acked[2] } } },
            { QStringLiteral("kills"), m_kills },
            { QStringLiteral("stops"), m_stops },
            { QStringLiteral("cuts"), m_cuts },
            { QStringLiteral("storms"), m_storms },
            { QStringLiteral("storm_connections"), m_stormConnections },
            { QStringLiteral("strangers"), m_strangers },
            { QStringLiteral("stranger_lines"), m_strangerLines },
            { QStringLiteral("stranger_bytes_back"), m_strangerBytesBack },
            { QStringLiteral("faults_skipped"), m_skipped },
            { QStringLiteral("connects_workload"), qint64(m_workloadNs.size()) },
            { QStringLiteral("connects_storm"), qint64(m_stormNs.size()) },
            { QStringLiteral("connects_not_judged"), m_connectsExcluded },
            { QStringLiteral("connects_failed"), m_connectsFailed },
            { QStringLiteral("connect_worst_ms"), double(worstNs) / 1e6 },
            { QStringLiteral("connect_p99_ms"), double(percentile(allNs, 0.99)) / 1e6 },
            { QStringLiteral("storm_connect_worst_ms"),
                double(m_stormNs.empty() ? 0 : *std::max_element(m_stormNs.begin(), m_stormNs.end())) / 1e6 },
            { QStringLiteral("storm_connect_p99_ms"), double(percentile(m_stormNs, 0.99)) / 1e6 },
            { QStringLiteral("connects_over_limit"), qint64(m_slowConnects.size()) },
            { QStringLiteral("relayed_bytes"), links },
            { QStringLiteral("released"), m_history.released() },
            { QStringLiteral("released_clients"), m_releasedClients },
            { QStringLiteral("released_clients_lacking_at_end"), m_releasedGone },
            { QStringLiteral("lost"), qint64(m_history.losses().size()) },
            { QStringLiteral("healing_seconds"),
                m_healedMs >= 0 ? double(m_healedMs - m_healStartMs) / 1000 : -1.0 },
            { QStringLiteral("converged"), m_convergedMs >= 0 },
            { QStringLiteral("convergence_seconds"),
                m_convergedMs >= 0 ? double(m_convergedMs - m_healedMs) / 1000 : -1.0 },
            { QStringLiteral("poll_rounds"), m_pollRounds },
            { QStringLiteral("peak_rss_mb"), peak },
            { QStringLiteral("failures"), QJsonArray::fromStringList(failures) },
            { QStringLiteral("passed"), m_exitCode == 0 },
        };
        QFile file(m_options.json);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
            || file.write(QJsonDocument(json).toJson()) < 0)
            std::fprintf(stderr, "herd-torture: cannot write %s\n", qPrintable(m_options.json));
    }
    QCoreApplication::exit(m_exitCode);
}

// Storms hold 300 descriptors, and the nodes inherit the limit.
void raiseFileLimit(rlim_t wanted)
{
    rlimit limit {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= wanted)
        return;
    limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(limit.rlim_max, wanted);
    ::setrlimit(RLIMIT_NOFILE, &limit);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("herd-torture"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs the 5-node CS 131 herd as separate `herd --server` processes, its links through relays of its "
        "own,\n"
        "under bursts of IAMATs while killing, stopping and restarting nodes, cutting links, opening "
        "connection\n"
        "storms and sending hostile lines; then heals everything and checks that every node converged on "
        "every\n"
        "acknowledged update, that connects stayed fast, memory bounded, and no node exited on its own.\n"
        "Exit status: 0 passed, 1 a check failed, 2 bad command line or the herd could not run."));
    parser.addHelpOption();
    const auto option = [&parser](const char *name, const char *help, const char *value = nullptr,
                            const char *def = nullptr) {
        QCommandLineOption o(QString::fromLatin1(name), QString::fromLatin1(help));
        if (value)
            o.setValueName(QString::fromLatin1(value));
        if (def)
            o.setDefaultValue(QString::fromLatin1(def));
        parser.addOption(o);
        return o;
    };
    const auto herd = option("herd", "the herd executable (default: the herd next to herd-torture)", "PATH");
    const auto seconds = option("seconds", "seconds of faults and load (default 60)", "N", "60");
    const auto seed
        = option("seed", "seed of every random choice (default: from the clock; always printed)", "N");
    const auto clients = option("clients", "distinct client ids (default 300)", "N", "300");
    const auto workDir = option("work-dir",
        "keep herd files and node output here (default: a temporary directory, kept on failure)", "DIR");
    const auto converge = option(
        "converge-seconds", "how long after healing the herd has to converge (default 60)", "N", "60");
    const auto maxRss
        = option("max-rss-mb", "bound on every node's peak resident memory (default 512)", "MB", "512");
    const auto noFaults = option("no-faults", "load only: no kills, stops, cuts, storms or strangers");
    const auto json = option("json", "also write the summary as JSON to FILE", "FILE");
    const auto verbose = option("verbose", "print every fault and step as it happens");
    parser.process(app);

    const auto fail = [](const QString &what) {
        std::fprintf(stderr, "herd-torture: %s (see --help)\n", qPrintable(what));
        return 2;
    };
    Options options;
    bool ok = false;
    options.herd = parser.isSet(herd) ? parser.value(herd)
                                      : QCoreApplication::applicationDirPath() + QStringLiteral("/herd");
    if (!QFileInfo(options.herd).isExecutable())
        return fail(
            QStringLiteral("no herd executable at %1 (build it, or give --herd PATH)").arg(options.herd));
    options.seconds = parser.value(seconds).toInt(&ok);
    if (!ok || options.seconds < 1)
        return fail(QStringLiteral("--seconds must be a positive number"));
    options.seed = parser.isSet(seed) ? parser.value(seed).toULongLong(&ok)
                                      : quint64(QDateTime::currentMSecsSinceEpoch());
    if (!ok)
        return fail(QStringLiteral("--seed must be a number"));
    options.clients = parser.value(clients).toInt(&ok);
    if (!ok || options.clients < 1 || options.clients > 100'000)
        return fail(QStringLiteral("--clients must be 1..100000"));
    options.convergeSeconds = parser.value(converge).toInt(&ok);
    if (!ok || options.convergeSeconds < 1)
        return fail(QStringLiteral("--converge-seconds must be a positive number"));
    options.maxRssMb = parser.value(maxRss).toInt(&ok);
    if (!ok || options.maxRssMb < 1)
        return fail(QStringLiteral("--max-rss-mb must be a positive number"));
    options.faults = !parser.isSet(noFaults);
    options.verbose = parser.isSet(verbose);
    options.json = parser.value(json);

    QTemporaryDir temporary(QDir::temp().filePath(QStringLiteral("herd-torture-XXXXXX")));
    QString dir;
    if (parser.isSet(workDir)) {
        dir = QDir(parser.value(workDir)).absolutePath();
        if (!QDir().mkpath(dir))
            return fail(QStringLiteral("cannot make --work-dir %1").arg(dir));
    } else {
        if (!temporary.isValid())
            return fail(QStringLiteral("cannot make a temporary directory"));
        dir = temporary.path();
    }
    raiseFileLimit(4096);

    int status = 2;
    {
        Torture torture(options, dir);
        QTimer::singleShot(0, &torture, &Torture::start);
        app.exec();
        status = torture.exitCode();
    }
    if (status != 0 && !parser.isSet(workDir)) {
        temporary.setAutoRemove(false);
        std::printf("herd-torture: herd files and each node's output kept in %s\n", qPrintable(dir));
    }
    return status;
}
