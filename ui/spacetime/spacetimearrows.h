// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QColor>
#include <QHash>
#include <QLineF>
#include <QList>
#include <QSet>

#include <utility>
#include <vector>

class QPainter;

namespace HerdUi {

struct SpaceTimeMessage;

// How the space-time diagram draws its messages: each one an arrow in its
// client's colour, styled by its outcome (solid with a filled head: stored;
// dashed with a bar at the tip: stale; dotted with a cross: never sent or
// lost; thin grey dash-dot: a SYNC line). SpaceTimeCanvas decides where the
// arrows go and which stand out; this draws them.
//
// drawMany() is the cheap way for thousands of arrows: no heads, no
// antialiasing, one drawLines() per colour and style.
class SpaceTimeArrows final
{
public:
    // A message and the line it is drawn along, in widget coordinates.
    struct Arrow
    {
        const SpaceTimeMessage *message;
        QLineF line;
    };

    // `dim` pale beneath `strong`, SYNC lines beneath records. The
    // `selected` message gets a halo; with `focused` (something stands
    // out) the strong arrows are drawn wider.
    void draw(QPainter &painter, const std::vector<Arrow> &dim, const std::vector<Arrow> &strong,
              quint64 selected, bool focused) const;
    void drawMany(QPainter &painter, const std::vector<Arrow> &dim, const std::vector<Arrow> &strong);

    // The client's token colour (TopologyStyle::tokenColor()), hashed once
    // per client, not once per arrow and frame.
    QRgb clientColour(const QByteArray &client) const;
    // The cross at the end of a message that never arrived, also used for
    // a kill.
    static void drawCross(QPainter &painter, const QPointF &at, const QColor &colour);

private:
    void drawOne(QPainter &painter, const Arrow &arrow, bool faded, quint64 selectedId, bool focused) const;

    // Per frame of drawMany(), kept to reuse their memory.
    QHash<quint64, QList<QLineF>> m_batches;         // colour, style, fading -> lines
    QSet<std::pair<quint64, quint64>> m_drawnPixels; // (pixels, batch) already drawn
    mutable QHash<QByteArray, QRgb> m_colours;
};

} // namespace HerdUi
