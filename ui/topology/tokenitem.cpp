// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/topology/tokenitem.h"

#include <algorithm>

#include <QFontMetricsF>
#include <QPainter>

#include "ui/topology/topologystyle.h"

using namespace Qt::StringLiterals;

namespace HerdUi {

using namespace TopologyStyle;

namespace {

constexpr int kMaxLabelChars = 14;

QString shortLabel(const QByteArray &clientId)
{
    QString label = QString::fromUtf8(clientId);
    if (label.size() > kMaxLabelChars)
        label = label.left(kMaxLabelChars - 1) + QChar(0x2026);
    return label;
}

} // namespace

void ClientMark::set(const QByteArray &clientId, const QFont &font)
{
    client = clientId;
    label = shortLabel(clientId);
    color = tokenColor(clientId);
    labelWidth = QFontMetricsF(font).horizontalAdvance(label);
}

TokenItem::TokenItem(QGraphicsItem *parent)
    : QGraphicsItem(parent)
{
    setAcceptedMouseButtons(Qt::NoButton);
    // The same small picture is drawn at many places: cache it per item.
    setCacheMode(DeviceCoordinateCache);
}

void TokenItem::setClient(const QByteArray &clientId)
{
    if (clientId == m_mark.client)
        return;
    prepareGeometryChange();
    m_mark.set(clientId, tokenFont());
    m_hiddenNearby = 0;
    m_textWidth = m_mark.labelWidth;
    update();
}

void TokenItem::setLabelShown(bool shown)
{
    if (shown == m_labelShown)
        return;
    m_labelShown = shown;
    update();
}

void TokenItem::setLabelSide(Side side)
{
    if (side == m_labelSide)
        return;
    prepareGeometryChange();
    m_labelSide = side;
    update();
}

void TokenItem::setHiddenNearby(int count)
{
    count = std::max(0, count);
    if (count == m_hiddenNearby)
        return;
    prepareGeometryChange();
    m_hiddenNearby = count;
    m_textWidth = count == 0 ? m_mark.labelWidth : QFontMetricsF(tokenFont()).horizontalAdvance(labelText());
    update();
}

QString TokenItem::labelText() const
{
    return m_hiddenNearby == 0 ? m_mark.label : m_mark.label + u" +"_s + QString::number(m_hiddenNearby);
}

QRectF TokenItem::labelRect(qreal textWidth, Side side) const
{
    const qreal width = textWidth + 12;
    switch (side) {
    case Side::Above:
        return {-width / 2, -kTokenRadius - 21, width, 17};
    case Side::Below:
        return {-width / 2, kTokenRadius + 4, width, 17};
    case Side::Right:
        return {kTokenRadius + 4, -8.5, width, 17};
    case Side::Left:
        return {-kTokenRadius - 4 - width, -8.5, width, 17};
    }
    return {};
}

QRectF TokenItem::labelSceneRect() const
{
    return labelRect(m_textWidth, m_labelSide).translated(scenePos());
}

QRectF TokenItem::plainLabelSceneRect(Side side) const
{
    return labelRect(m_mark.labelWidth, side).translated(scenePos());
}

QRectF TokenItem::dotSceneRect() const
{
    const qreal r = kTokenRadius + 1;
    return QRectF(-r, -r, 2 * r, 2 * r).translated(scenePos());
}

QRectF TokenItem::boundingRect() const
{
    // The dot and the pill on whichever side it is.
    const qreal r = kTokenRadius + 3;
    return QRectF(-r, -r, 2 * r, 2 * r) | labelRect(m_textWidth, m_labelSide).adjusted(-2, -2, 2, 2);
}

void TokenItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(Qt::white, 2.5));
    painter->setBrush(m_mark.color);
    painter->drawEllipse(QPointF(0, 0), kTokenRadius, kTokenRadius);
    if (m_mark.label.isEmpty() || !m_labelShown)
        return;
    const QRectF pill = labelRect(m_textWidth, m_labelSide);
    QColor fill = m_mark.color;
    fill.setAlpha(235);
    painter->setPen(Qt::NoPen);
    painter->setBrush(fill);
    painter->drawRoundedRect(pill, 8.5, 8.5);
    painter->setFont(tokenFont());
    painter->setPen(Qt::white);
    painter->drawText(pill, Qt::AlignCenter, labelText());
}

// ---------------------------------------------------------------------------

ClientBadgeItem::ClientBadgeItem(QGraphicsItem *parent)
    : QGraphicsItem(parent)
{
    setAcceptedMouseButtons(Qt::NoButton);
    setVisible(false);
    setCacheMode(DeviceCoordinateCache); // drawn again when its client changes, not every frame
}

void ClientBadgeItem::setClient(const QByteArray &clientId)
{
    if (clientId == m_mark.client)
        return;
    prepareGeometryChange();
    m_mark.set(clientId, labelFont());
    update();
}

QRectF ClientBadgeItem::boundingRect() const
{
    // Centred on pos().
    const qreal width = m_mark.labelWidth + 46;
    return {-width / 2 - 2, -17, width + 4, 34};
}

void ClientBadgeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    painter->setRenderHint(QPainter::Antialiasing);
    const qreal width = m_mark.labelWidth + 46;
    const QRectF pill(-width / 2, -15, width, 30);
    painter->setPen(QPen(m_mark.color, 2));
    painter->setBrush(QColor(255, 255, 255, 240));
    painter->drawRoundedRect(pill, 15, 15);
    // A phone: a rounded body with a screen and a button.
    const QRectF phone(pill.left() + 10, -10, 13, 20);
    painter->setPen(Qt::NoPen);
    painter->setBrush(m_mark.color);
    painter->drawRoundedRect(phone, 3, 3);
    painter->setBrush(Qt::white);
    painter->drawRect(phone.adjusted(2, 3, -2, -6));
    painter->drawEllipse(QPointF(phone.center().x(), phone.bottom() - 2.8), 1.4, 1.4);
    painter->setFont(labelFont());
    painter->setPen(labelText());
    painter->drawText(QRectF(phone.right() + 6, pill.top(), m_mark.labelWidth + 4, pill.height()),
                      Qt::AlignVCenter | Qt::AlignLeft, m_mark.label);
}

} // namespace HerdUi
