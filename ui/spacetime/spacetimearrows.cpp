// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/spacetime/spacetimearrows.h"

#include <QPainter>

#include "ui/spacetime/spacetimehistory.h"
#include "ui/topology/topologystyle.h"

namespace HerdUi {

namespace {

using Outcome = SpaceTimeMessage::Outcome;

QColor resyncColour()
{
    return QColor(0x8a, 0x94, 0xa6);
}

void drawHead(QPainter &painter, const QLineF &line, const QColor &colour, bool hollow)
{
    const double length = line.length();
    if (length < 8)
        return;
    const QPointF dir = (line.p2() - line.p1()) / length;
    const QPointF normal(-dir.y(), dir.x());
    const QPointF tip = line.p2();
    QPolygonF head;
    head << tip << tip - dir * 9 + normal * 4.2 << tip - dir * 9 - normal * 4.2;
    painter.setPen(QPen(colour, 1.3));
    painter.setBrush(hollow ? QBrush(Qt::white) : QBrush(colour));
    painter.drawPolygon(head);
}

// A short bar across the tip: the receiver had something newer.
void drawStaleBar(QPainter &painter, const QLineF &line, const QColor &colour)
{
    const double length = line.length();
    if (length < 8)
        return;
    const QPointF dir = (line.p2() - line.p1()) / length;
    const QPointF normal(-dir.y(), dir.x());
    painter.setPen(QPen(colour, 2, Qt::SolidLine, Qt::FlatCap));
    painter.drawLine(line.p2() + normal * 6, line.p2() - normal * 6);
}

} // namespace

void SpaceTimeArrows::drawCross(QPainter &painter, const QPointF &at, const QColor &colour)
{
    painter.setPen(QPen(colour, 2, Qt::SolidLine, Qt::RoundCap));
    painter.drawLine(at + QPointF(-4, -4), at + QPointF(4, 4));
    painter.drawLine(at + QPointF(-4, 4), at + QPointF(4, -4));
}

void SpaceTimeArrows::draw(QPainter &painter, const std::vector<Arrow> &dim, const std::vector<Arrow> &strong,
                           quint64 selected, bool focused) const
{
    // SYNC lines first, beneath the records' arrows.
    for (const bool resync : {true, false}) {
        for (const Arrow &arrow : dim) {
            if (arrow.message->resync == resync)
                drawOne(painter, arrow, true, selected, focused);
        }
        for (const Arrow &arrow : strong) {
            if (arrow.message->resync == resync)
                drawOne(painter, arrow, false, selected, focused);
        }
    }
}

void SpaceTimeArrows::drawOne(QPainter &painter, const Arrow &arrow, bool faded, quint64 selectedId,
                              bool focused) const
{
    const SpaceTimeMessage &message = *arrow.message;
    const QLineF &line = arrow.line;
    QColor colour = QColor::fromRgb(clientColour(message.client));
    const bool selected = message.id == selectedId;
    if (selected) {
        QColor halo = TopologyStyle::selection();
        halo.setAlpha(70);
        painter.setPen(QPen(halo, 9, Qt::SolidLine, Qt::RoundCap));
        painter.drawLine(line);
    }
    const double width = selected ? 3 : (focused && !faded) ? 2.4 : 1.6;
    if (message.resync) {
        // Bookkeeping, not a record: thin and grey under the updates.
        QColor grey = resyncColour();
        grey.setAlpha(faded ? 45 : 200);
        const bool travelled = message.outcome != Outcome::NotSent && message.outcome != Outcome::Lost;
        painter.setPen(
            QPen(grey, selected ? 2.4 : 1.1, travelled ? Qt::DashDotLine : Qt::DotLine, Qt::FlatCap));
        painter.drawLine(line);
        if (travelled)
            drawHead(painter, line, grey, true);
        else
            drawCross(painter, line.p2(), grey);
        return;
    }
    switch (message.outcome) {
    case Outcome::Stored:
    case Outcome::Received:
    case Outcome::InFlight: {
        if (faded)
            colour.setAlpha(55);
        QPen pen(colour, width, message.outcome == Outcome::InFlight ? Qt::DotLine : Qt::SolidLine,
                 Qt::RoundCap);
        painter.setPen(pen);
        painter.drawLine(line);
        drawHead(painter, line, colour, message.outcome != Outcome::Stored);
        break;
    }
    case Outcome::Dropped: {
        colour = colour.lighter(135);
        colour.setAlpha(faded ? 45 : 200);
        painter.setPen(QPen(colour, width, Qt::DashLine, Qt::FlatCap));
        painter.drawLine(line);
        drawStaleBar(painter, line, colour);
        break;
    }
    case Outcome::NotSent:
    case Outcome::Lost: {
        QColor red = TopologyStyle::killedMark();
        colour.setAlpha(faded ? 45 : 220);
        red.setAlpha(faded ? 45 : 230);
        painter.setPen(QPen(colour, width, Qt::DotLine, Qt::FlatCap));
        painter.drawLine(line);
        drawCross(painter, line.p2(), red);
        break;
    }
    }
}

QRgb SpaceTimeArrows::clientColour(const QByteArray &client) const
{
    const auto it = m_colours.constFind(client);
    if (it != m_colours.cend())
        return *it;
    if (m_colours.size() > 4096)
        m_colours.clear();
    return *m_colours.insert(client, TopologyStyle::tokenColor(client).rgb());
}

void SpaceTimeArrows::drawMany(QPainter &painter, const std::vector<Arrow> &dim,
                               const std::vector<Arrow> &strong)
{
    // Thousands of arrows: no heads, no antialiasing, cosmetic pens, one
    // drawLines() per colour and style instead of a pen per arrow, and an
    // arrow that would land on the very pixels of one already drawn in its
    // style is skipped. A busy herd then costs a few milliseconds a frame.
    painter.setRenderHint(QPainter::Antialiasing, false);
    m_batches.clear();
    m_drawnPixels.clear();
    auto add = [this](const std::vector<Arrow> &list, bool faded) {
        for (const Arrow &arrow : list) {
            const SpaceTimeMessage &message = *arrow.message;
            const quint64 style = message.resync                                          ? 3
                : message.outcome == Outcome::Dropped                                     ? 1
                : message.outcome == Outcome::NotSent || message.outcome == Outcome::Lost ? 2
                                                                                          : 0;
            const QRgb rgb = message.resync ? resyncColour().rgb() : clientColour(message.client);
            const quint64 key = (quint64(rgb) << 8) | (style << 1) | (faded ? 1 : 0);
            const quint64 pixels = (quint64(quint16(qRound(arrow.line.x1()))) << 32)
                | (quint64(quint16(qRound(arrow.line.x2()))) << 16) | (quint64(message.fromLane & 0xff) << 8)
                | quint64(message.toLane & 0xff);
            const std::pair<quint64, quint64> spot {pixels, key};
            if (m_drawnPixels.contains(spot))
                continue;
            m_drawnPixels.insert(spot);
            m_batches[key].append(arrow.line);
        }
    };
    add(dim, true);
    add(strong, false);
    for (auto it = m_batches.cbegin(); it != m_batches.cend(); ++it) {
        const bool faded = it.key() & 1;
        const int style = int((it.key() >> 1) & 3);
        QColor colour = QColor::fromRgb(QRgb(it.key() >> 8));
        if (style == 1)
            colour = colour.lighter(135);
        colour.setAlpha(faded ? 45 : style == 0 ? 255 : 200);
        // Width 1 is a cosmetic pen: the raster engine's fast line path.
        const Qt::PenStyle penStyle = style == 0 ? Qt::SolidLine
            : style == 1                         ? Qt::DashLine
            : style == 2                         ? Qt::DotLine
                                                 : Qt::DashDotLine;
        QPen pen(colour, 1, penStyle);
        pen.setCosmetic(true);
        painter.setPen(pen);
        painter.drawLines(it.value().constData(), int(it.value().size()));
    }
    painter.setRenderHint(QPainter::Antialiasing);
}

} // namespace HerdUi
