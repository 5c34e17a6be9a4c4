// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/load/report.h"

#include <QJsonArray>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <string>

#include "bench/load/floodcheck.h"
#include "bench/load/worker.h"

namespace HerdLoad {

namespace {

QJsonObject toJson(const LatencySamples::Summary &s)
{
    return QJsonObject {{QStringLiteral("count"), qint64(s.count)}, {QStringLiteral("mean_us"), s.meanUs},
                        {QStringLiteral("p50_us"), s.p50Us},        {QStringLiteral("p90_us"), s.p90Us},
                        {QStringLiteral("p99_us"), s.p99Us},        {QStringLiteral("p999_us"), s.p999Us},
                        {QStringLiteral("max_us"), s.maxUs}};
}

void printSummary(const char *label, const LatencySamples::Summary &s)
{
    if (s.count == 0)
        return;
    std::printf("  %-8s n=%-9zu p50 %9.1f  p90 %9.1f  p99 %9.1f  p99.9 %9.1f  max %9.1f  mean %9.1f us\n",
                label, s.count, s.p50Us, s.p90Us, s.p99Us, s.p999Us, s.maxUs, s.meanUs);
}

} // namespace

QJsonObject reportLoad(const Config &config, const std::vector<std::unique_ptr<Worker>> &workers,
                       bool *passed)
{
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
                config.raw.empty() ? "herd protocol" : ("raw \"" + config.raw + "\"").c_str(), config.threads,
                seconds);
    if (config.open)
        std::printf("  target rate %.0f/s\n", config.rate);
    else
        std::printf("  depth %d\n", config.depth);
    std::printf("  requests: %" PRId64 " sent, %" PRId64 " answered ok (iamat %" PRId64 ", whatsat %" PRId64
                ", raw %" PRId64 ")\n",
                total.sent, total.ok, total.okIamat, total.okWhatsat, total.okRaw);
    std::printf("  throughput: %.0f ok replies/s\n", throughput);
    std::printf("  latency (closed: from send; open: from scheduled send):\n");
    printSummary("all", sAll);
    printSummary("iamat", sIamat);
    printSummary("whatsat", sWhatsat);
    std::printf("  errors: %" PRId64 " (? replies %" PRId64 ", bad replies %" PRId64
                ", closed by server %" PRId64 ", timeouts %" PRId64 ", connect failures %" PRId64 ")\n",
                total.errors(), total.question, total.badReply, total.closed, total.timeouts,
                total.connectFailed);
    std::printf("  load generator CPU: %.0f%% of one core per thread (user+sys / wall)\n",
                100.0 * cpu / std::max(1e-9, seconds) / config.threads);
    *passed = total.ok > 0 && total.errors() == 0;
    return QJsonObject {
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
    };
}

QJsonObject reportFlood(const Config &config, FloodResult &floodResult, bool *passed)
{
    const auto s = floodResult.farthest.summarize();
    std::printf("herd-load: flood convergence, IAMAT to port %u, %zu sample(s), %d failed\n",
                unsigned(config.floodPorts[0]), s.count, floodResult.failed);
    printSummary("farthest", s);
    QJsonArray perPort;
    for (std::size_t i = 1; i < floodResult.perPort.size(); ++i) {
        const auto ps = floodResult.perPort[i].summarize();
        const std::string label = "port " + std::to_string(config.floodPorts[i]);
        std::printf("  %-14s p50 %9.1f  p99 %9.1f  max %9.1f us\n", label.c_str(), ps.p50Us, ps.p99Us,
                    ps.maxUs);
        QJsonObject o = toJson(ps);
        o.insert(QStringLiteral("port"), int(config.floodPorts[i]));
        perPort.append(o);
    }
    QJsonObject f = toJson(s);
    f.insert(QStringLiteral("failed"), floodResult.failed);
    f.insert(QStringLiteral("per_port"), perPort);
    *passed = floodResult.failed == 0 && s.count > 0;
    return f;
}

} // namespace HerdLoad
