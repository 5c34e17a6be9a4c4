// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QElapsedTimer>
#include <QGraphicsView>
#include <QHash>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <deque>
#include <memory>
#include <optional>
#include <utility>

#include "herd/event.h"
#include "ui/topology/drawbudget.h"
#include "ui/topology/partitionpreview.h"

class QLabel;
class QMenu;

namespace Herd {
class HerdSource;
}

namespace HerdUi {

class FloodAnimator;
class FloodBanner;
class LinkItem;
class NodeItem;
class PartitionPreviewItem;
class TopologyLegend;

// The herd as a diagram: nodes as cards, links as lines whose style shows
// each direction's state, and every update as a token travelling the link
// it was sent over (see FloodAnimator).
//
// Owns its scene, the layer items (links < nodes < tokens < labels) and the
// maps from node names and links to items. Herd events mark items dirty;
// one frame timer refreshes the dirty ones and advances the animation, and
// stops when nothing moves. The view never changes the herd: its context
// menus are the main window's (setContextMenus()).
//
// Thread affinity: the GUI thread.
class TopologyView final : public QGraphicsView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TopologyView)

public:
    // `herd` is borrowed and must outlive the view's use of it (a
    // destroyed herd is tolerated: the view then shows nodes as remote).
    explicit TopologyView(Herd::HerdSource *herd, QWidget *parent = nullptr);
    ~TopologyView() override;

    // Node centres in scene coordinates, for the herd file's x/y.
    QHash<QString, QPointF> nodePositions() const;
    void setNodePositions(const QHash<QString, QPointF> &positions);
    QString selectedNode() const;
    std::optional<std::pair<QString, QString>> selectedLink() const;
    int tokensInFlight() const; // hops waiting or playing
    int tokensPlaying() const;  // tokens drawn right now
    bool isAggregating() const; // true when the rate is too high for one token per message
    qint64 droppedUpdates() const;
    double animationSpeed() const;
    bool isPaused() const;

    // For tests and the main window's status line.
    NodeItem *nodeItem(const QString &name) const { return m_nodes.value(name); }
    LinkItem *linkItem(const QString &a, const QString &b) const;
    QList<LinkItem *> linkItems() const { return m_links; }
    // Mean cost of one frame's update (refresh + animation step), in ms.
    double meanFrameCostMs() const { return m_frameCostMs; }
    bool isFrameTimerActive() const { return m_frameTimer.isActive(); }
    // What drawing costs here, measured when first shown and after a
    // relayout, and the tokens it affords (see DrawBudget).
    const DrawBudget::Cost &drawCost() const { return m_drawCost; }
    int tokenBudget() const;
    TopologyLegend *legend() const { return m_legend; }
    // True when the legend, shown, lies over a node's card.
    bool legendCoversNode() const;
    bool hasPartitionPreview() const { return !m_preview.isEmpty(); }
    const PartitionPreview &partitionPreview() const { return m_preview; }
    QString partitionPreviewCaption() const;

public slots:
    void onEvent(const Herd::Event &event);
    // The herd jumped to another moment (HerdSource::jumped): no token is
    // in flight any more, and every item shows the state as it is now.
    void restart();
    void setAnimationSpeed(double factor); // 0.1 .. 10; 1 = a hop takes ~600 ms on screen
    void setPaused(bool paused);           // freezes tokens in place; new events queue (bounded)
    void relayout();
    void zoomToFit();
    // Marks the directions (from, to) an update travelled, `primary` the
    // most; replaces any earlier highlight. Drawn until cleared.
    void setHighlightedHops(const QList<std::pair<QString, QString>> &hops,
                            const std::pair<QString, QString> &primary);
    void clearHighlights();
    // Shades what a partition would leave before it is applied (see
    // PartitionPreview); cleared by clearPartitionPreview() or a new one.
    void showPartitionPreview(const HerdUi::PartitionPreview &preview);
    void clearPartitionPreview();
    void setLegendVisible(bool visible);
    // The menus a right-click on a node, on a link or on the background
    // opens (borrowed; null for none). A node or link clicked becomes the
    // selection first, so actions that work on the selection apply to it.
    void setContextMenus(QMenu *node, QMenu *link, QMenu *background);

signals:
    // On a new selection; an empty name when no node is selected any more.
    void nodeSelected(const QString &node);
    // On a new link selection, ends in herd-file link order; empty strings
    // when no link is selected any more.
    void linkSelected(const QString &a, const QString &b);
    // After the user dragged nodes, or relayout().
    void positionsChanged();

protected:
    void contextMenuEvent(QContextMenuEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void drawBackground(QPainter *painter, const QRectF &rect) override;

private:
    void buildItems();
    QHash<QString, QPointF> automaticLayout() const;
    // How a changed client count shows: at once, or in its turn in the
    // frames' queue (m_countsWaiting).
    enum class Count { Now, Queued };
    void refreshNode(const QString &name, Count count = Count::Now);
    void refreshLink(LinkItem *link);
    void markNodeDirty(const QString &name, bool withLinks);
    void markLinkDirty(const QString &a, const QString &b);
    void queueCount(const QString &name);
    void refreshAll(Count count = Count::Now);
    void startFrames();
    void onFrame();
    void onSelectionChanged();
    void updateSceneRect();
    void placeOverlays();
    void measureDrawCost();
    // Zoom to Fit, never leaving the legend over a node; `mayFoldLegend`:
    // fold it when it would shrink the herd much.
    void fit(bool mayFoldLegend);
    // The legend's "not monitored" and "not started" rows show while a
    // node is drawn so.
    void explainRareLooks();
    // Scales and scrolls so `bounds` (scene) fills `target` (viewport).
    void fitInto(const QRectF &bounds, const QRectF &target);
    // Scales the cards up when zoomed out (see kReadableNamePixels).
    void keepNamesReadable();

    QPointer<Herd::HerdSource> m_herd;    // borrowed
    QGraphicsScene *m_scene = nullptr;    // owned (child)
    QGraphicsItem *m_linkLayer = nullptr; // owned by the scene, like every item below
    QGraphicsItem *m_nodeLayer = nullptr;
    QGraphicsItem *m_tokenLayer = nullptr;
    QGraphicsItem *m_labelLayer = nullptr;
    QGraphicsItem *m_previewLayer = nullptr;         // under the links
    PartitionPreviewItem *m_previewGroups = nullptr; // in m_previewLayer
    PartitionPreviewItem *m_previewMarks = nullptr;  // in m_labelLayer
    PartitionPreview m_preview;
    QHash<QString, NodeItem *> m_nodes;
    QList<LinkItem *> m_links;
    QHash<QString, LinkItem *> m_linkIndex; // "a>b" and "b>a"
    std::unique_ptr<FloodAnimator> m_animator;
    QTimer m_frameTimer;     // the one animation timer
    QTimer m_reconcileTimer; // slow safety net for state changes without events
    QElapsedTimer m_wall;
    QSet<QString> m_dirtyNodes;
    QSet<LinkItem *> m_dirtyLinks;
    // Nodes that stored a record since their count was last shown, and the
    // same in the order they changed. Busy, a count shows about every
    // kBusyCountsMs: a card whose count changed is painted again, and
    // while clients pour in every card's count changes every frame.
    QSet<QString> m_countsChanged;
    std::deque<QString> m_countsWaiting;
    FloodBanner *m_banner = nullptr;    // owned (child)
    QLabel *m_previewBanner = nullptr;  // owned (child)
    TopologyLegend *m_legend = nullptr; // owned (child)
    QPointer<QMenu> m_nodeMenu;         // borrowed, like the two below
    QPointer<QMenu> m_linkMenu;
    QPointer<QMenu> m_backgroundMenu;
    std::optional<std::pair<QString, QString>> m_lastSelectedLink;
    QString m_lastSelectedNode;
    bool m_autoFit = true;
    bool m_positionsDirty = false;
    bool m_shown = false;
    double m_frameCostMs = 0;
    DrawBudget::Cost m_drawCost;
};

} // namespace HerdUi
