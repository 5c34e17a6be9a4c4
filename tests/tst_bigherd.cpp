// SPDX-License-Identifier: GPL-3.0-or-later
// Big herds in the window: random herds of 30 and 100 nodes (Herd::randomHerd)
// laid out by Graphviz without overlapping cards and with fewer crossing
// links than a circle, the legend beside the nodes at Fit, names a
// readable size, space-time lanes that never overprint with the picked
// node's lane on top, a token budget that follows the measured draw cost,
// and token labels that do not pile up at a busy node.

#include <QFontMetricsF>
#include <QGraphicsRectItem>
#include <QGraphicsScene>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>

#include "herd/cluster.h"
#include "herd/config/randomherd.h"
#include "herd/places/offlineplaces.h"
#include "ui/spacetime/spacetimeview.h"
#include "ui/topology/drawbudget.h"
#include "ui/topology/floodanimator.h"
#include "ui/topology/linkitem.h"
#include "ui/topology/nodeitem.h"
#include "ui/topology/tokenitem.h"
#include "ui/topology/topologylayout.h"
#include "ui/topology/topologylegend.h"
#include "ui/topology/topologystyle.h"
#include "ui/topology/topologyview.h"

using namespace Qt::StringLiterals;
using HerdUi::NodeItem;
using HerdUi::TopologyView;
namespace Style = HerdUi::TopologyStyle;

namespace {

using Links = QList<std::pair<QString, QString>>;

// Links drawn as straight segments between centres that cross (not at a
// shared end).
int crossings(const QHash<QString, QPointF> &at, const Links &links)
{
    int count = 0;
    for (qsizetype i = 0; i < links.size(); ++i) {
        for (qsizetype j = i + 1; j < links.size(); ++j) {
            const auto &[a, b] = links[i];
            const auto &[c, d] = links[j];
            if (a == c || a == d || b == c || b == d)
                continue;
            QPointF cut;
            if (QLineF(at[a], at[b]).intersects(QLineF(at[c], at[d]), &cut) == QLineF::BoundedIntersection)
                ++count;
        }
    }
    return count;
}

// A planar herd: a grid of width x height nodes, listed in a scrambled order.
Herd::HerdConfig gridHerd(int width, int height)
{
    Herd::HerdConfig config;
    const auto name = [](int x, int y) { return u"G%1-%2"_s.arg(x).arg(y); };
    for (int i = 0; i < width * height; ++i) {
        const int k = (i * 7) % (width * height); // 7 is prime to the sizes used
        Herd::NodeConfig node;
        node.name = name(k % width, k / width);
        config.nodes.append(node);
    }
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            if (x + 1 < width)
                config.links.append({name(x, y), name(x + 1, y)});
            if (y + 1 < height)
                config.links.append({name(x, y), name(x, y + 1)});
        }
    }
    return config;
}

} // namespace

class TestBigHerd : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();

    void layoutIsDeterministic();
    void cardsNeverOverlap_data();
    void cardsNeverOverlap();
    void fewerCrossingsThanCircle_data();
    void fewerCrossingsThanCircle();
    void legendNeverOverNode_data();
    void legendNeverOverNode();
    void namesReadableAtFit_data();
    void namesReadableAtFit();
    void lanesNeverOverprint();
    void pickedNodeLaneFirst();
    void tokenBudgetFollowsDrawCost();
    void tokenLabelsDoNotPileUp();

private:
    // A view over a herd that is not started: the layout needs no sockets.
    TopologyView *openView(const Herd::HerdConfig &config, QSize size = {1280, 800});

    std::unique_ptr<Herd::OfflinePlaces> m_places;
    std::unique_ptr<Herd::Cluster> m_cluster;
    std::unique_ptr<TopologyView> m_view;
};

void TestBigHerd::initTestCase()
{
    QString error;
    m_places = Herd::OfflinePlaces::fromEmbedded(&error);
    QVERIFY2(m_places, qPrintable(error));
}

void TestBigHerd::cleanup()
{
    m_view.reset();
    m_cluster.reset();
}

TopologyView *TestBigHerd::openView(const Herd::HerdConfig &config, QSize size)
{
    m_view.reset();
    m_cluster = std::make_unique<Herd::Cluster>(config, m_places.get());
    m_view = std::make_unique<TopologyView>(m_cluster.get());
    m_view->resize(size);
    m_view->show();
    if (!QTest::qWaitForWindowExposed(m_view.get()))
        return nullptr;
    return m_view.get();
}

void TestBigHerd::layoutIsDeterministic()
{
    const Herd::HerdConfig herd = Herd::randomHerd(30, 3, 7);
    QCOMPARE(Herd::randomHerd(30, 3, 7).links, herd.links);
    const QSizeF card(Style::kCompactNodeWidth, Style::kCompactNodeHeight);
    const auto first = HerdUi::automaticLayout(herd.nodeNames(), herd.links, card);
    QCOMPARE(first.size(), 30);
    QCOMPARE(HerdUi::automaticLayout(herd.nodeNames(), herd.links, card), first);
    // And the view places them there.
    TopologyView *view = openView(herd);
    QVERIFY(view);
    QCOMPARE(view->nodePositions(), first);
}

void TestBigHerd::cardsNeverOverlap_data()
{
    QTest::addColumn<int>("nodes");
    QTest::addColumn<QSize>("size"); // small: the cards grow to keep names readable
    for (const int nodes : {9, 30, 100}) {
        QTest::addRow("%d nodes, 1280x800", nodes) << nodes << QSize(1280, 800);
        QTest::addRow("%d nodes, 600x300", nodes) << nodes << QSize(600, 300);
    }
}

void TestBigHerd::cardsNeverOverlap()
{
    QFETCH(int, nodes);
    QFETCH(QSize, size);
    TopologyView *view = openView(Herd::randomHerd(nodes, 3, 1), size);
    QVERIFY(view);
    const QStringList names = m_cluster->config().nodeNames();
    QCOMPARE(view->nodeItem(names.first())->isCompact(), nodes > Style::kCompactAbove);
    for (qsizetype i = 0; i < names.size(); ++i) {
        const NodeItem *a = view->nodeItem(names[i]);
        const QRectF cardA = a->sceneCardRect();
        for (qsizetype j = i + 1; j < names.size(); ++j) {
            const NodeItem *b = view->nodeItem(names[j]);
            QVERIFY2(!cardA.intersects(b->sceneCardRect()),
                     qPrintable(names[i] + u" overlaps "_s + names[j]));
        }
    }
}

void TestBigHerd::fewerCrossingsThanCircle_data()
{
    QTest::addColumn<int>("nodes"); // 0: the planar grid
    QTest::addColumn<int>("most");  // crossings the layout may have at most; -1: half the circle's
    QTest::newRow("grid 6x5") << 0 << 0;
    QTest::newRow("random 30") << 30 << -1;
    QTest::newRow("random 100") << 100 << -1;
}

void TestBigHerd::fewerCrossingsThanCircle()
{
    QFETCH(int, nodes);
    QFETCH(int, most);
    const Herd::HerdConfig herd = nodes == 0 ? gridHerd(6, 5) : Herd::randomHerd(nodes, 3, 1);
    const QSizeF card(Style::kCompactNodeWidth, Style::kCompactNodeHeight);
    const int laidOut = crossings(HerdUi::automaticLayout(herd.nodeNames(), herd.links, card), herd.links);
    const int circle = crossings(HerdUi::circleLayout(herd.nodeNames(), herd.links), herd.links);
    qInfo("%s: %d crossings laid out, %d on the circle", QTest::currentDataTag(), laidOut, circle);
    QVERIFY(laidOut < circle);
    if (most >= 0)
        QVERIFY(laidOut <= most);
    else
        QVERIFY2(laidOut * 2 < circle, "not even half the circle's crossings");
}

void TestBigHerd::legendNeverOverNode_data()
{
    QTest::addColumn<int>("nodes");
    QTest::addColumn<QSize>("size");
    for (const int nodes : {5, 30, 100}) {
        QTest::addRow("%d nodes, 1280x800", nodes) << nodes << QSize(1280, 800);
        QTest::addRow("%d nodes, 940x390", nodes) << nodes << QSize(940, 390); // the window's pane
        QTest::addRow("%d nodes, 500x700", nodes) << nodes << QSize(500, 700);
    }
}

void TestBigHerd::legendNeverOverNode()
{
    QFETCH(int, nodes);
    QFETCH(QSize, size);
    TopologyView *view = openView(Herd::randomHerd(nodes, 3, 1), size);
    QVERIFY(view);
    const auto covered = [view] {
        const QRect legend = view->legend()->geometry().translated(-view->viewport()->pos());
        for (const QString &name : view->nodePositions().keys()) {
            const NodeItem *node = view->nodeItem(name);
            const QRect card = view->mapFromScene(node->sceneCardRect()).boundingRect();
            if (card.intersects(legend))
                return true;
        }
        return false;
    };
    QVERIFY(view->legend()->isVisible());
    QVERIFY(!covered());
    // Opened by a click, the legend moves the herd aside again.
    if (view->legend()->isFolded()) {
        view->legend()->setFolded(false);
        QVERIFY(!covered());
    }
    view->zoomToFit();
    QVERIFY(!covered());
}

void TestBigHerd::namesReadableAtFit_data()
{
    QTest::addColumn<int>("nodes");
    QTest::addColumn<QSize>("size");
    QTest::addColumn<double>("pixels"); // the name's height on screen at least
    QTest::newRow("5 in the pane") << 5 << QSize(940, 390) << 12.0;
    QTest::newRow("30 in the pane") << 30 << QSize(940, 390) << 9.5;
    QTest::newRow("30 at 1280x800") << 30 << QSize(1280, 800) << 14.0;
    QTest::newRow("100 at 1280x800") << 100 << QSize(1280, 800) << 9.0;
}

void TestBigHerd::namesReadableAtFit()
{
    QFETCH(int, nodes);
    QFETCH(QSize, size);
    QFETCH(double, pixels);
    TopologyView *view = openView(Herd::randomHerd(nodes, 3, 1), size);
    QVERIFY(view);
    const bool compact = nodes > Style::kCompactAbove;
    const int fontPixels = (compact ? Style::compactNameFont() : Style::nodeNameFont()).pixelSize();
    const QString any = m_cluster->config().nodes.first().name;
    const double onScreen = fontPixels * view->transform().m11() * view->nodeItem(any)->scale();
    QRectF herd;
    for (const QPointF &p : view->nodePositions())
        herd |= QRectF(p, QSizeF(1, 1));
    qInfo("%s: names %.1f px, herd %.0fx%.0f, folded %d", QTest::currentDataTag(), onScreen, herd.width(),
          herd.height(), view->legend()->isFolded());
    QVERIFY2(onScreen >= pixels, qPrintable(u"names %1 px at Fit"_s.arg(onScreen)));
}

void TestBigHerd::lanesNeverOverprint()
{
    const QStringList names = Herd::randomHerd(30, 3, 1).nodeNames();
    HerdUi::SpaceTimeView view(names);
    view.resize(900, 320);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const HerdUi::SpaceTimeLanes &lanes = view.canvas()->lanes();
    QVERIFY(lanes.scrolls()); // 30 lanes of 20 px do not fit in 320
    QVERIFY(lanes.visibleRows() >= 5);
    QList<double> ys;
    for (int lane = 0; lane < names.size(); ++lane) {
        if (lanes.isShown(lane))
            ys.append(view.canvas()->laneY(lane));
    }
    QCOMPARE(ys.size(), lanes.visibleRows());
    std::sort(ys.begin(), ys.end());
    QFont font = view.canvas()->font();
    font.setPixelSize(13);
    font.setBold(true);
    const double nameHeight = QFontMetricsF(font).height();
    for (qsizetype i = 1; i < ys.size(); ++i)
        QVERIFY2(ys[i] - ys[i - 1] >= nameHeight, "two lanes' names overprint");
    // Every shown lane inside the canvas; the others scroll into view.
    QVERIFY(ys.first() > 0 && ys.last() < view.canvas()->height());
    view.canvas()->setFirstRow(lanes.count());
    QCOMPARE(lanes.firstRow(), lanes.count() - lanes.visibleRows());
    QVERIFY(lanes.isShown(lanes.laneAt(lanes.count() - 1)));
}

void TestBigHerd::pickedNodeLaneFirst()
{
    const QStringList names = Herd::randomHerd(30, 3, 1).nodeNames();
    HerdUi::SpaceTimeView view(names);
    view.resize(900, 320);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const HerdUi::SpaceTimeLanes &lanes = view.canvas()->lanes();
    view.canvas()->setFirstRow(12);
    QCOMPARE(lanes.firstRow(), 12);
    const int picked = int(names.indexOf(u"N017"_s));
    view.setEmphasis(u"N017"_s);
    QCOMPARE(lanes.rowOf(picked), 0);
    QCOMPARE(lanes.firstRow(), 0);
    QVERIFY(lanes.isShown(picked));
    // A link: both its ends lead, the picked end first.
    view.setEmphasis(u"N025"_s, u"N003"_s);
    QCOMPARE(lanes.rowOf(int(names.indexOf(u"N025"_s))), 0);
    QCOMPARE(lanes.rowOf(int(names.indexOf(u"N003"_s))), 1);
    QCOMPARE(lanes.rowOf(picked), 2);
    // Every lane still has exactly one row.
    QSet<int> rows;
    for (int lane = 0; lane < names.size(); ++lane)
        rows.insert(lanes.rowOf(lane));
    QCOMPARE(rows.size(), names.size());
}

void TestBigHerd::tokenBudgetFollowsDrawCost()
{
    using namespace HerdUi::DrawBudget;
    // The formula: what the scene leaves of the frame, in tokens.
    QCOMPARE(tokensWithin({2, 0.05, 0}, 400), 120);
    QCOMPARE(tokensWithin({2, 0.03, 0.005}, 400), 120);        // 0.03 ms + 2 x 0.5% of the scene's 2 ms
    QCOMPARE(tokensWithin({2, 0.001, 0}, 400), 400);           // no more than there are
    QCOMPARE(tokensWithin({20, 0.05, 0}, 400), kMinTokens);    // a scene over budget still shows some
    QCOMPARE(tokensWithin({2, 0, 0}, 400), kUnmeasuredTokens); // no cost measured: what it drew before
    QVERIFY(tokensWithin({6, 0.05, 0.005}, 400)
            < tokensWithin({2, 0.05, 0.005}, 400)); // a costlier herd, fewer
    // A shown view measured itself and took its budget from it.
    TopologyView *view = openView(Herd::randomHerd(30, 3, 1));
    QVERIFY(view);
    qInfo("scene %.3f ms, token %.4f ms (%.4f drawn), budget %d", view->drawCost().sceneMs,
          view->drawCost().tokenMs(), view->drawCost().perTokenMs, view->tokenBudget());
    QVERIFY(view->drawCost().tokenShare > 0 && view->drawCost().tokenShare < 0.05);
    QVERIFY(view->drawCost().sceneMs > 0);
    QVERIFY(view->drawCost().perTokenMs >= 0);
    QCOMPARE(view->tokenBudget(), tokensWithin(view->drawCost(), HerdUi::FloodAnimator::kMaxTokenItems));
    const QList<QGraphicsItem *> items = view->scene()->items();
    QVERIFY(std::none_of(items.cbegin(), items.cend(), // the probe tokens are gone
                         [](QGraphicsItem *item) { return qgraphicsitem_cast<HerdUi::TokenItem *>(item); }));
}

void TestBigHerd::tokenLabelsDoNotPileUp()
{
    // A hub with twelve close neighbours, each sending it an update at once:
    // near the hub their tokens' labels would cover each other.
    QGraphicsScene scene;
    auto *layer = new QGraphicsRectItem;
    scene.addItem(layer);
    QHash<QString, NodeItem *> nodes;
    QList<HerdUi::LinkItem *> links;
    nodes.insert(u"Hub"_s, new NodeItem(u"Hub"_s, layer));
    for (int i = 0; i < 12; ++i) {
        const QString name = u"Leaf%1"_s.arg(i);
        auto *leaf = new NodeItem(name, layer);
        const double angle = 2 * std::numbers::pi * i / 12;
        leaf->setPos(260 * std::cos(angle), 260 * std::sin(angle));
        nodes.insert(name, leaf);
        links.append(new HerdUi::LinkItem(nodes[u"Hub"_s], leaf, layer));
    }
    HerdUi::FloodAnimator::Hooks hooks;
    hooks.node = [&nodes](const QString &name) { return nodes.value(name); };
    hooks.link = [&links](const QString &a, const QString &b) -> HerdUi::LinkItem * {
        for (HerdUi::LinkItem *link : std::as_const(links)) {
            if (link->joins(a, b))
                return link;
        }
        return nullptr;
    };
    hooks.allLinks = [&links] { return links; };
    hooks.tokenLayer = layer;
    hooks.labelLayer = layer;
    HerdUi::FloodAnimator animator(hooks);
    for (int i = 0; i < 12; ++i)
        animator.lineSent(u"Leaf%1"_s.arg(i), u"Hub"_s, "client-" + QByteArray::number(i), 0);
    animator.tick(0);
    animator.tick(250);
    animator.tick(500); // most of the way in
    QList<HerdUi::TokenItem *> tokens;
    for (QGraphicsItem *item : layer->childItems()) {
        if (auto *token = qgraphicsitem_cast<HerdUi::TokenItem *>(item); token && token->isVisible())
            tokens.append(token);
    }
    QCOMPARE(tokens.size(), 12);
    // A label shown covers no other label, no node and no other token's
    // dot; the ones left out are counted on a label shown nearby ("id +N").
    int shown = 0;
    int counted = 0;
    for (qsizetype i = 0; i < tokens.size(); ++i) {
        if (!tokens[i]->isLabelShown())
            continue;
        ++shown;
        counted += tokens[i]->hiddenNearby();
        const QRectF label = tokens[i]->labelSceneRect();
        for (const NodeItem *node : std::as_const(nodes))
            QVERIFY(!label.intersects(node->sceneCardRect()));
        for (qsizetype j = 0; j < tokens.size(); ++j) {
            if (j == i)
                continue;
            QVERIFY(!label.contains(tokens[j]->dotSceneRect().center()));
            if (tokens[j]->isLabelShown())
                QVERIFY(!label.intersects(tokens[j]->labelSceneRect()));
        }
    }
    QVERIFY(shown >= 1);
    QVERIFY2(shown < 12, "every label shown: they would overlap near the hub");
    QCOMPARE(shown + counted, 12); // every client is named or counted
}

QTEST_MAIN(TestBigHerd)
#include "tst_bigherd.moc"
