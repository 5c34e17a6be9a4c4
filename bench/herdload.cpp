// herd-load: a load generator for the herd protocol (and for any server that
// answers one line per line, such as redis-server's inline PING).
//
// The hot path is plain POSIX: non-blocking sockets, one epoll set per
// thread, one write per connection per wake-up, replies parsed in place. Qt is
// used only to read the command line and to write the JSON report, so the
// client costs about what the server costs per request and the same binary
// can measure redis-server as the ceiling of a one-thread line server.

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "bench/loadstats.h"

namespace {

std::int64_t monoNs()
{
    timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::int64_t realNs()
{
    timespec ts {};
    clock_gettime(CLOCK_REALTIME, &ts);
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

enum class Kind : std::uint8_t { Iamat, Whatsat, Raw };

struct Config
{
    std::string host = "127.0.0.1";
    std::vector<std::uint16_t> ports;
    int connections = 100;
    double durationS = 5;
    std::int64_t requests = 0; // 0: no limit
    bool open = false;
    int depth = 1;
    double rate = 10'000;
    int iamatWeight = 100;
    int whatsatWeight = 0;
    int clients = 1000;
    std::string raw; // non-empty: raw line mode
    int threads = 1;
    int timeoutMs = 5000;
    double radiusKm = 10;
    int bound = 5;
    std::string clientPrefix;
    std::vector<std::uint16_t> floodPorts;
    int floodSamples = 200;
    QString jsonPath;
};

struct Counters
{
    std::int64_t sent = 0;
    std::int64_t ok = 0;
    std::int64_t okIamat = 0, okWhatsat = 0, okRaw = 0;
    std::int64_t question = 0;    // replies starting with "? "
    std::int64_t badReply = 0;    // anything else unexpected
    std::int64_t closed = 0;      // connections the server closed
    std::int64_t timeouts = 0;    // requests never answered
    std::int64_t connectFailed = 0;
    std::int64_t bytesOut = 0, bytesIn = 0;

    void add(const Counters &o)
    {
        sent += o.sent;
        ok += o.ok;
        okIamat += o.okIamat;
        okWhatsat += o.okWhatsat;
        okRaw += o.okRaw;
        question += o.question;
        badReply += o.badReply;
        closed += o.closed;
        timeouts += o.timeouts;
        connectFailed += o.connectFailed;
        bytesOut += o.bytesOut;
        bytesIn += o.bytesIn;
    }
    std::int64_t errors() const { return question + badReply + closed + timeouts + connectFailed; }
};

struct Pending
{
    std::int64_t t; // send time (closed loop) or scheduled time (open loop)
    Kind kind;
};

struct Conn
{
    int fd = -1;
    bool connected = false;
    bool dead = false;
    bool wantOut = false;
    bool dirty = false;
    bool inBody = false; // inside a WHATSAT reply's JSON, until the empty line
    std::string out;
    std::size_t outOff = 0;
    std::string in;
    std::deque<Pending> queue;
};

// Request text for the herd: moving clients, strictly increasing client times.
class RequestMaker
{
public:
    RequestMaker(const Config &config, int thread)
        : m_config(config)
        , m_rng(0x9E3779B97F4A7C15ull ^ (std::uint64_t(thread) + 1) * 0xBF58476D1CE4E5B9ull)
    {
        const int perThread = std::max(1, config.clients / std::max(1, config.threads));
        m_ids.reserve(std::size_t(perThread));
        for (int i = 0; i < perThread; ++i)
            m_ids.push_back(config.clientPrefix + "-t" + std::to_string(thread) + "-c" + std::to_string(i));
        m_reported.assign(m_ids.size(), false);
    }

    Kind next(std::string &out)
    {
        if (!m_config.raw.empty()) {
            out += m_config.raw;
            out += '\n';
            return Kind::Raw;
        }
        const int total = m_config.iamatWeight + m_config.whatsatWeight;
        const bool whatsat = !m_reportedList.empty()
            && int(rand() % std::uint64_t(total)) >= m_config.iamatWeight;
        char buf[256];
        if (whatsat) {
            const std::size_t id = m_reportedList[rand() % m_reportedList.size()];
            const int n = std::snprintf(buf, sizeof buf, "WHATSAT %s %g %d\n", m_ids[id].c_str(), m_config.radiusKm, m_config.bound);
            out.append(buf, std::size_t(n));
            return Kind::Whatsat;
        }
        const std::size_t id = m_nextClient++ % m_ids.size();
        if (!m_reported[id]) {
            m_reported[id] = true;
            m_reportedList.push_back(id);
        }
        // Clients walk around UCLA: a step per report, bounded to a small box.
        const std::uint64_t step = m_step++;
        const double lat = 34.068930 + 0.0001 * double(step % 997) - 0.05;
        const double lng = -118.445127 + 0.0001 * double((step * 7) % 991) - 0.05;
        std::int64_t now = realNs();
        if (now <= m_lastTime)
            now = m_lastTime + 1;
        m_lastTime = now;
        const int n = std::snprintf(buf, sizeof buf, "IAMAT %s %+.6f%+.6f %" PRId64 ".%09" PRId64 "\n", m_ids[id].c_str(), lat, lng,
                                    now / 1'000'000'000, now % 1'000'000'000);
        out.append(buf, std::size_t(n));
        return Kind::Iamat;
    }

private:
    std::uint64_t rand()
    {
        // xorshift64*
        m_rng ^= m_rng >> 12;
        m_rng ^= m_rng << 25;
        m_rng ^= m_rng >> 27;
        return m_rng * 2685821657736338717ull;
    }

    const Config &m_config;
    std::uint64_t m_rng;
    std::vector<std::string> m_ids;
    std::vector<bool> m_reported;
    std::vector<std::size_t> m_reportedList;
    std::size_t m_nextClient = 0;
    std::uint64_t m_step = 0;
    std::int64_t m_lastTime = 0;
};

bool startsWith(std::string_view s, std::string_view prefix)
{
    return s.size() >= prefix.size() && std::memcmp(s.data(), prefix.data(), prefix.size()) == 0;
}

int connectTo(const std::string &host, std::uint16_t port, bool blocking)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (blocking ? 0 : SOCK_NONBLOCK), 0);
    if (fd < 0)
        return -1;
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
        ::close(fd);
        return -1;
    }
    if (::connect(fd, reinterpret_cast<const sockaddr *>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// One load thread: its share of the connections, its own epoll set.
class Worker
{
public:
    Worker(const Config &config, int index, std::vector<std::uint16_t> connPorts, std::int64_t requestLimit, double rate)
        : m_config(config)
        , m_maker(config, index)
        , m_connPorts(std::move(connPorts))
        , m_requestLimit(requestLimit)
        , m_rate(rate)
    {
    }

    void run();

    Counters counters;
    LatencySamples all, iamat, whatsat;
    std::int64_t measuredNs = 0;
    double cpuSeconds = 0;

private:
    bool canSend(std::int64_t now) const
    {
        return !m_stopping && now < m_end && (m_requestLimit == 0 || counters.sent < m_requestLimit);
    }
    void enqueue(Conn &c, std::int64_t t);
    void flush(Conn &c);
    void readFrom(Conn &c, std::int64_t now);
    void parse(Conn &c, std::int64_t now);
    void complete(Conn &c, std::int64_t now, bool good, bool question);
    void kill(Conn &c, bool byServer);
    void setOut(Conn &c, bool want);
    std::size_t inFlight() const;

    const Config &m_config;
    RequestMaker m_maker;
    std::vector<std::uint16_t> m_connPorts;
    std::int64_t m_requestLimit;
    double m_rate;
    std::vector<Conn> m_conns;
    std::vector<std::size_t> m_dirty;
    int m_epoll = -1;
    std::int64_t m_start = 0, m_end = 0, m_lastDone = 0;
    bool m_stopping = false;
};

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

// --- flood convergence ------------------------------------------------------

// One blocking socket with a line reader, for the flood probe.
struct Probe
{
    int fd = -1;
    std::uint16_t port = 0;
    std::string in;
    bool inBody = false;
    bool waiting = false;    // a WHATSAT is in flight
    bool converged = false;
    std::int64_t at = 0;

    bool send(const std::string &line)
    {
        std::size_t off = 0;
        while (off < line.size()) {
            const ssize_t n = ::send(fd, line.data() + off, line.size() - off, MSG_NOSIGNAL);
            if (n <= 0)
                return false;
            off += std::size_t(n);
        }
        return true;
    }
    // Reads what is there; returns complete replies' first lines ("" for none).
    bool readReplies(std::vector<std::string> &firstLines)
    {
        char buf[65536];
        const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n == 0)
            return false;
        if (n < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        in.append(buf, std::size_t(n));
        std::size_t pos = 0;
        for (;;) {
            const std::size_t nl = in.find('\n', pos);
            if (nl == std::string::npos)
                break;
            std::string line = in.substr(pos, nl - pos);
            pos = nl + 1;
            if (inBody) {
                if (line.empty() || line == "\r")
                    inBody = false;
                continue;
            }
            if (startsWith(line, "AT ") && waiting) // WHATSAT hit: JSON and an empty line follow
                inBody = true;
            firstLines.push_back(line);
        }
        in.erase(0, pos);
        return true;
    }
};

struct FloodResult
{
    LatencySamples farthest;
    std::vector<LatencySamples> perPort;
    int failed = 0;
};

// Method: for each sample, a client id never used before gets one IAMAT at
// the first port; at the same moment every other port is polled with
// WHATSAT for that id, one in flight per port, a new one as soon as the
// previous answer comes back. "? WHATSAT ..." means the record has not
// arrived; an AT line means it has. A node's figure is the time from sending
// the IAMAT to receiving its first AT answer: an upper bound on the flood
// time that exceeds it by less than one poll round trip (the previous poll
// was answered without the record). The sample is the largest over the nodes.
FloodResult floodCheck(const Config &config)
{
    FloodResult result;
    std::vector<Probe> probes(config.floodPorts.size());
    result.perPort.resize(probes.size());
    for (std::size_t i = 0; i < probes.size(); ++i) {
        probes[i].port = config.floodPorts[i];
        probes[i].fd = connectTo(config.host, probes[i].port, true);
        if (probes[i].fd < 0) {
            std::fprintf(stderr, "herd-load: flood check: cannot connect to port %u\n", unsigned(probes[i].port));
            result.failed = config.floodSamples;
            return result;
        }
    }
    const std::string prefix = config.clientPrefix + "-flood-";
    std::vector<pollfd> pfds(probes.size());
    for (int sample = 0; sample < config.floodSamples; ++sample) {
        const std::string id = prefix + std::to_string(sample);
        const std::string whatsat = "WHATSAT " + id + " 1 1\n";
        const std::int64_t t = realNs();
        char iamat[256];
        std::snprintf(iamat, sizeof iamat, "IAMAT %s +34.068930-118.445127 %" PRId64 ".%09" PRId64 "\n", id.c_str(),
                      t / 1'000'000'000, t % 1'000'000'000);
        const std::int64_t t0 = monoNs();
        bool ok = probes[0].send(iamat);
        probes[0].waiting = false;
        probes[0].converged = false;
        for (std::size_t i = 1; i < probes.size() && ok; ++i) {
            probes[i].converged = false;
            probes[i].waiting = true;
            ok = probes[i].send(whatsat);
        }
        bool iamatAnswered = false;
        std::size_t remaining = probes.size() - 1;
        const std::int64_t deadline = t0 + std::int64_t(config.timeoutMs) * 1'000'000;
        while (ok && (remaining > 0 || !iamatAnswered)) {
            const std::int64_t now = monoNs();
            if (now > deadline) {
                ok = false;
                break;
            }
            for (std::size_t i = 0; i < probes.size(); ++i)
                pfds[i] = pollfd {probes[i].fd, POLLIN, 0};
            if (::poll(pfds.data(), pfds.size(), 100) < 0)
                continue;
            for (std::size_t i = 0; i < probes.size() && ok; ++i) {
                if (!(pfds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                    continue;
                std::vector<std::string> lines;
                if (!probes[i].readReplies(lines)) {
                    ok = false;
                    break;
                }
                const std::int64_t at = monoNs();
                for (const std::string &line : lines) {
                    if (i == 0) {
                        iamatAnswered = startsWith(line, "AT ");
                        ok = iamatAnswered;
                        continue;
                    }
                    if (!probes[i].waiting)
                        continue;
                    probes[i].waiting = false;
                    if (startsWith(line, "AT ") && !probes[i].converged) {
                        probes[i].converged = true;
                        probes[i].at = at - t0;
                        --remaining;
                    } else if (!probes[i].converged) {
                        probes[i].waiting = true;
                        ok = probes[i].send(whatsat);
                    }
                }
            }
        }
        // Let the last hit's JSON body arrive before the next sample.
        for (std::size_t i = 1; i < probes.size(); ++i) {
            while (ok && probes[i].inBody) {
                pollfd p {probes[i].fd, POLLIN, 0};
                if (::poll(&p, 1, 1000) <= 0)
                    break;
                std::vector<std::string> lines;
                if (!probes[i].readReplies(lines))
                    break;
            }
        }
        if (!ok) {
            ++result.failed;
            std::fprintf(stderr, "herd-load: flood check: sample %d did not converge\n", sample);
            // Start over with fresh connections, so stale replies cannot mix in.
            for (Probe &p : probes) {
                ::close(p.fd);
                p = Probe {-1, p.port, {}, false, false, false, 0};
                p.fd = connectTo(config.host, p.port, true);
                if (p.fd < 0)
                    return result;
            }
            continue;
        }
        std::int64_t worst = 0;
        for (std::size_t i = 1; i < probes.size(); ++i) {
            result.perPort[i].add(probes[i].at);
            worst = std::max(worst, probes[i].at);
        }
        result.farthest.add(worst);
        ::usleep(1000);
    }
    for (Probe &p : probes)
        ::close(p.fd);
    return result;
}

// --- command line and report -------------------------------------------------

std::optional<std::vector<std::uint16_t>> parsePorts(const QStringList &values)
{
    std::vector<std::uint16_t> ports;
    for (const QString &value : values) {
        for (const QString &part : value.split(u',', Qt::SkipEmptyParts)) {
            bool ok = false;
            const uint port = part.trimmed().toUInt(&ok);
            if (!ok || port == 0 || port > 65535)
                return std::nullopt;
            ports.push_back(std::uint16_t(port));
        }
    }
    return ports;
}

QJsonObject toJson(const LatencySamples::Summary &s)
{
    return QJsonObject {{QStringLiteral("count"), qint64(s.count)},       {QStringLiteral("mean_us"), s.meanUs},
                        {QStringLiteral("p50_us"), s.p50Us},              {QStringLiteral("p90_us"), s.p90Us},
                        {QStringLiteral("p99_us"), s.p99Us},              {QStringLiteral("p999_us"), s.p999Us},
                        {QStringLiteral("max_us"), s.maxUs}};
}

void printSummary(const char *label, const LatencySamples::Summary &s)
{
    if (s.count == 0)
        return;
    std::printf("  %-8s n=%-9zu p50 %9.1f  p90 %9.1f  p99 %9.1f  p99.9 %9.1f  max %9.1f  mean %9.1f us\n", label, s.count,
                s.p50Us, s.p90Us, s.p99Us, s.p999Us, s.maxUs, s.meanUs);
}

void raiseFileLimit(int needed)
{
    rlimit lim {};
    if (::getrlimit(RLIMIT_NOFILE, &lim) != 0)
        return;
    const rlim_t want = rlim_t(needed) + 64;
    if (lim.rlim_cur >= want)
        return;
    lim.rlim_cur = std::min(lim.rlim_max == RLIM_INFINITY ? want : lim.rlim_max, want);
    if (::setrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur < want)
        std::fprintf(stderr, "herd-load: warning: open-file limit %lu is below %lu\n", static_cast<unsigned long>(lim.rlim_cur),
                     static_cast<unsigned long>(want));
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("herd-load"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Load generator for the herd protocol (IAMAT/WHATSAT) and for any one-line-per-line server (--raw).\n"
        "Closed loop: each connection keeps --depth requests in flight. Open loop: --rate requests/s in total,\n"
        "latency measured from each request's scheduled send time (no coordinated omission)."));
    parser.addHelpOption();
    const auto opt = [&parser](const char *name, const char *help, const char *value = nullptr, const char *def = nullptr) {
        QCommandLineOption o(QString::fromLatin1(name), QString::fromLatin1(help));
        if (value)
            o.setValueName(QString::fromLatin1(value));
        if (def)
            o.setDefaultValue(QString::fromLatin1(def));
        parser.addOption(o);
        return o;
    };
    const auto host = opt("host", "server address (IPv4)", "ADDR", "127.0.0.1");
    const auto port = opt("port", "server port; repeatable or a comma list; connections are spread over them", "PORTS");
    const auto connections = opt("connections", "concurrent connections, 1..10000 (default 100)", "N", "100");
    const auto duration = opt("duration", "seconds to send for (default 5)", "S", "5");
    const auto requests = opt("requests", "stop after N requests (default: no limit)", "N", "0");
    const auto mode = opt("mode", "closed or open (default closed)", "MODE", "closed");
    const auto depth = opt("depth", "closed loop: requests in flight per connection (default 1)", "N", "1");
    const auto rate = opt("rate", "open loop: total requests per second (default 10000)", "R", "10000");
    const auto mix = opt("mix", "request mix, e.g. iamat=80,whatsat=20 (default iamat=100)", "MIX", "iamat=100");
    const auto clients = opt("clients", "distinct moving client ids (default 1000)", "K", "1000");
    const auto raw = opt("raw", "raw line mode: send LINE, expect one line back (e.g. PING for redis)", "LINE");
    const auto threads = opt("threads", "load threads, each with its own epoll set (default 1)", "T", "1");
    const auto timeout = opt("timeout", "ms before an unanswered request counts as a timeout (default 5000)", "MS", "5000");
    const auto radius = opt("radius", "WHATSAT radius in km (default 10)", "KM", "10");
    const auto bound = opt("bound", "WHATSAT bound (default 5)", "N", "5");
    const auto prefix = opt("client-prefix", "prefix of the client ids (default: load<pid>)", "TEXT");
    const auto flood = opt("flood-check", "measure flood convergence: IAMAT to the first port, poll the others with WHATSAT", "PORTS");
    const auto floodSamples = opt("flood-samples", "flood check samples (default 200)", "N", "200");
    const auto json = opt("json", "also write the report as JSON to FILE", "FILE");
    parser.process(app);

    Config config;
    const auto fail = [](const char *what) {
        std::fprintf(stderr, "herd-load: %s (see --help)\n", what);
        return 2;
    };
    bool ok = true;
    config.host = parser.value(host).toStdString();
    const auto ports = parsePorts(parser.values(port));
    if (!ports)
        return fail("bad --port");
    config.ports = *ports;
    config.connections = parser.value(connections).toInt(&ok);
    if (!ok || config.connections < 1 || config.connections > 10000)
        return fail("--connections must be 1..10000");
    config.durationS = parser.value(duration).toDouble(&ok);
    if (!ok || config.durationS <= 0)
        return fail("bad --duration");
    config.requests = parser.value(requests).toLongLong(&ok);
    if (!ok || config.requests < 0)
        return fail("bad --requests");
    if (parser.value(mode) != u"closed" && parser.value(mode) != u"open")
        return fail("--mode must be closed or open");
    config.open = parser.value(mode) == u"open";
    config.depth = parser.value(depth).toInt(&ok);
    if (!ok || config.depth < 1 || config.depth > 10000)
        return fail("bad --depth");
    config.rate = parser.value(rate).toDouble(&ok);
    if (!ok || config.rate <= 0)
        return fail("bad --rate");
    config.iamatWeight = 0;
    config.whatsatWeight = 0;
    for (const QString &part : parser.value(mix).split(u',', Qt::SkipEmptyParts)) {
        const QStringList kv = part.split(u'=');
        const int w = kv.size() == 2 ? kv[1].toInt(&ok) : -1;
        if (kv.size() != 2 || !ok || w < 0)
            return fail("bad --mix");
        if (kv[0] == u"iamat")
            config.iamatWeight = w;
        else if (kv[0] == u"whatsat")
            config.whatsatWeight = w;
        else
            return fail("--mix knows iamat and whatsat");
    }
    if (config.iamatWeight == 0)
        return fail("--mix needs iamat > 0 (WHATSAT asks about clients this run reported)");
    config.clients = parser.value(clients).toInt(&ok);
    if (!ok || config.clients < 1)
        return fail("bad --clients");
    config.raw = parser.value(raw).toStdString();
    config.threads = parser.value(threads).toInt(&ok);
    if (!ok || config.threads < 1 || config.threads > 64)
        return fail("bad --threads");
    config.threads = std::min(config.threads, config.connections);
    config.timeoutMs = parser.value(timeout).toInt(&ok);
    if (!ok || config.timeoutMs < 1)
        return fail("bad --timeout");
    config.radiusKm = parser.value(radius).toDouble(&ok);
    if (!ok || config.radiusKm <= 0 || config.radiusKm > 50)
        return fail("bad --radius");
    config.bound = parser.value(bound).toInt(&ok);
    if (!ok || config.bound < 1 || config.bound > 20)
        return fail("bad --bound");
    config.clientPrefix = parser.isSet(prefix) ? parser.value(prefix).toStdString() : "load" + std::to_string(::getpid());
    if (parser.isSet(flood)) {
        const auto fp = parsePorts({parser.value(flood)});
        if (!fp || fp->size() < 2)
            return fail("--flood-check needs at least two ports");
        config.floodPorts = *fp;
    }
    config.floodSamples = parser.value(floodSamples).toInt(&ok);
    if (!ok || config.floodSamples < 1)
        return fail("bad --flood-samples");
    config.jsonPath = parser.value(json);
    if (config.ports.empty() && config.floodPorts.empty())
        return fail("give --port (load) or --flood-check (flood convergence)");

    QJsonObject report;
    int status = 0;
    if (!config.ports.empty()) {
        raiseFileLimit(config.connections + 16);
        std::vector<std::vector<std::uint16_t>> share(std::size_t(config.threads));
        for (int i = 0; i < config.connections; ++i)
            share[std::size_t(i % config.threads)].push_back(config.ports[std::size_t(i) % config.ports.size()]);
        std::vector<std::unique_ptr<Worker>> workers;
        for (int t = 0; t < config.threads; ++t) {
            std::int64_t limit = 0;
            if (config.requests > 0)
                limit = std::max<std::int64_t>(1, config.requests / config.threads + (t < config.requests % config.threads ? 1 : 0));
            workers.push_back(std::make_unique<Worker>(config, t, share[std::size_t(t)], limit, config.rate / config.threads));
        }
        std::vector<std::thread> running;
        for (auto &w : workers)
            running.emplace_back([&w] { w->run(); });
        for (std::thread &t : running)
            t.join();

        Counters total;
        LatencySamples all, iamat, whatsat;
        double throughput = 0, cpu = 0, seconds = 0;
        for (auto &w : workers) {
            total.add(w->counters);
            all.merge(w->all);
            iamat.merge(w->iamat);
            whatsat.merge(w->whatsat);
            throughput += double(w->counters.ok) / (double(w->measuredNs) / 1e9);
            cpu += w->cpuSeconds;
            seconds = std::max(seconds, double(w->measuredNs) / 1e9);
        }
        const auto sAll = all.summarize();
        const auto sIamat = iamat.summarize();
        const auto sWhatsat = whatsat.summarize();
        std::string portList;
        for (const std::uint16_t p : config.ports)
            portList += (portList.empty() ? "" : ",") + std::to_string(p);
        std::printf("herd-load: %s loop, %d connection(s) over port(s) %s, %s, %d thread(s), %.1f s\n",
                    config.open ? "open" : "closed", config.connections, portList.c_str(),
                    config.raw.empty() ? "herd protocol" : ("raw \"" + config.raw + "\"").c_str(), config.threads, seconds);
        if (config.open)
            std::printf("  target rate %.0f/s\n", config.rate);
        else
            std::printf("  depth %d\n", config.depth);
        std::printf("  requests: %" PRId64 " sent, %" PRId64 " answered ok (iamat %" PRId64 ", whatsat %" PRId64 ", raw %" PRId64 ")\n",
                    total.sent, total.ok, total.okIamat, total.okWhatsat, total.okRaw);
        std::printf("  throughput: %.0f ok replies/s\n", throughput);
        std::printf("  latency (closed: from send; open: from scheduled send):\n");
        printSummary("all", sAll);
        printSummary("iamat", sIamat);
        printSummary("whatsat", sWhatsat);
        std::printf("  errors: %" PRId64 " (? replies %" PRId64 ", bad replies %" PRId64 ", closed by server %" PRId64
                    ", timeouts %" PRId64 ", connect failures %" PRId64 ")\n",
                    total.errors(), total.question, total.badReply, total.closed, total.timeouts, total.connectFailed);
        std::printf("  load generator CPU: %.0f%% of one core per thread (user+sys / wall)\n",
                    100.0 * cpu / std::max(1e-9, seconds) / config.threads);
        report.insert(QStringLiteral("load"),
                      QJsonObject {
                          {QStringLiteral("mode"), config.open ? QStringLiteral("open") : QStringLiteral("closed")},
                          {QStringLiteral("raw"), QString::fromStdString(config.raw)},
                          {QStringLiteral("connections"), config.connections},
                          {QStringLiteral("depth"), config.depth},
                          {QStringLiteral("rate"), config.open ? config.rate : 0.0},
                          {QStringLiteral("threads"), config.threads},
                          {QStringLiteral("seconds"), seconds},
                          {QStringLiteral("sent"), qint64(total.sent)},
                          {QStringLiteral("ok"), qint64(total.ok)},
                          {QStringLiteral("ok_iamat"), qint64(total.okIamat)},
                          {QStringLiteral("ok_whatsat"), qint64(total.okWhatsat)},
                          {QStringLiteral("throughput_per_s"), throughput},
                          {QStringLiteral("latency"), toJson(sAll)},
                          {QStringLiteral("latency_iamat"), toJson(sIamat)},
                          {QStringLiteral("latency_whatsat"), toJson(sWhatsat)},
                          {QStringLiteral("errors"),
                           QJsonObject {{QStringLiteral("total"), qint64(total.errors())},
                                        {QStringLiteral("question"), qint64(total.question)},
                                        {QStringLiteral("bad_reply"), qint64(total.badReply)},
                                        {QStringLiteral("closed"), qint64(total.closed)},
                                        {QStringLiteral("timeouts"), qint64(total.timeouts)},
                                        {QStringLiteral("connect_failed"), qint64(total.connectFailed)}}},
                          {QStringLiteral("client_cpu_per_thread"), cpu / std::max(1e-9, seconds) / config.threads},
                      });
        if (total.ok == 0 || total.errors() > 0)
            status = 1;
    }
    if (!config.floodPorts.empty()) {
        FloodResult floodResult = floodCheck(config);
        const auto s = floodResult.farthest.summarize();
        std::printf("herd-load: flood convergence, IAMAT to port %u, %zu sample(s), %d failed\n", unsigned(config.floodPorts[0]),
                    s.count, floodResult.failed);
        printSummary("farthest", s);
        QJsonArray perPort;
        for (std::size_t i = 1; i < floodResult.perPort.size(); ++i) {
            const auto ps = floodResult.perPort[i].summarize();
            const std::string label = "port " + std::to_string(config.floodPorts[i]);
            std::printf("  %-14s p50 %9.1f  p99 %9.1f  max %9.1f us\n", label.c_str(), ps.p50Us, ps.p99Us, ps.maxUs);
            QJsonObject o = toJson(ps);
            o.insert(QStringLiteral("port"), int(config.floodPorts[i]));
            perPort.append(o);
        }
        QJsonObject f = toJson(s);
        f.insert(QStringLiteral("failed"), floodResult.failed);
        f.insert(QStringLiteral("per_port"), perPort);
        report.insert(QStringLiteral("flood"), f);
        if (floodResult.failed > 0 || s.count == 0)
            status = 1;
    }
    std::fflush(stdout);
    if (!config.jsonPath.isEmpty()) {
        QFile file(config.jsonPath);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            std::fprintf(stderr, "herd-load: cannot write %s\n", qPrintable(config.jsonPath));
            return 1;
        }
        file.write(QJsonDocument(report).toJson());
    }
    return status;
}
