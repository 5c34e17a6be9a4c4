#pragma once

#include <QByteArray>
#include <QColor>
#include <QGraphicsItem>

namespace HerdUi {

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
    QByteArray client() const { return m_client; }

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    QByteArray m_client;
    QString m_label;
    QColor m_color;
    qreal m_labelWidth = 0;
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
    QByteArray client() const { return m_client; }
    QSizeF size() const { return {m_labelWidth + 46, 30}; }

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    QByteArray m_client;
    QString m_label;
    QColor m_color;
    qreal m_labelWidth = 0;
};

} // namespace HerdUi
