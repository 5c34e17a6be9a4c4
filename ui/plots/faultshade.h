// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QPointer>
#include <QString>

#include "ui/plots/herdstats.h"

class QCPItemRect;
class QCPItemText;
class QCustomPlot;

namespace HerdUi {

// The shading of one fault window in one plot: a translucent rectangle over
// the window's time span, full height, below the graphs, and a small label,
// coloured by the kind of fault. Both are removed from the plot with this
// object; the plot may go first.
class FaultShade final
{
public:
    // The plot layer the shades are drawn on; every plot given to a shade
    // must have it (PlotsView puts it between the grid and the graphs).
    static QString layerName();

    FaultShade(QCustomPlot *plot, const Herd::HerdStats::FaultWindow &window);
    ~FaultShade();
    FaultShade(const FaultShade &) = delete;
    FaultShade &operator=(const FaultShade &) = delete;

    // `level` stacks the labels of overlapping windows. The label stays
    // inside the visible part of the plot: at the window's start, or at the
    // left edge when the start has scrolled away, or pulled left so that it
    // is not cut at the right edge.
    void update(const Herd::HerdStats::FaultWindow &window, int level);
    // Places the label again for the plot's layout now: the plot calls it
    // once laid out (QCustomPlot::afterLayout), as a plot hidden or not yet
    // sized when update() ran has no area to place it in.
    void placeLabel();

private:
    double m_startSeconds = 0;
    int m_level = 0;
    QPointer<QCustomPlot> m_plot;
    QCPItemRect *m_rect;  // owned by the plot, removed by us
    QCPItemText *m_label; // owned by the plot, removed by us
};

} // namespace HerdUi
