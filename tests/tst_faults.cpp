// Link faults and partitions in the core, as the GUI and scenarios use
// them: a cut stops one direction or both until restored, a delay holds
// lines back and keeps their order, partitions cut exactly the crossing
// links, heal undoes every cut.

#include <QtTest>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cluster.h"
#include "herdfixture.h"
#include "lineclient.h"
#include "node.h"
#include "partition.h"
#include "peerlink.h"

using namespace Herd;
using namespace Herd::Test;
using namespace Qt::StringLiterals;

namespace {

constexpr int Timeout = 5000;

QByteArray iamat(const QByteArray &client, int second)
{
    return "IAMAT " + client + " +34.068930-118.445127 " + QByteArray::number(1'700'000'000 + second) + ".0\n";
}

// Sends an IAMAT to `node` and waits for its AT reply.
bool report(HerdFixture &herd, const QString &node, const QByteArray &client, int second)
{
    LineClient client_;
    if (!client_.connectTo(herd.port(node)))
        return false;
    client_.send(iamat(client, second));
    return client_.waitForLines(1) && client_.lines().constFirst().startsWith("AT ");
}

qint64 timeOf(int second)
{
    return (1'700'000'000LL + second) * 1'000'000'000LL;
}

} // namespace

class TestFaults : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<HerdFixture> m_herd;

    void startChain()
    {
        // A - B - C: B is the bridge.
        m_herd = std::make_unique<HerdFixture>();
        HerdConfig config = HerdFixture::config({u"A"_s, u"B"_s, u"C"_s}, {{u"A"_s, u"B"_s}, {u"B"_s, u"C"_s}});
        config.reconnectInitialMs = 10;
        config.reconnectMaxMs = 100;
        QString error;
        QVERIFY2(m_herd->start(config, &error), qPrintable(error));
        QVERIFY(m_herd->waitForLinks());
    }

private slots:
    void init() { startChain(); }
    void cleanup() { m_herd.reset(); }

    void cutBothWaysStopsFloodsUntilRestored()
    {
        Cluster *cluster = m_herd->cluster();
        QVERIFY(cluster->setLinkCut(u"A"_s, u"B"_s, true));
        QCOMPARE(cluster->node(u"A"_s)->link(u"B"_s)->state(), PeerLink::State::Cut);
        QCOMPARE(cluster->node(u"B"_s)->link(u"A"_s)->state(), PeerLink::State::Cut);

        QVERIFY(report(*m_herd, u"A"_s, "kiwi", 1));
        QVERIFY(report(*m_herd, u"C"_s, "lime", 1));
        QVERIFY(m_herd->waitUntilAllStore("lime", timeOf(1), 500) == false); // A is cut off
        QVERIFY(m_herd->node(u"B"_s)->store().find("lime"));
        QVERIFY(!m_herd->node(u"B"_s)->store().find("kiwi"));
        QVERIFY(!m_herd->node(u"A"_s)->store().find("lime"));

        QVERIFY(cluster->setLinkCut(u"A"_s, u"B"_s, false));
        QVERIFY(m_herd->waitForLinks());
        QVERIFY(report(*m_herd, u"A"_s, "kiwi", 2));
        QVERIFY(m_herd->waitUntilAllStore("kiwi", timeOf(2)));
    }

    void oneWayCutPassesTheOtherDirection()
    {
        Cluster *cluster = m_herd->cluster();
        QVERIFY(cluster->setLinkCut(u"A"_s, u"B"_s, true, Cluster::Direction::OneWay));
        QVERIFY(cluster->isLinkCut(u"A"_s, u"B"_s));
        QVERIFY(!cluster->isLinkCut(u"B"_s, u"A"_s));

        // C -> B -> A still flows; A -> B does not.
        QVERIFY(report(*m_herd, u"C"_s, "lime", 1));
        QVERIFY(m_herd->waitUntilAllStore("lime", timeOf(1)));
        QVERIFY(report(*m_herd, u"A"_s, "kiwi", 1));
        const auto skipped = [this] {
            for (const Event &event : m_herd->events(EventKind::SendSkipped, u"A"_s)) {
                if (event.peer == u"B" && event.line.contains("kiwi"))
                    return true;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(skipped(), Timeout);
        QVERIFY(!m_herd->node(u"B"_s)->store().find("kiwi"));
    }

    void delayHoldsLinesInOrderAndUndoes()
    {
        Cluster *cluster = m_herd->cluster();
        constexpr int DelayMs = 300;
        QVERIFY(cluster->setLinkDelay(u"A"_s, u"B"_s, DelayMs));
        QCOMPARE(cluster->linkDelay(u"A"_s, u"B"_s), DelayMs);
        QCOMPARE(cluster->linkDelay(u"B"_s, u"A"_s), DelayMs);

        m_herd->clearEvents();
        // Two clients: two records of one client would be coalesced (below).
        QVERIFY(report(*m_herd, u"A"_s, "kiwi", 1));
        QVERIFY(report(*m_herd, u"A"_s, "lime", 2));
        QVERIFY(m_herd->waitUntilAllStore("kiwi", timeOf(1)));
        QVERIFY(m_herd->waitUntilAllStore("lime", timeOf(2)));

        // Both lines left A no earlier than the delay after A stored them,
        // and in the order they were stored.
        const QList<Event> stored = m_herd->events(EventKind::RecordStored, u"A"_s);
        QList<Event> sent;
        for (const Event &event : m_herd->events(EventKind::LineSent, u"A"_s)) {
            if (event.viaPeerLink && event.peer == u"B")
                sent.append(event);
        }
        QCOMPARE(stored.size(), 2);
        QCOMPARE(sent.size(), 2);
        for (int i = 0; i < 2; ++i) {
            QCOMPARE(sent[i].line, stored[i].line);
            QVERIFY2(sent[i].timeNs - stored[i].timeNs >= qint64(DelayMs) * 1'000'000 * 9 / 10,
                     qPrintable(u"sent after %1 ms"_s.arg((sent[i].timeNs - stored[i].timeNs) / 1e6)));
        }

        // Back to zero: the link is fast again, nothing left waiting.
        QVERIFY(cluster->setLinkDelay(u"A"_s, u"B"_s, 0));
        QCOMPARE(cluster->linkDelay(u"A"_s, u"B"_s), 0);
        m_herd->clearEvents();
        QVERIFY(report(*m_herd, u"A"_s, "kiwi", 3));
        QVERIFY(m_herd->waitUntilAllStore("kiwi", timeOf(3)));
        const QList<Event> fast = m_herd->events(EventKind::LineSent, u"A"_s);
        QVERIFY(!fast.isEmpty());
        QVERIFY(fast.constFirst().detail.isEmpty()); // written at once, not "delayed"
    }

    // A delayed link holds one line per client: newer records of a queued
    // client replace the queued line in its place; other clients keep theirs.
    void delayCoalescesQueuedLinesPerClient()
    {
        Cluster *cluster = m_herd->cluster();
        QVERIFY(cluster->setLinkDelay(u"A"_s, u"B"_s, 300));
        PeerLink *link = cluster->node(u"A"_s)->link(u"B"_s);
        QVERIFY(link);
        m_herd->clearEvents();
        QVERIFY(report(*m_herd, u"A"_s, "kiwi", 1));
        QVERIFY(report(*m_herd, u"A"_s, "lime", 1));
        QVERIFY(report(*m_herd, u"A"_s, "kiwi", 2));
        QVERIFY(report(*m_herd, u"A"_s, "kiwi", 3));
        QCOMPARE(link->queuedCount(), 2);
        QCOMPARE(link->coalescedCount(), qint64(2));
        QVERIFY(m_herd->waitUntilAllStore("kiwi", timeOf(3)));
        QVERIFY(m_herd->waitUntilAllStore("lime", timeOf(1)));

        QList<QByteArray> sent;
        for (const Event &event : m_herd->events(EventKind::LineSent, u"A"_s)) {
            if (event.viaPeerLink && event.peer == u"B")
                sent.append(event.line);
        }
        QCOMPARE(sent.size(), 2);
        QVERIFY2(sent[0].contains(" kiwi ") && sent[0].endsWith(" 1700000003.0"), sent[0].constData());
        QVERIFY2(sent[1].contains(" lime "), sent[1].constData());
        int replaced = 0;
        for (const Event &event : m_herd->events(EventKind::SendSkipped, u"A"_s))
            replaced += event.detail.startsWith(u"replaced while queued") ? 1 : 0;
        QCOMPARE(replaced, 2);
        QCOMPARE(link->queuedCount(), 0);
    }

    // A neighbour that never reads: once the socket holds 64 KiB, lines wait
    // in the link's queue, one per client, instead of piling up.
    void slowNeighbourQueuesOneLinePerClient()
    {
        // A listening socket never accepted: the kernel completes the
        // handshake, nobody reads. Small buffers so it fills soon.
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        QVERIFY(fd >= 0);
        const auto closeFd = qScopeGuard([fd] { ::close(fd); });
        const int small = 4096;
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QCOMPARE(::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)), 0);
        QCOMPARE(::listen(fd, 4), 0);
        socklen_t length = sizeof(address);
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length);

        Neighbour sink{u"Sink"_s, u"127.0.0.1"_s, ntohs(address.sin_port)};
        NodeSettings settings;
        settings.name = u"A"_s;
        PeerLink link(sink, settings);
        link.start();
        QTRY_COMPARE_WITH_TIMEOUT(link.state(), PeerLink::State::Connected, Timeout);

        constexpr int Clients = 5;
        const QByteArray padding(200, 'p');
        qint64 second = 0;
        const bool queued = QTest::qWaitFor([&] {
            for (int i = 0; i < 2000; ++i, ++second) {
                link.send("AT A +0.000000001 c" + QByteArray::number(second % Clients) + padding + " +1+1 "
                          + QByteArray::number(1'700'000'000 + second) + ".0");
            }
            return link.coalescedCount() > 0;
        }, 4 * Timeout);
        QVERIFY(queued);
        QVERIFY2(link.queuedCount() <= Clients, qPrintable(QString::number(link.queuedCount())));
        QVERIFY(link.queuedCount() > 0);
    }

    void partitionsCutExactlyTheCrossingLinksAndHeal()
    {
        Cluster *cluster = m_herd->cluster();
        const QList<QStringList> isolated = Partition::isolate(cluster->config(), u"B"_s);
        QCOMPARE(Partition::crossingLinks(cluster->config(), isolated).size(), 2);
        cluster->partition(isolated);
        QVERIFY(cluster->isLinkCut(u"A"_s, u"B"_s) && cluster->isLinkCut(u"B"_s, u"C"_s));

        // With B isolated, A's update reaches neither B nor C.
        QVERIFY(report(*m_herd, u"A"_s, "kiwi", 1));
        QVERIFY(!m_herd->waitUntilAllStore("kiwi", timeOf(1), 300));
        QVERIFY(!m_herd->node(u"C"_s)->store().find("kiwi"));

        cluster->heal();
        QVERIFY(!cluster->isLinkCut(u"A"_s, u"B"_s) && !cluster->isLinkCut(u"B"_s, u"C"_s));
        QVERIFY(m_herd->waitForLinks());
        // The course's herd does not resynchronise: C still lacks kiwi...
        QVERIFY(!m_herd->node(u"C"_s)->store().find("kiwi"));
        // ...until the next update floods.
        QVERIFY(report(*m_herd, u"A"_s, "kiwi", 2));
        QVERIFY(m_herd->waitUntilAllStore("kiwi", timeOf(2)));

        const QList<QStringList> halves = Partition::halves(cluster->config());
        QCOMPARE(halves.size(), 2);
        QCOMPARE(halves[0].size() + halves[1].size(), 3);
        QVERIFY(!Partition::crossingLinks(cluster->config(), halves).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestFaults)
#include "tst_faults.moc"
