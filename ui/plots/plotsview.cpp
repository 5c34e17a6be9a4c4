// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/plots/plotsview.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

#include "ui/plots/faultshade.h"
#include "ui/plots/graphseries.h"
#include "ui/plots/herdstats.h"
#include "ui/timetext.h"

using namespace Qt::StringLiterals;

namespace HerdUi {

namespace {

const QColor AxisText(0x33, 0x33, 0x33);
const QColor GridColour(0xdd, 0xdd, 0xdd);

// A round upper bound for a value axis: 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^n.
double niceCeiling(double value)
{
    if (value <= 0)
        return 1;
    const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
    for (const double step : {1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0}) {
        if (step * magnitude >= value)
            return step * magnitude;
    }
    return 10 * magnitude;
}

// Puts the legend items of `plot` in the order of their graphs' names in `order`.
void sortLegend(QCustomPlot *plot, const QStringList &order)
{
    QList<QCPGraph *> graphs;
    for (int i = 0; i < plot->graphCount(); ++i)
        graphs.append(plot->graph(i));
    std::stable_sort(graphs.begin(), graphs.end(), [&order](const QCPGraph *a, const QCPGraph *b) {
        return order.indexOf(a->name()) < order.indexOf(b->name());
    });
    plot->legend->clearItems();
    for (QCPGraph *graph : std::as_const(graphs))
        graph->addToLegend();
}

} // namespace

PlotsView::PlotsView(Herd::HerdStats *stats, QWidget *parent)
    : QWidget(parent)
    , m_stats(stats)
    , m_messages(nullptr)
    , m_convergence(nullptr)
    , m_clients(nullptr)
    , m_followBox(new QCheckBox(tr("Follow newest"), this))
    , m_windowBox(new QComboBox(this))
    , m_note(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);

    auto *controls = new QHBoxLayout;
    QFont controlFont = font();
    controlFont.setPointSizeF(controlFont.pointSizeF() * 1.15);
    m_followBox->setFont(controlFont);
    m_followBox->setChecked(true);
    m_followBox->setToolTip(tr("Keep the newest data in view; dragging or zooming a plot turns this off"));
    controls->addWidget(m_followBox);
    auto *windowLabel = new QLabel(tr("Show the last"), this);
    windowLabel->setFont(controlFont);
    controls->addWidget(windowLabel);
    m_windowBox->setFont(controlFont);
    for (const int seconds : {60, 120, 300, 600})
        m_windowBox->addItem(tr("%1 min").arg(seconds / 60), seconds);
    m_windowBox->setCurrentIndex(1);
    controls->addWidget(m_windowBox);
    controls->addSpacing(16);
    m_note->setFont(controlFont);
    m_note->setStyleSheet(u"color: #555555;"_s);
    controls->addWidget(m_note, 1);
    layout->addLayout(controls);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setChildrenCollapsible(false);
    // Short titles: the plots often get a third of the window's width, and a
    // title wider than its plot is cut at both ends.
    m_messages = makePlot(tr("Lines per second, per node"), tr("lines in + out / s"));
    m_convergence = makePlot(tr("Time for an update to reach all"), tr("ms"));
    m_clients = makePlot(tr("Known clients, per node"), tr("clients"));
    m_clients->xAxis->setLabel(stats && stats->followsHerdTime() ? tr("time in the recording (min:s)")
                                                                 : tr("time since start (min:s)"));
    // Clients come in whole numbers: ticks at integer multiples only.
    auto integerTicker = QSharedPointer<QCPAxisTickerFixed>::create();
    integerTicker->setTickStep(1);
    integerTicker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    m_clients->yAxis->setTicker(integerTicker);
    for (QCustomPlot *plot : {m_messages, m_convergence, m_clients})
        splitter->addWidget(plot);
    layout->addWidget(splitter, 1);

    connect(m_followBox, &QCheckBox::toggled, this, &PlotsView::setFollow);
    connect(m_windowBox, &QComboBox::currentIndexChanged, this,
            [this](int index) { setWindowSeconds(m_windowBox->itemData(index).toDouble()); });
    if (stats) {
        connect(stats, &Herd::HerdStats::sampled, this, &PlotsView::refresh);
        connect(stats, &Herd::HerdStats::seriesChanged, this, &PlotsView::rebuildSeries);
        // A replay playing moves its cursor every frame: the plots are
        // drawn again only while seen (and when shown: showEvent).
        connect(stats, &Herd::HerdStats::timeMoved, this, [this] {
            followNow();
            refreshFaults();
            if (isVisible())
                replotAll();
        });
    }
    rebuildSeries();
}

PlotsView::~PlotsView() = default;

void PlotsView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    replotAll();
}

void PlotsView::replotAll()
{
    for (QCustomPlot *plot : {m_messages, m_convergence, m_clients})
        plot->replot(QCustomPlot::rpQueuedReplot);
}

QColor PlotsView::nodeColor(int index)
{
    // Okabe-Ito, darkened where needed to read on white, then a few more.
    static const QColor palette[] = {
        QColor(0x00, 0x72, 0xb2), // blue
        QColor(0xd5, 0x5e, 0x00), // vermillion
        QColor(0x00, 0x9e, 0x73), // bluish green
        QColor(0xcc, 0x79, 0xa7), // reddish purple
        QColor(0xe6, 0x9f, 0x00), // orange
        QColor(0x56, 0xb4, 0xe9), // sky blue
        QColor(0x33, 0x33, 0x33), // near black
        QColor(0x8c, 0x56, 0x4b), // brown
        QColor(0x7f, 0x3c, 0x8d), // purple
        QColor(0x6b, 0x8e, 0x23), // olive
    };
    constexpr int count = int(std::size(palette));
    return palette[((index % count) + count) % count];
}

QCustomPlot *PlotsView::makePlot(const QString &title, const QString &yLabel)
{
    auto *plot = new QCustomPlot(this);
    plot->setMinimumHeight(170);
    plot->setBackground(Qt::white);
    plot->setNoAntialiasingOnDrag(true);
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot->axisRect()->setRangeDrag(Qt::Horizontal);
    plot->axisRect()->setRangeZoom(Qt::Horizontal);

    const double base = font().pointSizeF() > 0 ? font().pointSizeF() : 10;
    QFont tickFont = font();
    tickFont.setPointSizeF(base * 1.1);
    QFont labelFont = font();
    labelFont.setPointSizeF(base * 1.15);
    QFont titleFont = font();
    titleFont.setPointSizeF(base * 1.3);
    titleFont.setBold(true);
    plot->setFont(tickFont);

    plot->plotLayout()->insertRow(0);
    auto *titleElement = new QCPTextElement(plot, title, titleFont);
    titleElement->setTextColor(AxisText);
    plot->plotLayout()->addElement(0, 0, titleElement);

    auto ticker = QSharedPointer<QCPAxisTickerTime>::create();
    ticker->setTimeFormat(u"%m:%s"_s);
    plot->xAxis->setTicker(ticker);
    plot->yAxis->setLabel(yLabel);
    for (QCPAxis *axis : {plot->xAxis, plot->yAxis}) {
        axis->setTickLabelFont(tickFont);
        axis->setLabelFont(labelFont);
        axis->setLabelColor(AxisText);
        axis->setTickLabelColor(AxisText);
        axis->setBasePen(QPen(AxisText));
        axis->setTickPen(QPen(AxisText));
        axis->setSubTickPen(QPen(AxisText));
        axis->grid()->setPen(QPen(GridColour, 1, Qt::SolidLine));
        axis->grid()->setSubGridVisible(false);
    }
    plot->xAxis->setRange(0, m_windowSeconds);
    plot->yAxis->setRange(0, 1);

    // The legend sits right of the axis rect, at one width in all three
    // plots, and the left margin is fixed, so the time axes line up.
    plot->legend->setVisible(true);
    plot->legend->setFont(tickFont);
    plot->legend->setBrush(Qt::white);
    plot->legend->setBorderPen(Qt::NoPen);
    plot->legend->setIconSize(22, 12);
    const QFontMetrics tickMetrics(tickFont);
    const int legendWidth = tickMetrics.horizontalAdvance(u"Hamilton (partial)"_s) + 22 + 24;
    plot->axisRect()->insetLayout()->take(plot->legend);
    auto *legendColumn = new QCPLayoutGrid;
    plot->plotLayout()->addElement(1, 1, legendColumn);
    legendColumn->addElement(0, 0, plot->legend);
    legendColumn->addElement(1, 0, new QCPLayoutElement(plot)); // filler: legend at the top
    legendColumn->setRowStretchFactor(1, 10);
    legendColumn->setMinimumSize(legendWidth, 0);
    legendColumn->setMaximumSize(legendWidth, QWIDGETSIZE_MAX);
    plot->plotLayout()->setColumnStretchFactor(1, 0.01);
    plot->legend->setMargins(QMargins(8, 4, 4, 4));
    plot->axisRect()->setAutoMargins(QCP::msTop | QCP::msBottom | QCP::msRight);
    plot->axisRect()->setMargins(
        QMargins(tickMetrics.horizontalAdvance(u"00000"_s) + QFontMetrics(labelFont).height() + 18, 0, 0, 0));

    // Faults go between the grid and the graphs; the cursor over the graphs.
    plot->addLayer(FaultShade::layerName(), plot->layer(u"grid"_s), QCustomPlot::limAbove);
    plot->addLayer(u"cursor"_s, plot->layer(u"main"_s), QCustomPlot::limAbove);
    auto *cursor = new QCPItemStraightLine(plot);
    cursor->setLayer(u"cursor"_s);
    cursor->setSelectable(false);
    cursor->setPen(QPen(QColor(0xc6, 0x28, 0x28), 2));
    cursor->point1->setCoords(0, 0);
    cursor->point2->setCoords(0, 1);
    cursor->setVisible(false);
    m_cursorLines[plot] = cursor;

    // Labels are placed by pixels: again once the plot is laid out (it may
    // have been hidden, in another tab, when its faults were last drawn).
    connect(plot, &QCustomPlot::afterLayout, this, [this, plot] {
        const int index = plot == m_messages ? 0 : plot == m_convergence ? 1 : 2;
        for (const auto &[key, shade] : m_shades) {
            if (key.second == index)
                shade->placeLabel();
        }
    });
    connect(plot, &QCustomPlot::mousePress, this, [this] { setFollow(false); });
    connect(plot, &QCustomPlot::mouseWheel, this, [this] { setFollow(false); });
    connect(plot->xAxis, qOverload<const QCPRange &>(&QCPAxis::rangeChanged), this,
            [this, plot] { onXRangeChanged(plot); });
    return plot;
}

QCPItemStraightLine *PlotsView::cursorLine(const QCustomPlot *plot) const
{
    const auto it = m_cursorLines.find(plot);
    return it == m_cursorLines.end() ? nullptr : it->second;
}

void PlotsView::setFollow(bool follow)
{
    if (m_follow == follow)
        return;
    m_follow = follow;
    {
        const QSignalBlocker blocker(m_followBox);
        m_followBox->setChecked(follow);
    }
    if (follow)
        refresh();
    emit followChanged(follow);
}

void PlotsView::setWindowSeconds(double seconds)
{
    m_windowSeconds = std::max(5.0, seconds);
    const int index = m_windowBox->findData(int(seconds));
    if (index >= 0 && index != m_windowBox->currentIndex()) {
        const QSignalBlocker blocker(m_windowBox);
        m_windowBox->setCurrentIndex(index);
    }
    refresh();
}

int PlotsView::colourIndexOf(const QString &node) const
{
    return m_stats ? int(m_stats->nodes().indexOf(node)) : -1;
}

void PlotsView::rebuildSeries()
{
    m_rateSeries.clear();
    m_clientSeries.clear();
    m_convergenceSeries.clear();
    if (m_stats) {
        const QStringList nodes = m_stats->nodes();
        for (int i = 0; i < nodes.size(); ++i) {
            m_rateSeries.push_back(std::make_unique<GraphSeries>(m_messages, nodes.at(i), nodeColor(i),
                                                                 GraphSeries::Style::Line));
            m_clientSeries.push_back(std::make_unique<GraphSeries>(m_clients, nodes.at(i), nodeColor(i),
                                                                   GraphSeries::Style::Step));
        }
    }
    refresh();
}

void PlotsView::refresh()
{
    if (!m_stats)
        return;
    const QList<double> times = m_stats->sampleTimes();
    const QStringList nodes = m_stats->nodes();
    for (size_t i = 0; i < m_rateSeries.size() && i < size_t(nodes.size()); ++i) {
        m_rateSeries[i]->setData(times, m_stats->messageRates(nodes.at(qsizetype(i))));
        m_clientSeries[i]->setData(times, m_stats->knownClients(nodes.at(qsizetype(i))));
    }

    // Convergence: one scatter series per node that received the IAMAT,
    // and one for updates that have not reached every running node (yet, or
    // ever: a partition).
    const QString partial = tr("not all nodes");
    QHash<QString, std::pair<QList<double>, QList<double>>> points;
    const QList<Herd::HerdStats::Update> updates = m_stats->updates();
    for (const Herd::HerdStats::Update &update : updates) {
        auto &[keys, values] = points[update.reachedAll() ? update.origin : partial];
        keys.append(update.startSeconds);
        values.append(update.convergenceMs());
    }
    // Series in herd order, the partial one last, whatever came first.
    QStringList order = nodes;
    for (auto it = points.cbegin(); it != points.cend(); ++it) {
        if (!order.contains(it.key()) && it.key() != partial)
            order.append(it.key());
    }
    order.append(partial);
    for (const QString &origin : std::as_const(order)) {
        const auto it = points.constFind(origin);
        auto &series = m_convergenceSeries[origin];
        if (it == points.cend()) {
            if (series)
                series->setData({}, {});
            continue;
        }
        if (!series) {
            const int index = colourIndexOf(origin);
            series = std::make_unique<GraphSeries>(m_convergence, origin,
                                                   origin == partial ? QColor(0x61, 0x61, 0x61)
                                                       : index >= 0  ? nodeColor(index)
                                                                     : QColor(0x75, 0x75, 0x75),
                                                   origin == partial ? GraphSeries::Style::Cross
                                                                     : GraphSeries::Style::Scatter);
            // Keep the legend in herd order although series come and go.
            sortLegend(m_convergence, order);
        }
        // Updates are kept in order of their first store: keys are sorted.
        series->setData(it->first, it->second);
    }

    followNow();
    refreshFaults();

    // The note: convergence of what is in view.
    const QCPRange range = m_messages->xAxis->range();
    QList<double> visible;
    for (const Herd::HerdStats::Update &update : updates) {
        if (range.contains(update.startSeconds))
            visible.append(update.convergenceMs());
    }
    if (visible.isEmpty()) {
        m_note->setText(tr("No updates in view"));
    } else {
        std::sort(visible.begin(), visible.end());
        const double median = visible.at(visible.size() / 2);
        m_note->setText(visible.size() == 1 ? tr("1 update in view; convergence %1 ms").arg(msText(median))
                                            : tr("%1 updates in view; convergence median %2 ms, max %3 ms")
                                                  .arg(QString::number(visible.size()), msText(median),
                                                       msText(visible.constLast())));
    }

    replotAll();
}

void PlotsView::refreshFaults()
{
    const QList<Herd::HerdStats::FaultWindow> windows = m_stats->faultWindows();
    // Stack the labels of windows that start close together.
    const double labelSpan = m_messages->xAxis->range().size() * 0.18;
    QList<std::pair<double, int>> placed; // (label end, level)
    QSet<quint64> alive;
    QCustomPlot *const plots[] = {m_messages, m_convergence, m_clients};
    for (const Herd::HerdStats::FaultWindow &window : windows) {
        alive.insert(window.id);
        int level = 0;
        for (bool clash = true; clash && level < 8;) {
            clash = false;
            for (const auto &[end, used] : std::as_const(placed)) {
                if (used == level && window.startSeconds < end) {
                    clash = true;
                    ++level;
                    break;
                }
            }
        }
        placed.append({window.startSeconds + labelSpan, level});
        for (int p = 0; p < 3; ++p) {
            auto &shade = m_shades[{window.id, p}];
            if (!shade)
                shade = std::make_unique<FaultShade>(plots[p], window);
            shade->update(window, level);
        }
    }
    std::erase_if(m_shades, [&alive](const auto &entry) { return !alive.contains(entry.first.first); });
}

void PlotsView::followNow()
{
    const bool replay = m_stats && m_stats->followsHerdTime();
    const double now = m_stats ? m_stats->nowSeconds() : 0;
    for (const auto &[plot, line] : m_cursorLines) {
        line->setVisible(replay);
        line->point1->setCoords(now, 0);
        line->point2->setCoords(now, 1);
    }
    if (m_follow) {
        // Live, the window fills from the left until it is full. A replay
        // shows the recording up to the cursor, no further back than its
        // start, so a recording of seconds fills the plots, not their edge.
        const double span = replay ? std::clamp(now, MinReplaySeconds, m_windowSeconds) : m_windowSeconds;
        const double upper = std::max(now, span);
        m_syncingRange = true;
        for (QCustomPlot *plot : {m_messages, m_convergence, m_clients})
            plot->xAxis->setRange(upper - span, upper);
        m_syncingRange = false;
    }
    fitY(m_messages, 1);
    fitY(m_convergence, 1);
    fitY(m_clients, 1);
}

void PlotsView::fitY(QCustomPlot *plot, double minimumTop)
{
    const QCPRange range = plot->xAxis->range();
    double top = 0;
    for (int i = 0; i < plot->graphCount(); ++i) {
        const QSharedPointer<QCPGraphDataContainer> points = plot->graph(i)->data();
        for (auto it = points->findBegin(range.lower), end = points->findEnd(range.upper); it != end; ++it)
            top = std::max(top, it->value);
    }
    plot->yAxis->setRange(0, std::max(minimumTop, niceCeiling(top * 1.12)));
}

void PlotsView::onXRangeChanged(QCustomPlot *source)
{
    if (m_syncingRange)
        return;
    m_syncingRange = true;
    const QCPRange range = source->xAxis->range();
    for (QCustomPlot *plot : {m_messages, m_convergence, m_clients}) {
        if (plot != source) {
            plot->xAxis->setRange(range);
            plot->replot(QCustomPlot::rpQueuedReplot);
        }
    }
    m_syncingRange = false;
    for (QCustomPlot *plot : {m_messages, m_convergence, m_clients})
        fitY(plot, 1);
    if (m_stats)
        refreshFaults();
}

} // namespace HerdUi
