// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QColor>
#include <QFont>
#include <QGraphicsItem>

namespace HerdUi {

// What a token and a badge show of a client: its id, shortened to a label,
// the label's width in the item's font, and the client's colour.
struct ClientMark
{
    QByteArray client;
    QString label;
    QColor color;
    qreal labelWidth = 0;

    void set(const QByteArray &clientId, const QFont &font);
};

// One update in flight between two nodes: a coloured dot with the client
// id beside it. Dumb and pooled: the flood animator reuses a few of these
// for every hop and only moves and relabels them (pitfall 4: no QObject,
// no timer and no animation state in the item).
class TokenItem final : public QGraphicsItem
{
public:
    enum { Type = UserType + 3 };

    explicit TokenItem(QGraphicsItem *parent = nullptr);

    int type() const override { return Type; }
    void setClient(const QByteArray &clientId);
    QByteArray client() const { return m_mark.client; }
    // The client id's pill above the dot; hidden where it would cover
    // another token's pill or dot, or a node (FloodAnimator decides, each
    // frame).
    void setLabelShown(bool shown);
    bool isLabelShown() const { return m_labelShown; }
    // Where the pill goes beside the dot: above unless that is taken.
    enum class Side { Above, Below, Right, Left };
    void setLabelSide(Side side);
    Side labelSide() const { return m_labelSide; }
    // How many hidden labels nearby this one stands for: the pill then
    // reads "id +N" (0: the id alone).
    void setHiddenNearby(int count);
    int hiddenNearby() const { return m_hiddenNearby; }
    // Where the pill is drawn, in scene coordinates, with its count.
    QRectF labelSceneRect() const;
    // The pill with the id alone, on that side of the dot.
    QRectF plainLabelSceneRect(Side side) const;
    // The dot, in scene coordinates.
    QRectF dotSceneRect() const;

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    QRectF labelRect(qreal textWidth, Side side) const;
    QString labelText() const;

    ClientMark m_mark;
    bool m_labelShown = true;
    Side m_labelSide = Side::Above;
    int m_hiddenNearby = 0;
    qreal m_textWidth = 0; // the label's text with its count, in tokenFont()
};

// A client that just said IAMAT to a node: a phone badge with the client
// id beside the node, pulsing briefly. One per node, reused.
class ClientBadgeItem final : public QGraphicsItem
{
public:
    enum { Type = UserType + 5 };

    explicit ClientBadgeItem(QGraphicsItem *parent = nullptr);

    int type() const override { return Type; }
    void setClient(const QByteArray &clientId);
    QByteArray client() const { return m_mark.client; }
    QSizeF size() const { return {m_mark.labelWidth + 46, 30}; }

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    ClientMark m_mark;
};

} // namespace HerdUi
