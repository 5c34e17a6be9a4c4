// SPDX-License-Identifier: GPL-3.0-or-later
// herd-load: a load generator for the herd protocol (and for any server that
// answers one line per line, such as redis-server's inline PING).
//
// The hot path is plain POSIX: non-blocking sockets, one epoll set per
// thread, one write per connection per wake-up, replies parsed in place. Qt is
// used only to read the command line and to write the JSON report, so the
// client costs about what the server costs per request and the same binary
// can measure redis-server as the ceiling of a one-thread line server.
//
// The parts: worker.cpp (the load threads), requestmaker.cpp (what they
// send), floodcheck.cpp (--flood-check), report.cpp (what is printed).

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include "bench/benchsupport.h"
#include "bench/load/config.h"
#include "bench/load/floodcheck.h"
#include "bench/load/report.h"
#include "bench/load/worker.h"

using namespace HerdLoad;

namespace {

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

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    Bench::CommandLine parser(
        "herd-load",
        QStringLiteral(
            "Load generator for the herd protocol (IAMAT/WHATSAT) and for any one-line-per-line server (--raw).\n"
            "Closed loop: each connection keeps --depth requests in flight. Open loop: --rate requests/s in total,\n"
            "latency measured from each request's scheduled send time (no coordinated omission)."));
    const auto host = parser.option("host", "server address (IPv4)", "ADDR", "127.0.0.1");
    const auto port = parser.option(
        "port", "server port; repeatable or a comma list; connections are spread over them", "PORTS");
    const auto connections =
        parser.option("connections", "concurrent connections, 1..10000 (default 100)", "N", "100");
    const auto duration = parser.option("duration", "seconds to send for (default 5)", "S", "5");
    const auto requests = parser.option("requests", "stop after N requests (default: no limit)", "N", "0");
    const auto mode = parser.option("mode", "closed or open (default closed)", "MODE", "closed");
    const auto depth =
        parser.option("depth", "closed loop: requests in flight per connection (default 1)", "N", "1");
    const auto rate =
        parser.option("rate", "open loop: total requests per second (default 10000)", "R", "10000");
    const auto mix =
        parser.option("mix", "request mix, e.g. iamat=80,whatsat=20 (default iamat=100)", "MIX", "iamat=100");
    const auto clients = parser.option("clients", "distinct moving client ids (default 1000)", "K", "1000");
    const auto raw =
        parser.option("raw", "raw line mode: send LINE, expect one line back (e.g. PING for redis)", "LINE");
    const auto threads =
        parser.option("threads", "load threads, each with its own epoll set (default 1)", "T", "1");
    const auto timeout = parser.option(
        "timeout", "ms before an unanswered request counts as a timeout (default 5000)", "MS", "5000");
    const auto radius = parser.option("radius", "WHATSAT radius in km (default 10)", "KM", "10");
    const auto bound = parser.option("bound", "WHATSAT bound (default 5)", "N", "5");
    const auto prefix =
        parser.option("client-prefix", "prefix of the client ids (default: load<pid>)", "TEXT");
    const auto flood = parser.option(
        "flood-check", "measure flood convergence: IAMAT to the first port, poll the others with WHATSAT",
        "PORTS");
    const auto floodSamples = parser.option("flood-samples", "flood check samples (default 200)", "N", "200");
    const auto json = parser.option("json", "also write the report as JSON to FILE", "FILE");
    parser.process(app);

    Config config;
    bool ok = true;
    config.host = parser.value(host).toStdString();
    const auto ports = parsePorts(parser.values(port));
    if (!ports)
        return parser.fail("bad --port");
    config.ports = *ports;
    config.connections = parser.value(connections).toInt(&ok);
    if (!ok || config.connections < 1 || config.connections > 10000)
        return parser.fail("--connections must be 1..10000");
    config.durationS = parser.value(duration).toDouble(&ok);
    if (!ok || config.durationS <= 0)
        return parser.fail("bad --duration");
    config.requests = parser.value(requests).toLongLong(&ok);
    if (!ok || config.requests < 0)
        return parser.fail("bad --requests");
    if (parser.value(mode) != u"closed" && parser.value(mode) != u"open")
        return parser.fail("--mode must be closed or open");
    config.open = parser.value(mode) == u"open";
    config.depth = parser.value(depth).toInt(&ok);
    if (!ok || config.depth < 1 || config.depth > 10000)
        return parser.fail("bad --depth");
    config.rate = parser.value(rate).toDouble(&ok);
    if (!ok || config.rate <= 0)
        return parser.fail("bad --rate");
    config.iamatWeight = 0;
    config.whatsatWeight = 0;
    for (const QString &part : parser.value(mix).split(u',', Qt::SkipEmptyParts)) {
        const QStringList kv = part.split(u'=');
        const int w = kv.size() == 2 ? kv[1].toInt(&ok) : -1;
        if (kv.size() != 2 || !ok || w < 0)
            return parser.fail("bad --mix");
        if (kv[0] == u"iamat")
            config.iamatWeight = w;
        else if (kv[0] == u"whatsat")
            config.whatsatWeight = w;
        else
            return parser.fail("--mix knows iamat and whatsat");
    }
    if (config.iamatWeight == 0)
        return parser.fail("--mix needs iamat > 0 (WHATSAT asks about clients this run reported)");
    config.clients = parser.value(clients).toInt(&ok);
    if (!ok || config.clients < 1)
        return parser.fail("bad --clients");
    config.raw = parser.value(raw).toStdString();
    config.threads = parser.value(threads).toInt(&ok);
    if (!ok || config.threads < 1 || config.threads > 64)
        return parser.fail("bad --threads");
    config.threads = std::min(config.threads, config.connections);
    config.timeoutMs = parser.value(timeout).toInt(&ok);
    if (!ok || config.timeoutMs < 1)
        return parser.fail("bad --timeout");
    config.radiusKm = parser.value(radius).toDouble(&ok);
    if (!ok || config.radiusKm <= 0 || config.radiusKm > 50)
        return parser.fail("bad --radius");
    config.bound = parser.value(bound).toInt(&ok);
    if (!ok || config.bound < 1 || config.bound > 20)
        return parser.fail("bad --bound");
    config.clientPrefix =
        parser.isSet(prefix) ? parser.value(prefix).toStdString() : "load" + std::to_string(::getpid());
    if (parser.isSet(flood)) {
        const auto fp = parsePorts({parser.value(flood)});
        if (!fp || fp->size() < 2)
            return parser.fail("--flood-check needs at least two ports");
        config.floodPorts = *fp;
    }
    config.floodSamples = parser.value(floodSamples).toInt(&ok);
    if (!ok || config.floodSamples < 1)
        return parser.fail("bad --flood-samples");
    config.jsonPath = parser.value(json);
    if (config.ports.empty() && config.floodPorts.empty())
        return parser.fail("give --port (load) or --flood-check (flood convergence)");

    QJsonObject report;
    int status = 0;
    if (!config.ports.empty()) {
        const rlim_t wanted = rlim_t(config.connections) + 16 + 64;
        if (const rlim_t limit = Bench::raiseFileLimit(wanted); limit < wanted)
            std::fprintf(stderr, "herd-load: warning: open-file limit %lu is below %lu\n",
                         static_cast<unsigned long>(limit), static_cast<unsigned long>(wanted));
        std::vector<std::vector<std::uint16_t>> share(std::size_t(config.threads));
        for (int i = 0; i < config.connections; ++i)
            share[std::size_t(i % config.threads)].push_back(
                config.ports[std::size_t(i) % config.ports.size()]);
        std::vector<std::unique_ptr<Worker>> workers;
        for (int t = 0; t < config.threads; ++t) {
            std::int64_t limit = 0;
            if (config.requests > 0)
                limit = std::max<std::int64_t>(
                    1, config.requests / config.threads + (t < config.requests % config.threads ? 1 : 0));
            workers.push_back(std::make_unique<Worker>(config, t, share[std::size_t(t)], limit,
                                                       config.rate / config.threads));
        }
        std::vector<std::thread> running;
        for (auto &w : workers)
            running.emplace_back([&w] { w->run(); });
        for (std::thread &t : running)
            t.join();

        bool passed = false;
        report.insert(QStringLiteral("load"), reportLoad(config, workers, &passed));
        if (!passed)
            status = 1;
    }
    if (!config.floodPorts.empty()) {
        FloodResult floodResult = floodCheck(config);
        bool passed = false;
        report.insert(QStringLiteral("flood"), reportFlood(config, floodResult, &passed));
        if (!passed)
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
