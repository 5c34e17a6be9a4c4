// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QGraphicsItem>

#include <functional>

#include "ui/topology/partitionpreview.h"

namespace HerdUi {

class NodeItem;

// A partition preview drawn on the topology. Two of these exist: one under
// the links (Groups: a tinted area around each group that would remain,
// following its remaining links) and one above the nodes (Marks: a red mark
// on each link that would be cut, a "will go stale" tag under each node
// outside the largest group).
//
// Dumb: the view gives it the preview and a way to find node items; it
// never reads the herd. Hidden while the preview is empty.
class PartitionPreviewItem final : public QGraphicsItem
{
public:
    enum { Type = UserType + 6 };
    enum class Layer { Groups, Marks };
    using NodeLookup = std::function<NodeItem *(const QString &)>;

    PartitionPreviewItem(Layer layer, NodeLookup nodes, QGraphicsItem *parent = nullptr);

    int type() const override { return Type; }
    void setPreview(const PartitionPreview &preview);
    const PartitionPreview &preview() const { return m_preview; }

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    void paintGroups(QPainter *painter) const;
    void paintMarks(QPainter *painter) const;

    Layer m_layer;
    NodeLookup m_nodes;
    PartitionPreview m_preview;
    QRectF m_bounds;
};

} // namespace HerdUi
