// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QList>
#include <QPointF>
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
// The nodes go on an ellipse, in the order with the fewest crossing links:
// every order for herds of up to 8 nodes, rounds of pairwise swaps for
// larger ones. The same input always gives the same positions.
QHash<QString, QPointF> automaticLayout(const QStringList &names,
                                        const QList<std::pair<QString, QString>> &links);

} // namespace HerdUi
