// SPDX-License-Identifier: GPL-3.0-or-later
// The fault phase: the workload starts, and every 0.5 to 2 s a fault drawn
// from --seed: a kill, a stop, a cut, a connection storm or a stranger.

#include "bench/torture/torture.h"

#include <QTimer>

#include <algorithm>

#include <signal.h>

#include "bench/benchsupport.h"
#include "bench/torture/clients.h"
#include "bench/torture/herdlines.h"
#include "bench/torture/relay.h"

namespace HerdTorture {

namespace {

// Draws one of `candidates`, or -1 if there are none; one draw either way,
// so that the rest of the schedule does not depend on who was eligible.
template <typename Rng> int pick(Rng &rng, const QList<int> &candidates)
{
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return candidates.isEmpty()
        ? -1
        : candidates[std::min(candidates.size() - 1, qsizetype(u * double(candidates.size())))];
}

} // namespace

void Torture::beginFaults()
{
    m_phase = Phase::Faults;
    say(QStringLiteral("all nodes listening; faults and load for %1 s").arg(m_options.seconds));
    // Several connections per node, each its own way of sending.
    for (int i = 0; i < NodeCount; ++i)
        for (const Mode mode : {Mode::Burst, Mode::Burst, Mode::Steady, Mode::Split})
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
                    m_slowConnects.push_back({ns, r.node, true, atMs, 0});
            for (const auto &[error, ns] : r.judgedFailures) {
                ++m_connectsFailed;
                m_slowConnects.push_back({ns, r.node, true, atMs, error});
            }
            const qint64 worst =
                r.judgedNs.empty() ? 0 : *std::max_element(r.judgedNs.begin(), r.judgedNs.end());
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
        const QByteArray neighbour =
            m_nodes[std::size_t(n.neighbours[below(int(n.neighbours.size()))])].nameUtf8;
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
                + QByteArray::number(below(50)) + " +34.000000-118.000000 " + timeText(Bench::realNs());
            break;
        }
        text += '\n';
    }
    return text;
}

} // namespace HerdTorture
