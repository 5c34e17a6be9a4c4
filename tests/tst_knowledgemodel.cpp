// SPDX-License-Identifier: GPL-3.0-or-later
// KnowledgeModel (who knows what) under QAbstractItemModelTester, from
// synthetic events and from a real five-node herd; KnowledgeView's summary;
// NodeInspector over that herd's nodes.

#include <QAbstractItemModelTester>
#include <QHeaderView>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTableWidget>
#include <QTcpSocket>
#include <QTest>

#include <memory>

#include "herd/cluster.h"
#include "herd/config/herdconfig.h"
#include "tests/herdfixture.h"
#include "ui/knowledge/knowledgemodel.h"
#include "ui/elidedlabel.h"
#include "ui/knowledge/knowledgeview.h"
#include "herd/node/node.h"
#include "ui/knowledge/nodeinspector.h"
#include "herd/places/offlineplaces.h"
#include "tests/herdevents.h"

using namespace Qt::StringLiterals;
using Herd::Event;
using Herd::EventKind;
using HerdUi::KnowledgeModel;
using State = HerdUi::KnowledgeModel::CellState;
using namespace HerdEvents;

namespace {

const QStringList Nodes {u"Alford"_s, u"Bolden"_s, u"Hamilton"_s};

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
        model.data(model.index(model.rowOf(client), model.columnOf(node)), KnowledgeModel::StateRole)
            .toInt());
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
    void narrowViewElidesTheVerdict();
    void realHerd();
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
    QCOMPARE(t.model->index(0, 1).data(KnowledgeModel::RawRole).toLongLong(),
             KnowledgeModel::MissingStaleness);
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
    const QStringList five {u"Alford"_s, u"Bolden"_s, u"Hamilton"_s, u"Parker"_s, u"Powell"_s};
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
    QVERIFY2(
        view.summaryText().startsWith(u"1 of 2 clients diverge: Bolden is behind on kiwi (\u22123.2 s)"_s),
        qPrintable(view.summaryText()));

    model.record(nodeEvent(EventKind::NodeStopped, u"Powell"_s));
    model.flush();
    QVERIFY2(view.summaryText().endsWith(u"(1 of 5 nodes down)"_s), qPrintable(view.summaryText()));
    QCOMPARE(view.tableView()->model()->columnCount(), 6);
}

// A verdict wider than the view ends in "…" and is whole in its tooltip;
// it never widens the view (it changes at every flush).
void tst_KnowledgeModel::narrowViewElidesTheVerdict()
{
    const QStringList five {u"Alford"_s, u"Bolden"_s, u"Hamilton"_s, u"Parker"_s, u"Powell"_s};
    KnowledgeModel model(five);
    HerdUi::KnowledgeView view(&model);
    view.resize(320, 240);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const int minimumWidth = view.minimumSizeHint().width();
    for (const QString &node : five)
        model.record(stored(node, "Alford", "kiwi", "1"));
    model.record(stored(u"Alford"_s, "Alford", "kiwi", "4.2"));
    model.flush();

    const auto *line = view.findChild<HerdUi::ElidedLabel *>();
    QVERIFY(line);
    QVERIFY2(view.summaryText().startsWith(u"1 of 1 client diverge"_s), qPrintable(view.summaryText()));
    QVERIFY2(line->text().endsWith(u'\u2026'), qPrintable(line->text()));
    QVERIFY(line->text().size() < view.summaryText().size());
    QVERIFY(line->toolTip().contains(view.summaryText()));
    QVERIFY(line->font().bold());
    QCOMPARE(view.minimumSizeHint().width(), minimumWidth);
    QVERIFY(line->geometry().right() <= view.contentsRect().right());
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
    const QAbstractItemModel *records = inspector.recordsView()->model();
    QCOMPARE(records->index(0, 0).data().toString(), u"kiwi.cs.ucla.edu"_s);
    QCOMPARE(records->index(0, 1).data().toString(), u"+34.068930-118.445127"_s);
    QCOMPARE(records->index(0, 2).data().toString(), u"2021-05-19 22:53:47.959 UTC"_s);
    QCOMPARE(records->index(0, 3).data().toString(), u"Alford"_s);
    QVERIFY(records->index(0, 4).data().toString().startsWith(u"AT Alford "_s));
    QVERIFY2(inspector.stateText().startsWith(u"Hamilton: running on 127.0.0.1:"_s),
             qPrintable(inspector.stateText()));

    // Killing a node greys its column and empties the inspector.
    QVERIFY(cluster.kill(u"Hamilton"_s));
    QTRY_COMPARE(state(model, "kiwi.cs.ucla.edu", u"Hamilton"_s), State::NodeDown);
    QTRY_COMPARE(inspector.recordsView()->model()->rowCount(), 0);
    QVERIFY(inspector.stateText().contains(u"killed"_s));
}

QTEST_MAIN(tst_KnowledgeModel)
#include "tst_knowledgemodel.moc"
