// SPDX-License-Identifier: GPL-3.0-or-later
// The report: what happened, and each check that failed with an example;
// also as JSON with --json. Sets the exit status and ends the event loop.

#include "bench/torture/torture.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "bench/loadstats.h"
#include "bench/torture/herdlines.h"
#include "bench/torture/relay.h"

namespace HerdTorture {

namespace {

qint64 percentile(std::vector<qint64> values, double p)
{
    std::sort(values.begin(), values.end());
    return nearestRank(values, p);
}

} // namespace

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
        failures.append(QStringLiteral("convergence: not reached %1 s after healing: %2")
                            .arg(m_options.convergeSeconds)
                            .arg(m_convergenceProblems.isEmpty()
                                     ? QStringLiteral("never polled")
                                     : m_convergenceProblems.join(QStringLiteral("; "))));
    }
    if (!m_history.losses().empty()) {
        const History::Loss &l = m_history.losses().front();
        failures.append(
            QStringLiteral(
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
                             .arg(s.error ? QString(QStringLiteral(", ")
                                                    + QString::fromLocal8Bit(std::strerror(s.error)))
                                          : QString()));
        }
        failures.append(
            QStringLiteral(
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
        failures.append(
            QStringLiteral(
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
                static_cast<long long>(m_strangerLines), static_cast<long long>(m_strangerBytesBack),
                m_skipped);
    std::printf(
        "  connects judged: %zu workload (worst %s ms), %zu in storms (worst %s ms, p99 %s ms); %lld "
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
            {QStringLiteral("seed"), QString::number(m_options.seed)},
            {QStringLiteral("seconds"), m_options.seconds},
            {QStringLiteral("faults"), m_options.faults},
            {QStringLiteral("wall_seconds"), seconds},
            {QStringLiteral("clients"), m_options.clients},
            {QStringLiteral("sent"), sent},
            {QStringLiteral("acknowledged"), acked},
            {QStringLiteral("sent_by_mode"),
             QJsonObject {{QStringLiteral("burst"), m_sent[0]},
                          {QStringLiteral("steady"), m_sent[1]},
                          {QStringLiteral("split"), m_sent[2]}}},
            {QStringLiteral("acknowledged_by_mode"),
             QJsonObject {{QStringLiteral("burst"), m_acked[0]},
                          {QStringLiteral("steady"), m_acked[1]},
                          {QStringLiteral("split"), m_acked[2]}}},
            {QStringLiteral("kills"), m_kills},
            {QStringLiteral("stops"), m_stops},
            {QStringLiteral("cuts"), m_cuts},
            {QStringLiteral("storms"), m_storms},
            {QStringLiteral("storm_connections"), m_stormConnections},
            {QStringLiteral("strangers"), m_strangers},
            {QStringLiteral("stranger_lines"), m_strangerLines},
            {QStringLiteral("stranger_bytes_back"), m_strangerBytesBack},
            {QStringLiteral("faults_skipped"), m_skipped},
            {QStringLiteral("connects_workload"), qint64(m_workloadNs.size())},
            {QStringLiteral("connects_storm"), qint64(m_stormNs.size())},
            {QStringLiteral("connects_not_judged"), m_connectsExcluded},
            {QStringLiteral("connects_failed"), m_connectsFailed},
            {QStringLiteral("connect_worst_ms"), double(worstNs) / 1e6},
            {QStringLiteral("connect_p99_ms"), double(percentile(allNs, 0.99)) / 1e6},
            {QStringLiteral("storm_connect_worst_ms"),
             double(m_stormNs.empty() ? 0 : *std::max_element(m_stormNs.begin(), m_stormNs.end())) / 1e6},
            {QStringLiteral("storm_connect_p99_ms"), double(percentile(m_stormNs, 0.99)) / 1e6},
            {QStringLiteral("connects_over_limit"), qint64(m_slowConnects.size())},
            {QStringLiteral("relayed_bytes"), links},
            {QStringLiteral("released"), m_history.released()},
            {QStringLiteral("released_clients"), m_releasedClients},
            {QStringLiteral("released_clients_lacking_at_end"), m_releasedGone},
            {QStringLiteral("lost"), qint64(m_history.losses().size())},
            {QStringLiteral("healing_seconds"),
             m_healedMs >= 0 ? double(m_healedMs - m_healStartMs) / 1000 : -1.0},
            {QStringLiteral("converged"), m_convergedMs >= 0},
            {QStringLiteral("convergence_seconds"),
             m_convergedMs >= 0 ? double(m_convergedMs - m_healedMs) / 1000 : -1.0},
            {QStringLiteral("poll_rounds"), m_pollRounds},
            {QStringLiteral("peak_rss_mb"), peak},
            {QStringLiteral("failures"), QJsonArray::fromStringList(failures)},
            {QStringLiteral("passed"), m_exitCode == 0},
        };
        QFile file(m_options.json);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
            || file.write(QJsonDocument(json).toJson()) < 0)
            std::fprintf(stderr, "herd-torture: cannot write %s\n", qPrintable(m_options.json));
    }
    QCoreApplication::exit(m_exitCode);
}

} // namespace HerdTorture
