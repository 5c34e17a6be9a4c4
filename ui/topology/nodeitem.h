// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QGraphicsItem>
#include <QList>
#include <QString>

#include <functional>

#include "ui/topology/topologystyle.h"

namespace HerdUi {

class LinkItem;

// One node of the herd in the topology scene: a rounded card with the
// node's name, port and how many clients it knows. A dumb item: the view
// sets its state, the flood animator sets its flash levels; it never reads
// the herd. Draggable; the links attached to it follow (elasticnodes).
//
// Not a QObject: the view holds one per node and the scene owns it.
class NodeItem final : public QGraphicsItem
{
public:
    enum { Type = UserType + 1 };

    explicit NodeItem(const QString &name, QGraphicsItem *parent = nullptr);

    int type() const override { return Type; }
    QString name() const { return m_name; }

    void setLook(TopologyStyle::NodeLook look);
    TopologyStyle::NodeLook look() const { return m_look; }
    bool isRunning() const { return m_look == TopologyStyle::NodeLook::Running; }
    bool isKilled() const { return m_look == TopologyStyle::NodeLook::Killed; }
    void setPort(quint16 port);
    quint16 port() const { return m_port; }
    void setClientCount(qsizetype count);
    // The node's clock error in ms (0: none), shown as a tag on the card.
    void setClockSkew(qint64 skewMs);
    qint64 clockSkew() const { return m_skewMs; }
    qsizetype clientCount() const { return m_clients; }
    // 0..1 each; 0 is off. Stored: a green halo; stale: a grey ring and tag.
    void setFlash(qreal stored, qreal stale);

    void addLink(LinkItem *link) { m_links.append(link); }
    const QList<LinkItem *> &links() const { return m_links; }
    // Called after the user moved the node (not for programmatic moves too:
    // the view filters by mouse state).
    void setMovedCallback(std::function<void()> moved) { m_moved = std::move(moved); }

    // A unit vector from the centre into the widest gap between this
    // node's links: where a badge can sit without covering a link.
    QPointF freeDirection() const;

    // Compact: a smaller card with the name and client count only (the port
    // is in the tooltip), for herds too big for full cards to fit the view.
    void setCompact(bool compact);
    bool isCompact() const { return m_compact; }
    // The card, centred on pos(), in item and in scene coordinates (the
    // view may scale a card up so its name stays readable when zoomed out).
    QRectF cardRect() const;
    QRectF sceneCardRect() const { return mapRectToScene(cardRect()); }
    // Where a line from `center` towards `direction` (a vector) leaves the card.
    QPointF borderPoint(const QPointF &center, const QPointF &direction) const;

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant &value) override;

private:
    QString m_name;
    quint16 m_port = 0;
    qsizetype m_clients = 0;
    qint64 m_skewMs = 0;
    bool m_compact = false;
    TopologyStyle::NodeLook m_look = TopologyStyle::NodeLook::Running;
    qreal m_storedFlash = 0;
    qreal m_staleFlash = 0;
    QList<LinkItem *> m_links; // borrowed: owned by the scene
    std::function<void()> m_moved;
};

} // namespace HerdUi
