// SPDX-License-Identifier: GPL-3.0-or-later
// Flooding between the nodes of a herd (docs/protocol.md, "Between nodes: flooding"), on
// real TCP over 127.0.0.1 with OS-picked ports: every built-in herd, each
// node as the origin; stale and out-of-order updates; a node killed and
// restarted; and a neighbour that is not Herd at all.

#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <memory>

#include "herd/cluster.h"
#include "tests/floodsupport.h"
#include "herd/config/herdconfig.h"
#include "tests/herdfixture.h"
#include "herd/node/node.h"
#include "herd/places/offlineplaces.h"

using namespace FloodSupport;
using namespace Qt::StringLiterals;
using Herd::Cluster;
using Herd::EventKind;
using Herd::HerdConfig;

namespace {

constexpr int Timeout = 5000; // ms; every wait is bounded by this

std::optional<HerdConfig> presetOnOsPorts(const QString &name)
{
    QString error;
    std::optional<HerdConfig> config = HerdConfig::preset(name, &error);
    if (!config)
        qWarning("%s", qPrintable(error));
    else
        *config = withOsPorts(*config);
    return config;
}

QByteArray nodeOf(const QByteArray &atLine)
{
    return atLine.split(' ').value(1);
}

} // namespace

class TestFlooding : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();

    void everyNodeLearnsEveryUpdate_data();
    void everyNodeLearnsEveryUpdate();
    void staleIamatIsAnsweredNotFlooded();
    void atLinesFromNeighbour_data();
    void atLinesFromNeighbour();
    void killedNeighbourComesBack();
    void foreignNeighbour();

private:
    // Starts `config` (the nodes in `only`, or all) and waits until every
    // peer link of every started node is connected.
    bool startHerd(const HerdConfig &config, const QStringList &only = {});
    // A client connected to the node `name` of the running herd.
    LineClient *clientOf(const QString &name);
    // Sends `line` to `name` and waits for the one-line reply.
    QByteArray ask(const QString &name, const QByteArray &line);
    bool everyNodeHolds(const QByteArray &clientId, const QByteArray &atLine) const;

    std::unique_ptr<Herd::OfflinePlaces> m_places;
    std::unique_ptr<Cluster> m_cluster;
    std::unique_ptr<EventLog> m_log;
    QList<LineClient *> m_clients; // owned
    int m_unique = 0;
};

void TestFlooding::initTestCase()
{
    QString error;
    m_places = Herd::OfflinePlaces::fromEmbedded(&error);
    QVERIFY2(m_places, qPrintable(error));
    QVERIFY(!HerdConfig::presetNames().isEmpty());
}

void TestFlooding::cleanup()
{
    if (QTest::currentTestFailed() && m_log)
        qWarning("events of the failed test:\n%s", m_log->dump().constData());
    qDeleteAll(m_clients);
    m_clients.clear();
    m_log.reset();
    m_cluster.reset();
}

bool TestFlooding::startHerd(const HerdConfig &config, const QStringList &only)
{
    m_cluster = std::make_unique<Cluster>(config, m_places.get());
    m_log = std::make_unique<EventLog>(m_cluster.get());
    QString error;
    if (!m_cluster->start(only, &error)) {
        qWarning("cannot start the herd: %s", qPrintable(error));
        return false;
    }
    for (const Herd::Node *node : m_cluster->nodes()) {
        if (!node->isRunning() || node->port() == 0)
            return false;
    }
    return QTest::qWaitFor([this] { return Herd::Test::allLinksConnected(*m_cluster); }, Timeout);
}

LineClient *TestFlooding::clientOf(const QString &name)
{
    auto *client = new LineClient;
    m_clients.append(client);
    client->connectTo(m_cluster->node(name)->port());
    if (!QTest::qWaitFor([client] { return client->isConnected(); }, Timeout))
        qWarning("cannot connect to %s", qPrintable(name));
    return client;
}

QByteArray TestFlooding::ask(const QString &name, const QByteArray &line)
{
    LineClient *client = clientOf(name);
    client->send(line);
    if (!QTest::qWaitFor([client] { return !client->lines().isEmpty(); }, Timeout))
        qWarning("no reply from %s to %s", qPrintable(name), line.constData());
    return client->lines().value(0);
}

bool TestFlooding::everyNodeHolds(const QByteArray &clientId, const QByteArray &atLine) const
{
    for (const Herd::Node *node : m_cluster->nodes()) {
        const Herd::Record *record = node->store().find(clientId);
        if (!record || record->atLine != atLine)
            return false;
    }
    return true;
}

void TestFlooding::everyNodeLearnsEveryUpdate_data()
{
    QTest::addColumn<QString>("preset");
    QTest::addColumn<QString>("origin");
    for (const QString &preset : HerdConfig::presetNames()) {
        const std::optional<HerdConfig> config = HerdConfig::preset(preset, nullptr);
        QVERIFY(config);
        for (const QString &node : config->nodeNames())
            QTest::addRow("%s/%s", qPrintable(preset), qPrintable(node)) << preset << node;
    }
}

void TestFlooding::everyNodeLearnsEveryUpdate()
{
    QFETCH(QString, preset);
    QFETCH(QString, origin);
    const std::optional<HerdConfig> config = presetOnOsPorts(preset);
    QVERIFY(config);
    QVERIFY(startHerd(*config));
    const int links = int(config->links.size());
    // Both ends of every link hold an outgoing connection.
    int outgoing = 0;
    for (const Herd::Node *node : m_cluster->nodes())
        outgoing += int(node->neighbourNames().size());
    QCOMPARE(outgoing, 2 * links);

    const QByteArray clientId = "kiwi-" + origin.toUtf8() + ".cs.ucla.edu";
    const QByteArray iamat = iamatLine(clientId, "1621464827.959498503");
    const QByteArray at = ask(origin, iamat);
    QVERIFY2(at.startsWith(QByteArray("AT " + origin.toUtf8() + ' ')), at.constData());
    QVERIFY2(at.endsWith(QByteArray(' ' + clientId + " +34.068930-118.445127 1621464827.959498503")),
             at.constData());

    QTRY_VERIFY_WITH_TIMEOUT(everyNodeHolds(clientId, at), Timeout);
    // The flood is over when every AT line written on a link was read.
    QTRY_COMPARE_WITH_TIMEOUT(m_log->receivedOnLinks(at), m_log->sentOnLinks(at), Timeout);
    // Every event about the update names its client: the IAMAT in, its
    // answer, the AT lines between nodes, the records.
    const auto aboutIt = [&](const Herd::Event &e) { return e.line == iamat || e.line == at; };
    QVERIFY(m_log->count(aboutIt) > m_log->sentOnLinks(at));
    QCOMPARE(m_log->count([&](const Herd::Event &e) { return aboutIt(e) && e.client != clientId; }), 0);

    const int sent = m_log->sentOnLinks(at);
    QVERIFY2(sent <= 2 * links, qPrintable(QStringLiteral("%1 AT lines on %2 links").arg(sent).arg(links)));
    QVERIFY(sent >= int(config->nodes.size()) - 1);
    QCOMPARE(m_log->count(EventKind::SendSkipped), 0);
    for (const Herd::Node *node : m_cluster->nodes()) {
        const int stored = m_log->count(EventKind::RecordStored, at, node->name());
        QVERIFY2(stored == 1, qPrintable(node->name() + QStringLiteral(" stored it %1 times").arg(stored)));
        const Herd::Record *record = node->store().find(clientId);
        QCOMPARE(record->server(), origin.toUtf8());
        QCOMPARE(record->position(), QByteArray("+34.068930-118.445127"));
    }
    // Every copy that came over a link was stored once or dropped.
    QCOMPARE(m_log->count(EventKind::RecordStored, at) - 1 + m_log->count(EventKind::RecordDropped, at),
             m_log->receivedOnLinks(at));
    // The origin never gets its own update back over a link from a neighbour
    // that knows where it came from.
    QCOMPARE(m_log->count([&](const Herd::Event &e) {
        return e.kind == EventKind::LineSent && e.viaPeerLink && e.line == at && e.peer == origin;
    }),
             0);
}

void TestFlooding::staleIamatIsAnsweredNotFlooded()
{
    const std::optional<HerdConfig> config = presetOnOsPorts(HerdConfig::defaultPreset());
    QVERIFY(config);
    QVERIFY(startHerd(*config));

    const QByteArray newer = ask(u"Alford"_s, iamatLine("stale.client", "1621464900.5"));
    QVERIFY(newer.startsWith("AT Alford "));
    QTRY_VERIFY_WITH_TIMEOUT(everyNodeHolds("stale.client", newer), Timeout);

    const QByteArray older = ask(u"Bolden"_s, iamatLine("stale.client", "1621464800.5"));
    QVERIFY2(older.startsWith("AT Bolden "), older.constData());
    QVERIFY(older.endsWith(" stale.client +34.068930-118.445127 1621464800.5"));
    // The same time again is not newer either.
    const QByteArray same = ask(u"Hamilton"_s, iamatLine("stale.client", "1621464900.500000000"));
    QVERIFY2(same.startsWith("AT Hamilton "), same.constData());

    // A barrier: a fresh update from the same nodes. Links keep their order,
    // so had the stale ones been flooded they would have arrived before it.
    const QByteArray barrier1 = ask(u"Bolden"_s, iamatLine("barrier", "1621464800"));
    const QByteArray barrier2 = ask(u"Hamilton"_s, iamatLine("barrier", "1621464801"));
    QTRY_VERIFY_WITH_TIMEOUT(everyNodeHolds("barrier", barrier2), Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(m_log->receivedOnLinks(barrier2), m_log->sentOnLinks(barrier2), Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(m_log->receivedOnLinks(barrier1), m_log->sentOnLinks(barrier1), Timeout);

    QVERIFY(everyNodeHolds("stale.client", newer));
    for (const QByteArray &stale : {older, same}) {
        QCOMPARE(m_log->count(EventKind::RecordStored, stale), 0);
        QCOMPARE(m_log->sentOnLinks(stale), 0);
        QCOMPARE(m_log->count(EventKind::RecordDropped, stale), 1);
        QCOMPARE(m_log->count(EventKind::RecordDropped, stale, QString::fromUtf8(nodeOf(stale))), 1);
    }
    QCOMPARE(m_log->count(EventKind::RecordStored, newer), int(config->nodes.size()));
}

void TestFlooding::atLinesFromNeighbour_data()
{
    // AT lines a raw client sends to Parker as a neighbour would, in this
    // order; which of them are newer than what Parker holds by then.
    QTest::addColumn<QByteArrayList>("times");
    QTest::addColumn<QList<bool>>("stored");
    QTest::newRow("older after newer")
        << QByteArrayList {"1621464900", "1621464800"} << QList<bool> {true, false};
    QTest::newRow("newer after older")
        << QByteArrayList {"1621464800", "1621464900"} << QList<bool> {true, true};
    QTest::newRow("same time, other text")
        << QByteArrayList {"1621464800.5", "1621464800.500000000"} << QList<bool> {true, false};
    QTest::newRow("1 ns newer") << QByteArrayList {"1621464800.000000001", "1621464800.000000002"}
                                << QList<bool> {true, true};
    QTest::newRow("1 ns older") << QByteArrayList {"1621464800.000000002", "1621464800.000000001"}
                                << QList<bool> {true, false};
    QTest::newRow("newest in the middle")
        << QByteArrayList {"1621464700", "1621464900", "1621464800"} << QList<bool> {true, true, false};
    QTest::newRow("exact duplicate") << QByteArrayList {"1621464827.959498503", "1621464827.959498503"}
                                     << QList<bool> {true, false};
}

void TestFlooding::atLinesFromNeighbour()
{
    QFETCH(QByteArrayList, times);
    QFETCH(QList<bool>, stored);
    const std::optional<HerdConfig> config = presetOnOsPorts(HerdConfig::defaultPreset());
    QVERIFY(config);
    QVERIFY(startHerd(*config));
    const int nodeCount = int(config->nodes.size());

    LineClient *neighbour = clientOf(u"Parker"_s);
    QByteArrayList lines;
    for (qsizetype i = 0; i < times.size(); ++i) {
        // Distinct diffs so each line is told apart in the events.
        lines.append("AT Elsewhere +0.00000000" + QByteArray::number(i + 1) + " order.client -12.5+045.25 "
                     + times.at(i));
    }
    for (const QByteArray &line : lines)
        neighbour->send(line);
    // A barrier sent after them on the same connection.
    const QByteArray barrier = "AT Elsewhere +1.000000000 barrier.client +00+000 1621464000";
    neighbour->send(barrier);
    QTRY_VERIFY_WITH_TIMEOUT(everyNodeHolds("barrier.client", barrier), Timeout);
    // Every line read as from a neighbour: the injected one, plus each copy
    // written on a link.
    QTRY_COMPARE_WITH_TIMEOUT(m_log->receivedOnLinks(barrier), m_log->sentOnLinks(barrier) + 1, Timeout);
    for (const QByteArray &line : lines)
        QTRY_COMPARE_WITH_TIMEOUT(m_log->receivedOnLinks(line), m_log->sentOnLinks(line) + 1, Timeout);

    // A neighbour gets no reply to an AT line.
    QVERIFY2(neighbour->lines().isEmpty(), neighbour->lines().join('\n').constData());
    QByteArray newest;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QByteArray &line = lines.at(i);
        if (stored.at(i)) {
            newest = line;
            QCOMPARE(m_log->count(EventKind::RecordStored, line, u"Parker"_s), 1);
            // Stored at most once by every node (a later line may overtake it
            // elsewhere only if links reorder, which they must not).
            for (const Herd::Node *node : m_cluster->nodes())
                QCOMPARE(m_log->count(EventKind::RecordStored, line, node->name()), 1);
            QVERIFY(m_log->sentOnLinks(line) >= nodeCount - 1);
            QVERIFY(m_log->sentOnLinks(line) <= 2 * int(config->links.size()));
        } else {
            QCOMPARE(m_log->count(EventKind::RecordDropped, line, u"Parker"_s), 1);
            QCOMPARE(m_log->count(EventKind::RecordDropped, line), 1);
            QCOMPARE(m_log->count(EventKind::RecordStored, line), 0);
            QCOMPARE(m_log->sentOnLinks(line), 0);
        }
    }
    QVERIFY(everyNodeHolds("order.client", newest));
}

void TestFlooding::killedNeighbourComesBack()
{
    // The course's herd: no resynchronisation (tst_resync shows it with).
    std::optional<HerdConfig> config = presetOnOsPorts(HerdConfig::defaultPreset());
    QVERIFY(config);
    config->resync = false;
    QCOMPARE(config->reconnectInitialMs, 20);
    QVERIFY(startHerd(*config));
    // Parker is Hamilton's only neighbour, and Alford's and Bolden's too.
    const QStringList parkersNeighbours = config->neighboursOf(u"Parker"_s);
    QCOMPARE(QSet<QString>(parkersNeighbours.begin(), parkersNeighbours.end()),
             (QSet<QString> {u"Alford"_s, u"Bolden"_s, u"Hamilton"_s}));
    const quint16 parkerPort = m_cluster->node(u"Parker"_s)->port();

    QVERIFY(m_cluster->kill(u"Parker"_s));
    QVERIFY(!m_cluster->node(u"Parker"_s)->isRunning());
    QVERIFY(!m_cluster->kill(u"Parker"_s)); // already dead
    for (const QString &name : parkersNeighbours) {
        QTRY_VERIFY_WITH_TIMEOUT(m_log->count([&](const Herd::Event &e) {
            return e.kind == EventKind::PeerDisconnected && e.node == name && e.peer == u"Parker";
        }) == 1,
                                 Timeout);
        QTRY_VERIFY_WITH_TIMEOUT(m_log->count([&](const Herd::Event &e) {
            return e.kind == EventKind::PeerRetrying && e.node == name && e.peer == u"Parker";
        }) >= 2,
                                 Timeout);
    }
    QVERIFY(m_log->count(EventKind::NodeStopped, {}, u"Parker"_s) == 1);

    // Meanwhile the others answer, and flood where they still can.
    const QByteArray fromHamilton = ask(u"Hamilton"_s, iamatLine("during.outage", "1621464801"));
    QVERIFY2(fromHamilton.startsWith("AT Hamilton "), fromHamilton.constData());
    const QByteArray fromAlford = ask(u"Alford"_s, iamatLine("during.outage2", "1621464802"));
    QVERIFY2(fromAlford.startsWith("AT Alford "), fromAlford.constData());
    for (const QString &name : {u"Powell"_s, u"Bolden"_s})
        QTRY_VERIFY_WITH_TIMEOUT(m_cluster->node(name)->store().find("during.outage2"), Timeout);
    // What could not be sent to Parker was reported, not queued.
    QVERIFY(m_log->count([&](const Herd::Event &e) {
        return e.kind == EventKind::SendSkipped && e.node == u"Hamilton" && e.line == fromHamilton;
    }) == 1);

    // Back on the same port; its neighbours' links, and its own, reconnect.
    const qsizetype before = m_log->events().size();
    QString error;
    QVERIFY2(m_cluster->restart(u"Parker"_s, &error), qPrintable(error));
    QCOMPARE(m_cluster->node(u"Parker"_s)->port(), parkerPort);
    QVERIFY(m_cluster->node(u"Parker"_s)->store().records().isEmpty()); // a restart forgets
    QTRY_VERIFY_WITH_TIMEOUT(Herd::Test::allLinksConnected(*m_cluster), Timeout);
    auto reconnected = [&](const QString &from, const QString &to) {
        for (qsizetype i = before; i < m_log->events().size(); ++i) {
            const Herd::Event &e = m_log->events().at(i);
            if (e.kind == EventKind::PeerConnected && e.node == from && e.peer == to)
                return true;
        }
        return false;
    };
    for (const QString &name : parkersNeighbours) {
        QTRY_VERIFY_WITH_TIMEOUT(reconnected(name, u"Parker"_s), Timeout);
        QTRY_VERIFY_WITH_TIMEOUT(reconnected(u"Parker"_s, name), Timeout);
    }

    // A new update from the far side reaches Parker, and through it Hamilton.
    const QByteArray after = ask(u"Powell"_s, iamatLine("after.restart", "1621464900"));
    QTRY_VERIFY_WITH_TIMEOUT(everyNodeHolds("after.restart", after), Timeout);
    QCOMPARE(m_log->count(EventKind::RecordStored, after, u"Parker"_s), 1);
    QCOMPARE(m_log->count(EventKind::RecordStored, after, u"Hamilton"_s), 1);
    // What Parker missed while dead it does not learn (the course's herd
    // does not catch up), but it answers for clients again.
    QVERIFY(!m_cluster->node(u"Parker"_s)->store().find("during.outage"));
    const QByteArray fromParker = ask(u"Parker"_s, iamatLine("at.parker", "1621464901"));
    QVERIFY2(fromParker.startsWith("AT Parker "), fromParker.constData());
    QTRY_VERIFY_WITH_TIMEOUT(everyNodeHolds("at.parker", fromParker), Timeout);
}

void TestFlooding::foreignNeighbour()
{
    ForeignNode foreign;
    QVERIFY(foreign.listen());
    const QByteArray json = QStringLiteral(R"({
        "name": "Herd with a stranger",
        "nodes": {
            "Alford": {"host": "127.0.0.1", "port": 0},
            "Parker": {"host": "127.0.0.1", "port": 0},
            "Powell": {"host": "127.0.0.1", "port": 0},
            "Stranger": {"host": "127.0.0.1", "port": %1, "protocol": "plain"}
        },
        "links": [["Alford", "Parker"], ["Alford", "Powell"], ["Parker", "Stranger"]],
        "reconnect": {"initialMs": 20, "maxMs": 200}
    })")
                                .arg(foreign.port())
                                .toUtf8();
    QString error;
    const std::optional<HerdConfig> config = HerdConfig::fromJson(json, &error);
    QVERIFY2(config, qPrintable(error));
    QVERIFY(startHerd(*config, {u"Alford"_s, u"Parker"_s, u"Powell"_s}));
    QCOMPARE(m_cluster->nodes().size(), 3);
    QVERIFY(!m_cluster->node(u"Stranger"_s));
    QCOMPARE(foreign.connectionCount(), 1);

    // A new IAMAT reaches the stranger as the plain AT line its origin made.
    const QByteArray at = ask(u"Powell"_s, iamatLine("to.stranger", "1621464827.5"));
    QVERIFY(at.startsWith("AT Powell "));
    QTRY_COMPARE_WITH_TIMEOUT(foreign.received(), QList<QByteArray> {at}, Timeout);

    // The stranger's own update, sent as a neighbour sends it, is stored and
    // flooded by Parker to its other neighbours.
    auto *stranger = clientOf(u"Parker"_s);
    const QByteArray strangers = "AT Stranger +0.123456789 from.stranger +10.5-020.25 1621464830.25";
    stranger->send(strangers);
    QTRY_VERIFY_WITH_TIMEOUT(everyNodeHolds("from.stranger", strangers), Timeout);
    QCOMPARE(m_log->count(EventKind::RecordStored, strangers), 3);
    QCOMPARE(m_cluster->node(u"Powell"_s)->store().find("from.stranger")->server(), QByteArray("Stranger"));
    // Parker does not echo the stranger's own update back to it: a barrier
    // from Alford arrives, with nothing before it.
    const QByteArray barrier = ask(u"Alford"_s, iamatLine("barrier", "1621464831"));
    QTRY_COMPARE_WITH_TIMEOUT(foreign.received(), (QList<QByteArray> {at, barrier}), Timeout);
    QVERIFY(stranger->lines().isEmpty());

    // Its WHATSAT answers on any node carry the stranger's line as sent.
    LineClient *client = clientOf(u"Powell"_s);
    client->send("WHATSAT from.stranger 10 1");
    QTRY_VERIFY_WITH_TIMEOUT(!client->lines().isEmpty(), Timeout);
    QCOMPARE(client->lines().constFirst(), strangers);
}

QTEST_GUILESS_MAIN(TestFlooding)
#include "tst_flooding.moc"
