// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/herdviews.h"

#include <QTabWidget>
#include <QTimer>

#include "herd/herdsource.h"
#include "ui/check/checkpanel.h"
#include "ui/clientconsole.h"
#include "ui/knowledge/knowledgemodel.h"
#include "ui/knowledge/knowledgeview.h"
#include "ui/knowledge/nodeinspector.h"
#include "ui/log/logview.h"
#include "ui/plots/plotsview.h"
#include "ui/scenario/scenariopanel.h"
#include "ui/spacetime/spacetimeview.h"
#include "ui/topology/topologyview.h"

namespace HerdUi {

HerdViews::HerdViews(Herd::HerdSource *herd, Herd::HerdStats *stats, QWidget *parent)
    : QSplitter(Qt::Vertical, parent)
{
    const Herd::HerdConfig &config = herd->config();
    m_topology = new TopologyView(herd, this);
    m_console = new ClientConsole(herd, this);
    auto *knowledgeModel = new KnowledgeModel(herd);
    m_knowledge = new KnowledgeView(knowledgeModel, this);
    knowledgeModel->setParent(m_knowledge);
    m_inspector = new NodeInspector(herd, this);
    m_plots = new PlotsView(stats, this);
    m_log = new LogView(this);
    m_log->setNodes(config.nodeNames());
    m_spaceTime = new SpaceTimeView(config.nodeNames(), this);
    m_scenarioPanel = new ScenarioPanel(this);
    m_checkPanel = new CheckPanel(herd, this);

    // Plots and the inspector would otherwise claim half the screen's width
    // as their minimum; they lay out fine narrower.
    for (QWidget *page :
         std::initializer_list<QWidget *> {m_plots, m_inspector, m_scenarioPanel, m_checkPanel})
        page->setMinimumWidth(320);
    m_tabs = new QTabWidget(this);
    // Short names, so that all six fit beside the diagrams at the
    // window's default width; the tooltips say more.
    struct Tab
    {
        QWidget *page;
        QString name;
        QString tip;
    };
    const Tab tabs[] = {
        {m_knowledge, tr("Knowledge"), tr("What each node knows of each client")},
        {m_console, tr("Console"), tr("A client of the herd: send any line to a node")},
        {m_inspector, tr("Node"), tr("The selected node's records and links")},
        {m_plots, tr("Plots"), tr("Messages, flood times and clients known over time")},
        {m_scenarioPanel, tr("Scenario"), tr("A scenario played on this herd")},
        {m_checkPanel, tr("Check"), tr("Grade a herd with the rules of herd --check")},
    };
    for (const Tab &tab : tabs)
        m_tabs->setTabToolTip(m_tabs->addTab(tab.page, tab.name), tab.tip);

    // The topology over the space-time diagram: both read left to right
    // and the diagram wants the width.
    auto *left = new QSplitter(Qt::Vertical, this);
    left->addWidget(m_topology);
    left->addWidget(m_spaceTime);
    left->setStretchFactor(0, 3);
    left->setStretchFactor(1, 2);
    left->setSizes({420, 260});

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(m_tabs);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    // The topology is what the room looks at: give it most of the width once
    // the window has its real size.
    QTimer::singleShot(0, split, [split] {
        const int width = split->width();
        split->setSizes({width * 3 / 5, width - width * 3 / 5});
    });
    addWidget(split);
    addWidget(m_log);
    setStretchFactor(0, 3);
    setStretchFactor(1, 1);
    setSizes({700, 200}); // enough log rows to read at a glance

    connect(herd, &Herd::HerdSource::eventOccurred, m_topology, &TopologyView::onEvent);
    connect(herd, &Herd::HerdSource::eventOccurred, m_log, &LogView::append);
    connect(herd, &Herd::HerdSource::eventOccurred, m_spaceTime, &SpaceTimeView::onEvent);
    m_spaceTime->setClock([herd] { return herd->nowNs(); });
    // A replay's views start empty before its first event: they say why.
    const bool live = herd->isLive();
    m_spaceTime->setEmptyHint(live ? QString()
                                   : tr("No messages before the cursor: press Play or drag the timeline:"));
    m_knowledge->setEmptyHint(
        live ? QString() : tr("No client known yet at the cursor: press Play or drag the timeline."));
    // What the source sees changed wholesale (an attached process came or
    // went), or a replay jumped: the views of the herd's state read it
    // again. A jump also replaces the history the views show with its
    // lead-up, so every view starts again from the new moment.
    auto reread = [this, knowledgeModel] {
        m_topology->restart();
        knowledgeModel->reload();
        m_inspector->refresh();
    };
    connect(herd, &Herd::HerdSource::sightChanged, this, reread);
    connect(herd, &Herd::HerdSource::jumped, this, [this, reread](const QList<Herd::Event> &leadUp) {
        reread();
        m_spaceTime->restart(leadUp);
        m_log->clear();
        for (const Herd::Event &event : leadUp)
            m_log->append(event);
    });

    // A message picked in the diagram: its hops in the topology. A node or
    // link picked in the topology: its messages in the diagram.
    connect(m_spaceTime, &SpaceTimeView::messageSelected, this, [this](const SpaceTimeSelection &selection) {
        m_topology->setHighlightedHops(selection.hops, {selection.from, selection.to});
    });
    connect(m_spaceTime, &SpaceTimeView::selectionCleared, m_topology, &TopologyView::clearHighlights);
    connect(m_checkPanel, &CheckPanel::clientsPicked, m_spaceTime, &SpaceTimeView::pickClients);
    connect(m_topology, &TopologyView::linkSelected, this, &HerdViews::onTopologySelection);
    connect(m_topology, &TopologyView::nodeSelected, this, [this](const QString &node) {
        m_inspector->setNode(node);
        m_console->setNode(node);
        onTopologySelection();
    });
    if (!config.nodes.isEmpty())
        m_inspector->setNode(config.nodes.constFirst().name);
}

void HerdViews::showScenario(const Herd::Scenario &scenario, Herd::Cluster *cluster)
{
    m_scenarioPanel->setScenario(scenario, cluster);
    m_tabs->setCurrentWidget(m_scenarioPanel);
}

void HerdViews::showCheckPanel()
{
    m_tabs->setCurrentWidget(m_checkPanel);
}

void HerdViews::onTopologySelection()
{
    // A new pick in the topology replaces the one made in the diagram.
    m_spaceTime->clearSelection();
    const QString node = m_topology->selectedNode();
    if (const auto link = m_topology->selectedLink())
        m_spaceTime->setEmphasis(link->first, link->second);
    else
        m_spaceTime->setEmphasis(node);
}

} // namespace HerdUi
