// SPDX-License-Identifier: GPL-3.0-or-later
// The topology view over a live herd: items for every node and link, flood
// tokens that appear and land, killed nodes and cut links shown by style,
// positions that round-trip, aggregation under a burst, and the cost of a
// frame with many tokens.

#include <QElapsedTimer>
#include <QGraphicsScene>
#include <QImage>
#include <QTcpSocket>
#include <QTest>

#include <memory>

#include "herd/cluster.h"
#include "ui/topology/floodanimator.h"
#include "herd/config/herdconfig.h"
#include "tests/herdfixture.h"
#include "ui/topology/linkitem.h"
#include "herd/node/node.h"
#include "ui/topology/nodeitem.h"
#include "herd/places/offlineplaces.h"
#include "ui/topology/topologylayout.h"
#include "ui/topology/topologylegend.h"
#include "ui/topology/topologyview.h"

using namespace Qt::StringLiterals;
using Herd::Cluster;
using Herd::HerdConfig;
using HerdUi::LinkItem;
using HerdUi::NodeItem;
using HerdUi::TopologyView;
namespace Style = HerdUi::TopologyStyle;

namespace {
const QSizeF kCard(Style::kNodeWidth, Style::kNodeHeight);
}

class TestTopologyView : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void buildsItemsAtConfigPositions();
    void automaticLayoutForFreshHerd();
    void automaticLayoutAlone();
    void iamatFloodsAsTokens();
    void killedNodeLooksKilled();
    void notStartedIsNotKilled();
    void cutLinkLooksCut();
    void delayedLinkShowsDelay();
    void trafficChangesOnlyWhenNoticeable();
    void positionsRoundTrip();
    void pauseFreezesAndQueues();
    void burstSwitchesToAggregation();
    void frameCostWithManyTokens();

private:
    void sendIamats(const QString &node, int count, const QByteArray &prefix = "client");
    std::unique_ptr<TopologyView> makeView();

    std::unique_ptr<Herd::OfflinePlaces> m_places;
    std::unique_ptr<Cluster> m_cluster;
    QList<QTcpSocket *> m_clients;
    qint64 m_clock = 1'700'000'000;
};

void TestTopologyView::initTestCase()
{
    QString error;
    m_places = Herd::OfflinePlaces::fromEmbedded(&error);
    QVERIFY2(m_places, qPrintable(error));
}

void TestTopologyView::init()
{
    QString error;
    std::optional<HerdConfig> config = HerdConfig::preset(u"alford"_s, &error);
    QVERIFY2(config, qPrintable(error));
    for (Herd::NodeConfig &node : config->nodes)
        node.port = 0;
    m_cluster = std::make_unique<Cluster>(*config, m_places.get());
    QVERIFY2(m_cluster->start({}, &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(Herd::Test::allLinksConnected(*m_cluster), 10000);
}

void TestTopologyView::cleanup()
{
    qDeleteAll(m_clients);
    m_clients.clear();
    m_cluster.reset();
}

std::unique_ptr<TopologyView> TestTopologyView::makeView()
{
    auto view = std::make_unique<TopologyView>(m_cluster.get());
    connect(m_cluster.get(), &Cluster::eventOccurred, view.get(), &TopologyView::onEvent);
    view->resize(1280, 800);
    return view;
}

void TestTopologyView::sendIamats(const QString &node, int count, const QByteArray &prefix)
{
    auto *socket = new QTcpSocket;
    m_clients.append(socket);
    socket->connectToHost(QHostAddress::LocalHost, m_cluster->node(node)->port());
    QVERIFY(socket->waitForConnected(5000));
    QByteArray lines;
    for (int i = 0; i < count; ++i) {
        ++m_clock;
        const QByteArray client = count == 1 ? prefix : prefix + QByteArray::number(i);
        lines += "IAMAT " + client + " +34.068930-118.445127 " + QByteArray::number(m_clock) + ".5\n";
    }
    socket->write(lines);
    // Replies are read and thrown away so the node never blocks on us.
    connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->readAll(); });
}

void TestTopologyView::buildsItemsAtConfigPositions()
{
    auto view = makeView();
    QCOMPARE(view->nodePositions().size(), 5);
    QCOMPARE(view->linkItems().size(), 5);
    // The preset places Alford at (-200, -120).
    QCOMPARE(view->nodePositions().value(u"Alford"_s), QPointF(-200, -120));
    QVERIFY(view->linkItem(u"Parker"_s, u"Alford"_s));
    QCOMPARE(view->linkItem(u"Parker"_s, u"Alford"_s), view->linkItem(u"Alford"_s, u"Parker"_s));
    QVERIFY(!view->linkItem(u"Alford"_s, u"Bolden"_s));
    NodeItem *alford = view->nodeItem(u"Alford"_s);
    QVERIFY(alford);
    QCOMPARE(alford->type(), int(NodeItem::Type));
    QVERIFY(alford->isRunning());
    QCOMPARE(alford->port(), m_cluster->node(u"Alford"_s)->port());
    // Layers: links under nodes under tokens under labels.
    QVERIFY(alford->parentItem()->zValue() > view->linkItems().first()->parentItem()->zValue());
    QVERIFY(view->linkItems().first()->label()->parentItem()->zValue() > alford->parentItem()->zValue());
    // All links are up.
    for (LinkItem *link : view->linkItems()) {
        QCOMPARE(link->look(true), Style::LinkLook::Up);
        QCOMPARE(link->look(false), Style::LinkLook::Up);
    }
}

void TestTopologyView::automaticLayoutForFreshHerd()
{
    auto view = makeView();
    view->relayout();
    const QHash<QString, QPointF> positions = view->nodePositions();
    QCOMPARE(positions.size(), 5);
    // No two cards overlap.
    const QList<QPointF> points = positions.values();
    for (qsizetype i = 0; i < points.size(); ++i) {
        for (qsizetype j = i + 1; j < points.size(); ++j) {
            const QPointF d = points[i] - points[j];
            QVERIFY2(std::abs(d.x()) > Style::kNodeWidth || std::abs(d.y()) > Style::kNodeHeight,
                     "two nodes overlap");
        }
    }
}

// The layout without a view: every node gets a place of its own near the
// origin, the same one each time, and a small ring listed in a scrambled
// order is drawn without crossing links.
void TestTopologyView::automaticLayoutAlone()
{
    QCOMPARE(HerdUi::automaticLayout({}, {}, kCard).size(), 0);
    QCOMPARE(HerdUi::automaticLayout({u"Lone"_s}, {}, kCard),
             (QHash<QString, QPointF> {{u"Lone"_s, QPointF(0, 0)}}));

    for (const int size : {5, 8, 12}) {
        // Listed even nodes first: in that order every link of the ring
        // would cross another.
        QStringList names;
        for (const int parity : {0, 1}) {
            for (int i = parity; i < size; i += 2)
                names.append(u"N%1"_s.arg(i));
        }
        QList<std::pair<QString, QString>> links;
        for (int i = 0; i < size; ++i)
            links.append({u"N%1"_s.arg(i), u"N%1"_s.arg((i + 1) % size)});
        const QHash<QString, QPointF> positions =
            HerdUi::automaticLayout(names, links + QList {std::pair {u"N0"_s, u"Stranger"_s}}, kCard);
        QCOMPARE(positions.size(), size);                                  // the stranger is not placed
        QCOMPARE(HerdUi::automaticLayout(names, links, kCard), positions); // nor does its link count
        const double bound = 100.0 * size; // around the origin, not flung far off
        for (const QString &name : std::as_const(names)) {
            QVERIFY(std::abs(positions[name].x()) <= bound && std::abs(positions[name].y()) <= bound);
            for (const QString &other : std::as_const(names)) {
                const QPointF d = positions[name] - positions[other];
                QVERIFY2(name == other || std::abs(d.x()) > Style::kNodeWidth
                             || std::abs(d.y()) > Style::kNodeHeight,
                         qPrintable(name + u" overlaps "_s + other));
            }
        }
        if (size > 8)
            continue; // larger herds get a good order, not always the best
        for (const auto &[a, b] : std::as_const(links)) {
            for (const auto &[c, d] : std::as_const(links)) {
                if (a == c || a == d || b == c || b == d)
                    continue;
                const QLineF first(positions[a], positions[b]);
                QVERIFY2(first.intersects(QLineF(positions[c], positions[d]), nullptr)
                             != QLineF::BoundedIntersection,
                         qPrintable(a + u'-' + b + u" crosses "_s + c + u'-' + d));
            }
        }
    }
}

void TestTopologyView::iamatFloodsAsTokens()
{
    auto view = makeView();
    view->setAnimationSpeed(2);
    sendIamats(u"Alford"_s, 1, "kiwi.cs.ucla.edu");
    QTRY_VERIFY_WITH_TIMEOUT(view->tokensInFlight() > 0, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(view->tokensPlaying() > 0, 5000);
    QVERIFY(!view->isAggregating());
    QTRY_COMPARE_WITH_TIMEOUT(view->tokensInFlight(), 0, 15000);
    // Every node learnt the client and shows it.
    QTRY_VERIFY_WITH_TIMEOUT(view->nodeItem(u"Hamilton"_s)->clientCount() == 1, 5000);
    for (const QString &name : m_cluster->config().nodeNames())
        QCOMPARE(view->nodeItem(name)->clientCount(), 1);
    // Once everything has landed and faded, the frame timer stops.
    QTRY_VERIFY_WITH_TIMEOUT(!view->isFrameTimerActive(), 10000);
}

// A node of a recording that has not run yet at the cursor: not running,
// yet not killed; the legend explains the look while a node has it.
void TestTopologyView::notStartedIsNotKilled()
{
    Herd::NodeStatus status;
    QCOMPARE(Style::nodeLook(status), Style::NodeLook::Killed);
    status.started = false;
    QCOMPARE(Style::nodeLook(status), Style::NodeLook::NotStarted);
    status.running = true;
    QCOMPARE(Style::nodeLook(status), Style::NodeLook::Running);
    QCOMPARE(Style::nodeLook(std::nullopt), Style::NodeLook::Remote);
    QVERIFY(Style::nodeLookDescription(Style::NodeLook::NotStarted).contains(u"not started"_s));

    HerdUi::TopologyLegend legend;
    const int rows = legend.sizeHint().height();
    legend.setShowsNotStarted(true);
    QVERIFY(legend.sizeHint().height() > rows);
    legend.setShowsNotMonitored(true);
    const QString png = qEnvironmentVariable("HERD_LEGEND_PNG");
    if (!png.isEmpty())
        QVERIFY(legend.grab().save(png));
    legend.setShowsNotStarted(false);
    legend.setShowsNotMonitored(false);
    QCOMPARE(legend.sizeHint().height(), rows);
}

void TestTopologyView::killedNodeLooksKilled()
{
    auto view = makeView();
    QVERIFY(m_cluster->kill(u"Parker"_s));
    QTRY_VERIFY(view->nodeItem(u"Parker"_s)->isKilled());
    QCOMPARE(view->nodeItem(u"Parker"_s)->look(), Style::NodeLook::Killed);
    QCOMPARE(view->nodeItem(u"Parker"_s)->clientCount(), 0);
    // Its outgoing directions are down; the others keep retrying: between
    // refused attempts they back off, and say so.
    LinkItem *link = view->linkItem(u"Parker"_s, u"Alford"_s);
    const bool parkerIsA = link->nodeA()->name() == u"Parker"_s;
    QTRY_COMPARE(link->look(parkerIsA), Style::LinkLook::Down);
    QTRY_COMPARE(link->look(!parkerIsA), Style::LinkLook::BackingOff);
    QVERIFY(link->labelText().isEmpty() || !link->labelText().contains(u"cut"));
    QVERIFY(m_cluster->restart(u"Parker"_s));
    QTRY_VERIFY(view->nodeItem(u"Parker"_s)->isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(
        link->look(true) == Style::LinkLook::Up && link->look(false) == Style::LinkLook::Up, 10000);
}

void TestTopologyView::cutLinkLooksCut()
{
    auto view = makeView();
    LinkItem *link = view->linkItem(u"Alford"_s, u"Powell"_s);
    QVERIFY(m_cluster->setLinkCut(u"Alford"_s, u"Powell"_s, true));
    QTRY_VERIFY(link->isFullyCut());
    QCOMPARE(link->label()->text(), u"cut"_s);
    QVERIFY(link->label()->isVisible());
    // Restored: the style goes back, the item was never removed.
    QVERIFY(m_cluster->setLinkCut(u"Alford"_s, u"Powell"_s, false));
    QTRY_VERIFY(!link->isCut());
    QTRY_VERIFY_WITH_TIMEOUT(link->look(true) == Style::LinkLook::Up, 10000);
    QVERIFY(!link->label()->isVisible());
    // One way only.
    QVERIFY(m_cluster->setLinkCut(u"Powell"_s, u"Alford"_s, true, Cluster::Direction::OneWay));
    const bool powellIsA = link->nodeA()->name() == u"Powell"_s;
    QTRY_COMPARE(link->look(powellIsA), Style::LinkLook::Cut);
    QCOMPARE(link->look(!powellIsA), Style::LinkLook::Up);
    QVERIFY(link->label()->text().contains(u"Powell → Alford"_s));
}

// A busy herd's link rates wobble at every update: the link (its glow and
// label) changes only when a rate moves by more than a tenth, and shows it
// to two significant digits, so a hundred links are not all drawn again.
void TestTopologyView::trafficChangesOnlyWhenNoticeable()
{
    auto view = makeView();
    LinkItem *link = view->linkItem(u"Alford"_s, u"Powell"_s);
    link->setTraffic(534, 0);
    QCOMPARE(link->traffic(true), 534.0);
    QVERIFY2(link->labelText().contains(u"×530/s"_s), qPrintable(link->labelText()));
    link->setTraffic(580, 0); // within a tenth of 534
    QCOMPARE(link->traffic(true), 534.0);
    link->setTraffic(534, 3); // the other way starts: always shown
    QCOMPARE(link->traffic(false), 3.0);
    link->setTraffic(600, 3); // more than a tenth
    QCOMPARE(link->traffic(true), 600.0);
    link->setTraffic(1234, 3);
    QVERIFY2(link->labelText().contains(u"×1200/s"_s), qPrintable(link->labelText()));
    link->setTraffic(0, 0); // stopped: always shown
    QCOMPARE(link->traffic(true), 0.0);
    QVERIFY(!link->labelText().contains(u"/s"_s));
}

void TestTopologyView::delayedLinkShowsDelay()
{
    auto view = makeView();
    QVERIFY(m_cluster->setLinkDelay(u"Bolden"_s, u"Parker"_s, 500));
    LinkItem *link = view->linkItem(u"Bolden"_s, u"Parker"_s);
    QTRY_COMPARE(link->look(true), Style::LinkLook::Delayed);
    QCOMPARE(link->delayMs(false), 500);
    QCOMPARE(link->label()->text(), u"500 ms"_s);
}

void TestTopologyView::positionsRoundTrip()
{
    auto view = makeView();
    QHash<QString, QPointF> moved = view->nodePositions();
    for (QPointF &p : moved)
        p += QPointF(37, -11);
    view->setNodePositions(moved);
    QCOMPARE(view->nodePositions(), moved);
    // Links follow their nodes.
    LinkItem *link = view->linkItem(u"Alford"_s, u"Parker"_s);
    QVERIFY(link->lane(true).p1().x() > moved.value(link->nodeA()->name()).x() - Style::kNodeWidth);

    // Through the herd file: a config with these positions opens the same.
    HerdConfig config = m_cluster->config();
    for (Herd::NodeConfig &node : config.nodes)
        node.position = std::pair {moved.value(node.name).x(), moved.value(node.name).y()};
    QString error;
    const std::optional<HerdConfig> reloaded = HerdConfig::fromJson(config.toJson(), &error);
    QVERIFY2(reloaded, qPrintable(error));
    Cluster other(*reloaded, m_places.get());
    TopologyView second(&other);
    QCOMPARE(second.nodePositions(), moved);
}

void TestTopologyView::pauseFreezesAndQueues()
{
    auto view = makeView();
    view->setPaused(true);
    sendIamats(u"Bolden"_s, 1, "paused.example");
    QTRY_VERIFY_WITH_TIMEOUT(view->tokensInFlight() > 0, 5000);
    QTest::qWait(400);
    QCOMPARE(view->tokensPlaying(), 0); // frozen: nothing started moving
    view->setPaused(false);
    QTRY_VERIFY_WITH_TIMEOUT(view->tokensPlaying() > 0, 5000);
    view->setAnimationSpeed(10);
    QTRY_COMPARE_WITH_TIMEOUT(view->tokensInFlight(), 0, 10000);
}

void TestTopologyView::burstSwitchesToAggregation()
{
    auto view = makeView();
    view->show();
    QVERIFY(QTest::qWaitForWindowExposed(view.get()));
    sendIamats(u"Alford"_s, 2000, "burst");
    QTRY_VERIFY_WITH_TIMEOUT(view->isAggregating(), 10000);
    // Memory stays bounded whatever the rate.
    QVERIFY(view->tokensInFlight() <= HerdUi::FloodAnimator::kMaxQueued);
    // Links show their traffic.
    QTRY_VERIFY_WITH_TIMEOUT(view->linkItem(u"Alford"_s, u"Parker"_s)->label()->text().contains(u"/s"_s),
                             5000);
    qInfo("frame cost while aggregating: %.3f ms", view->meanFrameCostMs());
    // Busy, the cards show their counts a few a frame: every one catches up.
    for (const QString &node : m_cluster->config().nodeNames())
        QTRY_COMPARE_WITH_TIMEOUT(view->nodeItem(node)->clientCount(), m_cluster->store(node)->size(), 5000);
    // And it goes back to tokens when the rate falls.
    QTRY_VERIFY_WITH_TIMEOUT(!view->isAggregating(), 15000);
    QCOMPARE(view->linkItem(u"Alford"_s, u"Parker"_s)->traffic(true), 0.0);
}

void TestTopologyView::frameCostWithManyTokens()
{
    // Many tokens on screen at once, below the aggregation threshold: nine
    // clients at once make about 54 hops; slowed down so they overlap.
    auto view = makeView();
    view->show();
    QVERIFY(QTest::qWaitForWindowExposed(view.get()));
    view->setAnimationSpeed(0.25);
    sendIamats(u"Alford"_s, 9, "many");
    QTRY_VERIFY_WITH_TIMEOUT(view->tokensPlaying() >= 12, 10000);
    QVERIFY(!view->isAggregating());
    QElapsedTimer paint;
    paint.start();
    constexpr int repaints = 20;
    for (int i = 0; i < repaints; ++i)
        view->viewport()->repaint();
    const double paintMs = double(paint.nsecsElapsed()) / 1e6 / repaints;
    // Information only: speed is measured in bench/, not asserted here.
    qInfo("tokens playing %d, in flight %d: frame update %.3f ms, full 1280x800 repaint %.2f ms",
          view->tokensPlaying(), view->tokensInFlight(), view->meanFrameCostMs(), paintMs);
    QVERIFY(!view->isAggregating());
}

QTEST_MAIN(TestTopologyView)
#include "tst_topologyview.moc"
