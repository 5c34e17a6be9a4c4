// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/topology/topologylegend.h"

#include <QFontMetrics>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

#include "ui/topology/topologystyle.h"

namespace HerdUi {

using namespace TopologyStyle;

namespace {

constexpr int kRow = 18;
constexpr int kSwatch = 40;
constexpr int kPad = 9;

QFont legendFont(bool bold = false)
{
    QFont font = labelFont();
    font.setPixelSize(12);
    font.setWeight(bold ? QFont::Bold : QFont::Normal);
    return font;
}

// Wide enough for the longest description.
int legendWidth()
{
    const QFontMetrics metrics(legendFont());
    int text = metrics.horizontalAdvance(QObject::tr("Links, per direction"));
    for (const LinkLook look : kAllLinkLooks)
        text = std::max(text, metrics.horizontalAdvance(linkLookDescription(look)));
    for (const NodeLook look : {NodeLook::NotMonitored, NodeLook::NotStarted})
        text = std::max(text, metrics.horizontalAdvance(nodeLookDescription(look)));
    return 2 * kPad + kSwatch + 8 + text + 4;
}

// Heading, the link looks, node rows, and the token and highlight rows.
int rowCount(int nodeRows)
{
    return 1 + int(std::size(kAllLinkLooks)) + nodeRows + 2;
}

} // namespace

TopologyLegend::TopologyLegend(QWidget *parent)
    : QWidget(parent)
{
    setCursor(Qt::PointingHandCursor);
    setToolTip(tr("Click to fold or unfold the legend"));
    resize(sizeHint());
}

void TopologyLegend::setFolded(bool folded)
{
    if (folded == m_folded)
        return;
    m_folded = folded;
    resize(sizeHint());
    update();
    emit foldedChanged(folded);
}

void TopologyLegend::setShowsNotMonitored(bool shows)
{
    showRow(m_notMonitored, shows);
}

void TopologyLegend::setShowsNotStarted(bool shows)
{
    showRow(m_notStarted, shows);
}

void TopologyLegend::showRow(bool &row, bool shows)
{
    if (shows == row)
        return;
    row = shows;
    resize(sizeHint());
    update();
}

QList<NodeLook> TopologyLegend::nodeLooks() const
{
    QList<NodeLook> looks {NodeLook::Running, NodeLook::Killed};
    if (m_notMonitored)
        looks.append(NodeLook::NotMonitored);
    if (m_notStarted)
        looks.append(NodeLook::NotStarted);
    return looks;
}

QSize TopologyLegend::sizeHint() const
{
    if (m_folded)
        return {86, 26};
    return {legendWidth(), 2 * kPad + rowCount(int(nodeLooks().size())) * kRow};
}

void TopologyLegend::mousePressEvent(QMouseEvent *event)
{
    setFolded(!m_folded);
    event->accept();
}

void TopologyLegend::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF box = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    painter.setPen(QPen(labelBorder(), 1));
    painter.setBrush(QColor(255, 255, 255, 232));
    painter.drawRoundedRect(box, 10, 10);
    painter.setPen(labelText());
    if (m_folded) {
        painter.setFont(legendFont(true));
        painter.drawText(box, Qt::AlignCenter, tr("Legend ▸"));
        return;
    }

    qreal y = kPad;
    auto text = [&](const QString &line, bool bold = false) {
        painter.setFont(legendFont(bold));
        painter.setPen(labelText());
        painter.drawText(QRectF(kPad + kSwatch + 8, y, width() - kSwatch - 2 * kPad - 8, kRow),
                         Qt::AlignVCenter, line);
    };
    painter.setFont(legendFont(true));
    painter.drawText(QRectF(kPad, y, width() - 2 * kPad, kRow), Qt::AlignVCenter, tr("Links, per direction"));
    y += kRow;
    for (const LinkLook look : kAllLinkLooks) {
        QPen pen = linkPen(look, false);
        pen.setWidthF(pen.widthF() * 0.75); // the dash pattern scales with it
        painter.setPen(pen);
        painter.drawLine(QPointF(kPad + 2, y + kRow / 2.0), QPointF(kPad + kSwatch, y + kRow / 2.0));
        text(linkLookDescription(look));
        y += kRow;
    }

    // Nodes: a small card per look.
    for (const NodeLook look : nodeLooks()) {
        const QRectF card(kPad + 6, y + 3, kSwatch - 12, kRow - 6);
        QPen pen = nodePen(look, false);
        pen.setWidthF(1.5);
        painter.setPen(pen);
        painter.setBrush(nodeBrush(look));
        painter.drawRoundedRect(card, 4, 4);
        if (look == NodeLook::Killed) {
            // The diagram's red badge, small: what tells a killed card from
            // one not monitored.
            painter.setPen(QPen(Qt::white, 1));
            painter.setBrush(killedMark());
            painter.drawEllipse(card.topRight() + QPointF(-1, 1), 4.5, 4.5);
        }
        text(nodeLookDescription(look));
        y += kRow;
    }
    // A token, and the highlight of a message picked in the space-time view.
    painter.setPen(QPen(Qt::white, 1.5));
    painter.setBrush(tokenColor("kiwi.cs.ucla.edu"));
    painter.drawEllipse(QPointF(kPad + kSwatch / 2.0 + 1, y + kRow / 2.0), 6, 6);
    text(tr("an update in flight"));
    y += kRow;
    QColor band = highlight();
    band.setAlpha(170);
    painter.setPen(QPen(band, 8, Qt::SolidLine, Qt::FlatCap));
    painter.drawLine(QPointF(kPad + 2, y + kRow / 2.0), QPointF(kPad + kSwatch, y + kRow / 2.0));
    text(tr("picked in space-time"));
}

} // namespace HerdUi
