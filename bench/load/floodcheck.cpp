// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/load/floodcheck.h"

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <string>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench/benchsupport.h"
#include "bench/load/net.h"

using Bench::monoNs;
using Bench::realNs;

namespace HerdLoad {

namespace {

// One blocking socket with a line reader, for the flood probe.
struct Probe
{
    int fd = -1;
    std::uint16_t port = 0;
    std::string in;
    bool inBody = false;
    bool waiting = false; // a WHATSAT is in flight
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

} // namespace

FloodResult floodCheck(const Config &config)
{
    FloodResult result;
    std::vector<Probe> probes(config.floodPorts.size());
    result.perPort.resize(probes.size());
    for (std::size_t i = 0; i < probes.size(); ++i) {
        probes[i].port = config.floodPorts[i];
        probes[i].fd = connectTo(config.host, probes[i].port, true);
        if (probes[i].fd < 0) {
            std::fprintf(stderr, "herd-load: flood check: cannot connect to port %u\n",
                         unsigned(probes[i].port));
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
        std::snprintf(iamat, sizeof iamat, "IAMAT %s +34.068930-118.445127 %" PRId64 ".%09" PRId64 "\n",
                      id.c_str(), t / 1'000'000'000, t % 1'000'000'000);
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

} // namespace HerdLoad
