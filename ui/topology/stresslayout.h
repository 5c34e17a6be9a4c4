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

// A stress layout of a graph by Graphviz's neato (stress majorization,
// then overlap removal): linked nodes end up about one link length apart,
// far ones far apart, which untangles a herd's links far better than a
// circle. Every node is a `card`-sized box; no two boxes overlap and at
// least `gap` lies between them. Returns the centres in scene coordinates
// (y down) around the origin; links naming an unknown node are left out.
// Deterministic: neato starts from a fixed seed.
//
// Graphviz is linked into herdui only; nothing else depends on it.
QHash<QString, QPointF> stressLayout(const QStringList &names,
                                     const QList<std::pair<QString, QString>> &links, const QSizeF &card,
                                     double gap);

} // namespace HerdUi
