// KnowledgeModel (who knows what) under QAbstractItemModelTester, from
// synthetic events and from a real five-node herd; KnowledgeView's summary;
// PlotsView's series over a HerdStats; NodeInspector over a real node.
//
// With HERD_SCREENSHOT_DIR set, renderScreenshots() also writes plots.png
// and knowledge.png there (realistic data, offscreen grab).

#include <QAbstractItemModelTester>
#include <QDir>
#include <QHeaderView>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTableWidget>
#include <QTcpSocket>
#include <QTest>

#include <qcustomplot.h>

#include <memory>

#include "herd/cluster.h"
#include "herd/config/herdconfig.h"
#include "tests/herdfixture.h"
#include "ui/plots/herdstats.h"
#include "ui/knowledge/knowledgemodel.h"
#include "ui/knowledge/knowledgeview.h"
#include "herd/node/node.h"
#include "ui/knowledge/nodeinspector.h"
#include "herd/places/offlineplaces.h"
#include "ui/plots/plotsview.h"

using namespace Qt::StringLiterals;
using Herd::Event;
using Herd::EventKind;
using HerdUi::KnowledgeModel;
using State = HerdUi::KnowledgeModel::CellState;

namespace {

constexpr qint64 T0 = 1'700'000'000'000'000'000;
constexpr qint64 Ms = 1'000'000;
constexpr qint64 S = 1'000'000'000;

const QStringList Nodes{u"Alford"_s, u"Bolden"_s, u"Hamilton"_s};

Event stored(const QString &node, const QByteArray &origin, const QByteArray &client,
             const QByteArray &clientSeconds, qint64 timeNs = T0)
{
    Event e;
    e.kind = EventKind::RecordStored;
    e.node = node;
    e.timeNs = timeNs;
    e.client = client;
    e.line = "AT " + origin + " +0.000100000 " + client + " +34.068930-118.445127 " + clientSeconds;
    e.detail = node.toUtf8() == origin ? u"iamat"_s : u"flood"_s;
    return e;
}

Event nodeEvent(EventKind kind, const QString &node, qint64 timeNs = T0)
{
    Event e;
    e.kind = kind;
    e.node = node;
    e.timeNs = timeNs;
    return e;
}

Event linkEvent(const QString &from, const QString &to, const QString &what, qint64 timeNs)
{
    Event e = nodeEvent(EventKind::LinkChanged, from, timeNs);
    e.peer = to;
    e.detail = what;
    return e;
}

struct TestedModel
{
    std::unique_ptr<KnowledgeModel> model;
    std::unique_ptr<QAbstractItemModelTester> tester;
};

TestedModel makeModel(const QStringList &nodes = Nodes)
{
    TestedModel t;
    t.model = std::make_unique<KnowledgeModel>(nodes);
    t.tester = std::make_unique<QAbstractItemModelTester>(
        t.model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    return t;
}

State state(const KnowledgeModel &model, const QByteArray &client, const QString &node)
{
    return KnowledgeModel::CellState(
        model.data(model.index(model.rowOf(client), model.columnOf(node)), KnowledgeModel::StateRole).toInt());
}

QString text(const KnowledgeModel &model, const QByteArray &client, const QString &node)
{
    return model.data(model.index(model.rowOf(client), model.columnOf(node))).toString();
}

std::optional<Herd::HerdConfig> alfordOnOsPorts(QString *error)
{
    std::optional<Herd::HerdConfig> config = Herd::HerdConfig::preset(u"alford"_s, error);
    if (!config)
        return config;
    for (Herd::NodeConfig &node : config->nodes)
        node.port = 0;
    config->reconnectInitialMs = 20;
    config->reconnectMaxMs = 200;
    return config;
}

} // namespace

class tst_KnowledgeModel : public QObject
{
    Q_OBJECT

private slots:
    void emptyModel();
    void storedEverywhereIsNewestEverywhere();
    void newerOnSubsetMakesOthersStale();
    void missingRecords();
    void nodeStoppedClearsItsColumn();
    void newNodeAddsAColumn();
    void batchedSignals();
    void timerFlushes();
    void boundedRows();
    void sortsByStaleness();
    void stalenessText_data();
    void stalenessText();
    void viewSummary();
    void realHerd();
    void plotsViewSeries();
    void renderScreenshots();
};

void tst_KnowledgeModel::emptyModel()
{
    TestedModel t = makeModel();
    QCOMPARE(t.model->rowCount(), 0);
    QCOMPARE(t.model->columnCount(), 4);
    QCOMPARE(t.model->headerData(0, Qt::Horizontal).toString(), u"Client"_s);
    QCOMPARE(t.model->headerData(3, Qt::Horizontal).toString(), u"Hamilton"_s);
    QCOMPARE(t.model->divergentClients(), 0);
    QCOMPARE(t.model->runningNodeCount(), 3);
}

void tst_KnowledgeModel::storedEverywhereIsNewestEverywhere()
{
    TestedModel t = makeModel();
    for (const QString &node : Nodes)
        t.model->record(stored(node, "Alford", "kiwi", "1621464827.959498503"));
    QCOMPARE(t.model->rowCount(), 0); // batched until the flush
    t.model->flush();
    QCOMPARE(t.model->rowCount(), 1);
    QCOMPARE(t.model->data(t.model->index(0, 0)).toString(), u"kiwi"_s);
    for (const QString &node : Nodes) {
        QCOMPARE(state(*t.model, "kiwi", node), State::Newest);
        QCOMPARE(text(*t.model, "kiwi", node), u"\u2713 newest"_s);
        const QModelIndex cell = t.model->index(0, t.model->columnOf(node));
        QCOMPARE(cell.data(KnowledgeModel::RawRole).toLongLong(), 0);
        QCOMPARE(cell.data(KnowledgeModel::ClientTimeRole).toLongLong(), 1621464827'959498503LL);
        QVERIFY(cell.data(Qt::BackgroundRole).canConvert<QBrush>());
    }
    QCOMPARE(t.model->divergentClients(), 0);
}

void tst_KnowledgeModel::newerOnSubsetMakesOthersStale()
{
    TestedModel t = makeModel();
    for (const QString &node : Nodes)
        t.model->record(stored(node, "Alford", "kiwi", "100.0"));
    t.model->flush();
    t.model->record(stored(u"Alford"_s, "Alford", "kiwi", "103.2"));
    t.model->record(stored(u"Bolden"_s, "Alford", "kiwi", "103.2"));
    t.model->flush();

    QCOMPARE(state(*t.model, "kiwi", u"Alford"_s), State::Newest);
    QCOMPARE(state(*t.model, "kiwi", u"Bolden"_s), State::Newest);
    QCOMPARE(state(*t.model, "kiwi", u"Hamilton"_s), State::Stale);
    QCOMPARE(t.model->staleness(0, 2), 3200 * Ms);
    QCOMPARE(text(*t.model, "kiwi", u"Hamilton"_s), u"\u22123.2 s"_s);
    QCOMPARE(t.model->index(0, t.model->columnOf(u"Hamilton"_s)).data(KnowledgeModel::RawRole).toLongLong(),
             3200 * Ms);
    QCOMPARE(t.model->divergentClients(), 1);
    const QList<KnowledgeModel::Lag> lags = t.model->lags(10);
    QCOMPARE(lags.size(), 1);
    QCOMPARE(lags.at(0).node, u"Hamilton"_s);
    QCOMPARE(lags.at(0).client, QByteArray("kiwi"));
    QCOMPARE(lags.at(0).stalenessNs, 3200 * Ms);

    // Hamilton catches up.
    t.model->record(stored(u"Hamilton"_s, "Alford", "kiwi", "103.2"));
    t.model->flush();
    QCOMPARE(state(*t.model, "kiwi", u"Hamilton"_s), State::Newest);
    QCOMPARE(t.model->divergentClients(), 0);
}

void tst_KnowledgeModel::missingRecords()
{
    TestedModel t = makeModel();
    t.model->record(stored(u"Bolden"_s, "Bolden", "lime", "5"));
    t.model->flush();
    QCOMPARE(state(*t.model, "lime", u"Alford"_s), State::Missing);
    QCOMPARE(text(*t.model, "lime", u"Alford"_s), u"\u2014"_s);
    QCOMPARE(t.model->index(0, 1).data(KnowledgeModel::RawRole).toLongLong(), KnowledgeModel::MissingStaleness);
    QCOMPARE(t.model->divergentClients(), 1);
    QCOMPARE(t.model->lags(10).size(), 2);
    QCOMPARE(t.model->lags(1).size(), 1);
}

void tst_KnowledgeModel::nodeStoppedClearsItsColumn()
{
    TestedModel t = makeModel();
    for (const QString &node : Nodes)
        t.model->record(stored(node, "Alford", "kiwi", "100"));
    t.model->record(stored(u"Hamilton"_s, "Hamilton", "lime", "200"));
    t.model->flush();
    QCOMPARE(t.model->divergentClients(), 1); // lime: only Hamilton

    QSignalSpy headers(t.model.get(), &QAbstractItemModel::headerDataChanged);
    t.model->record(nodeEvent(EventKind::NodeStopped, u"Hamilton"_s));
    t.model->flush();
    QCOMPARE(headers.count(), 1);
    QVERIFY(!t.model->isRunning(u"Hamilton"_s));
    QCOMPARE(t.model->runningNodeCount(), 2);
    QCOMPARE(t.model->headerData(t.model->columnOf(u"Hamilton"_s), Qt::Horizontal).toString(),
             u"Hamilton (down)"_s);
    QCOMPARE(state(*t.model, "kiwi", u"Hamilton"_s), State::NodeDown);
    QCOMPARE(state(*t.model, "lime", u"Hamilton"_s), State::NodeDown);
    QCOMPARE(t.model->data(t.model->index(t.model->rowOf("kiwi"), t.model->columnOf(u"Hamilton"_s)),
                           KnowledgeModel::ClientTimeRole),
             QVariant());
    // lime was known only to Hamilton: nobody running holds it, nobody is behind.
    QCOMPARE(state(*t.model, "lime", u"Alford"_s), State::Missing);
    QCOMPARE(t.model->divergentClients(), 0);

    // Back, but empty: it is missing kiwi now.
    t.model->record(nodeEvent(EventKind::NodeStarted, u"Hamilton"_s));
    t.model->flush();
    QVERIFY(t.model->isRunning(u"Hamilton"_s));
    QCOMPARE(state(*t.model, "kiwi", u"Hamilton"_s), State::Missing);
    QCOMPARE(t.model->divergentClients(), 1);
}

void tst_KnowledgeModel::newNodeAddsAColumn()
{
    TestedModel t = makeModel();
    t.model->record(stored(u"Alford"_s, "Alford", "kiwi", "1"));
    t.model->flush();
    QSignalSpy columns(t.model.get(), &QAbstractItemModel::columnsInserted);
    t.model->record(stored(u"Parker"_s, "Alford", "kiwi", "1"));
    QCOMPARE(columns.count(), 1);
    QCOMPARE(columns.at(0).at(1).toInt(), 4);
    QCOMPARE(columns.at(0).at(2).toInt(), 4);
    t.model->flush();
    QCOMPARE(t.model->columnCount(), 5);
    QCOMPARE(state(*t.model, "kiwi", u"Parker"_s), State::Newest);
}

void tst_KnowledgeModel::batchedSignals()
{
    TestedModel t = makeModel();
    QSignalSpy inserted(t.model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(t.model.get(), &QAbstractItemModel::dataChanged);
    QSignalSpy flushed(t.model.get(), &KnowledgeModel::flushed);
    for (const char *client : {"a", "b", "c"})
        t.model->record(stored(u"Alford"_s, "Alford", client, "1"));
    t.model->flush();
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(inserted.at(0).at(2).toInt(), 2); // inclusive last row
    QCOMPARE(changed.count(), 0);
    QCOMPARE(flushed.count(), 1);

    // Only the changed row is signalled; a new client is inserted after it.
    t.model->record(stored(u"Bolden"_s, "Alford", "b", "1"));
    t.model->record(stored(u"Bolden"_s, "Bolden", "d", "1"));
    t.model->flush();
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 1);
    QCOMPARE(changed.at(0).at(1).toModelIndex().row(), 1);
    QCOMPARE(changed.at(0).at(1).toModelIndex().column(), 3);
    QCOMPARE(inserted.count(), 2);
    QCOMPARE(inserted.at(1).at(1).toInt(), 3);
    QCOMPARE(inserted.at(1).at(2).toInt(), 3);

    // Nothing queued: no signals.
    t.model->flush();
    QCOMPARE(flushed.count(), 2);
}

void tst_KnowledgeModel::timerFlushes()
{
    TestedModel t = makeModel();
    t.model->record(stored(u"Alford"_s, "Alford", "kiwi", "1"));
    QCOMPARE(t.model->rowCount(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(t.model->rowCount(), 1, 2000);
}

void tst_KnowledgeModel::boundedRows()
{
    TestedModel t = makeModel();
    t.model->setMaxClients(10);
    for (int i = 0; i < 15; ++i) {
        t.model->record(stored(u"Alford"_s, "Alford", "client" + QByteArray::number(i), "1"));
        t.model->flush();
        QVERIFY(t.model->rowCount() <= 10);
    }
    QVERIFY(t.model->evictedClients() >= 5);
    QCOMPARE(t.model->rowCount() + t.model->evictedClients(), 15);
    // The newest stay; the oldest went.
    QVERIFY(t.model->rowOf("client14") >= 0);
    QVERIFY(t.model->rowOf("client13") >= 0);
    QCOMPARE(t.model->rowOf("client0"), -1);
    // A row index still leads to its own client.
    for (int row = 0; row < t.model->rowCount(); ++row)
        QCOMPARE(t.model->rowOf(t.model->index(row, 0).data().toString().toUtf8()), row);

    // An update of an old client keeps it when the next eviction comes.
    t.model->record(stored(u"Bolden"_s, "Alford", t.model->index(0, 0).data().toString().toUtf8(), "2"));
    const QByteArray refreshed = t.model->index(0, 0).data().toString().toUtf8();
    for (int i = 15; i < 30; ++i) {
        t.model->record(stored(u"Alford"_s, "Alford", "client" + QByteArray::number(i), "1"));
        if (i % 3 == 0)
            t.model->record(stored(u"Hamilton"_s, "Alford", refreshed, "3"));
        t.model->flush();
    }
    QVERIFY(t.model->rowOf(refreshed) >= 0);
}

void tst_KnowledgeModel::sortsByStaleness()
{
    TestedModel t = makeModel();
    t.model->record(stored(u"Alford"_s, "Alford", "fresh", "10"));
    t.model->record(stored(u"Hamilton"_s, "Alford", "fresh", "10"));
    t.model->record(stored(u"Alford"_s, "Alford", "old", "10"));
    t.model->record(stored(u"Hamilton"_s, "Alford", "old", "1"));
    t.model->record(stored(u"Alford"_s, "Alford", "gone", "10"));
    t.model->flush();
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(t.model.get());
    proxy.setSortRole(KnowledgeModel::RawRole);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.sort(t.model->columnOf(u"Hamilton"_s), Qt::DescendingOrder);
    QCOMPARE(proxy.index(0, 0).data().toString(), u"gone"_s);
    QCOMPARE(proxy.index(1, 0).data().toString(), u"old"_s);
    QCOMPARE(proxy.index(2, 0).data().toString(), u"fresh"_s);
}

void tst_KnowledgeModel::stalenessText_data()
{
    QTest::addColumn<qint64>("ns");
    QTest::addColumn<QString>("expected");
    QTest::newRow("sub-ms") << qint64(400'000) << u"\u22120.4 ms"_s;
    QTest::newRow("ms") << 340 * Ms << u"\u2212340 ms"_s;
    QTest::newRow("s") << 3200 * Ms << u"\u22123.2 s"_s;
    QTest::newRow("min") << 240 * S << u"\u22124 min"_s;
    QTest::newRow("h") << 7200 * S << u"\u22122 h"_s;
}

void tst_KnowledgeModel::stalenessText()
{
    QFETCH(qint64, ns);
    QFETCH(QString, expected);
    QCOMPARE(KnowledgeModel::formatStaleness(ns), expected);
}

void tst_KnowledgeModel::viewSummary()
{
    const QStringList five{u"Alford"_s, u"Bolden"_s, u"Hamilton"_s, u"Parker"_s, u"Powell"_s};
    KnowledgeModel model(five);
    HerdUi::KnowledgeView view(&model);
    QCOMPARE(view.summaryText(), u"No clients yet: send an IAMAT to any node."_s);
    for (const QString &node : five) {
        model.record(stored(node, "Alford", "kiwi", "1"));
        model.record(stored(node, "Alford", "lime", "1"));
    }
    model.flush();
    QCOMPARE(view.summaryText(), u"All 5 running nodes agree on 2 clients"_s);

    model.record(stored(u"Alford"_s, "Alford", "kiwi", "4.2"));
    model.flush();
    QVERIFY2(view.summaryText().startsWith(u"1 of 2 clients diverge: Bolden is behind on kiwi (\u22123.2 s)"_s),
             qPrintable(view.summaryText()));

    model.record(nodeEvent(EventKind::NodeStopped, u"Powell"_s));
    model.flush();
    QVERIFY2(view.summaryText().endsWith(u"(1 of 5 nodes down)"_s), qPrintable(view.summaryText()));
    QCOMPARE(view.tableView()->model()->columnCount(), 6);
}

void tst_KnowledgeModel::realHerd()
{
    QString error;
    const std::optional<Herd::HerdConfig> config = alfordOnOsPorts(&error);
    QVERIFY2(config, qPrintable(error));
    std::unique_ptr<Herd::OfflinePlaces> places = Herd::OfflinePlaces::fromEmbedded(&error);
    QVERIFY2(places, qPrintable(error));
    Herd::Cluster cluster(*config, places.get());
    QVERIFY2(cluster.start({}, &error), qPrintable(error));
    QTRY_VERIFY(Herd::Test::allLinksConnected(cluster));

    // Made after the start: columns from the cluster's nodes.
    KnowledgeModel model(&cluster);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.nodes(), config->nodeNames());
    HerdUi::NodeInspector inspector(&cluster);
    inspector.setNode(u"Hamilton"_s);
    QCOMPARE(inspector.neighboursTable()->rowCount(), 1); // Parker
    QCOMPARE(inspector.neighboursTable()->item(0, HerdUi::NodeInspector::LinkState)->text(), u"connected"_s);

    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, cluster.node(u"Alford"_s)->port());
    QVERIFY(client.waitForConnected(5000));
    client.write("IAMAT kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503\n");

    QTRY_COMPARE(model.rowCount(), 1);
    const auto allNewest = [&model] {
        for (const QString &node : model.nodes()) {
            if (state(model, "kiwi.cs.ucla.edu", node) != State::Newest)
                return false;
        }
        return true;
    };
    QTRY_VERIFY(allNewest());
    QCOMPARE(model.divergentClients(), 0);

    QTRY_COMPARE(inspector.recordsView()->model()->rowCount(), 1);
    if (const QString dir = qEnvironmentVariable("HERD_SCREENSHOT_DIR"); !dir.isEmpty()) {
        inspector.resize(1000, 420);
        QVERIFY(inspector.grab().save(QDir(dir).filePath(u"inspector.png"_s)));
    }
    const QAbstractItemModel *records = inspector.recordsView()->model();
    QCOMPARE(records->index(0, 0).data().toString(), u"kiwi.cs.ucla.edu"_s);
    QCOMPARE(records->index(0, 1).data().toString(), u"+34.068930-118.445127"_s);
    QCOMPARE(records->index(0, 2).data().toString(), u"2021-05-19 22:53:47.959 UTC"_s);
    QCOMPARE(records->index(0, 3).data().toString(), u"Alford"_s);
    QVERIFY(records->index(0, 4).data().toString().startsWith(u"AT Alford "_s));
    QVERIFY2(inspector.stateText().startsWith(u"Hamilton: running on 127.0.0.1:"_s), qPrintable(inspector.stateText()));

    // Killing a node greys its column and empties the inspector.
    QVERIFY(cluster.kill(u"Hamilton"_s));
    QTRY_COMPARE(state(model, "kiwi.cs.ucla.edu", u"Hamilton"_s), State::NodeDown);
    QTRY_COMPARE(inspector.recordsView()->model()->rowCount(), 0);
    QVERIFY(inspector.stateText().contains(u"killed"_s));
}

void tst_KnowledgeModel::plotsViewSeries()
{
    Herd::HerdStats stats(QStringList{u"Alford"_s, u"Bolden"_s, u"Hamilton"_s});
    stats.setAutoSample(false);
    stats.setStartTimeNs(T0);
    HerdUi::PlotsView view(&stats);
    QCOMPARE(view.messagesPlot()->graphCount(), 3);
    QCOMPARE(view.clientsPlot()->graphCount(), 3);
    QCOMPARE(view.convergencePlot()->graphCount(), 0);

    for (int i = 1; i <= 7; ++i) {
        Event sent = nodeEvent(EventKind::LineSent, u"Alford"_s, T0 + i * S);
        stats.record(sent);
        const QByteArray time = QByteArray::number(i);
        stats.record(stored(u"Alford"_s, "Alford", "kiwi", time, T0 + i * S));
        stats.record(stored(u"Bolden"_s, "Alford", "kiwi", time, T0 + i * S + 5 * Ms));
        stats.record(stored(u"Hamilton"_s, "Alford", "kiwi", time, T0 + i * S + 9 * Ms));
        if (i % 2 == 0)
            stats.record(stored(u"Hamilton"_s, "Hamilton", "lime", time, T0 + i * S + 10 * Ms));
        stats.tickAt(T0 + i * S + 500 * Ms);
    }
    stats.record(nodeEvent(EventKind::NodeStopped, u"Hamilton"_s, T0 + 3 * S));
    stats.record(linkEvent(u"Alford"_s, u"Bolden"_s, u"cut"_s, T0 + 4 * S));
    view.refresh();

    for (int i = 0; i < 3; ++i) {
        QCOMPARE(view.messagesPlot()->graph(i)->dataCount(), 7);
        QCOMPARE(view.clientsPlot()->graph(i)->dataCount(), 7);
    }
    QCOMPARE(view.messagesPlot()->graph(0)->name(), u"Alford"_s);
    QCOMPARE(view.messagesPlot()->graph(0)->data()->at(0)->value, 1.0 / 1.5);
    QCOMPARE(view.clientsPlot()->graph(1)->data()->at(6)->value, 1.0);
    QCOMPARE(view.clientsPlot()->graph(2)->data()->at(6)->value, 2.0);
    // A scatter series per node that got the IAMAT (Alford: 7 updates that
    // reached all three), and one for updates that did not reach every
    // running node (Hamilton's 3, stored only there).
    QCOMPARE(view.convergencePlot()->graphCount(), 2);
    QHash<QString, int> points;
    for (int i = 0; i < 2; ++i)
        points.insert(view.convergencePlot()->graph(i)->name(), view.convergencePlot()->graph(i)->dataCount());
    QCOMPARE(points.value(u"Alford"_s), 7);
    QCOMPARE(points.value(u"not all nodes"_s), 3);
    QCOMPARE(view.convergencePlot()->graph(0)->data()->at(0)->value, 9.0);
    QCOMPARE(view.faultShadeCount(), 2);
    QCOMPARE(view.messagesPlot()->itemCount(), 4); // a rectangle and a label each

    // Follow shows the newest window; a new node rebuilds the series.
    QVERIFY(view.follow());
    QCOMPARE(view.messagesPlot()->xAxis->range().upper, view.windowSeconds());
    stats.record(nodeEvent(EventKind::NodeStarted, u"Parker"_s, T0 + 8 * S));
    QCOMPARE(view.messagesPlot()->graphCount(), 4);
    view.setFollow(false);
    QVERIFY(!view.follow());
}

void tst_KnowledgeModel::renderScreenshots()
{
    const QString dir = qEnvironmentVariable("HERD_SCREENSHOT_DIR");
    const QStringList nodes{u"Alford"_s, u"Bolden"_s, u"Hamilton"_s, u"Parker"_s, u"Powell"_s};

    // Four minutes of a lively herd, with a kill and a cut.
    Herd::HerdStats stats(nodes);
    stats.setAutoSample(false);
    stats.setStartTimeNs(T0);
    KnowledgeModel model(nodes);
    const auto feed = [&](const Event &event) {
        stats.record(event);
        model.record(event);
    };
    quint32 seed = 12345;
    const auto random = [&seed](int bound) {
        seed = seed * 1103515245u + 12345u;
        return int((seed >> 16) % quint32(bound));
    };
    const QList<QByteArray> clients{"kiwi.cs.ucla.edu", "lime.cs.ucla.edu", "fig.cs.ucla.edu", "plum.cs.ucla.edu",
                                    "pear.cs.ucla.edu", "date.cs.ucla.edu", "yuzu.cs.ucla.edu", "sloe.cs.ucla.edu",
                                    "quince.cs.ucla.edu", "mango.cs.ucla.edu", "guava.cs.ucla.edu", "olive.cs.ucla.edu"};
    bool hamiltonDown = false;
    QSet<QString> isolated; // nodes whose every link is cut
    for (int second = 1; second <= 240; ++second) {
        const qint64 base = T0 + qint64(second) * S;
        if (second == 95) {
            feed(nodeEvent(EventKind::NodeStopped, u"Hamilton"_s, base));
            hamiltonDown = true;
        }
        if (second == 140) {
            feed(nodeEvent(EventKind::NodeStarted, u"Hamilton"_s, base));
            hamiltonDown = false;
        }
        if (second == 170) {
            feed(linkEvent(u"Bolden"_s, u"Powell"_s, u"cut"_s, base));
            feed(linkEvent(u"Bolden"_s, u"Parker"_s, u"cut"_s, base));
            isolated.insert(u"Bolden"_s);
        }
        if (second == 205) {
            feed(linkEvent(u"Bolden"_s, u"Powell"_s, u"restored"_s, base));
            feed(linkEvent(u"Bolden"_s, u"Parker"_s, u"restored"_s, base));
            isolated.remove(u"Bolden"_s);
        }
        if (second == 230) {
            feed(linkEvent(u"Hamilton"_s, u"Parker"_s, u"cut"_s, base));
            isolated.insert(u"Hamilton"_s);
        }
        const int updates = 2 + random(4) + (second > 60 && second < 120 ? 4 : 0);
        for (int u = 0; u < updates; ++u) {
            const QByteArray client = clients.at(random(int(clients.size())));
            const QString origin = nodes.at(random(int(nodes.size())));
            if ((origin == u"Hamilton"_s && hamiltonDown))
                continue;
            const QByteArray time = QByteArray::number(1716159227 + second) + '.' + QByteArray::number(100 + u * 37);
            qint64 at = base + qint64(random(400)) * Ms;
            for (const QString &node : nodes) {
                if (node == u"Hamilton"_s && hamiltonDown)
                    continue;
                const bool cutOff = node != origin && (isolated.contains(node) || isolated.contains(origin));
                if (cutOff)
                    continue;
                if (node != origin)
                    at += qint64(1 + random(6)) * Ms + (node == u"Hamilton"_s ? 3 * Ms : 0);
                feed(stored(node, origin.toUtf8(), client, time, at));
                if (node == origin) {
                    feed(nodeEvent(EventKind::LineReceived, node, at));
                    feed(nodeEvent(EventKind::LineSent, node, at));
                }
                for (int l = 0; l < 2; ++l) {
                    Event line = nodeEvent(l ? EventKind::LineSent : EventKind::LineReceived, node, at);
                    feed(line);
                }
            }
        }
        stats.tickAt(base + 999 * Ms);
    }
    model.flush();

    HerdUi::PlotsView plots(&stats);
    plots.resize(1280, 900);
    // Lay the widgets and plots out once, as showing them would, so the
    // fault labels are placed in real pixels; then draw the final state.
    (void)plots.grab();
    plots.refresh();
    for (QCustomPlot *plot : {plots.messagesPlot(), plots.convergencePlot(), plots.clientsPlot()})
        plot->replot();
    const QPixmap plotsShot = plots.grab();
    QVERIFY(!plotsShot.isNull());

    HerdUi::KnowledgeView knowledge(&model);
    knowledge.resize(1100, 560);
    const QPixmap knowledgeShot = knowledge.grab();
    QVERIFY(!knowledgeShot.isNull());
    QVERIFY(model.divergentClients() > 0); // the last cut left Hamilton behind

    if (!dir.isEmpty()) {
        QVERIFY(plotsShot.save(QDir(dir).filePath(u"plots.png"_s)));
        QVERIFY(knowledgeShot.save(QDir(dir).filePath(u"knowledge.png"_s)));
    }
}

QTEST_MAIN(tst_KnowledgeModel)
#include "tst_knowledgemodel.moc"
