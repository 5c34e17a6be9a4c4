// SPDX-License-Identifier: GPL-3.0-or-later
// Load and the node's limits (docs/herd-file.md): many clients at once,
// connections refused past maxConnections, idle clients closed, readers too
// slow for their replies dropped, and WHATSATs held at their caps.

#include <QScopeGuard>
#include <QTest>

#include <memory>
#include <vector>

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "herd/node/node.h"
#include "tests/lineclient.h"
#include "tests/sessiontest.h"

using namespace Qt::StringLiterals;
using namespace SessionSupport;
using Herd::Event;
using Herd::EventKind;
using Herd::Test::LineClient;

class tst_SessionLimits final : public SessionTest
{
    Q_OBJECT

private slots:
    void manyClientsAtOnce();
    void maxConnectionsRefusesTheExtra();
    void idleTimeoutClosesSilentClient();
    void unreadRepliesPastLimitDisconnect();
    void whatsatCapPerConnectionHoldsLines();
    void whatsatCapPerNodeHoldsOtherConnections();
};

void tst_SessionLimits::manyClientsAtOnce()
{
    constexpr int Clients = 200;
    constexpr int LongWait = 30000; // a full listen backlog costs SYN retries (1 s, 3 s)
    QVERIFY(startNode());
    std::vector<std::unique_ptr<LineClient>> clients;
    for (int i = 0; i < Clients; ++i) {
        clients.push_back(std::make_unique<LineClient>());
        clients.back()->socket()->connectToHost(QHostAddress::LocalHost, m_node->port());
    }
    const auto allConnected = [&] {
        for (const auto &c : clients) {
            if (!c->isConnected())
                return false;
        }
        return true;
    };
    QVERIFY(QTest::qWaitFor(allConnected, LongWait));
    const QByteArray t = nowText();
    for (int i = 0; i < Clients; ++i) {
        const QByteArray pos = "+" + QByteArray::number(i % 90) + ".5-" + QByteArray::number(i % 180) + ".25";
        clients[i]->send(iamatLine("client-" + QByteArray::number(i), pos, t) + '\n');
    }
    const auto allAnswered = [&] {
        for (const auto &c : clients) {
            if (c->received().count('\n') < 1)
                return false;
        }
        return true;
    };
    QVERIFY(QTest::qWaitFor(allAnswered, LongWait));
    for (int i = 0; i < Clients; ++i) {
        const QByteArray pos = "+" + QByteArray::number(i % 90) + ".5-" + QByteArray::number(i % 180) + ".25";
        QCOMPARE(clients[i]->lines().size(), 1);
        QCOMPARE(withoutDiff(clients[i]->lines()[0]),
                 "AT Alford <diff> client-" + QByteArray::number(i) + ' ' + pos + ' ' + t);
    }
    QCOMPARE(m_node->store().size(), Clients);
    QCOMPARE(m_node->clientCount(), Clients);
    clients.clear();
    QTRY_COMPARE_WITH_TIMEOUT(m_node->clientCount(), 0, Wait);
}

void tst_SessionLimits::maxConnectionsRefusesTheExtra()
{
    QVERIFY(startNode(nullptr, 0, [](Herd::NodeSettings &s) { s.maxConnections = 2; }));
    auto first = connectClient();
    const auto second = connectClient();
    QVERIFY(first && second);
    QVERIFY(!storeClient(*first, "one").isEmpty());
    QVERIFY(!storeClient(*second, "two").isEmpty());

    // The third is accepted by the kernel, then closed at once by the node.
    const auto third = connectClient();
    QVERIFY(third);
    const QString thirdPeer = u"127.0.0.1:%1"_s.arg(third->socket()->localPort());
    QVERIFY(third->waitForEof(Wait));
    QTRY_COMPARE_WITH_TIMEOUT(refusals(u"limits.maxConnections"_s).size(), 1, Wait);
    QCOMPARE(refusals(u"limits.maxConnections"_s)[0].peer, thirdPeer);
    QCOMPARE(m_node->clientCount(), 2);

    // Room again once one leaves.
    first->socket()->abort();
    QTRY_COMPARE_WITH_TIMEOUT(m_node->clientCount(), 1, Wait);
    const auto fourth = connectClient();
    QVERIFY(fourth);
    QVERIFY(!storeClient(*fourth, "four").isEmpty());
}

void tst_SessionLimits::idleTimeoutClosesSilentClient()
{
    ManualPlaces places;
    QVERIFY(startNode(&places, 0, [](Herd::NodeSettings &s) { s.idleTimeoutMs = 200; }));
    // Owed a WHATSAT answer: waiting on the node is not idleness.
    const auto owed = connectClient();
    QVERIFY(owed);
    QVERIFY(!storeClient(*owed, "owed").isEmpty());
    owed->send("WHATSAT owed 10 1\n"_ba);
    QTRY_COMPARE_WITH_TIMEOUT(places.pending(), 1, Wait);

    const auto silent = connectClient();
    QVERIFY(silent);
    const QString silentPeer = u"127.0.0.1:%1"_s.arg(silent->socket()->localPort());
    QVERIFY(silent->waitForEof(Wait));
    const QList<Event> refused = refusals(u"limits.idleTimeoutMs"_s);
    QCOMPARE(refused.size(), 1);
    QCOMPARE(refused[0].peer, silentPeer);
    // Silent longer than the silent one, yet still open.
    QVERIFY(!owed->atEof());
    places.answer(0, placesAnswer(1));
    QVERIFY(owed->waitForText("\n\n", 1, Wait));
    // Owed nothing now: it idles out too.
    QVERIFY(owed->waitForEof(Wait));
    QCOMPARE(refusals(u"limits.idleTimeoutMs"_s).size(), 2);
}

void tst_SessionLimits::unreadRepliesPastLimitDisconnect()
{
    constexpr qsizetype Limit = 64 * 1024;
    QVERIFY(startNode(nullptr, 0, [](Herd::NodeSettings &s) { s.maxPendingReplyBytes = Limit; }));
    // A raw client with a tiny receive window that never reads.
    const int fd = Herd::Test::smallWindowSocket();
    QVERIFY(fd >= 0);
    const auto closeFd = qScopeGuard([fd] { ::close(fd); });
    sockaddr_in address = Herd::Test::loopbackAddress(m_node->port());
    QCOMPARE(::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)), 0);
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    sockaddr_in local {};
    socklen_t length = sizeof(local);
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&local), &length);
    const QString peer = u"127.0.0.1:%1"_s.arg(ntohs(local.sin_port));

    // Each 8 KiB invalid line is echoed back as "? ..." (8 KiB of reply).
    const QByteArray line = QByteArray(8 * 1024, 'x') + '\n';
    qsizetype offset = 0;
    bool sendFailed = false;
    const bool refused = QTest::qWaitFor(
        [&] {
            while (!sendFailed) {
                const ssize_t n =
                    ::send(fd, line.constData() + offset, size_t(line.size() - offset), MSG_NOSIGNAL);
                if (n < 0) {
                    sendFailed = errno != EAGAIN && errno != EWOULDBLOCK;
                    break;
                }
                offset = (offset + n) % line.size();
            }
            return !refusals(u"limits.maxPendingReplyBytes"_s).isEmpty();
        },
        10 * Wait);
    QVERIFY(refused);
    QCOMPARE(refusals(u"limits.maxPendingReplyBytes"_s)[0].peer, peer);
    QTRY_COMPARE_WITH_TIMEOUT(m_node->clientCount(), 0, Wait);
    // Others are served as before.
    const auto other = connectClient();
    QVERIFY(other);
    QVERIFY(!storeClient(*other, "fine").isEmpty());
}

void tst_SessionLimits::whatsatCapPerConnectionHoldsLines()
{
    ManualPlaces places;
    QVERIFY(startNode(&places, 0, [](Herd::NodeSettings &s) { s.maxWhatsatPerConnection = 2; }));
    const auto client = connectClient();
    QVERIFY(client);
    const QByteArray atA = storeClient(*client, "a");
    QVERIFY(!atA.isEmpty());
    const QByteArray t = nowText();
    client->send("WHATSAT a 10 1\nWHATSAT a 11 1\nWHATSAT a 12 1\n" + iamatLine("b", "+1+1", t) + '\n');
    QTRY_COMPARE_WITH_TIMEOUT(places.pending(), 2, Wait);
    // Wait for the connection to settle: the rest is held, unread by the node.
    QTRY_VERIFY_WITH_TIMEOUT(m_node->whatsatInFlight() == 2, Wait);
    QCoreApplication::processEvents();
    QCOMPARE(places.queries().size(), 2);
    QVERIFY(!m_node->store().find("b"));

    places.answer(0, placesAnswer(1, u"R10"_s));
    QTRY_COMPARE_WITH_TIMEOUT(places.queries().size(), 3, Wait);
    QVERIFY(!m_node->store().find("b")); // behind the third WHATSAT, at the cap again
    places.answer(1, placesAnswer(1, u"R11"_s));
    QTRY_VERIFY_WITH_TIMEOUT(m_node->store().find("b"), Wait);
    places.answer(2, placesAnswer(1, u"R12"_s));
    QVERIFY(client->waitForText("\n\n", 3, Wait));
    QVERIFY(client->waitForLines(3 * 3 + 1, Wait));
    const QByteArray all = client->received();
    QVERIFY(all.indexOf("R10 0") < all.indexOf("R11 0"));
    QVERIFY(all.indexOf("R11 0") < all.indexOf("R12 0"));
    QCOMPARE(withoutDiff(client->lines().last()), "AT Alford <diff> b +1+1 " + t);
    QCOMPARE(places.queries()[2].radiusKm, 12.0);
}

void tst_SessionLimits::whatsatCapPerNodeHoldsOtherConnections()
{
    ManualPlaces places;
    QVERIFY(startNode(&places, 0, [](Herd::NodeSettings &s) { s.maxWhatsatPerNode = 2; }));
    const auto busy = connectClient();
    const auto other = connectClient();
    QVERIFY(busy && other);
    QVERIFY(!storeClient(*busy, "a").isEmpty());
    busy->send("WHATSAT a 10 1\nWHATSAT a 11 1\n"_ba);
    QTRY_COMPARE_WITH_TIMEOUT(places.pending(), 2, Wait);

    const QByteArray t = nowText();
    other->send("WHATSAT a 12 1\n" + iamatLine("c", "+2+2", t) + '\n');
    // Held lines make no event; give them a few turns of the loop to arrive.
    for (int i = 0; i < 5; ++i)
        QCoreApplication::processEvents();
    QCOMPARE(events(EventKind::LineReceived).size(), 3); // busy's three only
    QCOMPARE(places.queries().size(), 2);
    QVERIFY(!m_node->store().find("c"));

    places.answer(0, placesAnswer(1, u"R10"_s));
    QTRY_COMPARE_WITH_TIMEOUT(places.queries().size(), 3, Wait);
    QVERIFY(!m_node->store().find("c")); // the node is at its cap again
    places.answer(1, placesAnswer(1, u"R11"_s));
    QVERIFY(busy->waitForText("\n\n", 2, Wait));
    QTRY_VERIFY_WITH_TIMEOUT(m_node->store().find("c"), Wait);
    places.answer(2, placesAnswer(1, u"R12"_s));
    QVERIFY(other->waitForText("\n\n", 1, Wait));
    QVERIFY(other->waitForLines(4, Wait));
    QVERIFY(other->received().contains("R12 0"));
    QCOMPARE(withoutDiff(other->lines().last()), "AT Alford <diff> c +2+2 " + t);
    QCOMPARE(m_node->whatsatInFlight(), 0);
}

QTEST_GUILESS_MAIN(tst_SessionLimits)
#include "tst_session_limits.moc"
