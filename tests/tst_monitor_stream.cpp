// SPDX-License-Identifier: GPL-3.0-or-later
// The monitor's live stream, GET /events (docs/monitor.md): every event of
// a scenario arrives in order, in the log export's JSON Lines schema, and
// filtered as asked; a reader that never reads is dropped with a last
// message while the herd goes on answering. Then `herd --server --monitor`
// as a user runs it: where it listens, the herd file's monitor and token,
// and the errors for a bad address or a port in use.
// OS-picked ports; every wait is bounded; no sleeps.

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include <sys/socket.h>
#include <unistd.h>

#include "herd/cluster.h"
#include "herd/log/logexport.h"
#include "http/monitorserver.h"
#include "tests/herdfixture.h"
#include "tests/httpclient.h"
#include "tests/lineclient.h"
#include "tests/monitorsupport.h"
#include "tests/processsupport.h"

using namespace Herd;
using namespace Herd::Test;
using namespace Qt::StringLiterals;
using MonitorSupport::StreamReader;

namespace {

QByteArray iamat(const QByteArray &client, int second)
{
    return "IAMAT " + client + " +34.068930-118.445127 " + QByteArray::number(1'700'000'000 + second)
        + ".0\n";
}

// The stream's data for `events`: each one's JSON Lines record, without its line end.
QList<QByteArray> exported(const QList<Event> &events)
{
    QList<QByteArray> result;
    for (const Event &event : events)
        result.append(exportRecord(event, ExportFormat::JsonLines).chopped(1));
    return result;
}

} // namespace

class TestMonitorStream : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void everyEventArrivesInOrder();
    void aStalledReaderIsDroppedAndTheHerdGoesOn();
    void cliServesTheMonitor();
    void cliServesTheHerdFilesMonitor();
    void cliRefusesABadMonitor();

private:
    std::unique_ptr<HerdFixture> m_herd;
    std::unique_ptr<MonitorServer> m_monitor;
};

void TestMonitorStream::init()
{
    m_herd = std::make_unique<HerdFixture>();
    HerdConfig config = HerdFixture::config({u"A"_s, u"B"_s, u"C"_s}, {{u"A"_s, u"B"_s}, {u"B"_s, u"C"_s}});
    config.antiEntropyMs = 0; // no timer's events between the scenario's
    QString error;
    QVERIFY2(m_herd->start(config, &error), qPrintable(error));
    QVERIFY(m_herd->waitForLinks());
    m_monitor = std::make_unique<MonitorServer>(*m_herd->cluster());
    QVERIFY2(m_monitor->listen({QHostAddress::LocalHost, 0}, &error), qPrintable(error));
}

void TestMonitorStream::cleanup()
{
    m_monitor.reset();
    m_herd.reset();
}

void TestMonitorStream::everyEventArrivesInOrder()
{
    StreamReader all;
    StreamReader someOfB;
    QVERIFY(all.open(m_monitor->port(), "/events"));
    QVERIFY(someOfB.open(m_monitor->port(), "/events?node=B&kind=in,stored,peer-up"));
    QVERIFY(all.waitForHead() && someOfB.waitForHead());
    QVERIFY2(all.head().startsWith("HTTP/1.1 200"), all.head().constData());
    QVERIFY(all.head().contains("text/event-stream"));
    m_herd->clearEvents();

    // A scenario: updates flood, C is killed and misses one, comes back and
    // resyncs, and a WHATSAT is answered.
    LineClient client;
    QVERIFY(client.connectTo(m_herd->port(u"A"_s)));
    client.send(iamat("kiwi", 1));
    QVERIFY(m_herd->waitUntilAllStore("kiwi"));
    QVERIFY(m_herd->cluster()->kill(u"C"_s));
    client.send(iamat("pear", 2));
    QVERIFY(client.waitForLines(2));
    QVERIFY(m_herd->cluster()->restart(u"C"_s));
    QVERIFY(m_herd->waitUntilAllStore("pear"));
    client.send("WHATSAT kiwi 10 1\n");
    QVERIFY(client.waitForText("\n\n"));

    const QList<QByteArray> expected = exported(m_herd->events());
    QList<Event> ofB;
    for (const Event &event : m_herd->events()) {
        if (event.node == u"B"
            && (event.kind == EventKind::LineReceived || event.kind == EventKind::RecordStored
                || event.kind == EventKind::PeerConnected))
            ofB.append(event);
    }
    QVERIFY(expected.size() > 30);
    QVERIFY(all.waitForMessages(expected.size()));
    QVERIFY(someOfB.waitForMessages(ofB.size()));
    QCOMPARE(all.data().mid(0, expected.size()), expected);
    QCOMPARE(someOfB.data().mid(0, ofB.size()), exported(ofB));
    QVERIFY(QJsonDocument::fromJson(all.data().constFirst()).isObject());
}

void TestMonitorStream::aStalledReaderIsDroppedAndTheHerdGoesOn()
{
    m_monitor->stream().setBufferLimit(64 * 1024);
    const int stalled = smallWindowSocket();
    QVERIFY(stalled >= 0);
    const sockaddr_in address = loopbackAddress(m_monitor->port());
    QCOMPARE(::connect(stalled, reinterpret_cast<const sockaddr *>(&address), sizeof(address)), 0);
    const QByteArray request = "GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    QCOMPARE(::send(stalled, request.constData(), size_t(request.size()), 0), ssize_t(request.size()));
    QTRY_COMPARE_WITH_TIMEOUT(m_monitor->stream().readerCount(), 1, 5000);

    // Traffic until the reader, which never reads, falls behind.
    LineClient client;
    QVERIFY(client.connectTo(m_herd->port(u"A"_s)));
    constexpr int Batch = 100;
    int sent = 0;
    while (m_monitor->stream().droppedCount() == 0 && sent < 20'000) {
        for (int i = 0; i < Batch; ++i, ++sent)
            client.send(iamat("kiwi" + QByteArray::number(sent % 50), sent));
        QVERIFY2(client.waitForLines(sent),
                 qPrintable(u"%1 of %2 answered"_s.arg(client.lines().size()).arg(sent)));
    }
    ::close(stalled);
    QCOMPARE(m_monitor->stream().droppedCount(), quint64(1));
    QCOMPARE(m_monitor->stream().readerCount(), 0);
    const QList<Event> errors = m_herd->events(EventKind::Error, u"monitor"_s);
    QCOMPARE(errors.size(), 1);
    QVERIFY2(errors.constFirst().detail.contains(u"dropped"), qPrintable(errors.constFirst().detail));
    // The herd went on: every update answered and flooded, and more still are.
    client.send(iamat("last", sent + 1));
    QVERIFY(client.waitForLines(sent + 1));
    QVERIFY(m_herd->waitUntilAllStore("last"));
}

void TestMonitorStream::cliServesTheMonitor()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QList<quint16> ports;
    const std::unique_ptr<ProcessSupport::HerdServer> herd =
        ProcessSupport::startHerdServer(dir.path(), {u"A"_s, u"B"_s}, {{u"A"_s, u"B"_s}},
                                        {u"--monitor"_s, u"0"_s, u"--log"_s, u"none"_s}, &ports);
    QVERIFY(herd);
    QVERIFY(herd->waitForOutput("herd: monitor on http://127.0.0.1:"));
    const QByteArray out = herd->out();
    const qsizetype at = out.indexOf("http://127.0.0.1:");
    const QString url = QString::fromLatin1(out.sliced(at, out.indexOf(' ', at) - at));
    QVERIFY(out.contains("control off: no token"));

    ProcessSupport::Client client;
    QVERIFY(client.connectTo(ports.at(0)));
    QVERIFY(client.ask(iamat("kiwi", 1).chopped(1)).startsWith("AT A "));
    HttpClient http;
    const std::optional<HttpReply> metrics = http.request("GET", url + u"/metrics"_s);
    QVERIFY(metrics && metrics->status == 200);
    QVERIFY2(metrics->body.contains("herd_lines_received_total{node=\"A\",kind=\"IAMAT\"} 1\n"),
             metrics->body.constData());
    const std::optional<HttpReply> control = http.request("POST", url + u"/control/heal"_s);
    QVERIFY(control && control->status == 403);
    QVERIFY(herd->terminate());
    QVERIFY2(herd->err().contains("monitor: POST /control/heal refused"), herd->err().constData());
}

void TestMonitorStream::cliServesTheHerdFilesMonitor()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QList<quint16> ports = ProcessSupport::freePorts(2);
    QCOMPARE(ports.size(), 2);
    const QString where = u"127.0.0.1:%1"_s.arg(ports.at(1));
    const QJsonObject herdFile {
        {u"nodes"_s, QJsonObject {{u"A"_s, QJsonObject {{u"port"_s, ports.at(0)}, {u"monitor"_s, where}}}}},
        {u"monitor"_s, QJsonObject {{u"tokenEnv"_s, u"HERD_TEST_MONITOR_TOKEN"_s}}},
    };
    const QString path =
        ProcessSupport::writeFile(dir.filePath(u"herd.json"_s), QJsonDocument(herdFile).toJson());
    QVERIFY(!path.isEmpty());
    ProcessSupport::HerdServer herd;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    const QByteArray token = "a-token-of-thirty-two-characters";
    environment.insert(u"HERD_TEST_MONITOR_TOKEN"_s, QString::fromLatin1(token));
    herd.process().setProcessEnvironment(environment);
    herd.process().setWorkingDirectory(dir.path());
    herd.start({u"--server"_s, u"--config"_s, path, u"--log"_s, u"none"_s});
    QVERIFY2(herd.waitForOutput("herd: monitor on http://" + where.toLatin1()), herd.err().constData());
    HttpClient http;
    const std::optional<HttpReply> kill =
        http.request("POST", u"http://%1/control/kill"_s.arg(where), R"({"node": "A"})",
                     {{"Authorization", "Bearer " + token}});
    QVERIFY(kill);
    QCOMPARE(kill->status, 200);
    QVERIFY(herd.terminate());
    QVERIFY(!herd.out().contains(token) && !herd.err().contains(token));
}

void TestMonitorStream::cliRefusesABadMonitor()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ProcessSupport::Finished run =
        ProcessSupport::runHerd({u"--server"_s, u"--monitor"_s, u"here:9100"_s}, dir.path());
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains("--monitor: \"here:9100\" is not [ADDR:]PORT"), run.err.constData());
    run = ProcessSupport::runHerd({u"--monitor"_s, u"9100"_s}, dir.path());
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains("use it with --server"), run.err.constData());

    QTcpServer taken;
    QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
    const QList<quint16> ports = ProcessSupport::freePorts(1);
    QCOMPARE(ports.size(), 1);
    const QString path =
        ProcessSupport::writeHerdFile(dir.filePath(u"herd.json"_s), {{u"A"_s, ports.at(0)}}, {});
    run = ProcessSupport::runHerd({u"--server"_s, u"--config"_s, path, u"--log"_s, u"none"_s, u"--monitor"_s,
                                   QString::number(taken.serverPort())},
                                  dir.path());
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("herd: monitor: cannot listen on 127.0.0.1:"), run.err.constData());
    run = ProcessSupport::runHerd(
        {u"--server"_s, u"--config"_s, path, u"--log"_s, u"none"_s, u"--monitor"_s, u"0.0.0.0:0"_s},
        dir.path());
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains("needs a token"), run.err.constData());
}

QTEST_GUILESS_MAIN(TestMonitorStream)
#include "tst_monitor_stream.moc"
