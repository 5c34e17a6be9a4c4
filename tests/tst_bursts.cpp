// SPDX-License-Identifier: GPL-3.0-or-later
// Bursts, strangers and connection storms: what a node acknowledged is never
// stranded, and nobody but a neighbour drives a neighbour's link. Each test
// here first failed on the code it guards against.

#include <QDateTime>
#include <QElapsedTimer>
#include <QSet>
#include <QTest>
#include <QTimer>

#include <cerrno>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "herd/cluster.h"
#include "tests/herdfixture.h"
#include "tests/lineclient.h"
#include "herd/node/node.h"
#include "herd/wire/syncline_p.h"

using namespace Herd;
using namespace Herd::Test;
using namespace Qt::StringLiterals;

namespace {

constexpr int Timeout = 10'000; // ms: the bound on any one wait

HerdConfig quick(HerdConfig config, bool resync = true)
{
    config.reconnectInitialMs = 20;
    config.reconnectMaxMs = 200;
    config.resync = resync;
    return config;
}

QByteArray burst(const QByteArray &prefix, int count, qint64 firstSecond = 1'700'000'000)
{
    QByteArray lines;
    for (int i = 0; i < count; ++i)
        lines += "IAMAT " + prefix + QByteArray::number(i) + " +34.068930-118.445127 "
            + QByteArray::number(firstSecond + i) + ".5\n";
    return lines;
}

// The same with client ids `padding` bytes longer: more bytes per update
// than a kernel's socket buffers hold.
QByteArray paddedBurst(const QByteArray &prefix, int count, qsizetype padding)
{
    return burst(prefix + QByteArray(padding, 'p') + '-', count);
}

// A plain socket on 127.0.0.1 with a small receive buffer, used where the
// test must not read (a neighbour or a client that falls behind).
class RawSocket
{
public:
    RawSocket()
        : m_fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0))
    {}
    ~RawSocket()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    RawSocket(const RawSocket &) = delete;
    RawSocket &operator=(const RawSocket &) = delete;

    int fd() const { return m_fd; }
    void setReceiveBuffer(int bytes) { ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes); }
    bool listen()
    {
        sockaddr_in address = loopbackAddress(0);
        return ::bind(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0
            && ::listen(m_fd, 8) == 0;
    }
    quint16 port() const
    {
        sockaddr_in address {};
        socklen_t length = sizeof address;
        ::getsockname(m_fd, reinterpret_cast<sockaddr *>(&address), &length);
        return ntohs(address.sin_port);
    }
    // Non-blocking: true if the connection is under way or made.
    bool startConnect(quint16 port)
    {
        sockaddr_in address = loopbackAddress(port);
        return ::connect(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0
            || errno == EINPROGRESS;
    }
    bool sendAll(const QByteArray &bytes)
    {
        qsizetype sent = 0;
        return QTest::qWaitFor(
            [&] {
                while (sent < bytes.size()) {
                    const ssize_t n =
                        ::send(m_fd, bytes.constData() + sent, size_t(bytes.size() - sent), MSG_NOSIGNAL);
                    if (n <= 0)
                        return false;
                    sent += n;
                }
                return true;
            },
            Timeout);
    }
    // Reads what there is now; false once the peer closed.
    bool readSome(QByteArray *into)
    {
        char buffer[65536];
        for (;;) {
            const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
            if (n > 0) {
                into->append(buffer, n);
                continue;
            }
            return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
        }
    }
    void adopt(int fd) { m_fd = fd; }

private:
    int m_fd;
};

} // namespace

class TestBursts : public QObject
{
    Q_OBJECT

private slots:
    void burstReachesTheNeighbour();
    void acknowledgedMeansFlooded();
    void listenBacklogHoldsAStorm();
    void strangersSyncIsAnsweredOnItsOwnConnection();
    void neighbourGetsInPastTheConnectionLimit();
    void pipelinedWhatsatsWaitForASlowReader();
    void finalCarriageReturnIsEchoed();
    void halfClosedAskerGetsItsAnswerThenTheClose();
    void antiEntropyHealsAForgedLine();
    void antiEntropyWaitsOutSteadyLoadForAFewPeriodsAtMost();
    void clientTimeFarAheadIsRefusedWhenLimited();
};

void TestBursts::burstReachesTheNeighbour()
{
    // 3,000 IAMATs in one burst at B: A must end up with every one of them,
    // with no other traffic to nudge the link (no resync, no anti-entropy).
    HerdFixture herd;
    QString error;
    QVERIFY2(herd.start(quick(HerdFixture::config({u"A"_s, u"B"_s}, {{u"A"_s, u"B"_s}}), false), &error),
             qPrintable(error));
    QVERIFY(herd.waitForLinks());
    RawLineClient client;
    QVERIFY(client.connectTo(herd.port(u"B"_s)));
    client.send(burst("burst", 3000));
    client.shutdownWrite();
    QVERIFY(client.waitForEof(Timeout));
    QCOMPARE(client.lines().size(), 3000);
    QTRY_COMPARE_WITH_TIMEOUT(herd.node(u"A"_s)->store().size(), qsizetype(3000), Timeout);
}

void TestBursts::acknowledgedMeansFlooded()
{
    // A's neighbour reads nothing, so A's link backs up. Whatever A answered
    // must already be on its way: after A dies, the neighbour still gets
    // every update A acknowledged.
    RawSocket sink;
    sink.setReceiveBuffer(4096);
    QVERIFY(sink.listen());
    HerdConfig config = quick(HerdFixture::config({u"A"_s, u"Sink"_s}, {{u"A"_s, u"Sink"_s}}), false);
    config.nodes[1].port = sink.port();
    config.nodes[1].plain = true;
    HerdFixture herd; // for its places
    Cluster cluster(config, herd.places());
    QString error;
    QVERIFY2(cluster.start({u"A"_s}, &error), qPrintable(error));
    Node *a = cluster.node(u"A"_s);
    QTRY_COMPARE_WITH_TIMEOUT(a->linkState(u"Sink"_s)->state, LinkState::State::Connected, Timeout);

    LineClient client;
    QVERIFY(client.connectTo(a->port()));
    constexpr int Updates = 3000; // some 3 MB of AT lines
    client.send(paddedBurst("acked", Updates, 1000));
    // With the neighbour not reading, A answers only what has left: not all.
    // (A bounded wait that is expected to run out.)
    QVERIFY(!client.waitForLines(Updates, 2000));
    const QList<QByteArray> acknowledged = client.lines();
    QVERIFY(!acknowledged.isEmpty());
    QVERIFY(cluster.kill(u"A"_s));

    const int fd = ::accept4(sink.fd(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    QVERIFY(fd >= 0);
    RawSocket link;
    link.adopt(fd);
    QByteArray received;
    QVERIFY(QTest::qWaitFor([&] { return !link.readSome(&received); }, Timeout));
    const QSet<QByteArray> flooded = [&] {
        QSet<QByteArray> clients;
        for (const QByteArray &line : received.split('\n'))
            clients.insert(line.split(' ').value(3));
        return clients;
    }();
    for (const QByteArray &ack : acknowledged)
        QVERIFY2(flooded.contains(ack.split(' ').value(3)), ack.constData());
    qInfo("acknowledged %lld of %d while the neighbour did not read; all %lld reached it",
          qlonglong(acknowledged.size()), Updates, qlonglong(acknowledged.size()));
}

void TestBursts::listenBacklogHoldsAStorm()
{
    // 600 connections at once while the node's thread is busy (here: not
    // running its loop at all). The kernel must complete every handshake on
    // its own; with a 50-deep backlog the rest would wait for SYN retries.
    HerdFixture herd;
    QString error;
    QVERIFY2(herd.start(HerdFixture::config({u"A"_s}), &error), qPrintable(error));
    const quint16 port = herd.port(u"A"_s);
    constexpr int Storm = 600;
    std::vector<std::unique_ptr<RawSocket>> sockets;
    for (int i = 0; i < Storm; ++i) {
        sockets.push_back(std::make_unique<RawSocket>());
        QVERIFY(sockets.back()->startConnect(port));
    }
    // Loopback handshakes complete inside connect(); allow a moment, without
    // the event loop, for any that did not.
    std::vector<pollfd> fds;
    for (const auto &socket : sockets)
        fds.push_back({socket->fd(), POLLOUT, 0});
    int connected = 0;
    for (int round = 0; round < 50 && connected < Storm; ++round) {
        ::poll(fds.data(), fds.size(), 10);
        connected = 0;
        for (const pollfd &fd : fds)
            connected += (fd.revents & POLLOUT) && !(fd.revents & (POLLERR | POLLHUP));
    }
    QCOMPARE(connected, Storm);
    QTRY_COMPARE_WITH_TIMEOUT(herd.node(u"A"_s)->clientCount(), Storm, Timeout);
}

void TestBursts::strangersSyncIsAnsweredOnItsOwnConnection()
{
    // A stranger says it is B and asks A for a resync: A answers the
    // stranger, on its connection, never pushes anything down its real link
    // to B, and logs the stranger's address, not B.
    HerdFixture herd;
    QString error;
    QVERIFY2(herd.start(quick(HerdFixture::config({u"A"_s, u"B"_s}, {{u"A"_s, u"B"_s}})), &error),
             qPrintable(error));
    QVERIFY(herd.waitForLinks());
    LineClient feeder;
    QVERIFY(feeder.connectTo(herd.port(u"A"_s)));
    feeder.send(burst("known", 50));
    QVERIFY(feeder.waitForLines(50));
    QTRY_COMPARE_WITH_TIMEOUT(herd.node(u"B"_s)->store().size(), qsizetype(50), Timeout);
    herd.clearEvents();

    LineClient stranger;
    QVERIFY(stranger.connectTo(herd.port(u"A"_s)));
    stranger.send("SYNC SUM B 1/1\n");
    QVERIFY(stranger.waitForText("SYNC DONE A\n"));
    const QList<QByteArray> lines = stranger.lines();
    QCOMPARE(lines.size(), 51);
    for (qsizetype i = 0; i < 50; ++i)
        QVERIFY2(lines[i].startsWith("AT A "), lines[i].constData());
    const QString strangerAddress = u"127.0.0.1:%1"_s.arg(stranger.socket()->localPort());
    for (const Event &event : herd.events()) {
        if (event.kind == EventKind::LineSent && event.node == u"A" && event.peer == u"B")
            QFAIL(qPrintable(u"A sent on its link to B: "_s + QString::fromUtf8(event.line)));
        if (event.kind == EventKind::LineReceived && SyncLine::looksLikeSync(event.line)) {
            QCOMPARE(event.peer, strangerAddress);
            QVERIFY2(event.detail.contains(u"says it is B"), qPrintable(event.detail));
        }
    }
}

void TestBursts::neighbourGetsInPastTheConnectionLimit()
{
    // A is full of clients when B comes back: B's link must still get in,
    // so an update B acknowledges reaches A.
    HerdConfig config = quick(HerdFixture::config({u"A"_s, u"B"_s}, {{u"A"_s, u"B"_s}}));
    config.maxConnections = 20;
    HerdFixture herd;
    QString error;
    QVERIFY2(herd.start(config, &error), qPrintable(error));
    QVERIFY(herd.waitForLinks());
    QVERIFY(herd.cluster()->kill(u"B"_s));
    std::vector<std::unique_ptr<LineClient>> clients;
    for (int i = 0; i < 40; ++i) {
        clients.push_back(std::make_unique<LineClient>());
        QVERIFY(clients.back()->connectTo(herd.port(u"A"_s)));
    }
    QTRY_COMPARE_WITH_TIMEOUT(herd.node(u"A"_s)->clientCount(), 20, Timeout);
    QVERIFY2(herd.cluster()->restart(u"B"_s, &error), qPrintable(error));
    LineClient client;
    QVERIFY(client.connectTo(herd.port(u"B"_s)));
    client.send("IAMAT late +34.068930-118.445127 1700000000.5\n");
    QVERIFY(client.waitForLines(1));
    clients.clear();
    QTRY_VERIFY_WITH_TIMEOUT(herd.node(u"A"_s)->store().find("late"), Timeout);
    QCOMPARE(herd.node(u"A"_s)->neighbourLinkCount(), 1);
}

void TestBursts::pipelinedWhatsatsWaitForASlowReader()
{
    // 1,000 pipelined WHATSATs (some 9 MB of answers) from a client that
    // reads only a second later: it waits, as TCP makes it, and then gets
    // every answer; it is never dropped for the replies piling up.
    HerdFixture herd;
    QString error;
    QVERIFY2(herd.start(HerdFixture::config({u"A"_s}), &error), qPrintable(error));
    LineClient feeder;
    QVERIFY(feeder.connectTo(herd.port(u"A"_s)));
    feeder.send("IAMAT kiwi +34.068930-118.445127 1700000000.5\n");
    QVERIFY(feeder.waitForLines(1));

    RawSocket slow;
    slow.setReceiveBuffer(4096);
    QVERIFY(slow.startConnect(herd.port(u"A"_s)));
    QByteArray requests;
    constexpr int Requests = 1000;
    for (int i = 0; i < Requests; ++i)
        requests += "WHATSAT kiwi 50 20\n";
    QVERIFY(slow.sendAll(requests));
    QTest::qWait(1000); // the scenario: the client reads a second later
    QByteArray received;
    const bool all = QTest::qWaitFor(
        [&] {
            if (!slow.readSome(&received))
                return true; // closed: fails below
            return received.count("}\n\n") >= Requests;
        },
        4 * Timeout);
    QVERIFY(all);
    QCOMPARE(received.count("}\n\n"), Requests);
    QCOMPARE(received.count("AT A "), Requests);
    QVERIFY(herd.events(EventKind::Refused).isEmpty());
}

void TestBursts::finalCarriageReturnIsEchoed()
{
    // "? <line as received, without its ending>": a last line ended by the
    // client's half-close has no ending, so its "\r" is part of it.
    HerdFixture herd;
    QString error;
    QVERIFY2(herd.start(HerdFixture::config({u"A"_s}), &error), qPrintable(error));
    RawLineClient client;
    QVERIFY(client.connectTo(herd.port(u"A"_s)));
    client.send("HELLO\r\nIAMAT bad\r");
    client.shutdownWrite();
    QVERIFY(client.waitForEof(Timeout));
    QCOMPARE(client.received(), QByteArray("? HELLO\n? IAMAT bad\r\n"));
}

void TestBursts::halfClosedAskerGetsItsAnswerThenTheClose()
{
    // As for a client: whoever half-closes after asking gets the whole
    // answer and then the end of the connection, not a wait forever.
    HerdFixture herd;
    QString error;
    QVERIFY2(herd.start(quick(HerdFixture::config({u"A"_s, u"B"_s}, {{u"A"_s, u"B"_s}})), &error),
             qPrintable(error));
    LineClient feeder;
    QVERIFY(feeder.connectTo(herd.port(u"A"_s)));
    // More than the 256 KiB an answer may have unsent: still going out when
    // the end of the asker's input is read.
    feeder.send(burst("known", 4000));
    QVERIFY(feeder.waitForLines(4000, Timeout));
    RawLineClient asker;
    QVERIFY(asker.connectTo(herd.port(u"A"_s)));
    asker.send("SYNC SUM B 1/1\n");
    asker.shutdownWrite();
    QVERIFY(asker.waitForEof(Timeout));
    QCOMPARE(asker.lines().size(), 4001);
    QCOMPARE(asker.lines().constLast(), QByteArray("SYNC DONE A"));
}

void TestBursts::antiEntropyHealsAForgedLine()
{
    // An AT line that names B as its origin, sent to A by a stranger: A
    // floods it everywhere but to B, which never hears of it by flooding.
    // Anti-entropy finds the difference and heals it.
    HerdConfig config =
        quick(HerdFixture::config({u"A"_s, u"B"_s, u"C"_s}, {{u"A"_s, u"B"_s}, {u"A"_s, u"C"_s}}));
    HerdFixture herd;
    QString error;
    QVERIFY2(herd.start(config, &error), qPrintable(error));
    QVERIFY(herd.waitForLinks());
    for (Node *node : herd.cluster()->nodes())
        QCOMPARE(node->settings().antiEntropyMs, 5000);
    LineClient stranger;
    QVERIFY(stranger.connectTo(herd.port(u"A"_s)));
    stranger.send("AT B +0.000000001 forged +34.068930-118.445127 1700000000.5\n");
    QVERIFY(herd.waitUntilAllStore("forged", -1, 3 * Timeout));
}

void TestBursts::antiEntropyWaitsOutSteadyLoadForAFewPeriodsAtMost()
{
    // The forged line again, while C stores a new update every 50 ms: A's
    // root moves every period, so A skips its checks, but at most
    // MaxBusyChecksSkipped in a row, and B still hears of the line while
    // the load goes on.
    constexpr int Period = 400;
    HerdConfig config =
        quick(HerdFixture::config({u"A"_s, u"B"_s, u"C"_s}, {{u"A"_s, u"B"_s}, {u"A"_s, u"C"_s}}));
    config.antiEntropyMs = Period;
    HerdFixture herd;
    QString error;
    QVERIFY2(herd.start(config, &error), qPrintable(error));
    QVERIFY(herd.waitForLinks());
    LineClient phone;
    QVERIFY(phone.connectTo(herd.port(u"C"_s)));
    qint64 second = 1'700'000'000;
    QTimer load;
    QObject::connect(&load, &QTimer::timeout, &phone, [&] {
        phone.send("IAMAT steady +34.068930-118.445127 " + QByteArray::number(++second) + ".0\n");
    });
    load.start(50);
    QVERIFY(herd.waitUntilAllStore("steady"));
    herd.clearEvents();

    LineClient stranger;
    QVERIFY(stranger.connectTo(herd.port(u"A"_s)));
    stranger.send("AT B +0.000000001 forged +34.068930-118.445127 1700000000.5\n");
    QVERIFY(herd.waitUntilAllStore("forged", -1, Timeout));

    // Then: A's checks over its two links, busy and quiet. Busy, a round
    // of checks comes every (MaxBusyChecksSkipped + 1) periods, so three
    // rounds take at least 2 * 4 periods; checking every period, they
    // would take 3.
    const auto rootsFromA = [&herd] {
        int roots = 0;
        for (const Event &event : herd.events(EventKind::LineSent, u"A"_s))
            roots += event.line.startsWith("SYNC ROOT A ");
        return roots;
    };
    herd.clearEvents();
    QElapsedTimer busy;
    busy.start();
    QTRY_VERIFY_WITH_TIMEOUT(rootsFromA() >= 6, 40 * Period);
    const qint64 busyMs = busy.elapsed();
    load.stop();
    QVERIFY2(busyMs > 2 * Resyncer::MaxBusyChecksSkipped * Period,
             qPrintable(u"three rounds of checks in %1 ms of load"_s.arg(busyMs)));
    herd.clearEvents();
    // Quiet: a check every period on each of A's two links.
    QTRY_VERIFY_WITH_TIMEOUT(rootsFromA() >= 8, 12 * Period);
}

void TestBursts::clientTimeFarAheadIsRefusedWhenLimited()
{
    // Newer wins, so an IAMAT dated 2255 would freeze its client for good.
    // Off by default (the course's servers take any time); with the limit,
    // it is answered as invalid and neither stored nor flooded.
    HerdConfig config = HerdFixture::config({u"A"_s});
    config.maxClientTimeAheadMs = 60'000;
    HerdFixture herd;
    QString error;
    QVERIFY2(herd.start(config, &error), qPrintable(error));
    LineClient client;
    QVERIFY(client.connectTo(herd.port(u"A"_s)));
    const QByteArray future = "IAMAT frozen +34.068930-118.445127 9000000000.0";
    const QByteArray soon = "IAMAT frozen +34.068930-118.445127 "
        + QByteArray::number(QDateTime::currentSecsSinceEpoch() + 30) + ".0";
    client.send(future + '\n' + soon + '\n');
    QVERIFY(client.waitForLines(2));
    QCOMPARE(client.lines()[0], "? " + future);
    QVERIFY2(client.lines()[1].startsWith("AT A -"), client.lines()[1].constData());
    QCOMPARE(herd.node(u"A"_s)->store().size(), qsizetype(1));
    const QList<Event> invalid = herd.events(EventKind::LineInvalid, u"A"_s);
    QCOMPARE(invalid.size(), 1);
    QVERIFY2(invalid[0].detail.contains(u"limits.maxClientTimeAheadMs"), qPrintable(invalid[0].detail));

    HerdFixture open; // the default: any time goes
    QVERIFY2(open.start(HerdFixture::config({u"A"_s}), &error), qPrintable(error));
    LineClient other;
    QVERIFY(other.connectTo(open.port(u"A"_s)));
    other.send(future + '\n');
    QVERIFY(other.waitForLines(1));
    QVERIFY(other.lines()[0].startsWith("AT A -"));
}

QTEST_MAIN(TestBursts)
#include "tst_bursts.moc"
