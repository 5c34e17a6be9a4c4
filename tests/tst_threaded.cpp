// SPDX-License-Identifier: GPL-3.0-or-later
// ThreadedHerd (herd --threads N): a 5-node herd on 2 threads, over real
// TCP on 127.0.0.1. An update floods across the threads to every node;
// kill, restart and a cut link reach the thread that runs the node; the
// merged stream holds every node's events; and every acknowledged update
// of a burst over several connections ends up in every node's store.

#include <QSignalSpy>
#include <QElapsedTimer>
#include <QTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <utility>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "herd/threaded/herdworker.h"

#include "herd/node/store.h"
#include "herd/places/offlineplaces.h"
#include "herd/threaded/threadedherd.h"
#include "tests/herdfixture.h"
#include "tests/lineclient.h"

using namespace Qt::StringLiterals;
using Herd::ThreadedHerd;

namespace {

const QStringList Names {u"Alford"_s, u"Bolden"_s, u"Hamilton"_s, u"Parker"_s, u"Powell"_s};

// A ring with one chord: round-robin on two threads puts Alford, Hamilton
// and Powell on one, Bolden and Parker on the other, so every flood crosses.
Herd::HerdConfig fiveNodes()
{
    return Herd::Test::HerdFixture::config(Names,
                                           {{u"Alford"_s, u"Bolden"_s},
                                            {u"Bolden"_s, u"Hamilton"_s},
                                            {u"Hamilton"_s, u"Parker"_s},
                                            {u"Parker"_s, u"Powell"_s},
                                            {u"Powell"_s, u"Alford"_s},
                                            {u"Alford"_s, u"Parker"_s}});
}

std::unique_ptr<Herd::PlacesSource> offlinePlaces()
{
    return Herd::OfflinePlaces::fromEmbedded();
}

bool allLinksUp(const ThreadedHerd &herd)
{
    for (const QString &node : herd.nodeNames()) {
        for (const QString &neighbour : herd.config().neighboursOf(node)) {
            const std::optional<Herd::LinkState> link = herd.linkState(node, neighbour);
            if (!link || link->state != Herd::LinkState::State::Connected)
                return false;
        }
    }
    return true;
}

bool allHold(const ThreadedHerd &herd, const QByteArray &client, const QByteArray &atLine = {})
{
    for (const QString &node : herd.nodeNames()) {
        const Herd::Store *store = herd.store(node);
        const Herd::Record *record = store ? store->find(client) : nullptr;
        if (!record || (!atLine.isEmpty() && record->atLine != atLine))
            return false;
    }
    return true;
}

// A blocking TCP connection to `port` on 127.0.0.1, for a client on a
// thread of its own (no event loop); -1 if it failed.
int blockingConnection(quint16 port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    const sockaddr_in address = Herd::Test::loopbackAddress(port);
    if (::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

QByteArray iamat(const QByteArray &client, int second)
{
    return "IAMAT " + client + " +34.068930-118.445127 " + QByteArray::number(1'700'000'000 + second)
        + ".000000000\n";
}

} // namespace

class ThreadedHerdTest : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_herd = std::make_unique<ThreadedHerd>(fiveNodes(), offlinePlaces);
        m_events.clear();
        connect(m_herd.get(), &ThreadedHerd::eventOccurred, this,
                [this](const Herd::Event &event) { m_events.append(event); });
        QString error;
        QVERIFY2(m_herd->start(2, {}, &error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(allLinksUp(*m_herd), 10000);
    }

    void cleanup() { m_herd.reset(); }

    void threadsWaitForAnOwnerThatDoesNotRead();
    void aSlowOwnerTakesOneSliceAWorkerATurn();

    void dealsNodesRoundRobin()
    {
        QCOMPARE(m_herd->threadCount(), 2);
        QCOMPARE(m_herd->nodesOfThread(0), (QStringList {u"Alford"_s, u"Hamilton"_s, u"Powell"_s}));
        QCOMPARE(m_herd->nodesOfThread(1), (QStringList {u"Bolden"_s, u"Parker"_s}));
        for (const QString &node : Names) {
            const std::optional<Herd::NodeStatus> status = m_herd->nodeStatus(node);
            QVERIFY(status && status->running);
            QVERIFY(status->port != 0);
            QCOMPARE(status->port, m_herd->config().node(node)->port);
        }
    }

    // Answered by the node asked, then in every node's store (the mirror),
    // and a WHATSAT on a node of the other thread finds it.
    void updateFloodsAcrossThreads()
    {
        Herd::Test::LineClient client;
        QVERIFY(client.connectTo(m_herd->nodeStatus(u"Alford"_s)->port));
        client.send(iamat("kiwi", 1));
        QVERIFY(client.waitForLines(1));
        const QByteArray at = client.lines().constFirst();
        QVERIFY2(at.startsWith("AT Alford "), at.constData());
        QTRY_VERIFY_WITH_TIMEOUT(allHold(*m_herd, "kiwi"), 5000);

        Herd::Test::LineClient other;
        QVERIFY(other.connectTo(m_herd->nodeStatus(u"Parker"_s)->port));
        other.send("WHATSAT kiwi 10 2\n");
        QVERIFY(other.waitForText("\n\n"));
        QVERIFY2(other.received().startsWith("AT Alford "), other.received().left(80).constData());
    }

    void mergedStreamHoldsEveryNode()
    {
        Herd::Test::LineClient client;
        QVERIFY(client.connectTo(m_herd->nodeStatus(u"Bolden"_s)->port));
        client.send(iamat("pear", 2));
        QTRY_VERIFY_WITH_TIMEOUT(allHold(*m_herd, "pear"), 5000);
        for (const QString &node : Names) {
            const bool started = std::any_of(m_events.cbegin(), m_events.cend(), [&](const Herd::Event &e) {
                return e.node == node && e.kind == Herd::EventKind::NodeStarted;
            });
            const bool stored = std::any_of(m_events.cbegin(), m_events.cend(), [&](const Herd::Event &e) {
                return e.node == node && e.kind == Herd::EventKind::RecordStored && e.client == "pear";
            });
            QVERIFY2(started && stored, qPrintable(node));
        }
    }

    void killAndRestartOnItsThread()
    {
        Herd::Test::LineClient client;
        QVERIFY(client.connectTo(m_herd->nodeStatus(u"Alford"_s)->port));
        client.send(iamat("fig", 3));
        QTRY_VERIFY_WITH_TIMEOUT(allHold(*m_herd, "fig"), 5000);

        QVERIFY(m_herd->kill(u"Parker"_s));
        // Taken in before kill() returns: the mirror shows it at once.
        QVERIFY(!m_herd->isRunning(u"Parker"_s));
        QCOMPARE(m_herd->recordCount(u"Parker"_s), 0);
        QVERIFY(!m_herd->kill(u"Parker"_s));

        QString error;
        QVERIFY2(m_herd->restart(u"Parker"_s, &error), qPrintable(error));
        QVERIFY(m_herd->isRunning(u"Parker"_s));
        // It learns what it lost from its neighbours (resync) across threads.
        QTRY_VERIFY_WITH_TIMEOUT(m_herd->store(u"Parker"_s)->find("fig"), 10000);
        QVERIFY(!m_herd->kill(u"Nobody"_s));
        QVERIFY(!m_herd->restart(u"Nobody"_s, &error));
        QVERIFY(error.contains(u"Nobody"_s));
    }

    // Alford (thread 0) - Bolden (thread 1): both directions are cut, on
    // their two threads; an update to Bolden then reaches Alford only round
    // the ring.
    void linkCutAcrossThreads()
    {
        QVERIFY(m_herd->setLinkCut(u"Alford"_s, u"Bolden"_s, true));
        QVERIFY(m_herd->isLinkCut(u"Alford"_s, u"Bolden"_s));
        QVERIFY(m_herd->isLinkCut(u"Bolden"_s, u"Alford"_s));
        QCOMPARE(m_herd->linkState(u"Alford"_s, u"Bolden"_s)->state, Herd::LinkState::State::Cut);

        m_events.clear();
        Herd::Test::LineClient client;
        QVERIFY(client.connectTo(m_herd->nodeStatus(u"Bolden"_s)->port));
        client.send(iamat("plum", 4));
        QTRY_VERIFY_WITH_TIMEOUT(allHold(*m_herd, "plum"), 5000);
        for (const Herd::Event &event : std::as_const(m_events)) {
            const bool overCutLink = event.kind == Herd::EventKind::LineSent && event.viaPeerLink
                && ((event.node == u"Alford"_s && event.peer == u"Bolden"_s)
                    || (event.node == u"Bolden"_s && event.peer == u"Alford"_s));
            QVERIFY2(!overCutLink, event.line.constData());
        }

        QVERIFY(m_herd->setLinkCut(u"Alford"_s, u"Bolden"_s, false));
        QVERIFY(!m_herd->isLinkCut(u"Bolden"_s, u"Alford"_s));
        QTRY_VERIFY_WITH_TIMEOUT(allLinksUp(*m_herd), 10000);
        QVERIFY(m_herd->setLinkDelay(u"Alford"_s, u"Bolden"_s, 40));
        QCOMPARE(m_herd->linkDelay(u"Bolden"_s, u"Alford"_s), 40);
        QVERIFY(m_herd->setLinkDelay(u"Alford"_s, u"Bolden"_s, 0, ThreadedHerd::Direction::OneWay));
        QCOMPARE(m_herd->linkDelay(u"Alford"_s, u"Bolden"_s), 0);
        QCOMPARE(m_herd->linkDelay(u"Bolden"_s, u"Alford"_s), 40);
        QVERIFY(m_herd->setClockSkew(u"Bolden"_s, 250));
        QCOMPARE(m_herd->clockSkew(u"Bolden"_s), 250);
    }

    // Several connections to every node, each sending a burst of updates
    // for its own clients; every update acknowledged (its AT line read
    // back) is then the one every node holds.
    void burstEndsEverywhere()
    {
        constexpr int Connections = 10;
        constexpr int ClientsEach = 20;
        constexpr int Rounds = 5;
        std::vector<std::unique_ptr<Herd::Test::LineClient>> clients;
        for (int c = 0; c < Connections; ++c) {
            clients.push_back(std::make_unique<Herd::Test::LineClient>());
            QVERIFY(clients.back()->connectTo(m_herd->nodeStatus(Names.at(c % Names.size()))->port));
            QByteArray burst;
            for (int round = 0; round < Rounds; ++round) {
                for (int i = 0; i < ClientsEach; ++i)
                    burst += iamat("c" + QByteArray::number(c) + "-" + QByteArray::number(i), round);
            }
            clients.back()->send(burst);
        }
        QHash<QByteArray, QByteArray> last; // client -> its newest acknowledged AT line
        for (const auto &client : clients) {
            QVERIFY(client->waitForLines(ClientsEach * Rounds, 10000));
            for (const QByteArray &at : client->lines()) {
                const QList<QByteArray> fields = at.split(' ');
                QCOMPARE(fields.size(), 6);
                last.insert(fields.at(3), at);
            }
        }
        QCOMPARE(last.size(), Connections * ClientsEach);
        const auto converged = [&] {
            for (auto it = last.cbegin(); it != last.cend(); ++it) {
                if (!allHold(*m_herd, it.key()))
                    return false;
                for (const QString &node : Names) {
                    if (m_herd->store(node)->find(it.key())->timeNs < 1'700'000'004'000'000'000)
                        return false;
                }
            }
            return true;
        };
        QTRY_VERIFY_WITH_TIMEOUT(converged(), 10000);
    }

    void stopsCleanly()
    {
        QSignalSpy stopped(m_herd.get(), &ThreadedHerd::eventOccurred);
        m_herd->stop();
        QCOMPARE(m_herd->threadCount(), 0);
        int stops = 0;
        for (const QList<QVariant> &args : std::as_const(stopped))
            stops += args.at(0).value<Herd::Event>().kind == Herd::EventKind::NodeStopped;
        QCOMPARE(stops, Names.size());
        QVERIFY(!m_herd->kill(u"Alford"_s));
    }

private:
    std::unique_ptr<ThreadedHerd> m_herd;
    QList<Herd::Event> m_events;
};

// A burst to Alford while this thread, the owner, reads no events: the
// threads fill their queues and then wait (HerdWorker::MaxQueued) rather
// than queue without end. Once this thread reads again, every update the
// client was answered for is stored everywhere. The client runs on threads
// of its own with blocking sockets, as this one must not turn its loop.
void ThreadedHerdTest::threadsWaitForAnOwnerThatDoesNotRead()
{
    constexpr int Updates = 20'000;
    const int fd = blockingConnection(m_herd->nodeStatus(u"Alford"_s)->port);
    QVERIFY(fd >= 0);
    QByteArray burst;
    for (int i = 0; i < Updates; ++i)
        burst += iamat("held" + QByteArray::number(i), i);
    std::thread writer([fd, &burst] {
        for (qsizetype sent = 0; sent < burst.size();) {
            const ssize_t n = ::send(fd, burst.constData() + sent, size_t(burst.size() - sent), MSG_NOSIGNAL);
            if (n <= 0)
                return;
            sent += n;
        }
    });
    std::atomic<int> answered {0};
    QList<QByteArray> replies;
    std::thread reader([fd, &answered, &replies] {
        QByteArray pending;
        char buffer[65536];
        while (answered < Updates) {
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n <= 0)
                return;
            pending.append(buffer, n);
            qsizetype end = 0;
            while ((end = pending.indexOf('\n')) >= 0) {
                replies.append(pending.left(end));
                pending.remove(0, end + 1);
                ++answered;
            }
        }
    });
    const auto joinAll = qScopeGuard([&] {
        ::shutdown(fd, SHUT_RDWR);
        writer.join();
        if (reader.joinable())
            reader.join();
        ::close(fd);
    });

    // This thread's loop does not turn: no event is taken in.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (m_herd->threadsHeldBack() == 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::yield();
    QVERIFY2(m_herd->threadsHeldBack() > 0, "no thread waited with its queue full");
    QVERIFY2(answered < Updates, "the herd answered every update with its queues full");
    // Full queues, plus at most a loop pass each (here up to some 30,000
    // events: a pass reads every ready socket of a thread's nodes).
    QVERIFY2(m_herd->eventsWaiting() <= 2 * (Herd::HerdWorker::MaxQueued + Herd::HerdWorker::MaxQueued / 2),
             qPrintable(QString::number(m_herd->eventsWaiting())));

    // Reading again: the rest is answered, and what was answered is stored.
    QTRY_COMPARE_WITH_TIMEOUT(answered.load(), Updates, 60'000);
    reader.join();
    for (const QByteArray &reply : std::as_const(replies))
        QVERIFY2(reply.startsWith("AT Alford "), reply.constData());
    QTRY_VERIFY_WITH_TIMEOUT(allHold(*m_herd, "held" + QByteArray::number(Updates - 1)), 30'000);
    for (int i = 0; i < Updates; i += 97)
        QVERIFY2(allHold(*m_herd, "held" + QByteArray::number(i)), qPrintable(QString::number(i)));
}

namespace {

// Counts, in each pass of the loop over its posted events, the queued
// calls to a herd that took in events, keeping the most. A queued call to
// itself marks the passes: one posted during a pass waits for the next.
class SlicesPerTurn final : public QObject
{
public:
    explicit SlicesPerTurn(ThreadedHerd *herd)
    {
        herd->installEventFilter(this);
        connect(herd, &ThreadedHerd::eventOccurred, this, [this] {
            if (std::exchange(m_callTakesIn, false))
                m_most = std::max(m_most, ++m_now);
        });
        nextTurn();
    }
    int most() const { return m_most; }

protected:
    bool eventFilter(QObject *, QEvent *event) override
    {
        // A wake-up is a queued call; a slice that follows one is a timer's.
        if (event->type() == QEvent::MetaCall || event->type() == QEvent::Timer)
            m_callTakesIn = true; // until its first event counts it
        return false;
    }

private:
    void nextTurn()
    {
        m_now = 0;
        QMetaObject::invokeMethod(
            this, [this] { nextTurn(); }, Qt::QueuedConnection);
    }

    bool m_callTakesIn = false;
    int m_now = 0;
    int m_most = 0;
};

} // namespace

// An owner slower than its herd (here 10 us an event) takes each worker's
// events one slice a turn of its loop, in one chain per worker, while a
// client keeps the herd busy. Before, every batch a worker announced while
// a slice was posted started a chain of its own; under steady load the
// chains piled up and each took a slice every turn, so a turn of the
// window's loop grew to hundreds of milliseconds.
void ThreadedHerdTest::aSlowOwnerTakesOneSliceAWorkerATurn()
{
    constexpr int Stored = 1500; // updates the owner takes in at Powell, the far side
    int storedAtPowell = 0;
    QObject slowView; // ends the connection with this function: cleanup() stops the herd, which still emits
    connect(m_herd.get(), &ThreadedHerd::eventOccurred, &slowView,
            [&storedAtPowell](const Herd::Event &event) {
                storedAtPowell += event.kind == Herd::EventKind::RecordStored && event.node == u"Powell";
                QElapsedTimer spent; // a view that takes its time over each event
                spent.start();
                while (spent.nsecsElapsed() < 10'000) {}
            });
    SlicesPerTurn slices(m_herd.get());

    // A phone on a thread of its own, one update after another, each sent
    // once the last is answered, until told to stop: steady load whatever
    // the owner does.
    const int fd = blockingConnection(m_herd->nodeStatus(u"Alford"_s)->port);
    QVERIFY(fd >= 0);
    std::atomic<bool> stop {false};
    std::atomic<int> answered {0};
    std::thread phone([fd, &stop, &answered] {
        char buffer[4096];
        for (int i = 0; !stop; ++i) {
            const QByteArray line = iamat("steady" + QByteArray::number(i % 50), i);
            if (::send(fd, line.constData(), size_t(line.size()), MSG_NOSIGNAL) != line.size())
                return;
            QByteArray reply;
            while (!reply.endsWith('\n')) {
                const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
                if (n <= 0)
                    return;
                reply.append(buffer, n);
            }
            ++answered;
        }
    });
    const auto joinPhone = qScopeGuard([&] {
        stop = true;
        ::shutdown(fd, SHUT_RDWR);
        phone.join();
        ::close(fd);
    });

    QTRY_VERIFY_WITH_TIMEOUT(storedAtPowell >= Stored, 60'000);
    QVERIFY2(answered > Stored, "the owner kept up: no steady load");
    // A slice per worker; two when one ends its chain with the queue
    // drained and the worker's next batch is announced in the same pass.
    QVERIFY2(slices.most() <= 2 * m_herd->threadCount(), qPrintable(QString::number(slices.most())));
    QVERIFY(slices.most() > 0);
}

QTEST_GUILESS_MAIN(ThreadedHerdTest)
#include "tst_threaded.moc"
