// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QProcess>
#include <QStringList>
#include <QTimer>

#include <array>
#include <memory>
#include <random>
#include <vector>

#include "bench/torture/connector.h"
#include "bench/torture/history.h"
#include "bench/torture/settings.h"

class QFile;

// herd-torture's run: the herd's processes, the relays on its links, the
// clients, the faults, and in the end convergence and the report. The
// Torture object owns all of it; its members live in torture.cpp (the
// processes and what the clients tell), faults.cpp, convergence.cpp and
// report.cpp.
namespace HerdTorture {

struct Options
{
    QString herd;
    int seconds = 60;
    quint64 seed = 0;
    int clients = 300;
    QString workDir;
    bool verbose = false;
    int convergeSeconds = 60;
    int maxRssMb = 512;
    bool faults = true;
    QString json;
};

enum class NodeState { Down, Starting, Running, Stopped };
enum class Mode { Burst, Steady, Split };
constexpr std::array<const char *, 3> ModeNames {"burst", "steady", "split"};
enum class Phase { Starting, Faults, Healing, Converging, Stopping, Done };

struct NodeRun
{
    QString name;
    QByteArray nameUtf8;
    quint16 port = 0;
    QList<int> neighbours;
    QProcess *process = nullptr;
    NodeState state = NodeState::Down;
    int incarnation = 0;
    qint64 pid = 0;
    bool killedByUs = false;
    bool deathPending = false; // dead, its sockets not all closed yet
    bool restartWhenReaped = false;
    QByteArray stdoutLine; // the unfinished last line of its stdout
    QFile *stdoutLog = nullptr;
    qint64 peakRssKb = 0;
    qint64 continuedMs = std::numeric_limits<qint64>::min() / 2; // the last SIGCONT
};

// One IAMAT sent, awaiting its reply.
struct Sent
{
    int client;
    qint64 time;
    QByteArray tail; // "<client> <position> <time>", as the AT reply must echo it
};

struct Example
{
    qint64 count = 0;
    QString first;
    void add(const QString &what)
    {
        if (count++ == 0)
            first = what;
    }
};

class Relay;
class RelayPair;
class WorkloadConn;
class Poller;
class Stranger;

class Torture : public QObject
{
public:
    Torture(Options options, QString workDir);
    ~Torture() override;
    void start();
    int exitCode() const { return m_exitCode; }

    // For the parts of the run below.
    qint64 nowMs() const { return m_clock.elapsed(); }
    History &history() { return m_history; }
    Connector &connector() { return *m_connector; }
    std::mt19937_64 &workRng() { return m_workRng; }
    const NodeRun &node(int i) const { return m_nodes[std::size_t(i)]; }
    bool faultPhase() const { return m_phase == Phase::Faults; }
    // The node's process is alive and listening (or stopped), this incarnation.
    bool up(int node, int incarnation) const;
    bool accepting(int node) const;
    // An AT line of a workload client: its client index and time.
    bool parseAt(QByteArrayView line, int *client, qint64 *time) const;
    void socketClosed();
    void nextIamat(QByteArray &out, Sent &sent);
    void iamatSent(Mode mode) { ++m_sent[std::size_t(mode)]; }
    void acked(int node, int incarnation, const Sent &sent, qint64 atMs, Mode mode);
    void wrongReply(int node, const Sent &sent, QByteArrayView reply);
    void closedWhileUp(int node, Mode mode, std::size_t unanswered);
    void recordConnect(int node, const Connector::Result &result);
    void strangerDone(Stranger *stranger, qint64 bytesBack);
    void connectorDone();
    void pollDone();
    void fatal(const QString &why);
    void say(const QString &text) const;

private:
    void writeHerdFile(int i);
    void startNode(int i);
    void onStdout(int i, QProcess *process);
    void onListening(int i);
    void onExited(int i, QProcess *process, int code, QProcess::ExitStatus status);
    void settle(int i, bool force);
    void restartNode(int i);
    void setHealth(int i);
    Relay *relay(int from, int to) const;
    void setTargetUp(int node, bool up);
    void beginFaults();
    void scheduleFault();
    void fault();
    bool faultKill();
    bool faultStop();
    bool faultCut();
    bool faultStorm();
    bool faultStranger();
    QByteArray strangerPayload(int node, int *lines);
    void sampleRss();
    void heal();
    void checkHealed();
    void pollRound();
    void evaluateRound();
    void shutdown();
    void finishRun();
    void report();

    Options m_options;
    QString m_workDir;
    QElapsedTimer m_clock;
    Phase m_phase = Phase::Starting;
    std::array<NodeRun, NodeCount> m_nodes;
    std::array<std::array<quint16, NodeCount>, NodeCount> m_relayPorts {};
    std::vector<Relay *> m_relays;
    std::vector<WorkloadConn *> m_workload;
    std::vector<Poller *> m_pollers;
    Health m_health;
    std::unique_ptr<Connector> m_connector;
    History m_history;
    std::vector<QByteArray> m_clientIds;
    QHash<QByteArray, int> m_clientIndex;
    std::vector<qint64> m_lastTime;
    std::mt19937_64 m_faultRng, m_workRng, m_strangerRng;
    QTimer m_faultTimer, m_rssTimer;
    bool m_stormActive = false;
    QList<Stranger *> m_strangersActive;

    // What happened.
    std::array<qint64, 3> m_sent {}, m_acked {};
    int m_kills = 0, m_stops = 0, m_cuts = 0, m_storms = 0, m_strangers = 0, m_skipped = 0;
    qint64 m_stormConnections = 0, m_strangerLines = 0, m_strangerBytesBack = 0;
    std::vector<qint64> m_stormNs, m_workloadNs;
    qint64 m_connectsExcluded = 0, m_connectsFailed = 0;
    struct SlowConnect
    {
        qint64 ns;
        int node;
        bool storm;
        qint64 atMs;
        int error;
    };
    std::vector<SlowConnect> m_slowConnects;
    Example m_wrongReplies, m_closedWhileUp;
    qint64 m_unansweredWhileUp = 0;
    QStringList m_unexpectedExits;
    QString m_fatal;        // the herd could not be run (exit 2)
    QString m_restartFault; // a node did not come back (a failed check)
    qint64 m_healStartMs = -1, m_healedMs = -1, m_convergedMs = -1;
    qint64 m_pollRounds = 0;
    int m_pollsPending = 0;
    QStringList m_convergenceProblems;
    int m_releasedClients = 0, m_releasedGone = 0;
    int m_exitCode = 0;
};

} // namespace HerdTorture
