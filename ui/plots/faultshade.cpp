// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/plots/faultshade.h"

#include <qcustomplot.h>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace HerdUi {

namespace {

struct FaultStyle
{
    QColor fill;
    QColor text;
};

FaultStyle faultStyle(Herd::HerdStats::FaultWindow::Kind kind)
{
    using Kind = Herd::HerdStats::FaultWindow::Kind;
    switch (kind) {
    case Kind::NodeDown:
        return {QColor(229, 57, 53, 38), QColor(0xb7, 0x1c, 0x1c)};
    case Kind::LinkCut:
        return {QColor(251, 140, 0, 45), QColor(0xbf, 0x5b, 0x00)};
    case Kind::LinkDelay:
        return {QColor(30, 136, 229, 35), QColor(0x0d, 0x47, 0xa1)};
    case Kind::LinkJitter:
        return {QColor(142, 36, 170, 30), QColor(0x6a, 0x1b, 0x9a)};
    case Kind::LinkFlaky:
        return {QColor(0, 137, 123, 35), QColor(0x00, 0x69, 0x5c)};
    case Kind::ClockSkew:
        return {QColor(109, 76, 65, 30), QColor(0x4e, 0x34, 0x2e)};
    }
    return {QColor(0, 0, 0, 30), QColor(Qt::black)};
}

} // namespace

QString FaultShade::layerName()
{
    return u"faults"_s;
}

FaultShade::FaultShade(QCustomPlot *plot, const Herd::HerdStats::FaultWindow &window)
    : m_plot(plot)
    , m_rect(new QCPItemRect(plot))
    , m_label(new QCPItemText(plot))
{
    const FaultStyle style = faultStyle(window.kind);
    m_rect->setLayer(layerName());
    m_rect->setPen(Qt::NoPen);
    m_rect->setBrush(style.fill);
    m_rect->setSelectable(false);
    m_rect->topLeft->setTypeY(QCPItemPosition::ptAxisRectRatio);
    m_rect->bottomRight->setTypeY(QCPItemPosition::ptAxisRectRatio);

    m_label->setLayer(layerName());
    m_label->setSelectable(false);
    m_label->setText(window.label);
    m_label->setColor(style.text);
    QFont font = plot->font();
    font.setPointSizeF(font.pointSizeF() * 0.95);
    m_label->setFont(font);
    m_label->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_label->setPadding(QMargins(4, 2, 4, 2));
    m_label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    update(window, 0);
}

FaultShade::~FaultShade()
{
    if (m_plot) {
        m_plot->removeItem(m_rect);
        m_plot->removeItem(m_label);
    }
}

void FaultShade::update(const Herd::HerdStats::FaultWindow &window, int level)
{
    m_rect->topLeft->setCoords(window.startSeconds, 0);
    m_rect->bottomRight->setCoords(window.endSeconds, 1);
    m_startSeconds = window.startSeconds;
    m_level = level;
    placeLabel();
}

void FaultShade::placeLabel()
{
    if (!m_plot)
        return;
    const QCPAxis *x = m_plot->xAxis;
    const QRect area = m_plot->axisRect()->rect();
    const double width = QFontMetricsF(m_label->font()).horizontalAdvance(m_label->text()) + 10;
    double left = std::max(x->coordToPixel(m_startSeconds), double(area.left()));
    left = std::min(left, area.right() - width);
    m_label->position->setCoords(x->pixelToCoord(left), 0.01 + 0.1 * m_level);
}

} // namespace HerdUi
