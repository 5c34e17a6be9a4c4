// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/spacetime/spacetimecanvas.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

#include "ui/spacetime/spacetimehistory.h"
#include "ui/timetext.h"
#include "ui/topology/topologystyle.h"

using namespace Qt::StringLiterals;

namespace HerdUi {

namespace {

using Outcome = SpaceTimeMessage::Outcome;
using MarkKind = SpaceTimeMark::Kind;

constexpr double kHitPixels = 6;
constexpr double kStubFraction = 0.38; // of the way to the receiver's line
constexpr int kMaxMarkLabels = 40;     // more marks than this: no text beside them

QColor laneColour()
{
    return QColor(0x94, 0xa3, 0xb8);
}
QColor textColour()
{
    return QColor(0x1e, 0x29, 0x3b);
}
QColor subTextColour()
{
    return QColor(0x64, 0x74, 0x8b);
}
QColor restoredColour()
{
    return QColor(0x16, 0xa3, 0x4a);
}

QFont smallFont(int pixels, bool bold = false)
{
    QFont font(u"DejaVu Sans"_s);
    font.setStyleHint(QFont::SansSerif);
    font.setPixelSize(pixels);
    font.setBold(bold);
    return font;
}

double distanceToSegment(const QPointF &p, const QLineF &line)
{
    const QPointF d = line.p2() - line.p1();
    const double length2 = d.x() * d.x() + d.y() * d.y();
    double t = 0;
    if (length2 > 1e-9)
        t = std::clamp(((p.x() - line.x1()) * d.x() + (p.y() - line.y1()) * d.y()) / length2, 0.0, 1.0);
    const QPointF nearest = line.p1() + t * d;
    return std::hypot(p.x() - nearest.x(), p.y() - nearest.y());
}

} // namespace

SpaceTimeCanvas::SpaceTimeCanvas(const SpaceTimeHistory *history, QWidget *parent)
    : QWidget(parent)
    , m_history(history)
{
    setMouseTracking(true);
    setMinimumHeight(120);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setCursor(Qt::OpenHandCursor);
}

void SpaceTimeCanvas::setAxis(Axis axis)
{
    m_axis = axis;
    update();
}

void SpaceTimeCanvas::setWindow(double end, double span)
{
    if (end == m_end && span == m_span)
        return;
    m_end = end;
    m_span = std::max(span, 1.0);
    update();
}

void SpaceTimeCanvas::setSelection(quint64 id, const QByteArray &updateKey)
{
    m_selected = id;
    m_selectedUpdate = updateKey;
    update();
}

void SpaceTimeCanvas::setEmphasis(const QString &node, const QString &peer)
{
    m_emphasisNode = node;
    m_emphasisPeer = peer;
    update();
}

void SpaceTimeCanvas::setPickedClients(const QSet<QByteArray> &clients)
{
    m_pickedClients = clients;
    update();
}

bool SpaceTimeCanvas::emphasises(const SpaceTimeMessage &message) const
{
    if (m_pickedClients.contains(message.client))
        return true;
    if (m_emphasisNode.isEmpty())
        return false;
    if (m_emphasisPeer.isEmpty())
        return message.from == m_emphasisNode || message.to == m_emphasisNode;
    return (message.from == m_emphasisNode && message.to == m_emphasisPeer)
        || (message.from == m_emphasisPeer && message.to == m_emphasisNode);
}

QRectF SpaceTimeCanvas::plotRect() const
{
    return QRectF(NameWidth, AxisHeight, std::max(10, width() - NameWidth - 14),
                  std::max(10, height() - AxisHeight - 6));
}

double SpaceTimeCanvas::laneY(int lane) const
{
    return lanes().y(lane);
}

const SpaceTimeLanes &SpaceTimeCanvas::lanes() const
{
    const QRectF plot = plotRect();
    m_lanes.fit(int(m_history->nodes().size()), plot.top(), plot.height());
    return m_lanes;
}

void SpaceTimeCanvas::leadLanes(const QList<int> &lanes)
{
    this->lanes();
    m_lanes.lead(lanes);
    update();
    emit lanesChanged();
}

void SpaceTimeCanvas::setFirstRow(int row)
{
    const int before = lanes().firstRow();
    m_lanes.setFirstRow(row);
    if (m_lanes.firstRow() == before)
        return;
    update();
    emit lanesChanged();
}

void SpaceTimeCanvas::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    emit lanesChanged();
}

double SpaceTimeCanvas::xOf(double time) const
{
    const QRectF plot = plotRect();
    return plot.right() - (m_end - time) / m_span * plot.width();
}

double SpaceTimeCanvas::timeAt(double x) const
{
    const QRectF plot = plotRect();
    return m_end - (plot.right() - x) / plot.width() * m_span;
}

SpaceTimeCanvas::Geometry SpaceTimeCanvas::geometry() const
{
    const QRectF plot = plotRect();
    return {plot.right(), plot.width() / m_span, m_end, &lanes(), m_axis == Axis::WallClock};
}

QLineF SpaceTimeCanvas::arrow(const Geometry &g, const SpaceTimeMessage &message)
{
    const double yFrom = g.laneY(message.fromLane);
    const double yTo = g.laneY(message.toLane);
    const double sent = g.wall ? double(message.sentNs) : double(message.sentTick);
    if (!message.isReceived()) {
        // Never arrived (or not yet): a stub part of the way, leaning forward.
        const QPointF start(g.x(sent), yFrom);
        return {start, start + QPointF(10, (yTo - yFrom) * kStubFraction)};
    }
    const QPointF end(g.x(g.wall ? double(message.receivedNs) : double(message.receivedTick)), yTo);
    if (!message.sendSeen)
        return {end - QPointF(10, (yTo - yFrom) * kStubFraction), end};
    return {QPointF(g.x(sent), yFrom), end};
}

QLineF SpaceTimeCanvas::arrow(const SpaceTimeMessage &message) const
{
    return arrow(geometry(), message);
}

quint64 SpaceTimeCanvas::messageAt(const QPointF &pos) const
{
    // A record's arrow wins over a SYNC line's within reach: SYNC lines are
    // drawn beneath, and what a click is for is following an update.
    quint64 best[2] = {0, 0}; // [resync]
    double bestDistance[2] = {kHitPixels, kHitPixels};
    const QRectF plot = plotRect();
    const Geometry g = geometry();
    for (const SpaceTimeMessage &message : m_history->messages()) {
        const QLineF line = arrow(g, message);
        if (std::max(line.x1(), line.x2()) < plot.left() || std::min(line.x1(), line.x2()) > plot.right())
            continue;
        const double distance = distanceToSegment(pos, line);
        const int kind = message.resync ? 1 : 0;
        if (distance <= bestDistance[kind]) { // the newest of equals: it is drawn on top
            bestDistance[kind] = distance;
            best[kind] = message.id;
        }
    }
    return best[0] ? best[0] : best[1];
}

// ---------------------------------------------------------------------------
// Painting

void SpaceTimeCanvas::paintEvent(QPaintEvent *)
{
    QElapsedTimer cost;
    cost.start();
    paintAll();
    m_lastPaintMs = double(cost.nsecsElapsed()) / 1e6;
}

void SpaceTimeCanvas::paintAll()
{
    QPainter painter(this);
    painter.fillRect(rect(), QColor(0xfb, 0xfc, 0xfd));
    const QRectF plot = plotRect();
    painter.setRenderHint(QPainter::Antialiasing);
    paintGrid(painter, plot);
    paintLanes(painter, plot);
    painter.save();
    // Scrolled lanes: arrows to the rows out of view stop at the plot's edge.
    const bool scrolls = lanes().scrolls();
    painter.setClipRect(plot.adjusted(-2, scrolls ? 0 : -AxisHeight, 12, scrolls ? 0 : 6));
    paintMarks(painter, plot);
    paintMessages(painter, plot);
    painter.restore();
    if (m_history->messages().empty() && m_history->marks().empty())
        paintEmpty(painter, plot);
}

void SpaceTimeCanvas::paintGrid(QPainter &painter, const QRectF &plot) const
{
    // A step of 1, 2 or 5 times a power of ten, at least ~110 px apart.
    const double minStep = m_span * 110 / plot.width();
    double step = std::pow(10.0, std::floor(std::log10(std::max(minStep, 1.0))));
    for (const double factor : {1.0, 2.0, 5.0, 10.0}) {
        if (step * factor >= minStep) {
            step *= factor;
            break;
        }
    }
    painter.setFont(smallFont(11));
    const double first = std::ceil(timeAt(plot.left()) / step) * step;
    for (double t = first; t <= m_end; t += step) {
        const double x = xOf(t);
        painter.setPen(QPen(QColor(0xe2, 0xe8, 0xf0), 1));
        painter.drawLine(QPointF(x, plot.top() - 4), QPointF(x, plot.bottom()));
        QString label;
        if (m_axis == Axis::WallClock) {
            const qint64 ns = qint64(t);
            label = step >= 1e9 ? QDateTime::fromMSecsSinceEpoch(ns / 1'000'000).toString(u"hh:mm:ss"_s)
                : step >= 1e6   ? QDateTime::fromMSecsSinceEpoch(ns / 1'000'000).toString(u"mm:ss.zzz"_s)
                                : localTimeText(ns).mid(3);
        } else {
            label = QString::number(qint64(t));
        }
        painter.setPen(subTextColour());
        painter.drawText(QRectF(x - 60, 2, 120, AxisHeight - 6), Qt::AlignCenter, label);
    }
    painter.setPen(subTextColour());
    painter.drawText(QRectF(6, 2, NameWidth - 10, AxisHeight - 6), Qt::AlignLeft | Qt::AlignVCenter,
                     m_axis == Axis::WallClock ? tr("wall clock") : tr("Lamport clock"));
}

void SpaceTimeCanvas::paintLanes(QPainter &painter, const QRectF &plot) const
{
    const QStringList &nodes = m_history->nodes();
    const SpaceTimeLanes &rows = lanes();
    for (int row = rows.firstRow(); row < rows.firstRow() + rows.visibleRows(); ++row) {
        const int lane = rows.laneAt(row);
        if (lane < 0 || lane >= nodes.size())
            continue;
        const double y = rows.y(lane);
        painter.setPen(QPen(laneColour(), 1.6));
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
        bool downNow = false;
        for (const SpaceTimeDowntime &down : m_history->downtimes(nodes.at(lane))) {
            const double from = m_axis == Axis::WallClock ? double(down.fromNs) : double(down.fromTick);
            const double to = down.toNs < 0 ? m_end
                : m_axis == Axis::WallClock ? double(down.toNs)
                                            : double(down.toTick);
            downNow = down.toNs < 0;
            const double x1 = std::max(plot.left(), xOf(from));
            const double x2 = std::min(plot.right(), xOf(to));
            if (x2 <= x1)
                continue;
            // A killed node: a pale band and no line, it hears nothing.
            painter.fillRect(QRectF(x1, y - 7, x2 - x1, 14), QColor(0xfe, 0xe2, 0xe2));
            painter.setPen(QPen(TopologyStyle::killedMark(), 1.6, Qt::DashLine));
            painter.drawLine(QPointF(x1, y), QPointF(x2, y));
        }
        // The name, with a dot saying whether it runs now.
        painter.setPen(Qt::NoPen);
        painter.setBrush(downNow ? TopologyStyle::killedMark()
                                 : TopologyStyle::nodeBrush(TopologyStyle::NodeLook::Running).color());
        painter.drawEllipse(QPointF(12, y), 4.5, 4.5);
        painter.setFont(smallFont(13, true));
        painter.setPen(textColour());
        painter.drawText(QRectF(22, y - 10, NameWidth - 26, 20), Qt::AlignLeft | Qt::AlignVCenter,
                         painter.fontMetrics().elidedText(nodes.at(lane), Qt::ElideRight, NameWidth - 26));
    }
}

void SpaceTimeCanvas::paintMarks(QPainter &painter, const QRectF &plot) const
{
    int visibleMarks = 0;
    for (const SpaceTimeMark &mark : m_history->marks()) {
        const double x = xOf(m_axis == Axis::WallClock ? double(mark.timeNs) : double(mark.tick));
        visibleMarks += x >= plot.left() && x <= plot.right() ? 1 : 0;
    }
    const bool labels = visibleMarks <= kMaxMarkLabels;
    painter.setFont(smallFont(10, true));
    // Marks made at one moment (a partition cuts several links at once)
    // would print their labels over each other: each takes the first free
    // spot a line above or below.
    QList<std::pair<QRectF, QString>> taken;
    auto label = [&painter, &taken, &plot](QPointF at, const QString &rawText, const QColor &colour) {
        const QString text = QString(rawText).replace(u"+-"_s, u"±"_s);
        QRectF box = painter.fontMetrics().boundingRect(text).translated(at.toPoint());
        if (box.right() > plot.right() + 8) {
            // Near "now": write it on the left of the mark instead.
            const double shift = box.width() + 12;
            at.rx() -= shift;
            box.translate(-shift, 0);
        }
        // The same words right beside them already (Clear All Faults
        // resets many links at once): once is enough.
        const auto said =
            std::find_if(taken.cbegin(), taken.cend(), [&](const std::pair<QRectF, QString> &t) {
                return t.second == text && std::abs(t.first.left() - box.left()) < 40;
            });
        if (said != taken.cend())
            return;
        for (const double dy : {0.0, 12.0, -12.0, 24.0, -24.0, 36.0}) {
            const QRectF moved = box.translated(0, dy);
            if (std::none_of(taken.cbegin(), taken.cend(), [&moved](const std::pair<QRectF, QString> &t) {
                    return t.first.intersects(moved);
                })) {
                taken.append({moved, text});
                painter.setPen(colour);
                painter.drawText(at + QPointF(0, dy), text);
                return;
            }
        }
    };
    // Hundreds of IAMATs at once (simulated phones): small squares, one
    // fillRect each, no outlines, no antialiasing.
    const bool manyMarks = visibleMarks > SimpleDrawingAbove / 3;
    if (manyMarks)
        painter.setRenderHint(QPainter::Antialiasing, false);
    for (const SpaceTimeMark &mark : m_history->marks()) {
        const double x = xOf(m_axis == Axis::WallClock ? double(mark.timeNs) : double(mark.tick));
        if (x < plot.left() - 10 || x > plot.right() + 10)
            continue;
        const int lane = m_history->laneOf(mark.node);
        const double y = laneY(lane);
        if (manyMarks && mark.kind == MarkKind::Iamat) {
            painter.fillRect(QRectF(x - 2.5, y - 2.5, 5, 5),
                             QColor::fromRgb(m_arrows.clientColour(mark.client)));
            continue;
        }
        switch (mark.kind) {
        case MarkKind::Iamat: {
            const QColor colour = TopologyStyle::tokenColor(mark.client);
            const bool strong = (m_selectedUpdate.isEmpty() && m_pickedClients.isEmpty())
                || mark.update == m_selectedUpdate || m_pickedClients.contains(mark.client);
            QColor fill = mark.stale ? QColor(Qt::white) : colour;
            QColor edge = colour;
            if (!strong) {
                fill.setAlpha(60);
                edge.setAlpha(60);
            }
            painter.setPen(QPen(edge, 2));
            painter.setBrush(fill);
            painter.drawEllipse(QPointF(x, y), 5, 5);
            break;
        }
        case MarkKind::Killed:
            SpaceTimeArrows::drawCross(painter, QPointF(x, y), TopologyStyle::killedMark());
            if (labels)
                label(QPointF(x + 6, y - 6), tr("killed"), TopologyStyle::killedMark());
            break;
        case MarkKind::Started:
            painter.setPen(QPen(restoredColour(), 2.5, Qt::SolidLine, Qt::RoundCap));
            painter.drawLine(QPointF(x, y - 7), QPointF(x, y + 7));
            if (labels)
                label(QPointF(x + 5, y - 6), tr("started"), restoredColour());
            break;
        case MarkKind::ClockChanged: {
            // A diamond on the node's line: its clock was set ahead or behind.
            const QColor colour = TopologyStyle::linkColor(TopologyStyle::LinkLook::Delayed);
            QPolygonF diamond;
            diamond << QPointF(x, y - 6) << QPointF(x + 6, y) << QPointF(x, y + 6) << QPointF(x - 6, y);
            painter.setPen(QPen(Qt::white, 1.5));
            painter.setBrush(colour);
            painter.drawPolygon(diamond);
            if (labels)
                label(QPointF(x + 7, y - 7), mark.detail.section(u" ("_s, 0, 0), colour);
            break;
        }
        case MarkKind::LinkCut:
        case MarkKind::LinkRestored:
        case MarkKind::LinkChanged: {
            const double y2 = laneY(m_history->laneOf(mark.peer));
            const QColor colour = mark.kind == MarkKind::LinkCut
                ? TopologyStyle::linkColor(TopologyStyle::LinkLook::Cut)
                : mark.kind == MarkKind::LinkRestored
                ? restoredColour()
                : TopologyStyle::linkColor(TopologyStyle::LinkLook::Delayed);
            painter.setPen(QPen(colour, 1.8, Qt::DashLine, Qt::FlatCap));
            painter.drawLine(QPointF(x, y), QPointF(x, y2));
            painter.setPen(Qt::NoPen);
            painter.setBrush(colour);
            painter.drawEllipse(QPointF(x, y), 3, 3);
            painter.drawEllipse(QPointF(x, y2), 3, 3);
            if (labels) {
                const QString text = mark.kind == MarkKind::LinkCut ? tr("✂ cut")
                    : mark.kind == MarkKind::LinkRestored           ? tr("restored")
                                                                    : mark.detail;
                label(QPointF(x + 4, (y + y2) / 2 + 4), text, colour);
            }
            break;
        }
        }
    }
    painter.setRenderHint(QPainter::Antialiasing);
}

void SpaceTimeCanvas::paintMessages(QPainter &painter, const QRectF &plot)
{
    // Visible messages, the ones that stand out last so they are on top.
    const bool focused = m_selected != 0 || !m_selectedUpdate.isEmpty() || !m_emphasisNode.isEmpty()
        || !m_pickedClients.isEmpty();
    const Geometry g = geometry();
    m_dim.clear();
    m_strong.clear();
    for (const SpaceTimeMessage &message : m_history->messages()) {
        const QLineF line = arrow(g, message);
        if (std::max(line.x1(), line.x2()) < plot.left() || std::min(line.x1(), line.x2()) > plot.right())
            continue;
        const bool stands = message.id == m_selected
            || (!m_selectedUpdate.isEmpty() && message.update == m_selectedUpdate) || emphasises(message);
        (focused && !stands ? m_dim : m_strong).push_back({&message, line});
    }
    m_visible = int(m_dim.size() + m_strong.size());
    if (m_visible > SimpleDrawingAbove)
        m_arrows.drawMany(painter, m_dim, m_strong);
    else
        m_arrows.draw(painter, m_dim, m_strong, m_selected, focused);
}

void SpaceTimeCanvas::setEmptyHint(const QString &hint)
{
    m_emptyHint = hint;
    update();
}

void SpaceTimeCanvas::paintEmpty(QPainter &painter, const QRectF &plot) const
{
    painter.setFont(smallFont(13));
    painter.setPen(subTextColour());
    const QString hint = m_emptyHint.isEmpty()
        ? tr("No messages yet. Send an IAMAT from the Console tab or start Simulated Clients:")
        : m_emptyHint;
    painter.drawText(
        plot, Qt::AlignCenter | Qt::TextWordWrap,
        hint + u'\n'
            + tr(
                "each AT line between two nodes becomes an arrow here (and each SYNC line of a resync, in grey)."));
}

// ---------------------------------------------------------------------------
// Mouse

void SpaceTimeCanvas::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) {
        QWidget::mousePressEvent(event);
        return;
    }
    m_pressPos = event->position();
    m_lastDragX = event->position().x();
    m_dragging = false;
    event->accept();
}

void SpaceTimeCanvas::mouseMoveEvent(QMouseEvent *event)
{
    if (!(event->buttons() & Qt::LeftButton))
        return;
    if (!m_dragging && std::abs(event->position().x() - m_pressPos.x()) > 4) {
        m_dragging = true;
        setCursor(Qt::ClosedHandCursor);
    }
    if (m_dragging) {
        emit dragged(event->position().x() - m_lastDragX);
        m_lastDragX = event->position().x();
    }
}

void SpaceTimeCanvas::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return;
    if (m_dragging) {
        m_dragging = false;
        setCursor(Qt::OpenHandCursor);
        return;
    }
    emit clicked(messageAt(event->position()));
}

void SpaceTimeCanvas::wheelEvent(QWheelEvent *event)
{
    const int delta = event->angleDelta().y();
    if (delta == 0) {
        event->ignore();
        return;
    }
    if (event->position().x() < NameWidth && lanes().scrolls()) {
        setFirstRow(m_lanes.firstRow() - delta / 40); // three rows a notch
        event->accept();
        return;
    }
    emit zoomRequested(std::pow(0.9985, delta), event->position().x());
    event->accept();
}

bool SpaceTimeCanvas::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = tooltipAt(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

QString SpaceTimeCanvas::tooltipAt(const QPointF &pos) const
{
    if (const SpaceTimeMessage *message = m_history->message(messageAt(pos))) {
        QString text =
            u"<b>%1 → %2</b>&nbsp; %3<br>"_s.arg(message->from.toHtmlEscaped(), message->to.toHtmlEscaped(),
                                                 QString::fromUtf8(message->client).toHtmlEscaped());
        text += tr("sent %1 (Lamport %2)").arg(localTimeText(message->sentNs)).arg(message->sentTick);
        const bool travelled = message->outcome != Outcome::NotSent && message->outcome != Outcome::Lost;
        if (travelled && !message->note.isEmpty())
            text += u" ("_s + message->note.toHtmlEscaped() + u')';
        if (message->writtenNs >= 0)
            text += u"<br>"_s
                + tr("held %1 on the link (delay or backlog), then written")
                      .arg(preciseDurationText(message->writtenNs - message->sentNs));
        if (message->isReceived()) {
            text += u"<br>"_s
                + (message->sendSeen ? tr("received %1 later (Lamport %2)")
                                           .arg(preciseDurationText(message->receivedNs - message->sentNs))
                                           .arg(message->receivedTick)
                                     : tr("received; sent from outside this process"));
        }
        QString outcome;
        switch (message->outcome) {
        case Outcome::Stored:
            outcome = tr("stored: newer than what %1 held; it floods on").arg(message->to);
            break;
        case Outcome::Dropped:
            outcome = tr("stale: %1 held this or a newer record; the flood stops").arg(message->to);
            break;
        case Outcome::Received:
            outcome = message->resync ? tr("received: part of the resync digest exchange, no record")
                                      : tr("received");
            break;
        case Outcome::InFlight:
            outcome = tr("in flight");
            break;
        case Outcome::NotSent:
            outcome = tr("not sent: %1").arg(message->note);
            break;
        case Outcome::Lost:
            outcome = message->note;
            break;
        }
        text += u"<br><i>"_s + outcome.toHtmlEscaped() + u"</i><br><tt>"_s
            + QString::fromUtf8(message->line).toHtmlEscaped() + u"</tt>"_s;
        return text;
    }
    for (auto it = m_history->marks().crbegin(); it != m_history->marks().crend(); ++it) {
        const SpaceTimeMark &mark = *it;
        const double x = xOf(m_axis == Axis::WallClock ? double(mark.timeNs) : double(mark.tick));
        const double y = laneY(m_history->laneOf(mark.node));
        if (std::hypot(pos.x() - x, pos.y() - y) > 8)
            continue;
        const QString when = localTimeText(mark.timeNs);
        switch (mark.kind) {
        case MarkKind::Iamat:
            return tr("IAMAT from %1 at %2, %3: %4")
                .arg(QString::fromUtf8(mark.client), mark.node, when,
                     mark.stale ? tr("stale (it held a newer record)") : tr("stored"))
                .toHtmlEscaped();
        case MarkKind::Killed:
            return tr("%1 stopped at %2 (%3)").arg(mark.node, when, mark.detail).toHtmlEscaped();
        case MarkKind::Started:
            return tr("%1 started at %2").arg(mark.node, when).toHtmlEscaped();
        case MarkKind::LinkCut:
        case MarkKind::LinkRestored:
        case MarkKind::LinkChanged:
            return tr("%1 → %2: %3 at %4").arg(mark.node, mark.peer, mark.detail, when).toHtmlEscaped();
        case MarkKind::ClockChanged:
            return tr("%1: %2 at %3").arg(mark.node, mark.detail, when).toHtmlEscaped();
        }
    }
    return {};
}

} // namespace HerdUi
