// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/plots/graphseries.h"

#include <qcustomplot.h>

namespace HerdUi {

GraphSeries::GraphSeries(QCustomPlot *plot, const QString &name, const QColor &colour, Style style)
    : m_plot(plot)
    , m_graph(plot->addGraph())
{
    m_graph->setName(name);
    QPen pen(colour);
    pen.setWidthF(style == Style::Scatter ? 1.5 : 2.5);
    m_graph->setPen(pen);
    switch (style) {
    case Style::Line:
        m_graph->setLineStyle(QCPGraph::lsLine);
        break;
    case Style::Step:
        m_graph->setLineStyle(QCPGraph::lsStepLeft);
        break;
    case Style::Cross:
        m_graph->setLineStyle(QCPGraph::lsNone);
        m_graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCross, colour, 8));
        break;
    case Style::Scatter: {
        m_graph->setLineStyle(QCPGraph::lsNone);
        QColor fill = colour;
        fill.setAlpha(150);
        m_graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, colour, fill, 8));
        break;
    }
    }
    m_graph->setAdaptiveSampling(true);
}

GraphSeries::~GraphSeries()
{
    if (m_plot)
        m_plot->removeGraph(m_graph);
}

void GraphSeries::setData(const QList<double> &keys, const QList<double> &values)
{
    m_graph->setData(keys, values, true);
}

} // namespace HerdUi
