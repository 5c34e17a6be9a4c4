// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QStringList>

#include <optional>
#include <utility>

#include "herd/config/herdconfig.h"

namespace Herd {

// Named partitions, computed on the herd's own graph. A partition is a list
// of groups of node names; applying it cuts every link between groups.
// Groups list their nodes in herd-file order (HerdConfig::nodes), and come in
// the order of their first node, so results are deterministic.
namespace Partition {

using Link = std::pair<QString, QString>;

// The node alone, and everyone else.
QList<QStringList> isolate(const HerdConfig &config, const QString &node);
// Two halves of (nearly) equal size, each grown breadth-first from one end of
// the herd so each half stays connected where the graph allows.
QList<QStringList> halves(const HerdConfig &config);
// The links whose ends lie in different groups. Nodes in no group count as
// a group of their own.
QList<Link> crossingLinks(const HerdConfig &config, const QList<QStringList> &groups);

// The groups of nodes still connected once the links in `cut` are cut
// (either orientation matches): a preview of who will go stale together.
QList<QStringList> components(const HerdConfig &config, const QList<Link> &cut = {});

// An articulation node (its removal disconnects the herd), the one leaving
// the most balanced split (smallest largest piece; the first in herd-file
// order on a tie). Returns that node alone, then each remaining piece.
// Empty, with `error` naming the herd, if no node is an articulation node.
QList<QStringList> bridge(const HerdConfig &config, QString *error = nullptr);

// The "majorities ring" of Jepsen: the nodes in herd-file order form a ring,
// and every herd link between two nodes that are not ring neighbours is cut.
// Each node then sees only itself and its two ring neighbours: for five
// nodes every node sees a majority (three), yet no two nodes see the same
// majority. It breaks consensus systems, where a node acts only on what a
// majority it can reach agrees on.
// What it shows for a flooding herd: nothing breaks as long as the ring's
// own links are herd links, since a node relays every new record to its
// neighbours: on a complete herd every update still reaches every node, only
// over more hops (up to n/2), so the herd converges, just later. Flooding
// needs a connected graph, not direct majorities. Where a ring link is not a
// herd link (a sparse herd such as alford), the cut splits the herd for
// real; components() shows which nodes will then go stale.
QList<Link> majoritiesRing(const HerdConfig &config);

// Names for preset(), as menus and scripts spell them.
QStringList presetNames();
// The links the named partition cuts. `node` is the node "isolate" isolates;
// the others ignore it. nullopt with `error` set for an unknown preset, a
// missing or unknown node for "isolate", or a herd without a bridge node.
std::optional<QList<Link>> preset(const HerdConfig &config, const QString &name, const QString &node,
                                  QString *error = nullptr);

} // namespace Partition
} // namespace Herd
