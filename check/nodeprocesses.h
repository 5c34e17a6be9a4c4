// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QList>
#include <QString>

#include <atomic>
#include <memory>

#include "check/target.h"

class QProcess;

namespace Herd::Check {

// The nodes the checker starts from their `run` blocks: started before the
// rules, killed (SIGKILL, as a crash) and restarted by the fault rules, and
// stopped, every one, when the run ends however it ends. Each node runs in a
// process group of its own, so a command that is a shell script takes its
// children with it; its output goes to WORKDIR/NAME.log.
//
// Used on the checker's worker thread.
class NodeProcesses
{
public:
    NodeProcesses(const CheckTarget &target, Placeholders placeholders, QString workDir,
                  const std::atomic<bool> *cancelled);
    ~NodeProcesses(); // stopAll()
    NodeProcesses(const NodeProcesses &) = delete;
    NodeProcesses &operator=(const NodeProcesses &) = delete;

    bool canRun(const QString &node) const;
    // Starts the node and waits until its port takes connections. False,
    // with what went wrong (the program missing, its exit and last output,
    // nothing listening in time) in *error.
    bool start(const QString &node, int timeoutMs, QString *error);
    // SIGKILL to the node's process group; waits for it to go.
    void kill(const QString &node);
    bool isRunning(const QString &node) const;
    // SIGTERM, then SIGKILL to what is left after a second.
    void stopAll();
    QString logPath(const QString &node) const;
    // The last lines the node printed, for an error message.
    QString outputTail(const QString &node, int lines = 5) const;

private:
    const CheckTarget &m_target;
    Placeholders m_placeholders;
    QString m_workDir;
    const std::atomic<bool> *m_cancelled;
    QHash<QString, QProcess *> m_processes; // owned
};

// True if something takes TCP connections at host:port now.
bool isListening(const QString &host, quint16 port, int timeoutMs);
// `count` ports free now on 127.0.0.1, bound all at once so that none
// repeats, then released; empty if the system has not that many to give.
QList<quint16> freePorts(qsizetype count);

} // namespace Herd::Check
