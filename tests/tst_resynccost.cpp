// SPDX-License-Identifier: GPL-3.0-or-later
// What resynchronisation costs: the difference table and its estimator find
// exactly what two stores differ on; the lines exchanged grow with the
// difference and not with the stores; malformed table lines are refused
// with a reason while the link keeps working; a plain neighbour in the same
// herd still gets AT lines only. Counts come from the protocol's structure
// (cells, lines, records), never from the clock.

#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include "herd/cluster.h"
#include "herd/node/diffestimate_p.h"
#include "herd/node/difftable_p.h"
#include "herd/node/digest_p.h"
#include "herd/node/node.h"
#include "herd/node/peerlink_p.h"
#include "herd/node/store.h"
#include "herd/wire/protocol.h"
#include "herd/wire/syncline_p.h"
#include "tests/herdfixture.h"
#include "tests/lineclient.h"

using namespace Herd;
using namespace Herd::Test;
using namespace Qt::StringLiterals;

namespace {

constexpr int Timeout = 10'000;
constexpr qint64 Second = 1'000'000'000;

QByteArray phone(int i)
{
    return "phone-" + QByteArray::number(i) + ".example.org";
}

// A record for a store of our own, without a node.
Record record(const QByteArray &client, qint64 seconds)
{
    Record r;
    r.clientId = client;
    r.timeNs = seconds * Second;
    r.atLine = "AT X +0.0 " + client + " +1+1 " + QByteArray::number(seconds);
    return r;
}

// The IAMAT a client would send, taken by `node` without a connection.
void report(Node *node, const QByteArray &client, qint64 seconds)
{
    const QByteArray line = "IAMAT " + client + " +34.068930-118.445127 " + QByteArray::number(seconds);
    node->acceptIamat(parseLine(line));
}

HerdConfig twoNodes()
{
    HerdConfig config = HerdFixture::config({u"A"_s, u"B"_s}, {{u"A"_s, u"B"_s}});
    config.reconnectInitialMs = 20;
    config.reconnectMaxMs = 200;
    return config;
}

bool storesAgree(const Node *a, const Node *b)
{
    if (a->store().size() != b->store().size())
        return false;
    for (const Record &r : a->store().records()) {
        const Record *other = b->store().find(r.clientId);
        if (!other || other->timeNs != r.timeNs)
            return false;
    }
    return true;
}

// What one heal put on the wire, by the protocol's units.
struct Exchanged
{
    qsizetype tableCells = 0;
    qsizetype estLines = 0;
    qsizetype sumLines = 0;
    qsizetype getHashes = 0;
    qsizetype records = 0; // AT lines sent by resync
    qsizetype syncBytes = 0;
};

Exchanged exchanged(const QList<Event> &events)
{
    Exchanged out;
    for (const Event &event : events) {
        if (event.kind != EventKind::LineSent || !event.viaPeerLink)
            continue;
        if (event.line.startsWith("AT ") && event.detail == u"resync")
            ++out.records;
        if (!SyncLine::looksLikeSync(event.line))
            continue;
        out.syncBytes += event.line.size() + 1;
        const std::optional<SyncLine> sync = SyncLine::parse(event.line, nullptr);
        if (!sync)
            continue;
        out.tableCells += sync->kind == SyncLine::Kind::Table ? sync->blob.size() / DiffTable::CellBytes : 0;
        out.estLines += sync->kind == SyncLine::Kind::Est;
        out.sumLines += sync->kind == SyncLine::Kind::Sum;
        out.getHashes += sync->clientHashes.size();
    }
    return out;
}

// A neighbour we play by hand: it takes node A's link and records its lines.
class FakeNeighbour final : public QObject
{
public:
    FakeNeighbour()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            m_socket = m_server.nextPendingConnection();
            connect(m_socket, &QTcpSocket::readyRead, this, [this] {
                while (m_socket->canReadLine())
                    m_lines.append(m_socket->readLine().trimmed());
            });
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return m_server.serverPort(); }
    void send(const QByteArray &line) { m_socket->write(line + '\n'); }
    int count(const QByteArray &prefix) const
    {
        return int(std::count_if(m_lines.begin(), m_lines.end(),
                                 [&](const QByteArray &line) { return line.startsWith(prefix); }));
    }
    bool onlyAtLines() const
    {
        return std::all_of(m_lines.begin(), m_lines.end(),
                           [](const QByteArray &line) { return line.startsWith("AT "); });
    }

private:
    QTcpServer m_server;
    QTcpSocket *m_socket = nullptr;
    QList<QByteArray> m_lines;
};

} // namespace

class TestResyncCost final : public QObject
{
    Q_OBJECT

private slots:
    void tablePeelsToTheExactDifference_data();
    void tablePeelsToTheExactDifference();
    void tableLinesRoundTrip();
    void linesGrowWithTheDifference();
    void restartFromEmptyIsSentEverythingOnce();
    void malformedTableLinesAreRefused_data();
    void malformedTableLinesAreRefused();
    void answererKeepsServingAfterBadLines();
    void askerRefusesBadTablesAndKeepsItsLink();
    void mixedHerdWithPlainNeighbour();
    void olderHerdNodeIsSentBucketSummaries();

private:
    // Two nodes that hold `clients` alike, then differ on `differ` of them
    // (half newer at A, half at B): heals the cut and says what went over.
    std::optional<Exchanged> heal(int clients, int differ);
};

void TestResyncCost::tablePeelsToTheExactDifference_data()
{
    QTest::addColumn<int>("differ");
    for (const int differ : {0, 1, 10, 100, 1000})
        QTest::addRow("%d of 5000", differ) << differ;
}

void TestResyncCost::tablePeelsToTheExactDifference()
{
    QFETCH(int, differ);
    Store here;
    Store there;
    for (int i = 0; i < 5000; ++i) {
        here.offer(record(phone(i), 100));
        there.offer(record(phone(i), 100));
    }
    // A third only here, a third only there, a third newer here.
    QSet<std::pair<quint64, qint64>> onlyHere;
    QSet<std::pair<quint64, qint64>> onlyThere;
    for (int i = 0; i < differ; ++i) {
        const QByteArray client = i % 3 == 2 ? phone(i) : "new-" + QByteArray::number(i);
        Store &store = i % 3 == 1 ? there : here;
        store.offer(record(client, 200));
        (i % 3 == 1 ? onlyThere : onlyHere).insert({Digest::clientHash(client), 200 * Second});
        if (i % 3 == 2)
            onlyThere.insert({Digest::clientHash(client), 100 * Second});
    }
    const qint64 pairs = onlyHere.size() + onlyThere.size();
    const qint64 estimate = DiffEstimate::of(here).differences(DiffEstimate::of(there));
    QVERIFY2(estimate >= pairs * 2 / 3 && estimate <= pairs * 3 / 2 + 10,
             qPrintable(u"estimate %1 for %2 pairs"_s.arg(estimate).arg(pairs)));

    const qsizetype cells = DiffTable::cellsFor(pairs);
    const std::optional<DiffTable::Difference> difference =
        DiffTable::of(here, cells).subtract(DiffTable::of(there, cells));
    QVERIFY(difference);
    QSet<std::pair<quint64, qint64>> peeledHere;
    for (const DiffTable::Pair &pair : difference->onlyHere)
        peeledHere.insert({pair.clientHash, pair.timeNs});
    QSet<std::pair<quint64, qint64>> peeledThere;
    for (const DiffTable::Pair &pair : difference->onlyThere)
        peeledThere.insert({pair.clientHash, pair.timeNs});
    QCOMPARE(peeledHere, onlyHere);
    QCOMPARE(peeledThere, onlyThere);

    // A table far too small for the difference says so rather than guess.
    if (differ >= 100)
        QVERIFY(!DiffTable::of(here, 30).subtract(DiffTable::of(there, 30)));
}

void TestResyncCost::tableLinesRoundTrip()
{
    Store store;
    for (int i = 0; i < 400; ++i)
        store.offer(record(phone(i), 100 + i));
    const DiffTable table = DiffTable::of(store, 600);
    const QList<QByteArray> lines = SyncLine::table("Bolden", table, 1000);
    QVERIFY(lines.size() > 1);
    DiffTable read(600);
    qsizetype next = 0;
    for (const QByteArray &line : lines) {
        QVERIFY2(line.size() <= 1000, line.left(40).constData());
        QString error;
        const std::optional<SyncLine> sync = SyncLine::parse(line, &error);
        QVERIFY2(sync, qPrintable(error));
        QCOMPARE(sync->kind, SyncLine::Kind::Table);
        QCOMPARE(sync->cells, 600);
        QCOMPARE(sync->first, next);
        QVERIFY(read.setBytes(sync->first, sync->blob));
        next += sync->blob.size() / DiffTable::CellBytes;
    }
    QCOMPARE(next, 600);
    const std::optional<DiffTable::Difference> same = table.subtract(read);
    QVERIFY(same && same->onlyHere.isEmpty() && same->onlyThere.isEmpty());

    const QByteArray est = SyncLine::estimate("Alford", 400, DiffEstimate::of(store).bytes());
    const std::optional<SyncLine> parsed = SyncLine::parse(est, nullptr);
    QVERIFY(parsed);
    QCOMPARE(parsed->records, 400);
    QCOMPARE(DiffEstimate::fromBytes(parsed->blob)->differences(DiffEstimate::of(store)), 0);
    QCOMPARE(SyncLine::parse(SyncLine::more("Alford", 1200), nullptr)->cells, 1200);
    QCOMPARE(SyncLine::parse(SyncLine::askForBuckets("Alford"), nullptr)->kind, SyncLine::Kind::Buckets);
    const QList<QByteArray> get = SyncLine::get("Alford", {0xffULL, 0x0123456789abcdefULL}, 1000);
    QCOMPARE(get, QList<QByteArray> {"SYNC GET Alford ff 123456789abcdef"});
    QCOMPARE(SyncLine::parse(get.constFirst(), nullptr)->clientHashes,
             (QList<quint64> {0xffULL, 0x0123456789abcdefULL}));
}

std::optional<Exchanged> TestResyncCost::heal(int clients, int differ)
{
    HerdFixture herd;
    if (!herd.start(twoNodes()) || !herd.waitForLinks())
        return std::nullopt;
    Node *a = herd.cluster()->node(u"A"_s);
    Node *b = herd.cluster()->node(u"B"_s);
    herd.cluster()->setLinkCut(u"A"_s, u"B"_s, true);
    for (int i = 0; i < clients; ++i) {
        report(a, phone(i), 1700000000);
        report(b, phone(i), 1700000000);
    }
    for (int i = 0; i < differ; ++i)
        report(i % 2 ? b : a, phone(i * (clients / differ)), 1700000100);
    herd.clearEvents();
    herd.cluster()->setLinkCut(u"A"_s, u"B"_s, false);
    if (!QTest::qWaitFor([&] { return storesAgree(a, b); }, Timeout))
        return std::nullopt;
    return exchanged(herd.events());
}

void TestResyncCost::linesGrowWithTheDifference()
{
    QList<qsizetype> cells;
    for (const int differ : {2, 20, 200, 1000}) {
        const std::optional<Exchanged> healed = heal(4000, differ);
        QVERIFY2(healed, "the herd did not start, or A and B did not agree after the heal");
        const Exchanged &sent = *healed;
        // Exactly the records that differ travel, none twice; the tables
        // found them, the bucket summary was never needed.
        QCOMPARE(sent.records, differ);
        QCOMPARE(sent.sumLines, 0);
        QVERIFY(sent.estLines >= 1 && sent.estLines <= 2);
        // Half were newer at B: asked for by client hash.
        QCOMPARE(sent.getHashes, differ / 2);
        // 2 pairs a differing client: at least that many cells, and at
        // most 1.5 a pair with the estimate twice too high, one retry aside.
        QVERIFY2(sent.tableCells >= 2 * differ && sent.tableCells <= 3 * DiffTable::cellsFor(4 * differ),
                 qPrintable(u"%1 cells for %2 clients"_s.arg(sent.tableCells).arg(differ)));
        cells.append(sent.tableCells);
    }
    QVERIFY2(cells[0] < cells[1] && cells[1] < cells[2] && cells[2] < cells[3],
             qPrintable(u"cells %1 %2 %3 %4"_s.arg(cells[0]).arg(cells[1]).arg(cells[2]).arg(cells[3])));
    // Eight times the clients, the same difference: about the same cost.
    const std::optional<Exchanged> big = heal(32000, 20);
    QVERIFY(big);
    QVERIFY2(big->tableCells <= 2 * cells[1],
             qPrintable(u"%1 cells against %2"_s.arg(big->tableCells).arg(cells[1])));
}

void TestResyncCost::restartFromEmptyIsSentEverythingOnce()
{
    HerdFixture herd;
    QString error;
    QVERIFY2(herd.start(twoNodes(), &error), qPrintable(error));
    QVERIFY(herd.waitForLinks());
    Node *a = herd.cluster()->node(u"A"_s);
    herd.cluster()->setLinkCut(u"A"_s, u"B"_s, true);
    for (int i = 0; i < 300; ++i)
        report(a, phone(i), 1700000000);
    herd.cluster()->setLinkCut(u"A"_s, u"B"_s, false);
    QVERIFY(herd.cluster()->kill(u"B"_s));
    herd.clearEvents();
    QVERIFY2(herd.cluster()->restart(u"B"_s, &error), qPrintable(error));
    Node *b = herd.cluster()->node(u"B"_s);
    QTRY_VERIFY_WITH_TIMEOUT(storesAgree(a, b), Timeout);
    const Exchanged sent = exchanged(herd.events());
    // B's EST said it holds nothing: A sends everything once. The exchange
    // A started is answered with a bare DONE (B holds fewer) or, if it came
    // once B was level, with the smallest table.
    QCOMPARE(sent.records, 300);
    QVERIFY(sent.tableCells <= DiffTable::cellsFor(0));
    QCOMPARE(sent.sumLines, 0);
    QVERIFY2(sent.syncBytes < 2 * 2200 + DiffTable::cellsFor(0) * 28 + 100,
             qPrintable(QString::number(sent.syncBytes)));
}

void TestResyncCost::malformedTableLinesAreRefused_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("error");
    const QString est = u"SYNC EST takes the sender, a record count and 1536 bytes in base64"_s;
    const QString table = u"SYNC TABLE takes the sender, the table's cells (a multiple of 3, at most 49152), "
                          u"the first cell and whole cells in base64 that fit"_s;
    const QString more = u"SYNC MORE takes the sender and a table size (a multiple of 3, at most 49152)"_s;
    const QByteArray cell = QByteArray(DiffTable::CellBytes, 'x').toBase64();
    QTest::newRow("est short") << QByteArray("SYNC EST B 5 AAAA") << est;
    QTest::newRow("est count") << "SYNC EST B -1 " + QByteArray(DiffEstimate::Bytes, 0).toBase64() << est;
    QTest::newRow("est base64") << QByteArray("SYNC EST B 5 !!!!") << est;
    QTest::newRow("table size") << "SYNC TABLE B 31 0 " + cell << table;
    QTest::newRow("table huge") << "SYNC TABLE B 999999 0 " + cell << table;
    QTest::newRow("table past end") << "SYNC TABLE B 30 30 " + cell << table;
    QTest::newRow("table partial cell") << QByteArray("SYNC TABLE B 30 0 AAAA") << table;
    QTest::newRow("table empty") << QByteArray("SYNC TABLE B 30 0") << table;
    QTest::newRow("more odd") << QByteArray("SYNC MORE B 7") << more;
    QTest::newRow("more huge") << QByteArray("SYNC MORE B 999999") << more;
    QTest::newRow("buckets extra") << QByteArray("SYNC BUCKETS B C")
                                   << u"SYNC BUCKETS takes only the sender"_s;
    QTest::newRow("get hash") << QByteArray("SYNC GET B 12 xyz")
                              << u"SYNC GET: \"xyz\" is not a hex client hash"_s;
}

void TestResyncCost::malformedTableLinesAreRefused()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, error);
    QString why;
    QVERIFY(!SyncLine::parse(line, &why));
    QCOMPARE(why, error);
}

void TestResyncCost::answererKeepsServingAfterBadLines()
{
    HerdFixture herd;
    QString error;
    QVERIFY2(herd.start(twoNodes(), &error), qPrintable(error));
    LineClient kiwi;
    QVERIFY(kiwi.connectTo(herd.port(u"A"_s)));
    kiwi.send("IAMAT kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503\n");
    QVERIFY(kiwi.waitForLines(1));
    const QByteArray at = kiwi.lines().constFirst();

    // Someone who says it is B: bad lines get "?", an answer it was not
    // asked for too, and the connection still answers what is well formed.
    LineClient peer;
    QVERIFY(peer.connectTo(herd.port(u"A"_s)));
    peer.send("SYNC MORE B 7\nSYNC TABLE B 30 0 AAAA\nSYNC BUCKETS B\nSYNC GET B "
              + QByteArray::number(Digest::clientHash("kiwi.cs.ucla.edu"), 16) + '\n');
    QVERIFY(peer.waitForLines(4));
    QCOMPARE(peer.lines().mid(0, 3),
             (QList<QByteArray> {"? SYNC MORE B 7", "? SYNC TABLE B 30 0 AAAA", "? SYNC BUCKETS B"}));
    QCOMPARE(peer.lines()[3], at);
    const QList<Event> invalid = herd.events(EventKind::LineInvalid, u"A"_s);
    QCOMPARE(invalid.size(), 3);
    QCOMPARE(invalid[2].detail, u"an answer to an exchange this node did not start on this link"_s);

    // An EST is answered with a table sized for the difference: A holds
    // one record more than an empty estimator says.
    peer.send("SYNC EST B 1 " + DiffEstimate().bytes().toBase64() + '\n');
    QVERIFY(peer.waitForLines(5));
    const std::optional<SyncLine> table = SyncLine::parse(peer.lines()[4], nullptr);
    QVERIFY2(table && table->kind == SyncLine::Kind::Table, peer.lines()[4].left(60).constData());
    QCOMPARE(table->cells, DiffTable::cellsFor(1));
}

void TestResyncCost::askerRefusesBadTablesAndKeepsItsLink()
{
    FakeNeighbour fake;
    QVERIFY(fake.listen());
    HerdConfig config = twoNodes();
    config.nodes[1].port = fake.port();
    QList<Event> invalid; // outlives the cluster, which reports as it stops
    HerdFixture places;
    Cluster cluster(config, places.places());
    connect(&cluster, &Cluster::eventOccurred, this, [&invalid](const Event &event) {
        if (event.kind == EventKind::LineInvalid)
            invalid.append(event);
    });
    QVERIFY(cluster.start({u"A"_s}));
    PeerLink *link = cluster.node(u"A"_s)->link(u"B"_s);
    QTRY_COMPARE_WITH_TIMEOUT(link->state(), PeerLink::State::Connected, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(fake.count("SYNC EST A 0 "), 1, Timeout);

    const QByteArray cell = QByteArray(DiffTable::CellBytes, 'x').toBase64();
    fake.send("SYNC TABLE B 30 6 " + cell); // not the first cell
    fake.send("SYNC TABLE B 31 0 " + cell); // malformed
    fake.send("SYNC TABLE B 30 0 " + cell); // well formed, but nobody asked any more
    QTRY_COMPARE_WITH_TIMEOUT(invalid.size(), 3, Timeout);
    QCOMPARE(invalid[0].detail, u"SYNC TABLE cells out of order: exchange abandoned"_s);
    QVERIFY2(invalid[1].detail.startsWith(u"SYNC TABLE takes the sender"), qPrintable(invalid[1].detail));
    QCOMPARE(invalid[2].detail, u"a SYNC TABLE this node did not ask for"_s);
    // The link still carries updates.
    QCOMPARE(link->state(), PeerLink::State::Connected);
    LineClient client;
    QVERIFY(client.connectTo(cluster.node(u"A"_s)->port()));
    client.send("IAMAT kiwi +34.068930-118.445127 1700000000\n");
    QVERIFY(client.waitForLines(1));
    QTRY_COMPARE_WITH_TIMEOUT(fake.count("AT A "), 1, Timeout);
}

void TestResyncCost::mixedHerdWithPlainNeighbour()
{
    // A and B are Herd nodes; B's other neighbour is a course server.
    FakeNeighbour course;
    QVERIFY(course.listen());
    HerdConfig config = HerdFixture::config({u"A"_s, u"B"_s}, {{u"A"_s, u"B"_s}, {u"B"_s, u"Course"_s}});
    config.reconnectInitialMs = 20;
    config.reconnectMaxMs = 200;
    NodeConfig plain;
    plain.name = u"Course"_s;
    plain.port = course.port();
    plain.plain = true;
    config.nodes.append(plain);
    QList<Event> events; // outlives the cluster, which reports as it stops
    HerdFixture places;
    Cluster cluster(config, places.places());
    connect(&cluster, &Cluster::eventOccurred, this, [&events](const Event &event) { events.append(event); });
    QVERIFY(cluster.start({u"A"_s, u"B"_s}));
    Node *a = cluster.node(u"A"_s);
    Node *b = cluster.node(u"B"_s);
    QTRY_VERIFY_WITH_TIMEOUT(b->link(u"Course"_s)->state() == PeerLink::State::Connected
                                 && a->link(u"B"_s)->state() == PeerLink::State::Connected,
                             Timeout);
    cluster.setLinkCut(u"A"_s, u"B"_s, true);
    for (int i = 0; i < 100; ++i) {
        report(a, phone(i), 1700000000);
        if (i >= 30)
            report(b, phone(i), 1700000000);
    }
    events.clear();
    cluster.setLinkCut(u"A"_s, u"B"_s, false);
    QTRY_VERIFY_WITH_TIMEOUT(storesAgree(a, b), Timeout);
    // A and B found the 30 by a table; B passed them on to the course
    // server as the AT lines it floods, and never a SYNC line.
    QVERIFY(exchanged(events).tableCells > 0);
    QCOMPARE(exchanged(events).records, 30);
    QTRY_COMPARE_WITH_TIMEOUT(course.count("AT A "), 30, Timeout);
    QVERIFY(course.onlyAtLines());
}

void TestResyncCost::olderHerdNodeIsSentBucketSummaries()
{
    // A Herd node from before difference tables answers SYNC EST with "?":
    // it is not taken for a course server, but compared by buckets.
    FakeNeighbour older;
    QVERIFY(older.listen());
    HerdConfig config = twoNodes();
    config.nodes[1].port = older.port();
    HerdFixture places;
    Cluster cluster(config, places.places());
    QVERIFY(cluster.start({u"A"_s}));
    PeerLink *link = cluster.node(u"A"_s)->link(u"B"_s);
    QTRY_COMPARE_WITH_TIMEOUT(older.count("SYNC EST A "), 1, Timeout);
    older.send("? SYNC EST A 0 " + DiffEstimate().bytes().toBase64());
    QTRY_COMPARE_WITH_TIMEOUT(older.count("SYNC SUM A 1/1"), 1, Timeout);
    QVERIFY(!link->neighbour().plain);
    // Down and up again: straight to the summary.
    QVERIFY(cluster.setLinkCut(u"A"_s, u"B"_s, true, Cluster::Direction::OneWay));
    QVERIFY(cluster.setLinkCut(u"A"_s, u"B"_s, false, Cluster::Direction::OneWay));
    QTRY_COMPARE_WITH_TIMEOUT(older.count("SYNC SUM A 1/1"), 2, Timeout);
    QCOMPARE(older.count("SYNC EST "), 1);
}

QTEST_GUILESS_MAIN(TestResyncCost)
#include "tst_resynccost.moc"
