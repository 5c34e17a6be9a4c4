// A real herd across processes: five `herd --server --node X` children on
// loopback, clients sending all along; one is killed with SIGKILL (no
// clean-up, memory gone), restarted, and every node must end up holding
// each client's newest acknowledged update: none is lost, not even those
// of clients that went quiet while it was down.

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include "herdconfig.h"
#include "processsupport.h"

using namespace Qt::StringLiterals;
using namespace ProcessSupport;

namespace {

// One phone: sends an IAMAT, waits for its AT line (the acknowledgement),
// sends the next with a later time, and so on, to one node after another.
// When its node goes away it moves on to the next and sends again.
class Phone final : public QObject
{
public:
    Phone(const QByteArray &id, const QList<quint16> &ports, int first) : m_id(id), m_ports(ports), m_next(first)
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
        m_socket.write("IAMAT " + m_id + " +34.068930-118.445127 1700000000." + QByteArray::number(m_sequence)
                                                                                    .rightJustified(9, '0')
                       + '\n');
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
        server->start({u"--server"_s, u"--config"_s, file, u"--node"_s, name});
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
        phones.push_back(std::make_unique<Phone>("phone" + QByteArray::number(i), ports, i % int(ports.size())));
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
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(phones.begin(), phones.end(), [](const auto &p) { return p->isIdle(); }),
                             Timeout);

    // Each phone's last acknowledged update is its newest: every node, the
    // restarted one included, must hold exactly that.
    QElapsedTimer clock;
    clock.start();
    for (const auto &phone : phones) {
        QVERIFY(phone->lastAcknowledged().startsWith("AT "));
        for (qsizetype i = 0; i < names.size(); ++i) {
            QVERIFY2(waitUntilKnown(ports[i], phone->id(), phone->lastAcknowledged()),
                     qPrintable(names[i] + u" lacks "_s + QString::fromUtf8(phone->lastAcknowledged())));
        }
    }
    qInfo("%d updates acknowledged; all %lld nodes agreed within %lld ms of the last", acknowledged(),
          qlonglong(names.size()), clock.elapsed());
    for (auto &[name, server] : servers)
        QVERIFY2(server->terminate(), qPrintable(name));
}

QTEST_GUILESS_MAIN(TestMultiprocess)
#include "tst_multiprocess.moc"
