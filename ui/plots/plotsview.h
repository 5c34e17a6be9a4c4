// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QPointer>
#include <QWidget>

#include <map>
#include <memory>
#include <vector>

class QCheckBox;
class QComboBox;
class QCPItemStraightLine;
class QCustomPlot;
class QLabel;

namespace Herd {
class HerdStats;
}

namespace HerdUi {

class FaultShade;
class GraphSeries;

// Three stacked time plots over a HerdStats: messages per second per node,
// convergence time per update (one scatter series per node that got the
// IAMAT), and known clients per node. Fault windows (killed nodes, cut or
// slowed links) are shaded on all three. The x axis (mm:ss since the herd
// started) is shared; "Follow" keeps the newest windowSeconds() in view and
// turns itself off when the user drags or zooms a plot.
//
// Series are rebuilt only on HerdStats::seriesChanged(); on sampled() their
// data are refreshed from the stats' bounded histories and the plots are
// replotted with rpQueuedReplot, so at most once per event-loop pass.
// Over a replay (HerdStats::followsHerdTime()) a vertical line marks the
// cursor on every plot, and "Follow" keeps the cursor at the right edge,
// showing the recording up to it (at least MinReplaySeconds, at most
// windowSeconds()); the line and the range move with HerdStats::timeMoved(),
// between samples.
//
// Colours for nodes are chosen here (nodeColor()), light theme, fonts sized
// for a projector.
//
// The stats are borrowed and must outlive the view.
class PlotsView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PlotsView)

public:
    static constexpr double MinReplaySeconds = 5;

    explicit PlotsView(Herd::HerdStats *stats, QWidget *parent = nullptr);
    ~PlotsView() override;

    QCustomPlot *messagesPlot() const { return m_messages; }
    QCustomPlot *convergencePlot() const { return m_convergence; }
    QCustomPlot *clientsPlot() const { return m_clients; }

    bool follow() const { return m_follow; }
    double windowSeconds() const { return m_windowSeconds; }
    // Fault windows currently drawn (per plot).
    int faultShadeCount() const { return int(m_shades.size() / 3); }
    // The cursor's line on `plot` (one of the three); shown over a replay only.
    QCPItemStraightLine *cursorLine(const QCustomPlot *plot) const;

    // A colour per node, by its index in the herd: distinct, and readable
    // on white and on a projector (Okabe-Ito based).
    static QColor nodeColor(int index);

public slots:
    void setFollow(bool follow);
    void setWindowSeconds(double seconds);
    // Pulls the newest data from the stats and queues a replot.
    void refresh();
    // Recreates the per-node series (the set of nodes changed).
    void rebuildSeries();

signals:
    void followChanged(bool follow);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void replotAll();
    QCustomPlot *makePlot(const QString &title, const QString &yLabel);
    void refreshFaults();
    // Follows the herd's now: the range (when following) and the cursor lines.
    void followNow();
    void fitY(QCustomPlot *plot, double minimumTop);
    void onXRangeChanged(QCustomPlot *source);
    int colourIndexOf(const QString &node) const;

    QPointer<Herd::HerdStats> m_stats; // borrowed
    QCustomPlot *m_messages;           // owned (child)
    QCustomPlot *m_convergence;        // owned (child)
    QCustomPlot *m_clients;            // owned (child)
    QCheckBox *m_followBox;            // owned (child)
    QComboBox *m_windowBox;            // owned (child)
    QLabel *m_note;                    // owned (child)
    // Each plot's cursor line, owned by the plot.
    std::map<const QCustomPlot *, QCPItemStraightLine *> m_cursorLines;

    // Members die before ~QWidget deletes the plots, so each series can
    // still remove its plottable from its plot.
    std::vector<std::unique_ptr<GraphSeries>> m_rateSeries;                  // per node, stats order
    std::vector<std::unique_ptr<GraphSeries>> m_clientSeries;                // per node, stats order
    std::map<QString, std::unique_ptr<GraphSeries>> m_convergenceSeries;     // by origin node
    std::map<std::pair<quint64, int>, std::unique_ptr<FaultShade>> m_shades; // (window id, plot)

    bool m_follow = true;
    bool m_syncingRange = false;
    double m_windowSeconds = 120;
};

} // namespace HerdUi
