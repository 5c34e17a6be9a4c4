// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/torture/torture.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "bench/benchsupport.h"
#include "bench/torture/clients.h"
#include "bench/torture/herdlines.h"
#include "bench/torture/poller.h"
#include "bench/torture/relay.h"

namespace HerdTorture {

namespace {

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

} // namespace

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
        m_relays.push_back(new Relay(*this, a, b, m_relayPorts[std::size_t(a)][std::size_t(b)],
                                     m_nodes[std::size_t(b)].port));
        m_relays.push_back(new Relay(*this, b, a, m_relayPorts[std::size_t(b)][std::size_t(a)],
                                     m_nodes[std::size_t(a)].port));
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
                     QJsonObject {{QStringLiteral("host"), QStringLiteral("127.0.0.1")},
                                  {QStringLiteral("port"), port}});
    }
    QJsonArray links;
    for (const auto &[a, b] : Links)
        links.append(QJsonArray {m_nodes[std::size_t(a)].name, m_nodes[std::size_t(b)].name});
    const QJsonObject herd {
        {QStringLiteral("name"),
         QStringLiteral("herd-torture, as %1 sees it").arg(m_nodes[std::size_t(i)].name)},
        {QStringLiteral("nodes"), nodes},
        {QStringLiteral("links"), links},
        {QStringLiteral("resync"), true},
        {QStringLiteral("reconnect"),
         QJsonObject {{QStringLiteral("initialMs"), 50}, {QStringLiteral("maxMs"), 500}}},
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
    process->setArguments({QStringLiteral("--server"), QStringLiteral("--config"),
                           QDir(m_workDir).filePath(n.name + QStringLiteral(".json")),
                           QStringLiteral("--node"), n.name, QStringLiteral("--log"),
                           QStringLiteral("none")});
    process->setStandardErrorFile(QDir(m_workDir).filePath(n.name + QStringLiteral(".stderr")),
                                  QIODevice::Append);
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
    connect(process, &QProcess::finished, this, [this, i, process](int code, QProcess::ExitStatus status) {
        onExited(i, process, code, status);
    });
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
    const QString exit =
        QStringLiteral("%1 exited on its own at +%2 s (%3)%4")
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
    qsizetype fields[6] = {0};
    int count = 1;
    for (qsizetype i = 0; i < line.size() && count < 6; ++i)
        if (line[i] == ' ')
            fields[count++] = i + 1;
    if (count != 6 || line.indexOf(' ', fields[5]) >= 0)
        return false;
    const auto it =
        m_clientIndex.constFind(QByteArray::fromRawData(line.data() + fields[3], fields[4] - fields[3] - 1));
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
    const qint64 time = std::max<qint64>(Bench::realNs(), m_lastTime[std::size_t(client)] + 1);
    m_lastTime[std::size_t(client)] = time;
    std::uniform_real_distribution<double> step(-0.05, 0.05);
    char position[64];
    const int n = std::snprintf(position, sizeof position, "%+.6f%+.6f", 34.068930 + step(m_workRng),
                                -118.445127 + step(m_workRng));
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
    m_wrongReplies.add(
        QStringLiteral("%1 answered \"%2\" to \"IAMAT %3\"")
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
        m_slowConnects.push_back({result.ns, node, false, nowMs(), result.error});
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

} // namespace HerdTorture
