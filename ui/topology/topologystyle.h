// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QPen>

#include <optional>

#include "herd/herdsource.h"
#include "herd/linkstate.h"

namespace HerdUi {

// The one place that maps herd state to what the topology diagram looks
// like: colours, pens, brushes, fonts and sizes. Items stay dumb (they get a
// state enum and ask here how to draw it), so a new look is a change in this
// file only. Everything is in scene units, sized for a projector.
namespace TopologyStyle {

// What a node looks like. Remote: configured in the herd but run by another
// process, so this process cannot see inside it. NotMonitored: run by a
// process the window follows whose monitor does not answer now; it may
// still serve (HerdSource::isOutOfSight). NotStarted: in a recording
// replayed, a node that has not run yet at the cursor (never killed).
enum class NodeLook { Running, Killed, Remote, NotMonitored, NotStarted };

// What one direction (sender -> receiver) of a link looks like.
enum class LinkLook {
    Up,         // connected
    Delayed,    // connected, with an artificial delay or jitter
    Connecting, // a connection attempt under way
    BackingOff, // the last attempt failed; waiting to retry
    Cut,        // cut by the user
    Down,       // sender not running (or not in this process)
};
inline constexpr LinkLook kAllLinkLooks[] = {LinkLook::Up,         LinkLook::Delayed, LinkLook::Connecting,
                                             LinkLook::BackingOff, LinkLook::Cut,     LinkLook::Down};

NodeLook nodeLook(const std::optional<Herd::NodeStatus> &node, bool outOfSight = false);
// `link` may be empty (sender not running here).
LinkLook linkLook(const std::optional<Herd::LinkState> &link, bool senderRunning);
QString linkLookName(LinkLook look);
// For the legend: what the look means, in a few words.
QString linkLookDescription(LinkLook look);
QString nodeLookDescription(NodeLook look);

// Scene geometry.
inline constexpr qreal kNodeWidth = 138;
inline constexpr qreal kNodeHeight = 78;
// Herds of more nodes than kCompactAbove draw compact cards (the name and
// client count), so a big herd still fits the view at a readable size.
inline constexpr int kCompactAbove = 12;
inline constexpr qreal kCompactNodeWidth = 84;
inline constexpr qreal kCompactNodeHeight = 50;
// Zoomed out so far that a name would be smaller than this on screen, the
// view scales the cards up (by at most what the layout's gap between them
// allows), so names stay readable and cards still never overlap.
inline constexpr qreal kReadableNamePixels = 10;
inline constexpr qreal kNodeRadius = 16;
inline constexpr qreal kHaloMargin = 16; // room for the flash halo
inline constexpr qreal kTokenRadius = 9;
inline constexpr qreal kLaneOffset = 6; // a direction's lane beside the centre line

QColor background();
QColor gridDot();
QColor selection();
QColor shadow();

QBrush nodeBrush(NodeLook look);
QPen nodePen(NodeLook look, bool selected);
QColor nodeText(NodeLook look);
QColor nodeSubText(NodeLook look);
QColor killedMark();
QColor storedFlash();
QColor staleFlash();

QPen linkPen(LinkLook look, bool selected);
QColor linkColor(LinkLook look);
QColor trafficGlow();
QColor labelBackground();
QColor labelBorder();
QColor labelText();
// A message picked in the space-time diagram: its link, and its update's other hops.
QColor highlight();
// Partition preview: one tint per resulting group, and the "will go stale" mark.
QColor groupTint(int group);
QColor staleTag();

// A stable, readable colour per client id (the same on every run).
QColor tokenColor(const QByteArray &clientId);

QFont nodeNameFont();
QFont compactNameFont(); // larger for its card: a compact node is seen from further away
QFont nodeDetailFont();
QFont labelFont();
QFont tokenFont();
QFont bannerFont();

} // namespace TopologyStyle
} // namespace HerdUi
