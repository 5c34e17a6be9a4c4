// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/topology/partitionpreviewitem.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>
#include <QPainterPathStroker>

#include "ui/topology/nodeitem.h"
#include "ui/topology/topologystyle.h"

namespace HerdUi {

using namespace TopologyStyle;

namespace {

constexpr qreal kGroupMargin = 20; // tint beyond a node's card
constexpr qreal kGroupBridge = 46; // width of the tint along a remaining link

} // namespace

PartitionPreviewItem::PartitionPreviewItem(Layer layer, NodeLookup nodes, QGraphicsItem *parent)
    : QGraphicsItem(parent)
    , m_layer(layer)
    , m_nodes(std::move(nodes))
{
    setAcceptedMouseButtons(Qt::NoButton);
    setVisible(false);
}

void PartitionPreviewItem::setPreview(const PartitionPreview &preview)
{
    prepareGeometryChange();
    m_preview = preview;
    // Every node's card with room for tags below: nodes do not move while
    // a menu is open, and a new preview recomputes this.
    m_bounds = {};
    for (const QStringList &component : std::as_const(m_preview.components)) {
        for (const QString &name : component) {
            if (const NodeItem *node = m_nodes(name))
                m_bounds |= node->cardRect().translated(node->pos()).adjusted(-40, -40, 40, 60);
        }
    }
    setVisible(!m_preview.isEmpty());
    update();
}

QRectF PartitionPreviewItem::boundingRect() const
{
    return m_bounds;
}

void PartitionPreviewItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    painter->setRenderHint(QPainter::Antialiasing);
    if (m_layer == Layer::Groups)
        paintGroups(painter);
    else
        paintMarks(painter);
}

void PartitionPreviewItem::paintGroups(QPainter *painter) const
{
    for (int i = 0; i < m_preview.components.size(); ++i) {
        const QStringList &component = m_preview.components.at(i);
        QPainterPath area;
        area.setFillRule(Qt::WindingFill);
        for (const QString &name : component) {
            if (const NodeItem *node = m_nodes(name)) {
                const QRectF card = node->cardRect().translated(node->pos());
                area.addRoundedRect(card.adjusted(-kGroupMargin, -kGroupMargin, kGroupMargin, kGroupMargin),
                                    kNodeRadius + kGroupMargin, kNodeRadius + kGroupMargin);
            }
        }
        // Along the links that keep the group together, so it reads as one.
        QPainterPath spine;
        for (const auto &[a, b] : std::as_const(m_preview.keptLinks)) {
            if (!component.contains(a) || !component.contains(b))
                continue;
            const NodeItem *na = m_nodes(a);
            const NodeItem *nb = m_nodes(b);
            if (na && nb) {
                spine.moveTo(na->pos());
                spine.lineTo(nb->pos());
            }
        }
        QPainterPathStroker stroker;
        stroker.setWidth(kGroupBridge);
        stroker.setCapStyle(Qt::RoundCap);
        area = area.united(stroker.createStroke(spine)).simplified();

        QColor fill = groupTint(i);
        fill.setAlpha(52);
        QColor edge = groupTint(i);
        edge.setAlpha(190);
        painter->setPen(QPen(edge, 2.5, Qt::DashLine));
        painter->setBrush(fill);
        painter->drawPath(area);
    }
}

void PartitionPreviewItem::paintMarks(QPainter *painter) const
{
    // Links that would be cut: a red disc with a white cross at the middle.
    for (const auto &[a, b] : m_preview.newCuts) {
        const NodeItem *na = m_nodes(a);
        const NodeItem *nb = m_nodes(b);
        if (!na || !nb)
            continue;
        const QPointF mid = (na->pos() + nb->pos()) / 2;
        painter->setPen(QPen(Qt::white, 2.5));
        painter->setBrush(linkColor(LinkLook::Cut));
        painter->drawEllipse(mid, 13, 13);
        painter->setPen(QPen(Qt::white, 3, Qt::SolidLine, Qt::RoundCap));
        painter->drawLine(mid + QPointF(-5, -5), mid + QPointF(5, 5));
        painter->drawLine(mid + QPointF(-5, 5), mid + QPointF(5, -5));
    }
    // Nodes that would go stale: a tag under the card.
    const QFont font = labelFont();
    const QFontMetricsF metrics(font);
    painter->setFont(font);
    const QString text = QObject::tr("will go stale");
    for (const QString &name : m_preview.staleNodes) {
        const NodeItem *node = m_nodes(name);
        if (!node)
            continue;
        const qreal width = metrics.horizontalAdvance(text) + 20;
        const QRectF card = node->cardRect().translated(node->pos());
        const QRectF pill(card.center().x() - width / 2, card.bottom() + 7, width, 24);
        const int group = m_preview.componentOf(name);
        painter->setPen(QPen(groupTint(group).darker(120), 2));
        painter->setBrush(QColor(0xff, 0xf7, 0xed));
        painter->drawRoundedRect(pill, 12, 12);
        painter->setPen(staleTag());
        painter->drawText(pill, Qt::AlignCenter, text);
    }
}

} // namespace HerdUi
