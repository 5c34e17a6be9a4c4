// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>

class QGraphicsItem;
class QGraphicsView;

namespace HerdUi {

class LinkItem;

// How many flood tokens the topology can draw in a frame, from what drawing
// costs on this machine, this herd and this view size, rather than a fixed
// number: a big herd costs more to draw before any token moves, a fast
// machine affords more tokens.
namespace DrawBudget {

// Of a 16 ms frame: the herd's nodes run on the same thread.
inline constexpr double kFrameBudgetMs = 8;
inline constexpr int kMinTokens = 20;
inline constexpr int kProbeTokens = 100;
inline constexpr int kUnmeasuredTokens = 60; // what the view drew before it measured

struct Cost
{
    double sceneMs = 0;    // the whole view drawn once, without tokens
    double perTokenMs = 0; // each token (dot and label) on top of that
    // The share of the view one token covers: a moving token repaints the
    // scene under where it was and where it is, every frame.
    double tokenShare = 0;
    double tokenMs() const { return perTokenMs + 2 * tokenShare * sceneMs; }
};

// What is left of kFrameBudgetMs after the scene, in tokens at tokenMs()
// each (at least kMinTokens, at most `most`; kUnmeasuredTokens without a
// token's cost).
int tokensWithin(const Cost &cost, int most);

// Renders `view` offscreen as it shows the scene now, the fastest of a few
// rounds, without and then with kProbeTokens tokens on `links` (made in
// `tokenLayer`, and deleted again).
Cost measure(QGraphicsView *view, QGraphicsItem *tokenLayer, const QList<LinkItem *> &links);

} // namespace DrawBudget
} // namespace HerdUi
