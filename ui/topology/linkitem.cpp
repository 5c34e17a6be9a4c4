// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/topology/linkitem.h"

#include <cmath>

#include <QFontMetricsF>
#include <QGraphicsScene>
#include <QGraphicsSceneMouseEvent>
#include <QPainter>
#include <QPainterPathStroker>

#include "ui/topology/nodeitem.h"

namespace HerdUi {

using namespace TopologyStyle;

namespace {

QPointF unitNormal(const QLineF &line)
{
    const qreal length = line.length();
    if (length < 1e-6)
        return {0, -1};
    // Right-hand normal of the direction of travel.
    return {-line.dy() / length, line.dx() / length};
}

void drawArrow(QPainter *painter, const QLineF &lane, qreal at, const QColor &color)
{
    const qreal length = lane.length();
    if (length < 40)
        return;
    const QPointF tip = lane.pointAt(at);
    const QPointF dir = (lane.p2() - lane.p1()) / length;
    const QPointF normal(-dir.y(), dir.x());
    QPolygonF head;
    head << tip + dir * 7 << tip - dir * 7 + normal * 7 << tip - dir * 7 - normal * 7;
    painter->setPen(Qt::NoPen);
    painter->setBrush(color);
    painter->drawPolygon(head);
}

// Two significant digits from 100 up: a shown rate may be a tenth off the
// true one (setTraffic), so more digits would only pretend.
qint64 roundedRate(double rate)
{
    if (rate < 100)
        return qRound64(rate);
    const double step = std::pow(10.0, std::floor(std::log10(rate)) - 1);
    return qRound64(std::round(rate / step) * step);
}

} // namespace

LinkItem::LinkItem(NodeItem *a, NodeItem *b, QGraphicsItem *parent)
    : QGraphicsItem(parent)
    , m_a(a)
    , m_b(b)
{
    setFlags(ItemIsSelectable);
    setAcceptedMouseButtons(Qt::LeftButton | Qt::RightButton);
    a->addLink(this);
    b->addLink(this);
    adjust();
}

bool LinkItem::joins(const QString &x, const QString &y) const
{
    return (m_a->name() == x && m_b->name() == y) || (m_a->name() == y && m_b->name() == x);
}

void LinkItem::setLook(bool fromA, LinkLook look, int delayMs)
{
    LinkLook &current = fromA ? m_lookAB : m_lookBA;
    int &delay = fromA ? m_delayAB : m_delayBA;
    if (current == look && delay == delayMs)
        return;
    current = look;
    delay = delayMs;
    update();
    refreshLabel();
}

void LinkItem::setFaults(bool fromA, int jitterMs, int flakyMs)
{
    int &jitter = fromA ? m_jitterAB : m_jitterBA;
    int &flaky = fromA ? m_flakyAB : m_flakyBA;
    if (jitter == jitterMs && flaky == flakyMs)
        return;
    jitter = jitterMs;
    flaky = flakyMs;
    refreshLabel();
}

QString LinkItem::slowText(bool fromA) const
{
    if (look(fromA) == LinkLook::Cut)
        return {};
    QStringList parts;
    const int delay = delayMs(fromA);
    const int jitter = jitterMs(fromA);
    if (delay > 0 && jitter > 0)
        parts << QStringLiteral("%1 ms ±%2").arg(delay).arg(jitter);
    else if (delay > 0)
        parts << QStringLiteral("%1 ms").arg(delay);
    else if (jitter > 0)
        parts << QStringLiteral("±%1 ms").arg(jitter);
    if (flakyMs(fromA) > 0)
        parts << QStringLiteral("flaky");
    return parts.join(QStringLiteral(" · "));
}

bool LinkItem::isCut() const
{
    return m_lookAB == LinkLook::Cut || m_lookBA == LinkLook::Cut;
}

bool LinkItem::isFullyCut() const
{
    return m_lookAB == LinkLook::Cut && m_lookBA == LinkLook::Cut;
}

void LinkItem::setTraffic(double ab, double ba)
{
    // Round so the label and glow change only when a person would notice:
    // a rate within a tenth of the one shown keeps it. On a busy herd
    // every link's rate wobbles at every update, and a new label text on
    // each of a hundred links is a frame that draws them all again.
    ab = std::round(ab);
    ba = std::round(ba);
    const auto near = [](double now, double shown) {
        return now == shown || (now > 0 && shown > 0 && std::abs(now - shown) <= shown / 10);
    };
    if (near(ab, m_trafficAB) && near(ba, m_trafficBA))
        return;
    const bool grows = std::max(ab, ba) > std::max(m_trafficAB, m_trafficBA);
    if (grows)
        prepareGeometryChange();
    m_trafficAB = ab;
    m_trafficBA = ba;
    update();
    refreshLabel();
}

void LinkItem::setHighlight(bool fromA, Highlight highlight)
{
    Highlight &current = fromA ? m_highlightAB : m_highlightBA;
    if (current == highlight)
        return;
    current = highlight;
    update();
}

void LinkItem::setLabel(LinkLabelItem *label)
{
    m_label = label;
    adjust();
    refreshLabel();
}

void LinkItem::adjust()
{
    prepareGeometryChange();
    m_pa = m_a->pos();
    m_pb = m_b->pos();
    if (m_label) {
        const QLineF line(m_pa, m_pb);
        QPointF normal = unitNormal(line);
        // Put the label on the upper (or, for vertical links, left) side so
        // it never hides the tokens on the line itself.
        if (normal.y() > 0.2 || (std::abs(normal.y()) <= 0.2 && normal.x() > 0))
            normal = -normal;
        m_label->setPos(line.pointAt(0.5) + normal * 24);
    }
}

QLineF LinkItem::borderLine() const
{
    const QPointF d = m_pb - m_pa;
    return {m_a->borderPoint(m_pa, d), m_b->borderPoint(m_pb, -d)};
}

QLineF LinkItem::lane(bool fromA) const
{
    QLineF line = borderLine();
    if (!fromA)
        line = QLineF(line.p2(), line.p1());
    const QPointF offset = unitNormal(line) * kLaneOffset * 1.4;
    return line.translated(offset);
}

QString LinkItem::labelText() const
{
    QStringList parts;
    const QString ab = m_a->name() + QStringLiteral(" → ") + m_b->name();
    const QString ba = m_b->name() + QStringLiteral(" → ") + m_a->name();
    if (isFullyCut())
        parts << QStringLiteral("cut");
    else if (m_lookAB == LinkLook::Cut)
        parts << QStringLiteral("cut ") + ab;
    else if (m_lookBA == LinkLook::Cut)
        parts << QStringLiteral("cut ") + ba;
    // Delay, jitter and flakiness: once when both directions agree.
    const QString slowAB = slowText(true);
    const QString slowBA = slowText(false);
    if (!slowAB.isEmpty() && slowAB == slowBA)
        parts << slowAB;
    else {
        if (!slowAB.isEmpty())
            parts << slowAB + u' ' + ab;
        if (!slowBA.isEmpty())
            parts << slowBA + u' ' + ba;
    }
    const double traffic = m_trafficAB + m_trafficBA;
    if (traffic > 0)
        parts << QStringLiteral("×%1/s").arg(roundedRate(traffic));
    return parts.join(QStringLiteral(" · "));
}

void LinkItem::refreshLabel()
{
    if (!m_label)
        return;
    QColor accent = labelText();
    if (isCut())
        accent = linkColor(LinkLook::Cut);
    else if (!slowText(true).isEmpty() || !slowText(false).isEmpty())
        accent = linkColor(LinkLook::Delayed);
    else if (m_trafficAB + m_trafficBA > 0)
        accent = trafficGlow().darker(140);
    m_label->setContent(labelText(), isCut(), accent);
}

QRectF LinkItem::boundingRect() const
{
    // Room for the widest of the traffic glow and the highlight band.
    const qreal margin = std::max(20.0, 12 + std::min(18.0, 4 + std::max(m_trafficAB, m_trafficBA) / 15));
    return QRectF(m_pa, m_pb).normalized().adjusted(-margin, -margin, margin, margin);
}

QPainterPath LinkItem::shape() const
{
    QPainterPath path;
    const QLineF line = borderLine();
    path.moveTo(line.p1());
    path.lineTo(line.p2());
    QPainterPathStroker stroker;
    stroker.setWidth(18);
    stroker.setCapStyle(Qt::FlatCap);
    return stroker.createStroke(path);
}

void LinkItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    painter->setRenderHint(QPainter::Antialiasing);
    const bool selected = isSelected();
    const QLineF line = borderLine();
    if (line.length() < 1)
        return;

    if (selected) {
        QColor halo = selection();
        halo.setAlpha(60);
        painter->setPen(QPen(halo, 16, Qt::SolidLine, Qt::RoundCap));
        painter->drawLine(line);
    }
    // Traffic glow, per direction, under the line. Wide and faint, it looks
    // the same without antialiasing, which took half the time of a busy
    // 100-node topology's frame.
    painter->setRenderHint(QPainter::Antialiasing, false);
    for (const bool fromA : {true, false}) {
        const double rate = traffic(fromA);
        if (rate <= 0)
            continue;
        QColor glow = trafficGlow();
        glow.setAlpha(120);
        const qreal width = std::min(22.0, 6 + rate / 15);
        painter->setPen(QPen(glow, width, Qt::SolidLine, Qt::FlatCap));
        // A band beside the line, on its direction's side.
        const QLineF laneLine = lane(fromA);
        const QLineF centre = fromA ? line : QLineF(line.p2(), line.p1());
        const QPointF side = laneLine.p1() - centre.p1();
        const qreal sideLength = std::hypot(side.x(), side.y());
        painter->drawLine(sideLength > 0 ? centre.translated(side / sideLength * (width / 2 + 1)) : laneLine);
    }

    painter->setRenderHint(QPainter::Antialiasing, true);
    // A highlighted direction: a band in its lane with an arrow, under the
    // line so the link's own style still reads.
    for (const bool fromA : {true, false}) {
        const Highlight level = highlight(fromA);
        if (level == Highlight::None)
            continue;
        QColor band = TopologyStyle::highlight();
        band.setAlpha(level == Highlight::Primary ? 170 : 95);
        const QLineF laneLine = lane(fromA);
        const QPointF shift = laneLine.p1() - (fromA ? line.p1() : line.p2());
        const QLineF banded = (fromA ? line : QLineF(line.p2(), line.p1())).translated(shift * 1.6);
        painter->setPen(QPen(band, level == Highlight::Primary ? 13 : 9, Qt::SolidLine, Qt::FlatCap));
        painter->drawLine(banded);
        const QColor head = TopologyStyle::highlight().darker(level == Highlight::Primary ? 150 : 115);
        drawArrow(painter, banded, 0.5, head);
    }

    const bool same = m_lookAB == m_lookBA && m_delayAB == m_delayBA;
    if (same) {
        painter->setPen(linkPen(m_lookAB, selected));
        painter->drawLine(line);
    } else {
        for (const bool fromA : {true, false}) {
            const QLineF laneLine = lane(fromA);
            QPen pen = linkPen(look(fromA), selected);
            pen.setWidthF(pen.widthF() * 0.8);
            painter->setPen(pen);
            painter->drawLine(laneLine);
            drawArrow(painter, laneLine, 0.62, linkColor(look(fromA)));
        }
    }
}

// ---------------------------------------------------------------------------

LinkLabelItem::LinkLabelItem(LinkItem *link, QGraphicsItem *parent)
    : QGraphicsItem(parent)
    , m_link(link)
{
    setAcceptedMouseButtons(Qt::LeftButton | Qt::RightButton);
    setVisible(false);
    // Drawn again only when its text or its link's selection changes: a
    // busy 100-node topology repaints every label every frame otherwise.
    setCacheMode(DeviceCoordinateCache);
}

void LinkLabelItem::setContent(const QString &text, bool scissors, const QColor &accent)
{
    if (text == m_text && scissors == m_scissors && accent == m_accent)
        return;
    prepareGeometryChange();
    m_text = text;
    m_scissors = scissors;
    m_accent = accent;
    m_textWidth = QFontMetricsF(labelFont()).horizontalAdvance(text);
    setVisible(!text.isEmpty());
    update();
}

QRectF LinkLabelItem::pillRect() const
{
    const qreal icon = m_scissors ? 22 : 0;
    const qreal width = m_textWidth + icon + 20;
    return {-width / 2, -13, width, 26};
}

QRectF LinkLabelItem::boundingRect() const
{
    return pillRect().adjusted(-2, -2, 2, 4);
}

void LinkLabelItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    painter->setRenderHint(QPainter::Antialiasing);
    const QRectF pill = pillRect();
    painter->setPen(Qt::NoPen);
    painter->setBrush(shadow());
    painter->drawRoundedRect(pill.translated(0, 2), 13, 13);
    painter->setPen(QPen(m_link && m_link->isSelected() ? selection() : labelBorder(), 1.5));
    painter->setBrush(labelBackground());
    painter->drawRoundedRect(pill, 13, 13);

    QRectF textRect = pill.adjusted(10, 0, -10, 0);
    if (m_scissors) {
        // A scissors mark: two rings and two crossing blades.
        const QPointF c(pill.left() + 19, 0);
        painter->setPen(QPen(m_accent, 2, Qt::SolidLine, Qt::RoundCap));
        painter->setBrush(Qt::NoBrush);
        painter->drawEllipse(c + QPointF(-5, -4.5), 3.2, 3.2);
        painter->drawEllipse(c + QPointF(-5, 4.5), 3.2, 3.2);
        painter->drawLine(c + QPointF(-2.5, -2.5), c + QPointF(8, 5));
        painter->drawLine(c + QPointF(-2.5, 2.5), c + QPointF(8, -5));
        textRect.setLeft(textRect.left() + 22);
    }
    painter->setFont(labelFont());
    painter->setPen(m_accent);
    painter->drawText(textRect, Qt::AlignCenter, m_text);
}

void LinkLabelItem::mousePressEvent(QGraphicsSceneMouseEvent *event)
{
    if (m_link && scene()) {
        if (!(event->modifiers() & Qt::ControlModifier))
            scene()->clearSelection();
        m_link->setSelected(true);
        m_link->update();
        update();
    }
    event->accept();
}

} // namespace HerdUi
