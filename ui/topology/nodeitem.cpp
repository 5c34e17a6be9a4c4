// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/topology/nodeitem.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include "ui/topology/linkitem.h"

namespace HerdUi {

using namespace TopologyStyle;

NodeItem::NodeItem(const QString &name, QGraphicsItem *parent)
    : QGraphicsItem(parent)
    , m_name(name)
{
    setFlags(ItemIsMovable | ItemIsSelectable | ItemSendsGeometryChanges);
    setCacheMode(DeviceCoordinateCache);
    setCursor(Qt::OpenHandCursor);
    setAcceptHoverEvents(false);
    setToolTip(name);
}

void NodeItem::setLook(NodeLook look)
{
    if (look == m_look)
        return;
    m_look = look;
    update();
}

void NodeItem::setPort(quint16 port)
{
    if (port == m_port)
        return;
    m_port = port;
    setToolTip(QStringLiteral("%1 :%2").arg(m_name).arg(port));
    update();
}

void NodeItem::setClientCount(qsizetype count)
{
    if (count == m_clients)
        return;
    m_clients = count;
    update();
}

void NodeItem::setFlash(qreal stored, qreal stale)
{
    // Quantised so a fading halo repaints at most ~25 times, not every frame
    // for identical pixels.
    stored = std::round(qBound(0.0, stored, 1.0) * 25) / 25;
    stale = std::round(qBound(0.0, stale, 1.0) * 25) / 25;
    if (qFuzzyCompare(stored + 1, m_storedFlash + 1) && qFuzzyCompare(stale + 1, m_staleFlash + 1))
        return;
    m_storedFlash = stored;
    m_staleFlash = stale;
    update();
}

void NodeItem::setClockSkew(qint64 skewMs)
{
    if (skewMs == m_skewMs)
        return;
    m_skewMs = skewMs;
    update();
}

void NodeItem::setCompact(bool compact)
{
    if (compact == m_compact)
        return;
    prepareGeometryChange();
    m_compact = compact;
    for (LinkItem *link : std::as_const(m_links))
        link->adjust();
    update();
}

QRectF NodeItem::cardRect() const
{
    const QSizeF size =
        m_compact ? QSizeF(kCompactNodeWidth, kCompactNodeHeight) : QSizeF(kNodeWidth, kNodeHeight);
    return {-size.width() / 2, -size.height() / 2, size.width(), size.height()};
}

QPointF NodeItem::borderPoint(const QPointF &center, const QPointF &direction) const
{
    const qreal dx = std::abs(direction.x());
    const qreal dy = std::abs(direction.y());
    if (dx < 1e-9 && dy < 1e-9)
        return center;
    const QRectF card = cardRect();
    const qreal tx = dx > 1e-9 ? (card.width() / 2 + 2) / dx : 1e18;
    const qreal ty = dy > 1e-9 ? (card.height() / 2 + 2) / dy : 1e18;
    return center + direction * std::min(tx, ty);
}

QPointF NodeItem::freeDirection() const
{
    QList<qreal> angles;
    for (const LinkItem *link : m_links) {
        const NodeItem *other = link->nodeA() == this ? link->nodeB() : link->nodeA();
        const QPointF d = other->pos() - pos();
        if (d.manhattanLength() > 1)
            angles.append(std::atan2(d.y(), d.x()));
    }
    // No links: up-left, where people look first.
    qreal best = std::atan2(-1.0, -1.6);
    if (!angles.isEmpty()) {
        std::sort(angles.begin(), angles.end());
        qreal widest = -1;
        for (qsizetype i = 0; i < angles.size(); ++i) {
            const qreal from = angles[i];
            const qreal to = i + 1 < angles.size() ? angles[i + 1] : angles.first() + 2 * std::numbers::pi;
            // Prefer gaps above the node slightly: badges read better there.
            const qreal mid = (from + to) / 2;
            const qreal score = (to - from) + (std::sin(mid) < 0 ? 0.15 : 0);
            if (score > widest) {
                widest = score;
                best = mid;
            }
        }
    }
    return {std::cos(best), std::sin(best)};
}

QRectF NodeItem::boundingRect() const
{
    return cardRect().adjusted(-kHaloMargin, -kHaloMargin - 8, kHaloMargin + 8, kHaloMargin);
}

QPainterPath NodeItem::shape() const
{
    QPainterPath path;
    path.addRoundedRect(cardRect(), kNodeRadius, kNodeRadius);
    return path;
}

void NodeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    painter->setRenderHint(QPainter::Antialiasing);
    const QRectF card = cardRect();
    const bool selected = isSelected();

    // Flash halos behind the card.
    if (m_storedFlash > 0) {
        QColor halo = storedFlash();
        halo.setAlphaF(float(0.55 * m_storedFlash));
        painter->setPen(Qt::NoPen);
        painter->setBrush(halo);
        const qreal grow = 4 + 10 * m_storedFlash;
        painter->drawRoundedRect(card.adjusted(-grow, -grow, grow, grow), kNodeRadius + grow,
                                 kNodeRadius + grow);
    }
    if (m_staleFlash > 0) {
        QColor ring = staleFlash();
        ring.setAlphaF(float(m_staleFlash));
        painter->setPen(QPen(ring, 5, Qt::SolidLine));
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(card.adjusted(-8, -8, 8, 8), kNodeRadius + 8, kNodeRadius + 8);
    }

    // Soft shadow, then the card.
    painter->setPen(Qt::NoPen);
    painter->setBrush(shadow());
    painter->drawRoundedRect(card.translated(0, 4), kNodeRadius, kNodeRadius);
    painter->setBrush(nodeBrush(m_look));
    painter->setPen(nodePen(m_look, selected));
    painter->drawRoundedRect(card, kNodeRadius, kNodeRadius);

    // Name, then port and clients (compact: the name, then clients or "killed").
    painter->setPen(nodeText(m_look));
    painter->setFont(m_compact ? compactNameFont() : nodeNameFont());
    const QRectF nameRect = m_compact ? QRectF(card.left() + 3, card.top() + 2, card.width() - 6, 30)
                                      : QRectF(card.left() + 6, card.top() + 8, card.width() - 12, 26);
    painter->drawText(nameRect, Qt::AlignCenter,
                      painter->fontMetrics().elidedText(m_name, Qt::ElideRight, int(nameRect.width())));
    painter->setFont(nodeDetailFont());
    painter->setPen(nodeSubText(m_look));
    QString detail;
    switch (m_look) {
    case NodeLook::Running:
        detail = QStringLiteral(":%1").arg(m_port);
        break;
    case NodeLook::Killed:
        detail = QStringLiteral("killed");
        break;
    case NodeLook::Remote:
        detail = QStringLiteral("elsewhere :%1").arg(m_port);
        break;
    case NodeLook::NotMonitored:
        detail = QStringLiteral("not monitored");
        break;
    case NodeLook::NotStarted:
        detail = QStringLiteral("not started");
        break;
    }
    const QString clients =
        m_clients == 1 ? QStringLiteral("1 client") : QStringLiteral("%1 clients").arg(m_clients);
    if (m_compact) {
        const QString line = m_look == NodeLook::Running ? clients : detail;
        painter->drawText(QRectF(card.left(), card.top() + 31, card.width(), 16), Qt::AlignCenter, line);
    } else {
        painter->drawText(QRectF(card.left(), card.top() + 34, card.width(), 18), Qt::AlignCenter, detail);
        if (m_look == NodeLook::Running || m_look == NodeLook::Killed)
            painter->drawText(QRectF(card.left(), card.top() + 53, card.width(), 18), Qt::AlignCenter,
                              clients);
    }

    if (m_look == NodeLook::Killed) {
        // A red cross badge on the top-right corner.
        const QPointF c(card.right() - 2, card.top() + 2);
        painter->setPen(QPen(Qt::white, 2.5));
        painter->setBrush(killedMark());
        painter->drawEllipse(c, 13, 13);
        painter->setPen(QPen(Qt::white, 3.5, Qt::SolidLine, Qt::RoundCap));
        painter->drawLine(c + QPointF(-5, -5), c + QPointF(5, 5));
        painter->drawLine(c + QPointF(-5, 5), c + QPointF(5, -5));
    }
    if (m_skewMs != 0) {
        // A clock tag on the top-left corner: this node's "now" is off.
        const QString sign = m_skewMs > 0 ? QStringLiteral("+") : QString();
        const QString text = std::abs(m_skewMs) < 1000
            ? QStringLiteral("clock %1%2 ms").arg(sign).arg(m_skewMs)
            : QStringLiteral("clock %1%2 s").arg(sign).arg(double(m_skewMs) / 1000, 0, 'g', 3);
        painter->setFont(tokenFont());
        const qreal width = painter->fontMetrics().horizontalAdvance(text) + 14;
        const QRectF tag(card.left() - 8, card.top() - 20, width, 18);
        const QColor accent = linkColor(LinkLook::Delayed);
        painter->setPen(QPen(accent, 1.2));
        painter->setBrush(QColor(0xf5, 0xf3, 0xff));
        painter->drawRoundedRect(tag, 9, 9);
        painter->setPen(accent.darker(120));
        painter->drawText(tag, Qt::AlignCenter, text);
    }
    if (m_staleFlash > 0) {
        // A small "stale" tag: the update arrived but was not newer.
        painter->setOpacity(m_staleFlash);
        const QRectF tag(card.right() - 44, card.top() - 20, 52, 18);
        painter->setPen(QPen(staleFlash().darker(130), 1));
        painter->setBrush(QColor(0xf1, 0xf5, 0xf9));
        painter->drawRoundedRect(tag, 9, 9);
        painter->setFont(tokenFont());
        painter->setPen(QColor(0x47, 0x55, 0x69));
        painter->drawText(tag, Qt::AlignCenter, QStringLiteral("stale"));
        painter->setOpacity(1);
    }
}

QVariant NodeItem::itemChange(GraphicsItemChange change, const QVariant &value)
{
    if (change == ItemPositionHasChanged) {
        for (LinkItem *link : std::as_const(m_links))
            link->adjust();
        if (m_moved)
            m_moved();
    }
    return QGraphicsItem::itemChange(change, value);
}

} // namespace HerdUi
