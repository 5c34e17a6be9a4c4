// SPDX-License-Identifier: GPL-3.0-or-later
// A real herd across processes: five `herd --server --node X` children on
// loopback, clients sending all along; one is killed with SIGKILL (no
// clean-up, memory gone), restarted, and every node must end up holding
// each client's newest acknowledged update: none is lost, not even those
// of clients that went quiet while it was down.

#include <QElapsedTimer>
#include <QFile>
#include <QSet>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <poll.h>
#include <signal.h>

#include <memory>
#include <vector>

#include "herd/config/herdconfig.h"
#include "tests/processsupport.h"

using namespace Qt::StringLiterals;
using namespace ProcessSupport;

namespace {

// One phone: sends an IAMAT, waits for its AT line (the acknowledgement),
// sends the next with a later time, and so on, to one node after another.
// When its node goes away it moves on to the next and sends again.
class Phone final : public QObject
{
public:
    Phone(const QByteArray &id, const QList<quint16> &ports, int first)
        : m_id(id)
        , m_ports(ports)
        , m_next(first)
    {
        connect(&m_socket, &QTcpSocket::connected, this, &Phone::send);
        connect(&m_socket, &QTcpSocket::readyRead, this, &Phone::onReadyRead);
        connect(&m_socket, &QTcpSocket::errorOccurred, this, &Phone::moveOn);
    }

    void start() { moveOn(); }
    // Stops after the update in flight, if any, is acknowledged.
    void stop() { m_stopping = true; }
    bool isIdle() const { return m_stopping && !m_waiting; }

    int acknowledged() const { return m_acknowledged; }
    const QByteArray &lastAcknowledged() const { return m_lastAt; }
    const QByteArray &id() const { return m_id; }

private:
    void moveOn()
    {
        m_waiting = false;
        m_buffer.clear();
        m_socket.abort();
        if (m_stopping)
            return;
        m_socket.connectToHost(QHostAddress::LocalHost, m_ports[m_next++ % m_ports.size()]);
    }

    void send()
    {
        if (m_stopping)
            return;
        // Client times strictly increase, so each update is newer than the last.
        ++m_sequence;
        m_socket.write("IAMAT " + m_id + " +34.068930-118.445127 1700000000."
                       + QByteArray::number(m_sequence).rightJustified(9, '0') + '\n');
        m_waiting = true;
    }

    void onReadyRead()
    {
        m_buffer += m_socket.readAll();
        const qsizetype end = m_buffer.indexOf('\n');
        if (end < 0)
            return;
        const QByteArray line = m_buffer.left(end);
        m_buffer.remove(0, end + 1);
        m_waiting = false;
        if (line.startsWith("AT ")) {
            ++m_acknowledged;
            m_lastAt = line;
        }
        send();
    }

    QByteArray m_id;
    QList<quint16> m_ports;
    int m_next;
    QTcpSocket m_socket;
    QByteArray m_buffer;
    QByteArray m_lastAt;
    int m_sequence = 0;
    int m_acknowledged = 0;
    bool m_waiting = false;
    bool m_stopping = false;
};

} // namespace

class TestMultiprocess final : public QObject
{
    Q_OBJECT

private slots:
    void sigkillAndRestartLosesNothing();
    void answeredUpdatesLeaveBeforeTheAnswers();
};

void TestMultiprocess::sigkillAndRestartLosesNothing()
{
    QString error;
    const std::optional<Herd::HerdConfig> preset = Herd::HerdConfig::preset(u"alford"_s, &error);
    QVERIFY2(preset, qPrintable(error));
    const QStringList names = preset->nodeNames();
    QTemporaryDir dir;
    QVERIFY(dir.isValid());

    std::map<QString, std::unique_ptr<HerdServer>> servers;
    QList<quint16> ports;
    QString file;
    auto startNode = [&](const QString &name) {
        auto server = std::make_unique<HerdServer>();
        server->start(
            {u"--server"_s, u"--config"_s, file, u"--node"_s, name, u"--log-dir"_s, dir.filePath(u"logs"_s)});
        servers[name] = std::move(server);
    };
    // Ports are picked free just before use; if one is taken meanwhile, try once more.
    for (int attempt = 0; attempt < 2; ++attempt) {
        servers.clear();
        ports = freePorts(int(names.size()));
        QCOMPARE(ports.size(), names.size());
        Nodes nodes;
        for (qsizetype i = 0; i < names.size(); ++i)
            nodes.append({names[i], ports[i]});
        file = writeHerdFile(dir.filePath(u"herd.json"_s), nodes, preset->links);
        QVERIFY(!file.isEmpty());
        for (const QString &name : names)
            startNode(name);
        bool allUp = true;
        for (const QString &name : names)
            allUp = servers[name]->waitForOutput(" listening on ") && allUp;
        if (allUp)
            break;
        QVERIFY2(attempt == 0, "a herd process did not start twice in a row");
    }
    auto linksUp = [&](const QString &name) {
        for (const QString &neighbour : preset->neighboursOf(name)) {
            const QByteArray up = QString(name + u": link to "_s + neighbour + u" up"_s).toUtf8();
            if (!servers[name]->waitForOutput(up))
                return false;
        }
        return true;
    };
    for (const QString &name : names)
        QVERIFY2(linksUp(name), qPrintable(name + u" did not connect to its neighbours"_s));

    // Ten phones, two starting at each node.
    std::vector<std::unique_ptr<Phone>> phones;
    for (int i = 0; i < 10; ++i)
        phones.push_back(
            std::make_unique<Phone>("phone" + QByteArray::number(i), ports, i % int(ports.size())));
    for (auto &phone : phones)
        phone->start();
    auto acknowledged = [&] {
        int total = 0;
        for (const auto &phone : phones)
            total += phone->acknowledged();
        return total;
    };
    QTRY_VERIFY_WITH_TIMEOUT(acknowledged() >= 200, Timeout);

    // Parker (the hub of Alford's herd) dies mid-stream, without a word.
    const QString victim = u"Parker"_s;
    servers[victim]->process().kill();
    QVERIFY(servers[victim]->waitForExit());
    QCOMPARE(servers[victim]->process().exitStatus(), QProcess::CrashExit);
    const int atKill = acknowledged();
    QTRY_VERIFY_WITH_TIMEOUT(acknowledged() >= atKill + 200, Timeout);

    // Half the phones go quiet while Parker is dead: only resynchronisation
    // can tell Parker where they are now.
    for (size_t i = 0; i < phones.size() / 2; ++i)
        phones[i]->stop();
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(phones.begin(), phones.begin() + qsizetype(phones.size() / 2),
                                         [](const auto &p) { return p->isIdle(); }),
                             Timeout);

    startNode(victim);
    QVERIFY2(servers[victim]->waitForOutput(" listening on "), servers[victim]->err().constData());
    QVERIFY(linksUp(victim));
    const int atRestart = acknowledged();
    QTRY_VERIFY_WITH_TIMEOUT(acknowledged() >= atRestart + 200, Timeout);

    for (auto &phone : phones)
        phone->stop();
    QTRY_VERIFY_WITH_TIMEOUT(
        std::all_of(phones.begin(), phones.end(), [](const auto &p) { return p->isIdle(); }), Timeout);

    // Each phone's last acknowledged update is its newest: every node, the
    // restarted one included, must hold exactly that.
    QElapsedTimer clock;
    clock.start();
    for (const auto &phone : phones) {
        QVERIFY(phone->lastAcknowledged().startsWith("AT "));
        for (qsizetype i = 0; i < names.size(); ++i) {
            QByteArray held;
            QVERIFY2(waitUntilKnown(ports[i], phone->id(), phone->lastAcknowledged(), Timeout, &held),
                     qPrintable(names[i] + u" lacks "_s + QString::fromUtf8(phone->lastAcknowledged())
                                + u"; it answers "_s + QString::fromUtf8(held)));
        }
    }
    qInfo("%d updates acknowledged; all %lld nodes agreed within %lld ms of the last", acknowledged(),
          qlonglong(names.size()), clock.elapsed());
    for (auto &[name, server] : servers)
        QVERIFY2(server->terminate(), qPrintable(name));
}

// What sigkillAndRestartLosesNothing relies on, pinned down: by the time a
// client reads the answer to its IAMAT, the node has handed the update's
// flood to the kernel, so a node killed right after answering has passed on
// everything it answered. The neighbour is played by this test (a plain node)
// and sees exactly what the node sent before it died. The node is stopped
// (SIGSTOP) while fifty phones each send an update, so that it answers them
// all in one pass once it continues; it is killed the moment the first
// answer arrives.
void TestMultiprocess::answeredUpdatesLeaveBeforeTheAnswers()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QTcpServer watcher;
    QVERIFY(watcher.listen(QHostAddress::LocalHost, 0));
    HerdServer server;
    quint16 port = 0;
    // The node's port is picked free just before use; if it is taken meanwhile, try once more.
    for (int attempt = 0; attempt < 2 && !port; ++attempt) {
        const QList<quint16> ports = freePorts(1);
        QCOMPARE(ports.size(), 1);
        const QString file = writeHerdFile(dir.filePath(u"herd.json"_s),
                                           {{u"Solo"_s, ports[0]}, {u"Watcher"_s, watcher.serverPort()}},
                                           {{u"Solo"_s, u"Watcher"_s}}, {u"Watcher"_s});
        QVERIFY(!file.isEmpty());
        server.start({u"--server"_s, u"--config"_s, file, u"--node"_s, u"Solo"_s, u"--log-dir"_s,
                      dir.filePath(u"logs"_s)});
        if (server.waitForOutput(" listening on "))
            port = ports[0];
        else
            server.waitForExit();
    }
    QVERIFY2(port, "the herd process did not start twice in a row");
    QVERIFY(watcher.waitForNewConnection(Timeout));
    const std::unique_ptr<QTcpSocket> fromSolo(watcher.nextPendingConnection());
    QVERIFY(server.waitForOutput("Solo: link to Watcher up"));

    auto iamat = [](int phone, int round) -> QByteArray {
        return "IAMAT phone" + QByteArray::number(phone) + " +34.068930-118.445127 1700000000."
            + QByteArray::number(round) + '\n';
    };
    auto readLine = [](QTcpSocket &socket) {
        while (!socket.canReadLine() && socket.waitForReadyRead(Timeout)) {}
        return socket.readLine();
    };
    // A first update each, answered: the node has accepted every connection.
    constexpr int PhoneCount = 50;
    std::vector<std::unique_ptr<QTcpSocket>> phones;
    for (int i = 0; i < PhoneCount; ++i) {
        auto phone = std::make_unique<QTcpSocket>();
        phone->connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(phone->waitForConnected(Timeout));
        phone->write(iamat(i, 1));
        QVERIFY(readLine(*phone).startsWith("AT "));
        phones.push_back(std::move(phone));
    }

    const auto pid = pid_t(server.process().processId());
    auto state = [pid] {
        // /proc/<pid>/stat: "pid (name) S ...", the state after the name.
        QFile stat(u"/proc/%1/stat"_s.arg(pid));
        const QByteArray text = stat.open(QIODevice::ReadOnly) ? stat.readAll() : QByteArray();
        const qsizetype close = text.lastIndexOf(')');
        return close >= 0 && close + 2 < text.size() ? text[close + 2] : '?';
    };
    QCOMPARE(::kill(pid, SIGSTOP), 0);
    QTRY_COMPARE_WITH_TIMEOUT(state(), 'T', Timeout); // polling another process: nothing to signal on
    for (int i = 0; i < PhoneCount; ++i) {
        phones[size_t(i)]->write(iamat(i, 2));
        QVERIFY(phones[size_t(i)]->waitForBytesWritten(Timeout));
    }
    std::vector<pollfd> fds;
    for (const auto &phone : phones)
        fds.push_back({int(phone->socketDescriptor()), POLLIN, 0});
    QCOMPARE(::kill(pid, SIGCONT), 0);
    QVERIFY(::poll(fds.data(), fds.size(), Timeout) > 0);
    QCOMPARE(::kill(pid, SIGKILL), 0);
    QVERIFY(server.waitForExit());

    QList<QByteArray> answered;
    for (const auto &phone : phones) {
        const QByteArray line = readLine(*phone).trimmed();
        if (line.startsWith("AT ") && line.endsWith(" 1700000000.2"))
            answered.append(line);
    }
    QVERIFY(!answered.isEmpty());
    while (fromSolo->state() == QAbstractSocket::ConnectedState && fromSolo->waitForReadyRead(Timeout)) {}
    QSet<QByteArray> flooded;
    for (const QByteArray &line : fromSolo->readAll().split('\n'))
        flooded.insert(line);
    for (const QByteArray &line : std::as_const(answered))
        QVERIFY2(flooded.contains(line),
                 qPrintable(u"answered but never flooded: "_s + QString::fromUtf8(line)));
    qInfo("killed after answering %lld of %d updates; each had reached the neighbour",
          qlonglong(answered.size()), PhoneCount);
}

QTEST_GUILESS_MAIN(TestMultiprocess)
#include "tst_multiprocess.moc"
