// SPDX-License-Identifier: GPL-3.0-or-later
// The end of a run: heal everything, poll every node for every client
// until they agree with the history (or the deadline passes), then stop the
// herd.

#include "bench/torture/torture.h"

#include <QTimer>

#include <algorithm>
#include <cstdio>

#include <signal.h>

#include "bench/torture/clients.h"
#include "bench/torture/herdlines.h"
#include "bench/torture/poller.h"
#include "bench/torture/relay.h"

namespace HerdTorture {

namespace {

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

} // namespace

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
                                + (line.isEmpty()  ? QStringLiteral("nothing")
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

} // namespace HerdTorture
