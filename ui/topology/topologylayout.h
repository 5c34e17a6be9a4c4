// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QList>
#include <QPointF>
#include <QSizeF>
#include <QString>
#include <QStringList>

#include <utility>

namespace HerdUi {

// Where the topology puts the nodes when the herd file does not say, or on
// View > Automatic Layout: the centres of the nodes `names`, joined by
// `links`, in scene coordinates around the origin (links naming an unknown
// node are left out). It knows nothing of the scene, so another layout
// engine can take its place behind the same call.
//
// Up to kCircleMax nodes go on an ellipse, in the order with the fewest
// crossing links (every order is tried); a small herd reads best that way.
// Bigger herds get a stress layout (stressLayout(), Graphviz) of `card`-sized
// nodes, which no circle can match for crossings. The same input always
// gives the same positions.
inline constexpr int kCircleMax = 8;
// Between two cards of a stress layout lies at least this share of a card's
// height, on one axis or the other (so a card may grow by it).
inline constexpr double kGapShare = 0.6;
// The ellipse alone, for any size (the order search is exhaustive up to
// kCircleMax nodes, pairwise swaps above).
QHash<QString, QPointF> circleLayout(const QStringList &names,
                                     const QList<std::pair<QString, QString>> &links);
QHash<QString, QPointF> automaticLayout(const QStringList &names,
                                        const QList<std::pair<QString, QString>> &links, const QSizeF &card);

} // namespace HerdUi
