// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QLineF>
#include <QSet>
#include <QString>
#include <QWidget>

#include <vector>

#include "ui/spacetime/spacetimearrows.h"
#include "ui/spacetime/spacetimelanes.h"

namespace HerdUi {

class SpaceTimeHistory;
struct SpaceTimeMessage;

// Draws a SpaceTimeHistory as a space-time diagram: one horizontal line per
// node, time running left to right, each AT line an arrow from its send on
// the sender's line to its receipt on the receiver's; IAMATs as dots, kills
// and restarts on the node's line, cuts and restores as marks between the
// two nodes' lines. Stored receipts are solid arrows in the client's colour,
// stale ones dashed with a bar at the tip, lines that were never sent (or
// were lost) short stubs ending in a cross.
//
// The time axis is wall clock (ns) or Lamport clock (ticks): the window is
// its right end and its span in those units. The canvas only draws and
// hit-tests; SpaceTimeView decides where the window is and what is
// selected. Clicks, drags and the wheel are reported as signals.
//
// Only messages inside the window are drawn; with very many of them it
// drops antialiasing and arrowheads so a frame stays cheap.
//
// The history is borrowed and must outlive the canvas.
class SpaceTimeCanvas final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SpaceTimeCanvas)

public:
    enum class Axis { WallClock, Lamport };

    static constexpr int NameWidth = 104;          // left column with the node names
    static constexpr int AxisHeight = 22;          // time labels on top
    static constexpr int SimpleDrawingAbove = 600; // visible arrows

    explicit SpaceTimeCanvas(const SpaceTimeHistory *history, QWidget *parent = nullptr);

    void setAxis(Axis axis);
    Axis axis() const { return m_axis; }
    // The time at the right edge and the time the width shows, in the
    // axis's units (ns or ticks).
    void setWindow(double end, double span);
    double windowEnd() const { return m_end; }
    double windowSpan() const { return m_span; }

    // The selected message (0: none) and the update whose hops stand out.
    void setSelection(quint64 id, const QByteArray &updateKey);
    // Stand out: messages from or to `node` (peer empty), or between `node`
    // and `peer` either way; nothing when both are empty.
    void setEmphasis(const QString &node, const QString &peer);
    // Stand out too: the messages and IAMATs of these clients; none when empty.
    void setPickedClients(const QSet<QByteArray> &clients);
    const QSet<QByteArray> &pickedClients() const { return m_pickedClients; }
    bool emphasises(const SpaceTimeMessage &message) const;

    // The arrow (or stub) as drawn, in widget coordinates.
    QLineF arrow(const SpaceTimeMessage &message) const;
    // The message under `pos`, within a few pixels; 0 if none.
    quint64 messageAt(const QPointF &pos) const;
    double xOf(double time) const;
    double timeAt(double x) const;
    double laneY(int lane) const;
    int visibleMessages() const { return m_visible; }
    // What the last paint cost, in ms: the view spaces busy redraws by it.
    double lastPaintMs() const { return m_lastPaintMs; }
    // What an empty diagram says; empty: how to make messages in a live herd.
    void setEmptyHint(const QString &hint);

    // The lanes' rows (see SpaceTimeLanes): with more nodes than fit, a
    // window of rows that scrolls (the wheel over the names does too).
    const SpaceTimeLanes &lanes() const;
    void leadLanes(const QList<int> &lanes);
    void setFirstRow(int row);

signals:
    void clicked(quint64 message); // 0 on empty space
    // The user dragged the diagram by `dx` pixels.
    void dragged(double dx);
    // The wheel asked for `factor` times the span, around x.
    void zoomRequested(double factor, double x);
    // The rows shown changed: scrolled, reordered or resized.
    void lanesChanged();

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    bool event(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    QRectF plotRect() const;
    QString tooltipAt(const QPointF &pos) const;
    void paintAll();
    void paintGrid(QPainter &painter, const QRectF &plot) const;
    void paintLanes(QPainter &painter, const QRectF &plot) const;
    void paintMarks(QPainter &painter, const QRectF &plot) const;
    void paintMessages(QPainter &painter, const QRectF &plot);

    // The time axis and the lanes for one frame, so thousands of arrows do
    // not each work out the plot rectangle again.
    struct Geometry
    {
        double right;
        double pixelsPerUnit;
        double end;
        const SpaceTimeLanes *lanes;
        bool wall;
        double x(double time) const { return right - (end - time) * pixelsPerUnit; }
        double laneY(int lane) const { return lanes->y(lane); }
    };
    Geometry geometry() const;
    static QLineF arrow(const Geometry &geometry, const SpaceTimeMessage &message);
    void paintEmpty(QPainter &painter, const QRectF &plot) const;

    const SpaceTimeHistory *m_history; // borrowed
    Axis m_axis = Axis::WallClock;
    double m_end = 0;
    double m_span = 10e9;
    quint64 m_selected = 0;
    QByteArray m_selectedUpdate;
    QString m_emphasisNode;
    QString m_emphasisPeer;
    QSet<QByteArray> m_pickedClients;
    mutable SpaceTimeLanes m_lanes; // refitted to the plot whenever read (lanes())
    int m_visible = 0;
    SpaceTimeArrows m_arrows;
    // Per frame, kept to reuse their memory.
    std::vector<SpaceTimeArrows::Arrow> m_dim;
    std::vector<SpaceTimeArrows::Arrow> m_strong;
    QPointF m_pressPos;
    double m_lastDragX = 0;
    bool m_dragging = false;
    double m_lastPaintMs = 0;
    QString m_emptyHint;
};

} // namespace HerdUi
