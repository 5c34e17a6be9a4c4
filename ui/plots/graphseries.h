// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QPointer>

class QCPGraph;
class QColor;
class QCustomPlot;
class QString;

namespace HerdUi {

// One QCPGraph of a plot, created and styled with this object and removed
// from its plot with it, so a view that drops a series never leaves its
// graph behind. The plot may go first: then there is nothing to remove.
class GraphSeries final
{
public:
    enum class Style { Line, Step, Scatter, Cross };

    GraphSeries(QCustomPlot *plot, const QString &name, const QColor &colour, Style style);
    ~GraphSeries();
    GraphSeries(const GraphSeries &) = delete;
    GraphSeries &operator=(const GraphSeries &) = delete;

    QCPGraph *graph() const { return m_graph; }
    // `keys` sorted ascending.
    void setData(const QList<double> &keys, const QList<double> &values);

private:
    QPointer<QCustomPlot> m_plot;
    QCPGraph *m_graph; // owned by the plot, removed by us
};

} // namespace HerdUi
