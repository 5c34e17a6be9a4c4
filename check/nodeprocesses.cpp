// SPDX-License-Identifier: GPL-3.0-or-later
#include "check/nodeprocesses.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QTcpServer>

#include <csignal>
#include <memory>
#include <vector>
#include <sys/prctl.h>
#include <unistd.h>

#include "check/probe.h"

namespace Herd::Check {

bool isListening(const QString &host, quint16 port, int timeoutMs)
{
    Probe probe(nullptr, {}, nullptr);
    return probe.connectTo(host, port, timeoutMs);
}

namespace {

// The lowest of the kernel's ephemeral ports: the source ports of outgoing
// connections and what listen(port 0) hands out.
int ephemeralLow()
{
    QFile file(QStringLiteral("/proc/sys/net/ipv4/ip_local_port_range"));
    if (file.open(QIODevice::ReadOnly)) {
        bool ok = false;
        const int low = file.readAll().simplified().split(' ').value(0).toInt(&ok);
        if (ok)
            return low;
    }
    return 32768;
}

} // namespace

QList<quint16> freePorts(qsizetype count)
{
    // Ports are picked below the ephemeral range: a port picked there may
    // be taken, between the pick and its node's listen, by another
    // process's outgoing connection or listen(0), as parallel tests do.
    // Below it only another explicit pick can collide, and picks are random.
    const int high = ephemeralLow();
    constexpr int Low = 10000;
    const bool below = high - Low >= 4 * count + 1000;
    std::vector<std::unique_ptr<QTcpServer>> servers; // all held at once: no repeats
    QList<quint16> ports;
    for (int attempt = 0; ports.size() < count && attempt < 64 * count; ++attempt) {
        auto server = std::make_unique<QTcpServer>();
        const quint16 wanted = below ? quint16(QRandomGenerator::global()->bounded(Low, high)) : 0;
        if (!server->listen(QHostAddress::LocalHost, wanted))
            continue;
        ports.append(server->serverPort());
        servers.push_back(std::move(server));
    }
    if (ports.size() < count)
        return {};
    return ports;
}

NodeProcesses::NodeProcesses(const CheckTarget &target, Placeholders placeholders, QString workDir,
                             const std::atomic<bool> *cancelled)
    : m_target(target)
    , m_placeholders(std::move(placeholders))
    , m_workDir(std::move(workDir))
    , m_cancelled(cancelled)
{}

NodeProcesses::~NodeProcesses()
{
    stopAll();
}

bool NodeProcesses::canRun(const QString &node) const
{
    const NodeConfig *config = m_target.config.node(node);
    return config && config->run;
}

QString NodeProcesses::logPath(const QString &node) const
{
    return QDir(m_workDir).filePath(node + u".log");
}

bool NodeProcesses::start(const QString &name, int timeoutMs, QString *error)
{
    const NodeConfig *node = m_target.config.node(name);
    if (!node || !node->run) {
        *error = name + u": has no \"run\" in the herd file";
        return false;
    }
    kill(name);
    if (isListening(node->host, node->port, 200)) {
        *error = QStringLiteral("%1: something already listens on %2:%3; stop it, or remove \"run\" "
                                "to check it as found")
                     .arg(name, node->host)
                     .arg(node->port);
        return false;
    }
    QStringList command;
    for (const QString &part : node->run->command)
        command.append(expandPlaceholders(part, *node, m_placeholders));
    auto *process = new QProcess;
    m_processes.insert(name, process);
    process->setProgram(command.takeFirst());
    process->setArguments(command);
    process->setWorkingDirectory(m_target.workingDirectory(*node));
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const auto &[key, value] : node->run->env)
        environment.insert(key, expandPlaceholders(value, *node, m_placeholders));
    process->setProcessEnvironment(environment);
    process->setProcessChannelMode(QProcess::MergedChannels);
    process->setStandardOutputFile(logPath(name), QIODevice::Append);
    // A group of its own, to kill a shell script's children too; and gone
    // if the checker's thread dies without stopping it.
    process->setChildProcessModifier([] {
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    });
    process->start();
    if (!process->waitForStarted(timeoutMs)) {
        *error =
            QStringLiteral("%1: cannot start %2: %3").arg(name, process->program(), process->errorString());
        return false;
    }
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired() && !(m_cancelled && m_cancelled->load())) {
        if (isListening(node->host, node->port, 100))
            return true;
        if (process->waitForFinished(100)) {
            *error =
                QStringLiteral("%1: %2 exited with status %3 before listening on %4:%5; its last output:\n%6")
                    .arg(name, process->program())
                    .arg(process->exitCode())
                    .arg(node->host)
                    .arg(node->port)
                    .arg(outputTail(name));
            return false;
        }
    }
    *error = QStringLiteral("%1: nothing listens on %2:%3 %4 ms after starting %5; its last output:\n%6")
                 .arg(name, node->host)
                 .arg(node->port)
                 .arg(timeoutMs)
                 .arg(process->program(), outputTail(name));
    return false;
}

void NodeProcesses::kill(const QString &node)
{
    QProcess *process = m_processes.take(node);
    if (!process)
        return;
    if (process->state() != QProcess::NotRunning) {
        ::kill(-pid_t(process->processId()), SIGKILL);
        process->waitForFinished(5000);
    }
    delete process;
}

bool NodeProcesses::isRunning(const QString &node) const
{
    QProcess *process = m_processes.value(node);
    // No event loop runs on this thread to tell QProcess of an exit: a wait
    // of no time does.
    return process && process->state() == QProcess::Running && !process->waitForFinished(0);
}

void NodeProcesses::stopAll()
{
    for (QProcess *process : std::as_const(m_processes)) {
        if (process->state() != QProcess::NotRunning)
            ::kill(-pid_t(process->processId()), SIGTERM);
    }
    for (QProcess *process : std::as_const(m_processes)) {
        if (process->state() != QProcess::NotRunning && !process->waitForFinished(1000)) {
            ::kill(-pid_t(process->processId()), SIGKILL);
            process->waitForFinished(5000);
        }
        delete process;
    }
    m_processes.clear();
}

QString NodeProcesses::outputTail(const QString &node, int lines) const
{
    QFile file(logPath(node));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("(no output)");
    if (file.size() > 8192)
        file.seek(file.size() - 8192);
    QStringList all = QString::fromUtf8(file.readAll()).trimmed().split(u'\n');
    if (all.size() > lines)
        all = all.mid(all.size() - lines);
    const QString text = all.join(u'\n');
    return text.isEmpty() ? QStringLiteral("(no output)") : text;
}

} // namespace Herd::Check
