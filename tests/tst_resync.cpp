// SPDX-License-Identifier: GPL-3.0-or-later
// Resynchronisation: a node that was down or cut off learns what it missed
// once its links are back, with a digest first so that nothing the other
// side holds is sent again; neighbours that speak only docs/protocol.md are sent
// AT lines and nothing else.

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include "herd/cluster.h"
#include "herd/node/digest_p.h"
#include "tests/herdfixture.h"
#include "tests/lineclient.h"
#include "herd/node/node.h"
#include "herd/partition.h"
#include "herd/node/peerlink_p.h"
#include "herd/node/store.h"
#include "herd/wire/syncline_p.h"

using namespace Herd;
using namespace Herd::Test;
using namespace Qt::StringLiterals;

namespace {

constexpr int Timeout = 10'000;

HerdConfig quick(HerdConfig config, bool resync = true)
{
    config.reconnectInitialMs = 20;
    config.reconnectMaxMs = 200;
    config.resync = resync;
    return config;
}

HerdConfig preset(const QString &name, bool resync = true)
{
    QString error;
    const std::optional<HerdConfig> config = HerdConfig::preset(name, &error);
    if (!config)
        qFatal("preset %s: %s", qPrintable(name), qPrintable(error));
    return quick(*config, resync);
}

// A connected random herd: a random spanning tree plus extra links, so the
// average degree is about three. Seeded: the same herd every run.
HerdConfig randomHerd(int nodes, quint32 seed)
{
    QRandomGenerator random(seed);
    QStringList names;
    for (int i = 0; i < nodes; ++i)
        names.append(u"N%1"_s.arg(i, 2, 10, QLatin1Char('0')));
    QSet<std::pair<QString, QString>> links;
    for (int i = 1; i < nodes; ++i)
        links.insert({names[int(random.bounded(i))], names[i]});
    while (links.size() < qsizetype(nodes) * 3 / 2) {
        const int a = int(random.bounded(nodes));
        const int b = int(random.bounded(nodes));
        if (a != b && !links.contains({names[b], names[a]}))
            links.insert({names[qMin(a, b)], names[qMax(a, b)]});
    }
    HerdConfig config =
        HerdFixture::config(names, QList<std::pair<QString, QString>>(links.begin(), links.end()));
    return quick(config);
}

Record record(const QByteArray &client, qint64 timeNs)
{
    Record r;
    r.clientId = client;
    r.timeNs = timeNs;
    r.atLine = "AT X +0.0 " + client + " +1+1 " + QByteArray::number(timeNs);
    return r;
}

// Client id -> client time of every record a node holds.
QHash<QByteArray, qint64> knowledge(const Node *node)
{
    QHash<QByteArray, qint64> times;
    for (const Record &r : node->store().records())
        times.insert(r.clientId, r.timeNs);
    return times;
}

// A neighbour written to docs/protocol.md alone: it records every line its
// neighbours send and, like a course server, answers "?" to anything that
// is not IAMAT, WHATSAT or AT (when `answers` is set).
class PlainNode final : public QObject
{
public:
    explicit PlainNode(bool answers)
        : m_answers(answers)
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
                    while (socket->canReadLine()) {
                        const QByteArray line = socket->readLine().trimmed();
                        m_lines.append(line);
                        if (m_answers && !line.startsWith("AT ") && !line.startsWith("IAMAT ")
                            && !line.startsWith("WHATSAT "))
                            socket->write("? " + line + '\n');
                    }
                });
            }
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return m_server.serverPort(); }
    const QList<QByteArray> &lines() const { return m_lines; }
    int count(const QByteArray &prefix) const
    {
        return int(std::count_if(m_lines.begin(), m_lines.end(),
                                 [&](const QByteArray &line) { return line.startsWith(prefix); }));
    }

private:
    QTcpServer m_server;
    QList<QByteArray> m_lines;
    bool m_answers;
};

} // namespace

class TestResync final : public QObject
{
    Q_OBJECT

private slots:
    void syncLinesRoundTrip();
    void syncLinesRejectMalformed_data();
    void syncLinesRejectMalformed();
    void bucketHashesFollowTheRecords();

    void restartCatchesUp_data();
    void restartCatchesUp();
    void healConverges_data();
    void healConverges();
    void withoutResyncStaysStale();
    void digestSendsOnlyWhatIsLacking();
    void plainNeighbourGetsOnlyAtLines();
    void neighbourAnsweringQuestionMarkIsTreatedAsPlain();
    void resyncLinesRefusedWhenOff();
    void randomFiftyNodeHerd();

private:
    // Sends an IAMAT to `node` and returns its AT reply.
    QByteArray iamat(HerdFixture &herd, const QString &node, const QByteArray &client,
                     const QByteArray &time);
    bool allRunningAgree(const HerdFixture &herd) const;
    bool waitForAgreement(HerdFixture &herd, qint64 *elapsedMs = nullptr);
};

QByteArray TestResync::iamat(HerdFixture &herd, const QString &node, const QByteArray &client,
                             const QByteArray &time)
{
    LineClient line;
    if (!line.connectTo(herd.port(node)))
        return {};
    line.send("IAMAT " + client + " +34.068930-118.445127 " + time + '\n');
    if (!line.waitForLines(1))
        return {};
    return line.lines().constFirst();
}

bool TestResync::allRunningAgree(const HerdFixture &herd) const
{
    QHash<QByteArray, qint64> first;
    bool haveFirst = false;
    for (const Node *node : herd.cluster()->nodes()) {
        if (!node->isRunning())
            continue;
        const QHash<QByteArray, qint64> known = knowledge(node);
        if (!haveFirst) {
            first = known;
            haveFirst = true;
        } else if (known != first) {
            return false;
        }
    }
    return true;
}

bool TestResync::waitForAgreement(HerdFixture &herd, qint64 *elapsedMs)
{
    QElapsedTimer clock;
    clock.start();
    const bool agreed = QTest::qWaitFor([&] { return allRunningAgree(herd); }, Timeout);
    if (elapsedMs)
        *elapsedMs = clock.elapsed();
    return agreed;
}

void TestResync::syncLinesRoundTrip()
{
    QList<std::pair<int, quint64>> buckets;
    for (int i = 0; i < Digest::Buckets; i += 3)
        buckets.append({i, 0x0123456789abcdefULL + quint64(i)});
    const QList<QByteArray> sum = SyncLine::sum("Alford", buckets, 1000);
    QVERIFY(sum.size() > 1);
    QList<std::pair<int, quint64>> parsedBuckets;
    for (qsizetype i = 0; i < sum.size(); ++i) {
        QVERIFY2(sum[i].size() <= 1000, sum[i].left(60).constData());
        QString error;
        const std::optional<SyncLine> parsed = SyncLine::parse(sum[i], &error);
        QVERIFY2(parsed, qPrintable(error));
        QCOMPARE(parsed->kind, SyncLine::Kind::Sum);
        QCOMPARE(parsed->from, QByteArray("Alford"));
        QCOMPARE(parsed->part, int(i + 1));
        QCOMPARE(parsed->parts, int(sum.size()));
        parsedBuckets.append(parsed->buckets);
    }
    QCOMPARE(parsedBuckets, buckets);
    // An empty store still sends one summary line, so the other side answers.
    QCOMPARE(SyncLine::sum("Alford", {}, 1000), QList<QByteArray> {"SYNC SUM Alford 1/1"});

    const QList<std::pair<QByteArray, qint64>> entries {{"kiwi.cs.ucla.edu", 1621464827959498503}, {"b", -5}};
    const QList<QByteArray> have = SyncLine::have("Bolden", 17, entries, 1000);
    QCOMPARE(have, QList<QByteArray> {"SYNC HAVE Bolden 17 kiwi.cs.ucla.edu 1621464827959498503 b -5"});
    const std::optional<SyncLine> parsedHave = SyncLine::parse(have.constFirst(), nullptr);
    QVERIFY(parsedHave);
    QCOMPARE(parsedHave->bucket, 17);
    QCOMPARE(parsedHave->entries, entries);
    QCOMPARE(SyncLine::have("Bolden", 3, {}, 1000), QList<QByteArray> {"SYNC HAVE Bolden 3"});

    const QList<QByteArray> want = SyncLine::want("Parker", {"a", "b", "c"}, 18);
    QCOMPARE(want, (QList<QByteArray> {"SYNC WANT Parker a", "SYNC WANT Parker b", "SYNC WANT Parker c"}));
    QCOMPARE(SyncLine::parse(want[1], nullptr)->clients, QList<QByteArray> {"b"});
    QCOMPARE(SyncLine::parse(SyncLine::done("Powell"), nullptr)->kind, SyncLine::Kind::Done);
    QCOMPARE(SyncLine::senderOf("SYNC DONE Powell"), QByteArray("Powell"));
}

void TestResync::syncLinesRejectMalformed_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("error");
    QTest::newRow("no sender") << QByteArray("SYNC SUM") << u"a SYNC line needs a kind and a sender"_s;
    QTest::newRow("kind")
        << QByteArray("SYNC HELLO A")
        << u"unknown SYNC kind \"HELLO\" (expected EST, TABLE, MORE, BUCKETS, GET, SUM, HAVE, DONE, WANT, "
           u"ROOT or DIFFER)"_s;
    QTest::newRow("sum part") << QByteArray("SYNC SUM A 2 1:ff")
                              << u"SYNC SUM needs <line>/<lines> after the sender, like 1/3"_s;
    QTest::newRow("sum part order") << QByteArray("SYNC SUM A 3/2")
                                    << u"SYNC SUM needs <line>/<lines> after the sender, like 1/3"_s;
    QTest::newRow("sum item") << QByteArray("SYNC SUM A 1/1 7:xyz")
                              << u"SYNC SUM: \"7:xyz\" is not <bucket>:<hex hash>"_s;
    QTest::newRow("sum bucket") << QByteArray("SYNC SUM A 1/1 4096:ff")
                                << u"SYNC SUM: \"4096:ff\" is not <bucket>:<hex hash>"_s;
    QTest::newRow("have bucket") << QByteArray("SYNC HAVE A x")
                                 << u"SYNC HAVE needs a bucket number (0-4095) after the sender"_s;
    QTest::newRow("have pairs") << QByteArray("SYNC HAVE A 1 kiwi")
                                << u"SYNC HAVE: entries come in pairs of client and time"_s;
    QTest::newRow("have time") << QByteArray("SYNC HAVE A 1 kiwi 12.5")
                               << u"SYNC HAVE: \"12.5\" is not a time in nanoseconds"_s;
    QTest::newRow("done extra") << QByteArray("SYNC DONE A B") << u"SYNC DONE takes only the sender"_s;
}

void TestResync::syncLinesRejectMalformed()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, error);
    QString why;
    QVERIFY(!SyncLine::parse(line, &why));
    QCOMPARE(why, error);
}

void TestResync::bucketHashesFollowTheRecords()
{
    Store forwards;
    Store backwards;
    QList<Record> records;
    for (int i = 0; i < 500; ++i)
        records.append(record("client" + QByteArray::number(i), 1000 + i));
    for (const Record &r : records)
        QVERIFY(forwards.offer(r));
    for (auto it = records.crbegin(); it != records.crend(); ++it)
        QVERIFY(backwards.offer(*it));
    int nonEmpty = 0;
    for (int bucket = 0; bucket < Digest::Buckets; ++bucket) {
        QCOMPARE(forwards.bucketHash(bucket), backwards.bucketHash(bucket));
        nonEmpty += forwards.bucketHash(bucket) != 0;
    }
    QVERIFY(nonEmpty > 400); // 500 clients spread over the buckets

    // A newer record changes its own bucket only; an older one changes nothing.
    const int bucket = Digest::bucketOf(Digest::clientHash("client7"));
    const quint64 before = forwards.bucketHash(bucket);
    QVERIFY(!forwards.offer(record("client7", 5)));
    QCOMPARE(forwards.bucketHash(bucket), before);
    QVERIFY(forwards.offer(record("client7", 99999)));
    QVERIFY(forwards.bucketHash(bucket) != before);
    for (int other = 0; other < Digest::Buckets; ++other) {
        if (other != bucket)
            QCOMPARE(forwards.bucketHash(other), backwards.bucketHash(other));
    }
    // The same update on the other store brings them level again.
    QVERIFY(backwards.offer(record("client7", 99999)));
    QCOMPARE(forwards.bucketHash(bucket), backwards.bucketHash(bucket));
    forwards.clear();
    QCOMPARE(forwards.bucketHash(bucket), quint64(0));
    // Hashes are our own, fixed across machines and Qt builds.
    QCOMPARE(Digest::clientHash("kiwi.cs.ucla.edu"), Digest::clientHash(QByteArrayView("kiwi.cs.ucla.edu")));
    QCOMPARE(Digest::clientHash(""), quint64(0xc3817c016ba4ff30ULL));
}

void TestResync::restartCatchesUp_data()
{
    QTest::addColumn<QString>("preset");
    QTest::addColumn<QString>("victim");
    for (const QString &name : HerdConfig::presetNames()) {
        const HerdConfig config = preset(name);
        for (const QString &node : config.nodeNames())
            QTest::addRow("%s/%s", qPrintable(name), qPrintable(node)) << name << node;
    }
}

void TestResync::restartCatchesUp()
{
    QFETCH(QString, preset);
    QFETCH(QString, victim);
    HerdFixture herd;
    QString error;
    QVERIFY2(herd.start(::preset(preset), &error), qPrintable(error));
    QVERIFY(herd.waitForLinks());
    // Known before the crash, and so lost in it.
    QVERIFY(!iamat(herd, victim, "before", "1700000000").isEmpty());
    QVERIFY(herd.waitUntilAllStore("before"));

    QVERIFY(herd.cluster()->kill(victim));
    int n = 0;
    for (const QString &other : herd.cluster()->config().nodeNames()) {
        if (other != victim)
            QVERIFY(!iamat(herd, other, "during." + other.toUtf8(), QByteArray::number(1700000100 + n++))
                         .isEmpty());
    }
    QVERIFY2(herd.cluster()->restart(victim, &error), qPrintable(error));
    QVERIFY(herd.node(victim)->store().records().isEmpty());
    qint64 elapsedMs = 0;
    QVERIFY2(waitForAgreement(herd, &elapsedMs), "the restarted node did not catch up");
    QCOMPARE(herd.node(victim)->store().size(), qsizetype(n + 1));
    qInfo("%s: %s caught up %d records in %lld ms after restart", qPrintable(preset), qPrintable(victim),
          n + 1, elapsedMs);
}

void TestResync::healConverges_data()
{
    QTest::addColumn<QString>("preset");
    for (const QString &name : HerdConfig::presetNames())
        QTest::newRow(qPrintable(name)) << name;
}

void TestResync::healConverges()
{
    QFETCH(QString, preset);
    HerdFixture herd;
    QString error;
    QVERIFY2(herd.start(::preset(preset), &error), qPrintable(error));
    QVERIFY(herd.waitForLinks());
    const HerdConfig &config = herd.cluster()->config();
    QVERIFY(!iamat(herd, config.nodeNames().constFirst(), "shared", "1700000000").isEmpty());
    QVERIFY(herd.waitUntilAllStore("shared"));

    const QList<QStringList> halves = Partition::halves(config);
    herd.cluster()->partition(halves);
    // Each side hears of its own clients, and of "shared" moving, twice.
    int n = 0;
    for (const QString &node : config.nodeNames())
        QVERIFY(
            !iamat(herd, node, "client." + node.toUtf8(), QByteArray::number(1700000100 + n++)).isEmpty());
    QVERIFY(!iamat(herd, halves[0].constFirst(), "shared", "1700000200").isEmpty());
    QVERIFY(!iamat(herd, halves[1].constFirst(), "shared", "1700000300").isEmpty());
    QVERIFY(!allRunningAgree(herd));

    herd.cluster()->heal();
    qint64 elapsedMs = 0;
    QVERIFY2(waitForAgreement(herd, &elapsedMs), "the herd did not converge after the heal");
    for (const Node *node : herd.cluster()->nodes()) {
        QCOMPARE(node->store().size(), qsizetype(n + 1));
        QCOMPARE(node->store().find("shared")->timeNs, 1700000300'000000000LL);
    }
    qInfo("%s: converged in %lld ms after heal", qPrintable(preset), elapsedMs);
}

void TestResync::withoutResyncStaysStale()
{
    HerdFixture herd;
    QString error;
    QVERIFY2(herd.start(preset(HerdConfig::defaultPreset(), false), &error), qPrintable(error));
    QVERIFY(herd.waitForLinks());
    herd.cluster()->partition(Partition::isolate(herd.cluster()->config(), u"Hamilton"_s));
    QVERIFY(!iamat(herd, u"Alford"_s, "missed", "1700000000").isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(herd.node(u"Parker"_s)->store().find("missed"), Timeout);

    herd.cluster()->heal();
    QVERIFY(herd.waitForLinks());
    // A later update crosses the healed link, so it is up and used; the one
    // Hamilton missed never arrives: the course's herd does not catch up.
    QVERIFY(!iamat(herd, u"Alford"_s, "later", "1700000100").isEmpty());
    QVERIFY(herd.waitUntilAllStore("later"));
    QVERIFY(!herd.node(u"Hamilton"_s)->store().find("missed"));
    QVERIFY(herd.events(EventKind::Resynced).isEmpty());
    for (const Event &event : herd.events()) {
        QVERIFY2(!(event.kind == EventKind::LineSent && SyncLine::looksLikeSync(event.line)),
                 event.line.constData());
    }
}

void TestResync::digestSendsOnlyWhatIsLacking()
{
    HerdFixture herd;
    QString error;
    QVERIFY2(herd.start(quick(HerdFixture::config({u"A"_s, u"B"_s}, {{u"A"_s, u"B"_s}})), &error),
             qPrintable(error));
    QVERIFY(herd.waitForLinks());
    // 100 clients both know; then, cut off: 40 only A hears of, 30 only B,
    // and 20 known to both that move on each side, 10 newer at A, 10 at B.
    for (int i = 0; i < 100; ++i)
        QVERIFY(!iamat(herd, u"A"_s, "common" + QByteArray::number(i), "1700000000").isEmpty());
    QVERIFY(herd.waitUntilAllStore("common99"));
    QTRY_COMPARE_WITH_TIMEOUT(herd.node(u"B"_s)->store().size(), qsizetype(100), Timeout);
    QVERIFY(herd.cluster()->setLinkCut(u"A"_s, u"B"_s, true));
    for (int i = 0; i < 40; ++i)
        QVERIFY(!iamat(herd, u"A"_s, "onlyA" + QByteArray::number(i), "1700000100").isEmpty());
    for (int i = 0; i < 30; ++i)
        QVERIFY(!iamat(herd, u"B"_s, "onlyB" + QByteArray::number(i), "1700000100").isEmpty());
    for (int i = 0; i < 20; ++i) {
        const QByteArray client = "common" + QByteArray::number(i);
        QVERIFY(!iamat(herd, u"A"_s, client, i < 10 ? "1700000300" : "1700000200").isEmpty());
        QVERIFY(!iamat(herd, u"B"_s, client, i < 10 ? "1700000200" : "1700000300").isEmpty());
    }
    herd.clearEvents();
    QVERIFY(herd.cluster()->setLinkCut(u"A"_s, u"B"_s, false));
    QVERIFY(waitForAgreement(herd));
    QCOMPARE(herd.node(u"A"_s)->store().size(), qsizetype(170));

    // Every AT line the exchange sent was something the other side lacked:
    // 40 + 10 from A, 30 + 10 from B; none was dropped as already known.
    auto pushed = [&](const QString &from) {
        int count = 0;
        for (const Event &event : herd.events(EventKind::LineSent, from))
            count += event.line.startsWith("AT ") && event.detail == u"resync";
        return count;
    };
    QCOMPARE(pushed(u"A"_s), 50);
    QCOMPARE(pushed(u"B"_s), 40);
    QVERIFY(herd.events(EventKind::RecordDropped).isEmpty());
    QCOMPARE(herd.events(EventKind::RecordStored).size(), 90);
    // And the digest itself is small beside the 170 records: a summary of
    // the non-empty buckets plus (client, time) pairs for those that differ.
    qsizetype syncBytes = 0;
    for (const Event &event : herd.events(EventKind::LineSent)) {
        if (SyncLine::looksLikeSync(event.line))
            syncBytes += event.line.size() + 1;
    }
    QVERIFY(syncBytes > 0);
    qInfo("digest lines: %lld bytes for 170 clients, 90 differing", qlonglong(syncBytes));
}

void TestResync::plainNeighbourGetsOnlyAtLines()
{
    PlainNode plain(true);
    QVERIFY(plain.listen());
    HerdConfig config =
        quick(HerdFixture::config({u"A"_s, u"B"_s}, {{u"A"_s, u"B"_s}, {u"B"_s, u"Course"_s}}));
    NodeConfig course;
    course.name = u"Course"_s;
    course.port = plain.port();
    course.plain = true;
    config.nodes.append(course);
    HerdFixture herd; // for its places
    Cluster cluster(config, herd.places());
    QString error;
    QVERIFY2(cluster.start({u"A"_s, u"B"_s}, &error), qPrintable(error));
    PeerLink *link = cluster.node(u"B"_s)->link(u"Course"_s);
    QTRY_COMPARE_WITH_TIMEOUT(link->state(), PeerLink::State::Connected, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(cluster.node(u"A"_s)->link(u"B"_s)->state(), PeerLink::State::Connected,
                              Timeout);

    LineClient client;
    QVERIFY(client.connectTo(cluster.node(u"A"_s)->port()));
    client.send("IAMAT kiwi +34.068930-118.445127 1700000000\n");
    QVERIFY(client.waitForLines(1));
    const QByteArray at = client.lines().constFirst();
    QTRY_COMPARE_WITH_TIMEOUT(plain.count("AT "), 1, Timeout);
    // Its link goes down and up: it is sent everything B holds, as AT lines.
    QVERIFY(cluster.setLinkCut(u"B"_s, u"Course"_s, true, Cluster::Direction::OneWay));
    client.send("IAMAT missed +34.068930-118.445127 1700000001\n");
    QTRY_VERIFY_WITH_TIMEOUT(cluster.node(u"B"_s)->store().find("missed"), Timeout);
    QVERIFY(cluster.setLinkCut(u"B"_s, u"Course"_s, false, Cluster::Direction::OneWay));
    QTRY_COMPARE_WITH_TIMEOUT(plain.count("AT "), 3, Timeout);
    for (const QByteArray &line : plain.lines())
        QVERIFY2(line.startsWith("AT "), line.constData());
    QCOMPARE(plain.lines().constFirst(), at);
}

void TestResync::neighbourAnsweringQuestionMarkIsTreatedAsPlain()
{
    // Not marked plain in the herd file, but it is: its SYNC EST gets "?"
    // (as from a Herd node from before difference tables, which is then sent
    // a SYNC SUM), the SYNC SUM gets "?", and from then on it is sent AT
    // lines only.
    PlainNode plain(true);
    QVERIFY(plain.listen());
    HerdConfig config = quick(HerdFixture::config({u"A"_s, u"Stranger"_s}, {{u"A"_s, u"Stranger"_s}}));
    config.nodes[1].port = plain.port();
    HerdFixture herd; // for its places
    Cluster cluster(config, herd.places());
    QList<Event> errors;
    connect(&cluster, &Cluster::eventOccurred, this, [&errors](const Event &event) {
        if (event.kind == EventKind::Error)
            errors.append(event);
    });
    QString error;
    QVERIFY2(cluster.start({u"A"_s}, &error), qPrintable(error));
    PeerLink *link = cluster.node(u"A"_s)->link(u"Stranger"_s);
    QTRY_VERIFY_WITH_TIMEOUT(link->neighbour().plain, Timeout);
    QCOMPARE(plain.count("SYNC EST "), 1);
    QCOMPARE(plain.count("SYNC SUM "), 1);
    QCOMPARE(errors.size(), 1);
    QVERIFY2(errors[0].detail.contains(u"\"protocol\": \"plain\""), qPrintable(errors[0].detail));

    LineClient client;
    QVERIFY(client.connectTo(cluster.node(u"A"_s)->port()));
    client.send("IAMAT kiwi +34.068930-118.445127 1700000000\n");
    QTRY_COMPARE_WITH_TIMEOUT(plain.count("AT "), 1, Timeout);
    QVERIFY(cluster.setLinkCut(u"A"_s, u"Stranger"_s, true, Cluster::Direction::OneWay));
    QVERIFY(cluster.setLinkCut(u"A"_s, u"Stranger"_s, false, Cluster::Direction::OneWay));
    // Back up: everything again as AT lines, and no further SYNC line.
    QTRY_COMPARE_WITH_TIMEOUT(plain.count("AT "), 2, Timeout);
    QCOMPARE(plain.count("SYNC "), 2);
}

void TestResync::resyncLinesRefusedWhenOff()
{
    HerdFixture herd;
    QString error;
    QVERIFY2(herd.start(quick(HerdFixture::config({u"A"_s, u"B"_s}, {{u"A"_s, u"B"_s}}), false), &error),
             qPrintable(error));
    LineClient client;
    QVERIFY(client.connectTo(herd.port(u"A"_s)));
    // A course node, and a Herd node with resync off, answer "?" alike;
    // with it on, only a neighbour's well-formed line is taken.
    client.send("SYNC SUM B 1/1\n");
    QVERIFY(client.waitForLines(1));
    QCOMPARE(client.lines().constFirst(), QByteArray("? SYNC SUM B 1/1"));

    HerdFixture on;
    QVERIFY2(on.start(quick(HerdFixture::config({u"A"_s, u"B"_s}, {{u"A"_s, u"B"_s}})), &error),
             qPrintable(error));
    LineClient other;
    QVERIFY(other.connectTo(on.port(u"A"_s)));
    other.send("SYNC SUM Nobody 1/1\nSYNC SUM B 7\n");
    QVERIFY(other.waitForLines(2));
    QCOMPARE(other.lines(), (QList<QByteArray> {"? SYNC SUM Nobody 1/1", "? SYNC SUM B 7"}));
    const QList<Event> invalid = on.events(EventKind::LineInvalid, u"A"_s);
    QCOMPARE(invalid.size(), 2);
    QCOMPARE(invalid[0].detail, u"\"Nobody\" is not a neighbour of A"_s);
}

void TestResync::randomFiftyNodeHerd()
{
    HerdFixture herd;
    QString error;
    QVERIFY2(herd.start(randomHerd(50, 131), &error), qPrintable(error));
    QVERIFY(herd.waitForLinks(Timeout));
    const HerdConfig &config = herd.cluster()->config();

    // Split in halves; every node hears of its own client; heal.
    const QList<QStringList> halves = Partition::halves(config);
    herd.cluster()->partition(halves);
    int n = 0;
    for (const QString &node : config.nodeNames())
        QVERIFY(
            !iamat(herd, node, "client." + node.toUtf8(), QByteArray::number(1700000000 + n++)).isEmpty());
    herd.cluster()->heal();
    qint64 healMs = 0;
    QVERIFY2(waitForAgreement(herd, &healMs), "50 nodes did not converge after the heal");
    QCOMPARE(herd.node(config.nodeNames().constLast())->store().size(), qsizetype(50));

    // Three nodes crash, updates go on, they come back and catch up.
    const QStringList victims {u"N07"_s, u"N23"_s, u"N41"_s};
    for (const QString &victim : victims)
        QVERIFY(herd.cluster()->kill(victim));
    for (int i = 0; i < 20; ++i)
        QVERIFY(!iamat(herd, u"N00"_s, "late" + QByteArray::number(i), "1700000500").isEmpty());
    for (const QString &victim : victims)
        QVERIFY2(herd.cluster()->restart(victim, &error), qPrintable(error));
    qint64 restartMs = 0;
    QVERIFY2(waitForAgreement(herd, &restartMs), "restarted nodes did not catch up");
    for (const QString &victim : victims)
        QCOMPARE(herd.node(victim)->store().size(), qsizetype(70));
    qInfo("50 nodes, %lld links: converged %lld ms after heal, %lld ms after 3 restarts",
          qlonglong(config.links.size()), healMs, restartMs);
}

QTEST_GUILESS_MAIN(TestResync)
#include "tst_resync.moc"
