// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/topology/topologyview.h"

#include <algorithm>
#include <cmath>

#include <QContextMenuEvent>
#include <QGraphicsScene>
#include <QLabel>
#include <QMenu>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QWheelEvent>

#include "herd/herdsource.h"
#include "herd/wire/protocol.h"
#include "herd/node/store.h"
#include "ui/topology/drawbudget.h"
#include "ui/topology/floodanimator.h"
#include "ui/topology/floodbanner.h"
#include "ui/topology/linkitem.h"
#include "herd/node/node.h"
#include "ui/topology/nodeitem.h"
#include "ui/topology/partitionpreviewitem.h"
#include "ui/topology/topologylayout.h"
#include "ui/topology/topologylegend.h"
#include "ui/topology/topologystyle.h"

using namespace Qt::StringLiterals;

namespace HerdUi {

using namespace TopologyStyle;

namespace {

// A look the legend explains only while some node has it.
bool isRare(NodeLook look)
{
    return look == NodeLook::NotMonitored || look == NodeLook::NotStarted;
}

// A z-ordered container: every item of one kind is its child, so the
// layers stack as links < nodes < tokens < labels whatever order the items
// were made in (OMNeT++ Qtenv's GraphicsLayer).
class LayerItem final : public QGraphicsItem
{
public:
    explicit LayerItem(qreal z)
    {
        setZValue(z);
        setFlag(ItemHasNoContents);
    }
    QRectF boundingRect() const override { return {}; }
    void paint(QPainter *, const QStyleOptionGraphicsItem *, QWidget *) override {}
};

constexpr int kFrameMs = 16;
// Aggregating, the picture is traffic per link, glows and badges that change
// a few times a second: some 40 frames a second show it all, and leave the
// window's thread room for the events behind it.
constexpr int kBusyFrameMs = 20;
constexpr qint64 kBusyCountsMs = 500;

} // namespace

TopologyView::TopologyView(Herd::HerdSource *herd, QWidget *parent)
    : QGraphicsView(parent)
    , m_herd(herd)
    , m_scene(new QGraphicsScene(this))
{
    setScene(m_scene);
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing | QPainter::SmoothPixmapTransform);
    setDragMode(ScrollHandDrag);
    setTransformationAnchor(AnchorUnderMouse);
    setResizeAnchor(AnchorViewCenter);
    setViewportUpdateMode(SmartViewportUpdate);
    setCacheMode(CacheBackground);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setFrameShape(QFrame::NoFrame);
    setMinimumSize(320, 240);
    m_scene->setItemIndexMethod(QGraphicsScene::NoIndex); // items move every frame

    auto addLayer = [this](qreal z) {
        auto *layer = new LayerItem(z);
        m_scene->addItem(layer);
        return layer;
    };
    m_previewLayer = addLayer(-1);
    m_linkLayer = addLayer(0);
    m_nodeLayer = addLayer(1);
    m_tokenLayer = addLayer(2);
    m_labelLayer = addLayer(3);

    FloodAnimator::Hooks hooks;
    hooks.node = [this](const QString &name) { return m_nodes.value(name); };
    hooks.link = [this](const QString &a, const QString &b) { return linkItem(a, b); };
    hooks.allLinks = [this] { return m_links; };
    hooks.tokenLayer = m_tokenLayer;
    hooks.labelLayer = m_labelLayer;
    m_animator = std::make_unique<FloodAnimator>(std::move(hooks));

    m_banner = new FloodBanner(this);

    auto nodeLookup = [this](const QString &name) { return m_nodes.value(name); };
    using PreviewLayer = PartitionPreviewItem::Layer;
    m_previewGroups = new PartitionPreviewItem(PreviewLayer::Groups, nodeLookup, m_previewLayer);
    m_previewMarks = new PartitionPreviewItem(PreviewLayer::Marks, nodeLookup, m_labelLayer);
    m_previewBanner = new QLabel(this);
    m_previewBanner->setAttribute(Qt::WA_TransparentForMouseEvents);
    m_previewBanner->setStyleSheet(u"QLabel { background: rgba(255,251,235,242); color: #78350f;"
                                   " border: 2px solid #f59e0b; border-radius: 12px; padding: 6px 14px; }"_s);
    m_previewBanner->setFont(bannerFont());
    m_previewBanner->hide();
    m_legend = new TopologyLegend(this);
    connect(m_legend, &TopologyLegend::foldedChanged, this, [this] {
        placeOverlays();
        if (m_autoFit)
            fit(false); // the legend just opened: move the herd out from under it
    });

    m_wall.start();
    m_frameTimer.setTimerType(Qt::PreciseTimer);
    m_frameTimer.setInterval(kFrameMs);
    connect(&m_frameTimer, &QTimer::timeout, this, &TopologyView::onFrame);
    m_reconcileTimer.setInterval(1000);
    // Its counts queue like the events' do: set at once, every card of a
    // busy herd changed in one frame each second, a 10-12 ms frame.
    connect(&m_reconcileTimer, &QTimer::timeout, this, [this] { refreshAll(Count::Queued); });
    m_reconcileTimer.start();
    connect(m_scene, &QGraphicsScene::selectionChanged, this, &TopologyView::onSelectionChanged);

    buildItems();
}

TopologyView::~TopologyView()
{
    m_frameTimer.stop();
    m_reconcileTimer.stop();
    // The animator only borrows items; drop it, then the scene and its
    // items while the maps and callbacks they use still exist.
    m_animator.reset();
    // Deleting a selected item changes the selection: nobody (this view,
    // the main window) may hear that from a scene being torn down.
    m_scene->disconnect();
    setScene(nullptr);
    delete std::exchange(m_scene, nullptr);
}

void TopologyView::buildItems()
{
    if (!m_herd)
        return;
    const Herd::HerdConfig &config = m_herd->config();
    const bool compact = config.nodes.size() > kCompactAbove;
    for (const Herd::NodeConfig &nodeConfig : config.nodes) {
        auto *item = new NodeItem(nodeConfig.name, m_nodeLayer);
        item->setCompact(compact);
        item->setPort(nodeConfig.port);
        item->setMovedCallback([this] { m_positionsDirty = true; });
        m_nodes.insert(nodeConfig.name, item);
    }
    for (const auto &[a, b] : config.links) {
        NodeItem *na = m_nodes.value(a);
        NodeItem *nb = m_nodes.value(b);
        if (!na || !nb || linkItem(a, b))
            continue;
        auto *link = new LinkItem(na, nb, m_linkLayer);
        link->setLabel(new LinkLabelItem(link, m_labelLayer));
        m_links.append(link);
        m_linkIndex.insert(a + u'>' + b, link);
        m_linkIndex.insert(b + u'>' + a, link);
    }

    const bool allPlaced = std::all_of(config.nodes.cbegin(), config.nodes.cend(),
                                       [](const Herd::NodeConfig &n) { return n.position.has_value(); });
    if (allPlaced) {
        QHash<QString, QPointF> positions;
        for (const Herd::NodeConfig &n : config.nodes)
            positions.insert(n.name, QPointF(n.position->first, n.position->second));
        setNodePositions(positions);
    } else {
        setNodePositions(automaticLayout());
    }
    m_positionsDirty = false;
    refreshAll();
    explainRareLooks(); // a herd shown before may have had such nodes
}

QHash<QString, QPointF> TopologyView::automaticLayout() const
{
    if (!m_herd || m_nodes.isEmpty())
        return {};
    const QSizeF card = m_nodes.cbegin().value()->cardRect().size();
    return HerdUi::automaticLayout(m_herd->config().nodeNames(), m_herd->config().links, card);
}

QHash<QString, QPointF> TopologyView::nodePositions() const
{
    QHash<QString, QPointF> positions;
    for (auto it = m_nodes.cbegin(); it != m_nodes.cend(); ++it)
        positions.insert(it.key(), it.value()->pos());
    return positions;
}

void TopologyView::setNodePositions(const QHash<QString, QPointF> &positions)
{
    for (auto it = positions.cbegin(); it != positions.cend(); ++it) {
        if (NodeItem *item = m_nodes.value(it.key()))
            item->setPos(it.value());
    }
    updateSceneRect();
}

LinkItem *TopologyView::linkItem(const QString &a, const QString &b) const
{
    return m_linkIndex.value(a + u'>' + b);
}

QString TopologyView::selectedNode() const
{
    for (QGraphicsItem *item : m_scene->selectedItems()) {
        if (auto *node = qgraphicsitem_cast<NodeItem *>(item))
            return node->name();
    }
    return {};
}

std::optional<std::pair<QString, QString>> TopologyView::selectedLink() const
{
    for (QGraphicsItem *item : m_scene->selectedItems()) {
        if (auto *link = qgraphicsitem_cast<LinkItem *>(item))
            return std::pair {link->nodeA()->name(), link->nodeB()->name()};
    }
    return std::nullopt;
}

int TopologyView::tokensInFlight() const
{
    return m_animator->tokensInFlight();
}
int TopologyView::tokensPlaying() const
{
    return m_animator->tokensPlaying();
}
bool TopologyView::isAggregating() const
{
    return m_animator->isAggregating();
}
qint64 TopologyView::droppedUpdates() const
{
    return m_animator->droppedCount();
}
int TopologyView::tokenBudget() const
{
    return m_animator->maxTokens();
}
double TopologyView::animationSpeed() const
{
    return m_animator->speed();
}
bool TopologyView::isPaused() const
{
    return m_animator->isPaused();
}

// ---------------------------------------------------------------------------
// Events and refresh

void TopologyView::onEvent(const Herd::Event &event)
{
    using Herd::EventKind;
    switch (event.kind) {
    case EventKind::LineSent:
        // Updates travel as tokens; the resync digest lines (SYNC ...) do not:
        // the records they bring over arrive as AT lines and are shown.
        if (event.viaPeerLink && !event.peer.isEmpty() && event.line.startsWith("AT "))
            m_animator->lineSent(event.node, event.peer, event.client, m_wall.elapsed());
        break;
    case EventKind::RecordStored:
        queueCount(event.node);
        m_animator->recordStored(event.node, event.peer, event.client, event.detail == "iamat"_L1);
        break;
    case EventKind::RecordDropped:
        m_animator->recordDropped(event.node, event.peer, event.client);
        break;
    case EventKind::NodeStarted:
        markNodeDirty(event.node, true);
        break;
    case EventKind::NodeStopped:
        markNodeDirty(event.node, true);
        m_animator->nodeStopped(event.node);
        break;
    case EventKind::PeerConnected:
    case EventKind::PeerDisconnected:
    case EventKind::PeerRetrying:
        markLinkDirty(event.node, event.peer);
        break;
    case EventKind::LinkChanged:
        if (event.peer.isEmpty())
            m_dirtyNodes.insert(event.node); // a fault of the node itself (its clock)
        else
            markLinkDirty(event.node, event.peer);
        break;
    default:
        return;
    }
    startFrames();
}

void TopologyView::restart()
{
    m_animator->clear();
    if (m_herd) {
        // A still moment (a replay's cursor): each line on its way is a token
        // as far along its link as its time held says.
        const qint64 now = m_herd->nowNs();
        for (const Herd::InFlightLine &line : m_herd->linesInFlight()) {
            const double gone = double(now - line.sentNs);
            const double whole = gone + double(line.holdLeftMs) * 1e6;
            m_animator->hold(line.from, line.to, Herd::updateClient(line.line),
                             whole > 0 ? gone / whole : 0.5);
        }
    }
    refreshAll();
    startFrames();
}

void TopologyView::markNodeDirty(const QString &name, bool withLinks)
{
    m_dirtyNodes.insert(name);
    if (!withLinks)
        return;
    if (NodeItem *item = m_nodes.value(name)) {
        for (LinkItem *link : item->links())
            m_dirtyLinks.insert(link);
    }
}

void TopologyView::markLinkDirty(const QString &a, const QString &b)
{
    if (LinkItem *link = linkItem(a, b))
        m_dirtyLinks.insert(link);
}

void TopologyView::queueCount(const QString &name)
{
    if (m_countsChanged.contains(name))
        return;
    m_countsChanged.insert(name);
    m_countsWaiting.push_back(name);
}

void TopologyView::refreshNode(const QString &name, Count count)
{
    NodeItem *item = m_nodes.value(name);
    if (!item)
        return;
    const std::optional<Herd::NodeStatus> node = m_herd ? m_herd->nodeStatus(name) : std::nullopt;
    const NodeLook was = item->look();
    item->setLook(nodeLook(node, m_herd && m_herd->isOutOfSight(name)));
    if (item->look() != was && (isRare(was) || isRare(item->look())))
        explainRareLooks();
    if (node) {
        item->setPort(node->port);
        const qsizetype clients = m_herd->recordCount(name);
        if (count == Count::Now)
            item->setClientCount(clients);
        else if (clients != item->clientCount())
            queueCount(name);
        item->setClockSkew(node->clockSkewMs);
    } else {
        item->setClientCount(0);
        item->setClockSkew(0);
    }
}

void TopologyView::refreshLink(LinkItem *link)
{
    for (const bool fromA : {true, false}) {
        const QString from = (fromA ? link->nodeA() : link->nodeB())->name();
        const QString to = (fromA ? link->nodeB() : link->nodeA())->name();
        const std::optional<Herd::LinkState> state = m_herd ? m_herd->linkState(from, to) : std::nullopt;
        link->setLook(fromA, linkLook(state, m_herd && m_herd->isRunning(from)), state ? state->delayMs : 0);
        link->setFaults(fromA, state ? state->jitterMs : 0, state ? state->flakyMeanMs : 0);
    }
}

void TopologyView::refreshAll(Count count)
{
    for (auto it = m_nodes.cbegin(); it != m_nodes.cend(); ++it)
        refreshNode(it.key(), count);
    for (LinkItem *link : std::as_const(m_links))
        refreshLink(link);
    if (!m_countsWaiting.empty())
        startFrames();
}

void TopologyView::startFrames()
{
    if (!m_frameTimer.isActive())
        m_frameTimer.start();
}

void TopologyView::onFrame()
{
    QElapsedTimer cost;
    cost.start();
    // Calm, every changed count shows at once. Busy, a share of them each
    // frame, oldest change first, so that each shows within about
    // kBusyCountsMs: all at once, every card was painted again in one
    // frame, twice a second, and those frames were the slow ones.
    const qsizetype counts = m_animator->isAggregating()
        ? std::max<qsizetype>(1, m_nodes.size() * kBusyFrameMs / kBusyCountsMs)
        : qsizetype(m_countsWaiting.size());
    for (qsizetype i = 0; i < counts && !m_countsWaiting.empty(); ++i) {
        m_countsChanged.remove(m_countsWaiting.front());
        m_dirtyNodes.insert(m_countsWaiting.front());
        m_countsWaiting.pop_front();
    }
    for (const QString &name : std::as_const(m_dirtyNodes))
        refreshNode(name);
    m_dirtyNodes.clear();
    for (LinkItem *link : std::as_const(m_dirtyLinks))
        refreshLink(link);
    m_dirtyLinks.clear();

    // One time for the frame: the animator and its banner agree on "now".
    const qint64 nowMs = m_wall.elapsed();
    const bool busy = m_animator->tick(nowMs);
    m_frameTimer.setInterval(m_animator->isAggregating() ? kBusyFrameMs : kFrameMs);
    m_banner->refresh(*m_animator, nowMs);
    if (!busy && !m_animator->isPaused())
        m_frameTimer.stop();
    const double ms = double(cost.nsecsElapsed()) / 1e6;
    m_frameCostMs = m_frameCostMs == 0 ? ms : 0.9 * m_frameCostMs + 0.1 * ms;
}

// ---------------------------------------------------------------------------
// Controls

void TopologyView::setAnimationSpeed(double factor)
{
    m_animator->setSpeed(factor);
}

void TopologyView::setPaused(bool paused)
{
    m_animator->setPaused(paused);
    m_banner->refreshNow();
    startFrames();
}

void TopologyView::relayout()
{
    setNodePositions(automaticLayout());
    m_positionsDirty = false;
    zoomToFit();
    if (m_shown)
        measureDrawCost();
    emit positionsChanged();
}

void TopologyView::measureDrawCost()
{
    m_drawCost = DrawBudget::measure(this, m_tokenLayer, m_links);
    m_animator->setTokenBudget(DrawBudget::tokensWithin(m_drawCost, FloodAnimator::kMaxTokenItems));
}

void TopologyView::updateSceneRect()
{
    // Generous room around the herd so the background can be dragged.
    QRectF bounds;
    for (const NodeItem *node : std::as_const(m_nodes))
        bounds |= node->sceneBoundingRect();
    if (bounds.isNull())
        bounds = QRectF(-200, -200, 400, 400);
    m_scene->setSceneRect(bounds.adjusted(-3000, -3000, 3000, 3000));
}

void TopologyView::zoomToFit()
{
    fit(true);
}

void TopologyView::fit(bool mayFoldLegend)
{
    QRectF bounds;
    for (const NodeItem *node : std::as_const(m_nodes))
        bounds |= node->sceneBoundingRect();
    for (const LinkItem *link : std::as_const(m_links)) {
        if (link->label() && link->label()->isVisible())
            bounds |= link->label()->sceneBoundingRect();
    }
    if (bounds.isNull())
        return;
    // Room for client badges beside nodes, and the banner above.
    const QSizeF card = m_nodes.cbegin().value()->cardRect().size();
    bounds.adjust(-1.1 * card.width(), -0.9 * card.height(), 1.1 * card.width(), 0.65 * card.height());
    const QRectF area = viewport()->rect();
    const auto scaleIn = [&bounds](const QRectF &r) {
        return std::min(r.width() / bounds.width(), r.height() / bounds.height());
    };
    const auto besideLegend = [&] {
        // Beside the legend or above it, whichever shows the herd larger.
        const QRectF legend = m_legend->geometry().translated(-viewport()->pos());
        const QRectF beside(QPointF(legend.right() + 8, area.top()), area.bottomRight());
        const QRectF above(area.topLeft(), QPointF(area.right(), legend.top() - 8));
        return scaleIn(beside) >= scaleIn(above) ? beside : above;
    };
    fitInto(bounds, area);
    keepNamesReadable();
    if (legendCoversNode()) {
        // A big herd would lose too much to the open legend: fold it to its
        // tab (a click opens it, and the herd moves aside).
        if (mayFoldLegend && !m_legend->isFolded() && scaleIn(besideLegend()) < 0.85 * scaleIn(area)) {
            const QSignalBlocker quiet(m_legend);
            m_legend->setFolded(true);
            placeOverlays();
        }
        if (legendCoversNode()) {
            fitInto(bounds, besideLegend());
            keepNamesReadable();
        }
    }
    m_autoFit = true;
}

void TopologyView::fitInto(const QRectF &bounds, const QRectF &target)
{
    // Never blow a small herd up to poster size.
    const qreal scale = std::min({target.width() / bounds.width(), target.height() / bounds.height(), 1.6});
    setTransform(QTransform::fromScale(scale, scale));
    // centerOn() puts a point at the viewport's centre: shift it so the
    // herd's centre lands on the target's.
    const QPointF offset = (target.center() - QRectF(viewport()->rect()).center()) / scale;
    centerOn(bounds.center() - offset);
}

void TopologyView::keepNamesReadable()
{
    if (m_nodes.isEmpty())
        return;
    const NodeItem *any = m_nodes.cbegin().value();
    const QRectF card = any->cardRect();
    const int namePixels = (any->isCompact() ? compactNameFont() : nodeNameFont()).pixelSize();
    // Up to the gap the layout left between cards: on each axis a card may
    // grow by the gap, so the smaller ratio keeps every pair apart.
    const double gap = kGapShare * card.height();
    const double most = std::min((card.width() + gap) / card.width(), (card.height() + gap) / card.height());
    const double grow = std::clamp(kReadableNamePixels / (namePixels * transform().m11()), 1.0, most);
    for (NodeItem *node : std::as_const(m_nodes))
        node->setScale(grow);
}

bool TopologyView::legendCoversNode() const
{
    if (m_legend->isHidden())
        return false;
    const QRect legend = m_legend->geometry().translated(-viewport()->pos());
    return std::any_of(m_nodes.cbegin(), m_nodes.cend(), [&](const NodeItem *node) {
        return mapFromScene(node->sceneCardRect()).boundingRect().intersects(legend);
    });
}

void TopologyView::wheelEvent(QWheelEvent *event)
{
    const int delta = event->angleDelta().y();
    if (delta == 0) {
        QGraphicsView::wheelEvent(event);
        return;
    }
    const qreal factor = std::pow(1.0015, delta);
    const qreal current = transform().m11();
    const qreal target = std::clamp(current * factor, 0.15, 6.0);
    setTransformationAnchor(AnchorUnderMouse);
    scale(target / current, target / current);
    keepNamesReadable();
    m_autoFit = false;
    event->accept();
}

void TopologyView::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    placeOverlays();
    if (m_autoFit)
        zoomToFit();
}

void TopologyView::showEvent(QShowEvent *event)
{
    QGraphicsView::showEvent(event);
    if (!m_shown) {
        m_shown = true;
        zoomToFit();
        measureDrawCost();
    }
}

void TopologyView::mouseReleaseEvent(QMouseEvent *event)
{
    QGraphicsView::mouseReleaseEvent(event);
    if (m_positionsDirty) {
        m_positionsDirty = false;
        updateSceneRect();
        emit positionsChanged();
    }
}

void TopologyView::onSelectionChanged()
{
    for (const LinkItem *link : std::as_const(m_links)) {
        if (link->label())
            link->label()->update();
    }
    const auto link = selectedLink();
    if (link != m_lastSelectedLink) {
        m_lastSelectedLink = link;
        emit linkSelected(link ? link->first : QString(), link ? link->second : QString());
    }
    const QString node = selectedNode();
    if (node == m_lastSelectedNode)
        return;
    m_lastSelectedNode = node;
    emit nodeSelected(node);
}

void TopologyView::setHighlightedHops(const QList<std::pair<QString, QString>> &hops,
                                      const std::pair<QString, QString> &primary)
{
    clearHighlights();
    auto mark = [this](const QString &from, const QString &to, LinkItem::Highlight level) {
        LinkItem *link = linkItem(from, to);
        if (!link)
            return;
        const bool fromA = link->nodeA()->name() == from;
        if (link->highlight(fromA) < level)
            link->setHighlight(fromA, level);
    };
    for (const auto &[from, to] : hops)
        mark(from, to, LinkItem::Highlight::Hop);
    mark(primary.first, primary.second, LinkItem::Highlight::Primary);
}

void TopologyView::clearHighlights()
{
    for (LinkItem *link : std::as_const(m_links)) {
        link->setHighlight(true, LinkItem::Highlight::None);
        link->setHighlight(false, LinkItem::Highlight::None);
    }
}

void TopologyView::showPartitionPreview(const PartitionPreview &preview)
{
    if (!m_herd || preview.isEmpty()) {
        clearPartitionPreview();
        return;
    }
    m_preview = preview;
    m_previewGroups->setPreview(preview);
    m_previewMarks->setPreview(preview);
    m_previewBanner->setText(preview.caption());
    m_previewBanner->setToolTip(preview.description());
    m_previewBanner->show();
    placeOverlays();
}

void TopologyView::clearPartitionPreview()
{
    if (m_preview.isEmpty())
        return;
    m_preview = {};
    m_previewGroups->setPreview({});
    m_previewMarks->setPreview({});
    m_previewBanner->hide();
}

QString TopologyView::partitionPreviewCaption() const
{
    return m_previewBanner->isVisible() ? m_previewBanner->text() : QString();
}

void TopologyView::explainRareLooks()
{
    const auto any = [this](NodeLook look) {
        return std::any_of(m_nodes.cbegin(), m_nodes.cend(),
                           [look](const NodeItem *node) { return node->look() == look; });
    };
    const bool notMonitored = any(NodeLook::NotMonitored);
    const bool notStarted = any(NodeLook::NotStarted);
    if (notMonitored == m_legend->showsNotMonitored() && notStarted == m_legend->showsNotStarted())
        return;
    m_legend->setShowsNotMonitored(notMonitored);
    m_legend->setShowsNotStarted(notStarted);
    // The legend grew or shrank at the bottom: keep it off the herd.
    placeOverlays();
    if (m_autoFit)
        fit(false);
}

void TopologyView::setLegendVisible(bool visible)
{
    m_legend->setVisible(visible);
    placeOverlays();
    if (m_autoFit)
        fit(false);
}

void TopologyView::setContextMenus(QMenu *node, QMenu *link, QMenu *background)
{
    m_nodeMenu = node;
    m_linkMenu = link;
    m_backgroundMenu = background;
}

void TopologyView::placeOverlays()
{
    const QRect area = viewport()->geometry();
    m_legend->resize(m_legend->sizeHint());
    m_legend->move(area.left() + 10, area.bottom() - m_legend->height() - 9);
    if (m_previewBanner->isVisible()) {
        // One line at the top (zoomToFit leaves room there), under the
        // busy/paused banner when that shows.
        m_previewBanner->adjustSize();
        const int top = m_banner->isVisible() ? m_banner->geometry().bottom() + 8 : 12;
        m_previewBanner->move(area.left() + 12, area.top() + top);
        m_previewBanner->raise();
    }
}

void TopologyView::contextMenuEvent(QContextMenuEvent *event)
{
    NodeItem *node = nullptr;
    LinkItem *link = nullptr;
    for (QGraphicsItem *item : items(event->pos())) {
        if ((node = qgraphicsitem_cast<NodeItem *>(item)))
            break;
        if ((link = qgraphicsitem_cast<LinkItem *>(item)))
            break;
        if (auto *label = qgraphicsitem_cast<LinkLabelItem *>(item)) {
            link = label->link();
            break;
        }
    }
    // The menus' actions work on the selection: it becomes what was
    // clicked, and only that.
    QGraphicsItem *target = node ? static_cast<QGraphicsItem *>(node) : link;
    if (target && !(target->isSelected() && m_scene->selectedItems().size() == 1)) {
        m_scene->clearSelection();
        target->setSelected(true);
    }
    if (QMenu *menu = node ? m_nodeMenu : link ? m_linkMenu : m_backgroundMenu)
        menu->exec(event->globalPos());
    event->accept();
}

void TopologyView::drawBackground(QPainter *painter, const QRectF &rect)
{
    painter->fillRect(rect, background());
    // A faint dot grid, skipped when zoomed out so far it would be noise.
    constexpr qreal step = 40;
    if (transform().m11() * step < 14)
        return;
    painter->setPen(QPen(gridDot(), 2.5, Qt::SolidLine, Qt::RoundCap));
    QList<QPointF> dots;
    const qreal left = std::floor(rect.left() / step) * step;
    const qreal top = std::floor(rect.top() / step) * step;
    for (qreal x = left; x < rect.right(); x += step) {
        for (qreal y = top; y < rect.bottom(); y += step)
            dots.append({x, y});
    }
    painter->drawPoints(dots.constData(), int(dots.size()));
}

} // namespace HerdUi
