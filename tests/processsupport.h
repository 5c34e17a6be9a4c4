// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTcpSocket>

#include <memory>
#include <utility>

#include "check/nodeprocesses.h"

// Helpers for suites that run the herd executable itself (tst_cli,
// tst_multiprocess, tst_scenario_cli): free ports, herd files, a herd run to
// its end, a child herd process read as it goes, and a blocking client. Every wait is bounded; none is a
// sleep, except where another process must be polled and nothing can be signalled on.
namespace ProcessSupport {

constexpr int Timeout = 10'000; // ms, for any one wait

QString herdBinary();

// `count` ports free now on 127.0.0.1 (the checker's own helper).
using Herd::Check::freePorts;
bool canBind(quint16 port);
// Whether any socket on this machine listens on `port` (/proc/net/tcp and
// tcp6). Use it, not canBind(), to check that nothing was left listening: on
// a shared machine another process's outgoing connection may hold the same
// number as its local port, which makes bind() fail with nothing listening
// (a flaky tst_cli in a clean-clone CI run).
bool listening(quint16 port);

using Nodes = QList<std::pair<QString, quint16>>;
using Links = QList<std::pair<QString, QString>>;
// A herd file on 127.0.0.1 with a short reconnect back-off; the path, or
// empty if it could not be written. Nodes named in `plain` are marked
// "protocol": "plain" (sent AT lines only, never SYNC).
QString writeHerdFile(const QString &path, const Nodes &nodes, const Links &links,
                      const QStringList &plain = {});
// Writes `contents` to `path`: the path, or empty if it could not be written.
QString writeFile(const QString &path, const QByteArray &contents);

// What a herd run to its end left.
struct Finished
{
    bool finished = false;
    int exitCode = -1;
    QProcess::ExitStatus exitStatus = QProcess::CrashExit;
    QByteArray out;
    QByteArray err;
};

// Runs herd in `workingDirectory` to completion, or kills it once
// `timeoutMs` pass.
Finished runHerd(const QStringList &arguments, const QString &workingDirectory,
                 const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment(),
                 int timeoutMs = Timeout);

// A headless herd running in a child process, its stdout read as it comes.
class HerdServer
{
public:
    ~HerdServer();

    void start(const QStringList &arguments);
    // Reads stdout until it contains `needle` `times` times, the process
    // ends, or `timeoutMs` pass.
    bool waitForOutput(const QByteArray &needle, int times = 1, int timeoutMs = Timeout);
    // Sends SIGTERM and waits for the exit.
    bool terminate();
    bool waitForExit() { return m_process.waitForFinished(Timeout); }

    QProcess &process() { return m_process; }
    const QByteArray &out() const { return m_out; }
    QByteArray err() { return m_err += m_process.readAllStandardError(); }

private:
    QProcess m_process;
    QByteArray m_out;
    QByteArray m_err;
};

// `herd --server --config <dir>/herd.json` followed by `arguments`, run in
// `dir`, on a herd of `names` linked as `links`, with ports picked free just
// before (in `ports`, in the order of `names`); returned once every node
// listens. A port taken meanwhile makes it pick again, once. Null (and a
// warning with herd's stderr) if it did not start.
std::unique_ptr<HerdServer> startHerdServer(const QString &dir, const QStringList &names, const Links &links,
                                            const QStringList &arguments, QList<quint16> *ports);

// A blocking client: the herd lives in another process.
class Client
{
public:
    bool connectTo(quint16 port);
    // Sends a line, returns the first reply line (without "\n").
    QByteArray ask(const QByteArray &line);
    QByteArray readLine();
    // Reads up to and including the empty line that ends a WHATSAT reply.
    QByteArray readUntilBlankLine();

private:
    QTcpSocket m_socket;
};

// Asks `port` WHATSAT for `clientId` until its stored AT line is `atLine`:
// how a test outside the process sees a flood arrive. Bounded. `lastSeen`,
// if given, gets the node's last answer's first line (for failure messages).
bool waitUntilKnown(quint16 port, const QByteArray &clientId, const QByteArray &atLine,
                    int timeoutMs = Timeout, QByteArray *lastSeen = nullptr);

} // namespace ProcessSupport
