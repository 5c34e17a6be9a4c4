// SPDX-License-Identifier: GPL-3.0-or-later
// herd-idle: what does one idle client connection cost a node in memory?
//
// Starts `herd --server` on a one-node herd (127.0.0.1, a port the OS picks),
// raises the open-file limit for itself and the server (setrlimit, up to the
// hard limit), opens N client connections that never send a byte, and reads
// the server's resident set size (VmRSS in /proc/<pid>/status) before and
// after: (after - before) / N is the user-space memory per connection.
// Kernel socket buffers are not in VmRSS and not counted.
//
// "All N accepted" is known without polling: once every connect() has
// completed, the connections sit in the listen socket's accept queue (or
// have been accepted); a probe connection made after them is accepted after
// them (the queue is FIFO), so when the probe's line is answered, the node
// holds every one of them. The same probe runs once before the baseline, so
// first-use costs (the read buffer, the log file) are in both readings.
// Then every connection is checked to be still open (not refused by
// limits.maxConnections).
//
//   build/bin/herd-idle [--connections 10000] [--herd PATH] [--timeout 600] [--hold S] [--json FILE]
//   build/bin/herd-idle --pid PID --port PORT    # a server already running (e.g. under heaptrack)

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

namespace {

// Connects in flight at once: the node's listen backlog is small (Qt's
// default is 50), and a SYN that finds the accept queue full is dropped and
// retried only after a second, which would measure the backoff, not the node.
constexpr int ConnectWindow = 32;
// Descriptors besides the connections: stdio, the probe, epoll, Qt's own.
constexpr rlim_t SpareFiles = 64;

// The server we started, if any: never left running when we give up.
QProcess *g_herd = nullptr;

[[noreturn]] void die(const QString &what, int status = 1)
{
    std::fprintf(stderr, "herd-idle: %s\n", qPrintable(what));
    if (g_herd && g_herd->state() != QProcess::NotRunning) {
        g_herd->kill();
        g_herd->waitForFinished(5'000);
    }
    std::exit(status);
}

// VmRSS of `pid` in bytes, from /proc/<pid>/status.
qint64 rssBytes(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        die(QStringLiteral("cannot read %1: is process %2 running?").arg(status.fileName()).arg(pid));
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    die(QStringLiteral("no VmRSS line in %1").arg(status.fileName()));
}

// Raises the soft open-file limit to `needed` (children inherit it), or says
// why it cannot.
void raiseFileLimit(rlim_t needed)
{
    rlimit limit {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        die(QStringLiteral("getrlimit(RLIMIT_NOFILE): %1").arg(QString::fromLocal8Bit(std::strerror(errno))));
    if (limit.rlim_cur >= needed)
        return;
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < needed) {
        die(QStringLiteral("%1 connections need an open-file limit of %2 in this process and in the server, "
                           "but the hard limit (RLIMIT_NOFILE, `ulimit -Hn`) is %3. Raise it (as root: "
                           "`ulimit -Hn %2`, or `nofile` in /etc/security/limits.conf) or ask for at most "
                           "--connections %4.")
                .arg(needed - SpareFiles)
                .arg(needed)
                .arg(limit.rlim_max)
                .arg(limit.rlim_max - SpareFiles),
            2);
    }
    limit.rlim_cur = needed;
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0)
        die(QStringLiteral("setrlimit(RLIMIT_NOFILE, %1): %2")
                .arg(needed)
                .arg(QString::fromLocal8Bit(std::strerror(errno))));
}

int socketTo(quint16 port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        die(QStringLiteral("socket(): %1").arg(QString::fromLocal8Bit(std::strerror(errno))));
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0
        && errno != EINPROGRESS)
        die(QStringLiteral("connect(127.0.0.1:%1): %2")
                .arg(port)
                .arg(QString::fromLocal8Bit(std::strerror(errno))));
    return fd;
}

// One line to the node on a fresh connection, and its one-line answer. The
// line is invalid on purpose ("? ..." back): it stores nothing.
void probe(quint16 port, const QDeadlineTimer &deadline)
{
    const int fd = socketTo(port);
    pollfd p {fd, POLLOUT, 0};
    if (::poll(&p, 1, int(deadline.remainingTime())) != 1)
        die(QStringLiteral("probe: no connection to 127.0.0.1:%1 in time").arg(port));
    const char line[] = "herd-idle probe\n";
    if (::send(fd, line, sizeof line - 1, MSG_NOSIGNAL) != ssize_t(sizeof line - 1))
        die(QStringLiteral("probe: send failed: %1").arg(QString::fromLocal8Bit(std::strerror(errno))));
    std::string reply;
    while (reply.find('\n') == std::string::npos) {
        p = {fd, POLLIN, 0};
        if (::poll(&p, 1, int(deadline.remainingTime())) != 1)
            die(QStringLiteral("probe: no answer from 127.0.0.1:%1 in time").arg(port));
        char buffer[256];
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0)
            die(QStringLiteral("probe: the node closed the connection (is limits.maxConnections reached?)"));
        reply.append(buffer, size_t(n));
    }
    if (reply.rfind("? herd-idle probe", 0) != 0)
        die(QStringLiteral("probe: unexpected answer \"%1\"").arg(QString::fromStdString(reply).trimmed()));
    ::close(fd);
}

// Opens `count` connections, at most ConnectWindow connecting at once.
std::vector<int> openIdle(quint16 port, int count, const QDeadlineTimer &deadline)
{
    std::vector<int> open;
    open.reserve(size_t(count));
    const int epoll = ::epoll_create1(EPOLL_CLOEXEC);
    int connecting = 0;
    int started = 0;
    while (int(open.size()) < count) {
        while (connecting < ConnectWindow && started < count) {
            const int fd = socketTo(port);
            epoll_event event {};
            event.events = EPOLLOUT;
            event.data.fd = fd;
            ::epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
            ++connecting;
            ++started;
        }
        epoll_event events[ConnectWindow];
        const int n =
            ::epoll_wait(epoll, events, ConnectWindow, int(std::max<qint64>(0, deadline.remainingTime())));
        if (n == 0 || deadline.hasExpired())
            die(QStringLiteral("only %1 of %2 connections opened in time").arg(open.size()).arg(count));
        for (int i = 0; i < n; ++i) {
            const int fd = events[i].data.fd;
            int error = 0;
            socklen_t length = sizeof error;
            ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
            if (error != 0)
                die(QStringLiteral("connection %1 failed: %2")
                        .arg(open.size() + 1)
                        .arg(QString::fromLocal8Bit(std::strerror(error))));
            ::epoll_ctl(epoll, EPOLL_CTL_DEL, fd, nullptr);
            --connecting;
            open.push_back(fd);
        }
    }
    ::close(epoll);
    return open;
}

// Every connection is still open: the node did not refuse it.
int countClosed(const std::vector<int> &fds)
{
    int closed = 0;
    for (const int fd : fds) {
        char byte;
        const ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
            ++closed;
    }
    return closed;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("herd-idle"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Memory per idle client connection of one herd node: RSS of `herd --server` before and after N\n"
        "connections that send nothing. Raises the open-file limit up to the hard limit."));
    parser.addHelpOption();
    const QCommandLineOption connectionsOption(QStringLiteral("connections"),
                                               QStringLiteral("idle connections to open (default 10000)"),
                                               QStringLiteral("N"), QStringLiteral("10000"));
    const QCommandLineOption herdOption(QStringLiteral("herd"),
                                        QStringLiteral("the herd executable (default: next to this one)"),
                                        QStringLiteral("PATH"));
    const QCommandLineOption pidOption(QStringLiteral("pid"),
                                       QStringLiteral("measure this running server instead (with --port)"),
                                       QStringLiteral("PID"));
    const QCommandLineOption portOption(QStringLiteral("port"),
                                        QStringLiteral("its node's port on 127.0.0.1 (with --pid)"),
                                        QStringLiteral("PORT"));
    const QCommandLineOption timeoutOption(
        QStringLiteral("timeout"), QStringLiteral("seconds to open them all before giving up (default 600)"),
        QStringLiteral("S"), QStringLiteral("600"));
    const QCommandLineOption holdOption(
        QStringLiteral("hold"),
        QStringLiteral("keep the connections open this many seconds after "
                       "measuring (to load the node meanwhile, e.g. with herd-load)"),
        QStringLiteral("S"), QStringLiteral("0"));
    const QCommandLineOption jsonOption(QStringLiteral("json"),
                                        QStringLiteral("also write the result as JSON to FILE"),
                                        QStringLiteral("FILE"));
    parser.addOptions(
        {connectionsOption, herdOption, pidOption, portOption, timeoutOption, holdOption, jsonOption});
    parser.process(app);

    bool ok = false;
    const int connections = parser.value(connectionsOption).toInt(&ok);
    if (!ok || connections < 1)
        die(QStringLiteral("--connections must be a positive number, not \"%1\"")
                .arg(parser.value(connectionsOption)),
            2);
    const int timeoutS = parser.value(timeoutOption).toInt(&ok);
    if (!ok || timeoutS < 1)
        die(QStringLiteral("--timeout must be a positive number of seconds, not \"%1\"")
                .arg(parser.value(timeoutOption)),
            2);
    if (parser.isSet(pidOption) != parser.isSet(portOption))
        die(QStringLiteral("--pid and --port go together"), 2);
    // Our connections and, when we start it, the server's accepted ones.
    raiseFileLimit(rlim_t(connections) + SpareFiles);

    QTemporaryDir work;
    QProcess herd;
    qint64 pid = 0;
    quint16 port = 0;
    if (parser.isSet(pidOption)) {
        pid = parser.value(pidOption).toLongLong(&ok);
        if (!ok || pid <= 0)
            die(QStringLiteral("bad --pid \"%1\"").arg(parser.value(pidOption)), 2);
        port = parser.value(portOption).toUShort(&ok);
        if (!ok || port == 0)
            die(QStringLiteral("bad --port \"%1\"").arg(parser.value(portOption)), 2);
    } else {
        const QString program = parser.isSet(herdOption)
            ? parser.value(herdOption)
            : QCoreApplication::applicationDirPath() + QStringLiteral("/herd");
        if (!QFileInfo::exists(program))
            die(QStringLiteral("no herd executable at %1 (build it, or give --herd PATH)").arg(program), 2);
        if (!work.isValid())
            die(QStringLiteral("cannot make a temporary directory"));
        // One node, no neighbours, offline places; room for every connection
        // and the probes under limits.maxConnections.
        const QString config = work.filePath(QStringLiteral("idle-herd.json"));
        QFile file(config);
        if (!file.open(QIODevice::WriteOnly))
            die(QStringLiteral("cannot write %1").arg(config));
        file.write(QJsonDocument(
                       QJsonObject {
                           {QStringLiteral("name"), QStringLiteral("herd-idle: one node")},
                           {QStringLiteral("nodes"),
                            QJsonObject {{QStringLiteral("Solo"),
                                          QJsonObject {{QStringLiteral("host"), QStringLiteral("127.0.0.1")},
                                                       {QStringLiteral("port"), 0}}}}},
                           {QStringLiteral("links"), QJsonArray {}},
                           {QStringLiteral("limits"),
                            QJsonObject {{QStringLiteral("maxConnections"), connections + 16}}},
                       })
                       .toJson());
        file.close();
        g_herd = &herd;
        herd.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        herd.start(program,
                   {QStringLiteral("--server"), QStringLiteral("--config"), config,
                    QStringLiteral("--log-dir"), work.filePath(QStringLiteral("logs"))});
        if (!herd.waitForStarted(10'000))
            die(QStringLiteral("cannot start %1: %2").arg(program, herd.errorString()));
        pid = herd.processId();
        // "Solo listening on 127.0.0.1:PORT, ..."
        static const QRegularExpression listening(QStringLiteral("listening on 127\\.0\\.0\\.1:(\\d+)"));
        QByteArray output;
        const QDeadlineTimer started(20'000);
        while (port == 0) {
            if (!herd.canReadLine()
                && !herd.waitForReadyRead(int(std::max<qint64>(1, started.remainingTime()))))
                die(QStringLiteral("herd did not say it was listening:\n%1")
                        .arg(QString::fromLocal8Bit(output)));
            output += herd.readAll();
            const QRegularExpressionMatch match = listening.match(QString::fromLocal8Bit(output));
            if (match.hasMatch())
                port = match.captured(1).toUShort();
        }
    }

    const QDeadlineTimer deadline(qint64(timeoutS) * 1000);
    probe(port, deadline);
    const qint64 before = rssBytes(pid);
    QElapsedTimer opening;
    opening.start();
    std::vector<int> fds = openIdle(port, connections, deadline);
    probe(port, deadline);
    const double openSeconds = double(opening.elapsed()) / 1000;
    const qint64 after = rssBytes(pid);
    const int closed = countClosed(fds);
    if (closed > 0)
        die(QStringLiteral("%1 of %2 connections were closed by the node").arg(closed).arg(connections));

    const double perConnection = double(after - before) / connections;
    std::printf("herd-idle: %d idle connections to one node (pid %lld, port %u)\n", connections,
                static_cast<long long>(pid), unsigned(port));
    std::printf("  RSS before %.1f MiB, after %.1f MiB: %.0f bytes per connection (target <= 8192)\n",
                before / 1048576.0, after / 1048576.0, perConnection);
    std::printf("  opening and accepting them took %.1f s (%d connecting at once)\n", openSeconds,
                ConnectWindow);
    std::fflush(stdout);
    if (const int holdS = parser.value(holdOption).toInt(); holdS > 0) {
        // Holding, not synchronising: the connections stay idle while
        // someone else loads the node.
        std::printf("  holding them for %d s\n", holdS);
        std::fflush(stdout);
        ::sleep(unsigned(holdS));
    }
    for (const int fd : fds)
        ::close(fd);

    if (parser.isSet(jsonOption)) {
        QFile json(parser.value(jsonOption));
        if (!json.open(QIODevice::WriteOnly | QIODevice::Truncate))
            die(QStringLiteral("cannot write %1").arg(json.fileName()));
        json.write(QJsonDocument(QJsonObject {{QStringLiteral("connections"), connections},
                                              {QStringLiteral("rss_before_bytes"), before},
                                              {QStringLiteral("rss_after_bytes"), after},
                                              {QStringLiteral("open_seconds"), openSeconds},
                                              {QStringLiteral("bytes_per_connection"), perConnection}})
                       .toJson());
    }
    if (herd.state() != QProcess::NotRunning) {
        herd.terminate();
        if (!herd.waitForFinished(10'000))
            herd.kill();
    }
    return 0;
}
