// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/buildtree.h"
#include "tests/netnssupport.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <sys/prctl.h>

#include <csignal>

namespace NetnsSupport {

namespace {

// `up` makes five namespaces and waits up to 10 s per monitor; the rest are
// single ip commands or one request.
constexpr int UpTimeoutMs = 60'000;
constexpr int StepTimeoutMs = 15'000;

QString scriptPath()
{
    return BuildTree::sourceDir() + QStringLiteral("/tools/netns-herd.sh");
}

} // namespace

NetnsHerd::NetnsHerd() = default;

NetnsHerd::~NetnsHerd()
{
    stop();
}

QString NetnsHerd::runDir() const
{
    return m_dir.filePath(QStringLiteral("run"));
}

QString NetnsHerd::herdFile() const
{
    return runDir() + QStringLiteral("/herd.json");
}

NetnsHerd::Run NetnsHerd::script(const QStringList &arguments, int timeoutMs) const
{
    QProcess process;
    process.start(scriptPath(), arguments + QStringList {QStringLiteral("--dir"), runDir()});
    Run run;
    if (!process.waitForFinished(timeoutMs)) {
        // A step that hangs is stopped: one ip command or one request.
        process.terminate();
        if (!process.waitForFinished(StepTimeoutMs))
            process.kill();
        process.waitForFinished(StepTimeoutMs);
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

bool NetnsHerd::start(QString *error, bool *unavailable)
{
    *unavailable = false;
    if (!m_dir.isValid()) {
        *error = QStringLiteral("no temporary folder: %1").arg(m_dir.errorString());
        return false;
    }
    // Marked started first: a run cut short may have made part of a herd.
    m_started = true;
    // If this process dies without its destructor, the script still hears
    // of it and takes the herd down (its trap).
    m_up.setChildProcessModifier([] { prctl(PR_SET_PDEATHSIG, SIGTERM); });
    m_up.start(scriptPath(),
               {QStringLiteral("up"), QStringLiteral("--herd"), BuildTree::herdBinary(),
                QStringLiteral("--dir"), runDir()});
    // `up` says so once every monitor answers, and stays.
    const QDeadlineTimer deadline(UpTimeoutMs);
    QByteArray out;
    while (!out.contains("running until interrupted") && m_up.state() != QProcess::NotRunning
           && !deadline.hasExpired()) {
        m_up.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())));
        out += m_up.readAllStandardOutput();
    }
    if (m_up.state() == QProcess::NotRunning) {
        // Exit status 2: something this machine lacks, named on stderr.
        *unavailable = m_up.exitStatus() == QProcess::NormalExit && m_up.exitCode() == 2;
        *error = QString::fromLocal8Bit(m_up.readAllStandardError().trimmed());
        return false;
    }
    if (!out.contains("running until interrupted")) {
        *error = QStringLiteral("netns-herd.sh up did not bring the herd up within %1 ms").arg(UpTimeoutMs);
        return false;
    }
    return readHerd(error);
}

bool NetnsHerd::readHerd(QString *error)
{
    QFile tokenFile(runDir() + QStringLiteral("/token"));
    QFile herd(herdFile());
    if (!tokenFile.open(QIODevice::ReadOnly) || !herd.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("netns-herd.sh up left no token or herd file in %1").arg(runDir());
        return false;
    }
    m_token = tokenFile.readAll().trimmed();
    const QJsonObject nodes = QJsonDocument::fromJson(herd.readAll()).object().value(u"nodes").toObject();
    for (auto it = nodes.constBegin(); it != nodes.constEnd(); ++it) {
        const QJsonObject node = it.value().toObject();
        m_nodes.append({it.key(), node.value(u"host").toString(), quint16(node.value(u"port").toInt()),
                        QStringLiteral("http://") + node.value(u"monitor").toString()});
    }
    if (m_nodes.size() != 5) {
        *error = QStringLiteral("the herd file names %1 nodes, not 5").arg(m_nodes.size());
        return false;
    }
    return true;
}

QByteArray NetnsHerd::logOf(const QString &node) const
{
    QFile log(runDir() + QStringLiteral("/logs/") + node + QStringLiteral(".log"));
    return log.open(QIODevice::ReadOnly) ? log.readAll() : QByteArray();
}

std::optional<NetnsNode> NetnsHerd::node(const QString &name) const
{
    for (const NetnsNode &node : m_nodes) {
        if (node.name == name)
            return node;
    }
    return std::nullopt;
}

bool NetnsHerd::cut(const QString &node, QString *error)
{
    return linkStep(QStringLiteral("cut"), node, error);
}

bool NetnsHerd::mend(const QString &node, QString *error)
{
    return linkStep(QStringLiteral("mend"), node, error);
}

bool NetnsHerd::linkStep(const QString &command, const QString &node, QString *error) const
{
    const Run run = script({command, node}, StepTimeoutMs);
    if (error)
        *error = QString::fromLocal8Bit(run.err.trimmed());
    return run.exitCode == 0;
}

std::optional<QByteArray> NetnsHerd::send(const QString &node, const QByteArray &line)
{
    const Run run = script({QStringLiteral("send"), node, QString::fromUtf8(line)}, StepTimeoutMs);
    if (run.exitCode != 0)
        return std::nullopt;
    return run.out.trimmed();
}

std::optional<QByteArray> NetnsHerd::get(const QString &node, const QString &path)
{
    const Run run = script({QStringLiteral("get"), node, path}, StepTimeoutMs);
    if (run.exitCode != 0)
        return std::nullopt;
    return run.out;
}

void NetnsHerd::stop()
{
    if (!m_started)
        return;
    m_started = false;
    if (m_up.state() != QProcess::NotRunning) {
        m_up.terminate(); // the script's trap takes the herd down
        if (!m_up.waitForFinished(StepTimeoutMs))
            m_up.kill();
        m_up.waitForFinished(StepTimeoutMs);
    }
    script({QStringLiteral("down")}, StepTimeoutMs); // whatever the trap did not
}

} // namespace NetnsSupport
