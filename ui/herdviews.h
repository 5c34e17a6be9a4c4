// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QSplitter>

namespace Herd {
class Cluster;
class HerdSource;
class HerdStats;
struct Scenario;
} // namespace Herd

class QTabWidget;

namespace HerdUi {

class CheckPanel;
class ClientConsole;
class KnowledgeView;
class LogView;
class NodeInspector;
class PlotsView;
class ScenarioPanel;
class SpaceTimeView;
class TopologyView;

// The views of one running herd, laid out: the topology over the
// space-time diagram; beside them, in tabs, what each node knows, a client
// console, the selected node, the plots, the scenario player and the Check
// panel; the event log below. The main window's central widget, made anew for every herd.
//
// The views never know each other: this wires them. A message picked in
// the space-time diagram highlights its hops in the topology; a node or
// link selected in the topology makes its messages stand out in the
// diagram, and a node becomes the one the inspector and the console show.
// A check result picked in the Check panel picks its clients' messages in
// the diagram.
//
// The herd and the stats are borrowed and must outlive this widget.
class HerdViews final : public QSplitter
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HerdViews)

public:
    HerdViews(Herd::HerdSource *herd, Herd::HerdStats *stats, QWidget *parent = nullptr);

    TopologyView *topology() const { return m_topology; }
    LogView *logView() const { return m_log; }
    ClientConsole *console() const { return m_console; }
    KnowledgeView *knowledge() const { return m_knowledge; }
    NodeInspector *inspector() const { return m_inspector; }
    PlotsView *plots() const { return m_plots; }
    SpaceTimeView *spaceTime() const { return m_spaceTime; }
    ScenarioPanel *scenarioPanel() const { return m_scenarioPanel; }
    CheckPanel *checkPanel() const { return m_checkPanel; }

    // Shows `scenario`, to be played on `cluster` (this herd, embedded),
    // in the Scenario tab.
    void showScenario(const Herd::Scenario &scenario, Herd::Cluster *cluster);
    // Brings the Check tab to the front.
    void showCheckPanel();

private:
    void onTopologySelection();

    // All owned (children, in the splitters).
    TopologyView *m_topology;
    LogView *m_log;
    ClientConsole *m_console;
    KnowledgeView *m_knowledge;
    NodeInspector *m_inspector;
    PlotsView *m_plots;
    SpaceTimeView *m_spaceTime;
    ScenarioPanel *m_scenarioPanel;
    CheckPanel *m_checkPanel;
    QTabWidget *m_tabs;
};

} // namespace HerdUi
