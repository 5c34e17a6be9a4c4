// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QGraphicsItem>
#include <QLineF>
#include <QString>

#include "ui/topology/topologystyle.h"

namespace HerdUi {

class NodeItem;
class LinkLabelItem;

// A two-way link between two nodes. Each direction (a -> b, b -> a) has its
// own look, because faults are per direction: when both look the same the
// link is one line, otherwise two lanes side by side with arrows. A cut
// link is shown by its style (red dashes and a "cut" label), never by
// removing the item. Under high load it shows per-direction traffic as a
// glow whose width follows the rate.
//
// Dumb: the view sets looks, delays and traffic; it never reads the herd.
// The label lives in the label layer (above tokens) and is positioned here.
class LinkItem final : public QGraphicsItem
{
public:
    enum { Type = UserType + 2 };

    LinkItem(NodeItem *a, NodeItem *b, QGraphicsItem *parent = nullptr);

    int type() const override { return Type; }
    NodeItem *nodeA() const { return m_a; }
    NodeItem *nodeB() const { return m_b; }
    // The other end, or null if `node` is neither end.
    bool joins(const QString &x, const QString &y) const;

    // Per direction; `fromA` true means a -> b.
    void setLook(bool fromA, TopologyStyle::LinkLook look, int delayMs);
    TopologyStyle::LinkLook look(bool fromA) const { return fromA ? m_lookAB : m_lookBA; }
    int delayMs(bool fromA) const { return fromA ? m_delayAB : m_delayBA; }
    // Per direction: jitter (+- ms) and a flaky connection's mean up time (0: off).
    void setFaults(bool fromA, int jitterMs, int flakyMs);
    int jitterMs(bool fromA) const { return fromA ? m_jitterAB : m_jitterBA; }
    int flakyMs(bool fromA) const { return fromA ? m_flakyAB : m_flakyBA; }
    bool isCut() const; // either direction
    bool isFullyCut() const;
    // Messages per second, per direction; 0 switches the glow off.
    void setTraffic(double ab, double ba);
    double traffic(bool fromA) const { return fromA ? m_trafficAB : m_trafficBA; }

    // A message picked in the space-time diagram, per direction: Primary
    // on the message's own direction, Hop on the other hops of its update.
    enum class Highlight { None, Hop, Primary };
    void setHighlight(bool fromA, Highlight highlight);
    Highlight highlight(bool fromA) const { return fromA ? m_highlightAB : m_highlightBA; }

    void setLabel(LinkLabelItem *label);
    LinkLabelItem *label() const { return m_label; }

    // Re-reads the end nodes' positions (they moved).
    void adjust();
    // Where a token from `from` travels: border to border, in its lane.
    // Queried every frame, so a dragged node takes its tokens along.
    QLineF lane(bool fromA) const;
    QString labelText() const;

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    void refreshLabel();
    // "400 ms ±50 · flaky" for one direction; empty when it has no slow fault.
    QString slowText(bool fromA) const;
    QLineF borderLine() const;

    NodeItem *m_a;                    // borrowed (scene)
    NodeItem *m_b;                    // borrowed (scene)
    LinkLabelItem *m_label = nullptr; // borrowed (scene, label layer)
    QPointF m_pa;
    QPointF m_pb;
    TopologyStyle::LinkLook m_lookAB = TopologyStyle::LinkLook::Connecting;
    TopologyStyle::LinkLook m_lookBA = TopologyStyle::LinkLook::Connecting;
    int m_delayAB = 0;
    int m_delayBA = 0;
    int m_jitterAB = 0;
    int m_jitterBA = 0;
    int m_flakyAB = 0;
    int m_flakyBA = 0;
    double m_trafficAB = 0;
    double m_trafficBA = 0;
    Highlight m_highlightAB = Highlight::None;
    Highlight m_highlightBA = Highlight::None;
};

// The pill at a link's middle: "cut" with a scissors mark, "500 ms",
// "×37/s". Clicking it selects its link.
class LinkLabelItem final : public QGraphicsItem
{
public:
    enum { Type = UserType + 4 };

    explicit LinkLabelItem(LinkItem *link, QGraphicsItem *parent = nullptr);

    int type() const override { return Type; }
    LinkItem *link() const { return m_link; }
    void setContent(const QString &text, bool scissors, const QColor &accent);
    QString text() const { return m_text; }

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent *event) override;

private:
    QRectF pillRect() const;

    LinkItem *m_link; // borrowed
    QString m_text;
    bool m_scissors = false;
    QColor m_accent;
    qreal m_textWidth = 0;
};

} // namespace HerdUi
