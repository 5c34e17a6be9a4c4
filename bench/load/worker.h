// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "bench/load/config.h"
#include "bench/load/requestmaker.h"
#include "bench/loadstats.h"

// The load itself: threads of non-blocking connections, one epoll set each,
// every reply matched to its request and timed.
namespace HerdLoad {

struct Counters
{
    std::int64_t sent = 0;
    std::int64_t ok = 0;
    std::int64_t okIamat = 0, okWhatsat = 0, okRaw = 0;
    std::int64_t question = 0; // replies starting with "? "
    std::int64_t badReply = 0; // anything else unexpected
    std::int64_t closed = 0;   // connections the server closed
    std::int64_t timeouts = 0; // requests never answered
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

class Worker
{
public:
    Worker(const Config &config, int index, std::vector<std::uint16_t> connPorts, std::int64_t requestLimit,
           double rate)
        : m_config(config)
        , m_maker(config, index)
        , m_connPorts(std::move(connPorts))
        , m_requestLimit(requestLimit)
        , m_rate(rate)
    {}

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

} // namespace HerdLoad
