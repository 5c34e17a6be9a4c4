// SPDX-License-Identifier: GPL-3.0-or-later
// Pictures of the whole window over a live herd in this process: the
// README's picture (a lab run to its end), a partition previewed, faults
// applied, a busy window with each of its tabs, and the Check panel.

#include <QAction>
#include <QCoreApplication>
#include <QTabWidget>
#include <QTableView>

#include <memory>

#include "herd/cluster.h"
#include "herd/clients/simulatedclients.h"
#include "herd/partition.h"
#include "herd/scenario/scenario.h"
#include "tools/screenshots/album.h"
#include "ui/check/checkpanel.h"
#include "ui/check/checkresultsmodel.h"
#include "ui/faults/faultactions.h"
#include "ui/mainwindow.h"
#include "ui/plots/herdstats.h"
#include "ui/plots/plotsview.h"
#include "ui/scenario/scenariopanel.h"
#include "ui/spacetime/spacetimehistory.h"
#include "ui/spacetime/spacetimeview.h"
#include "ui/topology/linkitem.h"
#include "ui/topology/topologyview.h"

using namespace Qt::StringLiterals;
using HerdUi::MainWindow;
using HerdUi::SpaceTimeView;

namespace Shots {

namespace {

// The window, as a person would size it, on a running Alford herd whose
// links are all drawn up.
std::unique_ptr<MainWindow> openWindow(Album &album)
{
    auto window = std::make_unique<MainWindow>();
    window->resize(1500, 950);
    window->show();
    QString error;
    if (!window->openHerd(alfordOnFreePorts(), &error)) {
        album.fail(u"cannot open the herd: "_s + error);
        return nullptr;
    }
    if (!waitUntil(
            album, [&window] { return linksDrawnUp(*window->topology()); }, u"the herd's links up"_s))
        return nullptr;
    return window;
}

// The flood-path lab run to its end, its first hop (Hamilton to Parker,
// held 400 ms on the link) picked in the diagram and lit in the topology.
std::unique_ptr<MainWindow> finishedLab(Album &album)
{
    std::unique_ptr<MainWindow> window = openWindow(album);
    if (!window)
        return nullptr;
    QString error;
    const std::optional<Herd::Scenario> lab = Herd::Scenario::lab(u"flood-path"_s, &error);
    if (!lab || !window->openScenario(*lab, &error)) {
        album.fail(u"cannot open the flood-path lab: "_s + error);
        return nullptr;
    }
    HerdUi::ScenarioPanel *panel = window->scenarioPanel();
    bool finished = false;
    const QObject context; // ends the connection with this function
    QObject::connect(panel, &HerdUi::ScenarioPanel::finished, &context, [&finished] { finished = true; });
    panel->play();
    if (!waitUntil(
            album, [&finished] { return finished; }, u"the flood-path lab's end"_s))
        return nullptr;
    SpaceTimeView *diagram = window->spaceTime();
    for (const HerdUi::SpaceTimeMessage &message : diagram->history().messages()) {
        if (message.from == u"Hamilton" && message.to == u"Parker") {
            diagram->selectMessage(message.id);
            break;
        }
    }
    diagram->showAll();
    diagram->refresh();
    return window;
}

bool screenshot(Album &album)
{
    const std::unique_ptr<MainWindow> window = finishedLab(album);
    return window && album.save(u"screenshot"_s, window.get());
}

bool lamport(Album &album)
{
    const std::unique_ptr<MainWindow> window = finishedLab(album);
    if (!window)
        return false;
    window->spaceTime()->setAxis(SpaceTimeView::Axis::Lamport);
    window->spaceTime()->showAll();
    return album.save(u"lamport"_s, window.get());
}

bool preview(Album &album)
{
    const std::unique_ptr<MainWindow> window = openWindow(album);
    if (!window)
        return false;
    window->faults()->splitAction()->hover();
    return album.save(u"preview"_s, window.get());
}

// Jitter and a flaky link on Alford-Parker (picked), and Bolden's clock
// skewed.
void applyFaults(MainWindow &window)
{
    Herd::Cluster *cluster = window.cluster();
    window.topology()->linkItem(u"Alford"_s, u"Parker"_s)->setSelected(true);
    cluster->setLinkJitter(u"Alford"_s, u"Parker"_s, 250);
    cluster->setLinkFlaky(u"Alford"_s, u"Parker"_s, 3000);
    cluster->setClockSkew(u"Bolden"_s, -1500);
}

bool faultPlots(Album &album)
{
    const std::unique_ptr<MainWindow> window = openWindow(album);
    if (!window)
        return false;
    const int shadesBefore = window->plots()->faultShadeCount();
    applyFaults(*window);
    auto *tabs = window->findChild<QTabWidget *>();
    if (!tabs)
        return album.fail(u"no tabs"_s);
    tabs->setCurrentWidget(window->plots());
    // A few samples, so the fault windows have some width.
    int samples = 0;
    const QObject context; // ends the connection with this function
    QObject::connect(window->stats(), &Herd::HerdStats::sampled, &context, [&samples] { ++samples; });
    return waitUntil(
               album, [&] { return samples >= 3 && window->plots()->faultShadeCount() >= shadesBefore + 3; },
               u"three samples with the faults shaded"_s)
        && album.save(u"fault-plots"_s, window.get());
}

bool faults(Album &album)
{
    const std::unique_ptr<MainWindow> window = openWindow(album);
    if (!window)
        return false;
    applyFaults(*window);
    Herd::Cluster *cluster = window->cluster();
    const QList<QStringList> groups = Herd::Partition::bridge(cluster->config());
    if (groups.isEmpty())
        return album.fail(u"the herd has no bridge node"_s);
    cluster->partition(groups);
    const QString bridgeNode = groups.constFirst().constFirst();
    const HerdUi::LinkItem *bridgeLink =
        window->topology()->linkItem(bridgeNode, cluster->config().neighboursOf(bridgeNode).constFirst());
    return waitUntil(
               album, [bridgeLink] { return bridgeLink->isFullyCut(); }, u"the bridge node cut off"_s)
        && album.save(u"faults"_s, window.get());
}

// Simulated phones sending, a link cut, a node killed, a slow link, and
// the newest update that travelled several hops picked: as a class would
// see it mid-demo. Then each of the other tabs.
bool busy(Album &album)
{
    const std::unique_ptr<MainWindow> window = openWindow(album);
    if (!window)
        return false;
    Herd::Cluster *cluster = window->cluster();
    window->startTraffic(12, 6);
    cluster->setLinkCut(u"Bolden"_s, u"Powell"_s, true);
    cluster->kill(u"Hamilton"_s);
    cluster->setLinkDelay(u"Alford"_s, u"Parker"_s, 400);
    SpaceTimeView *diagram = window->spaceTime();
    const auto pickable = [diagram]() -> quint64 {
        const auto &messages = diagram->history().messages();
        for (auto it = messages.crbegin(); it != messages.crend(); ++it) {
            if (it->outcome == HerdUi::SpaceTimeMessage::Outcome::Stored
                && diagram->history().messagesOfUpdate(it->update).size() >= 3)
                return it->id;
        }
        return 0;
    };
    if (!waitUntil(
            album,
            [&] {
                return window->simulation()->answered() >= 8 && window->topology()->tokensInFlight() > 0
                    && pickable() != 0;
            },
            u"traffic flooding over several hops"_s))
        return false;
    diagram->selectMessage(pickable());
    diagram->showAll();
    bool saved = album.save(u"busy"_s, window.get());
    auto *tabs = window->findChild<QTabWidget *>();
    for (int i = 1; tabs && i < tabs->count(); ++i) {
        tabs->setCurrentIndex(i);
        saved = album.save(u"tab%1"_s.arg(i), window.get()) && saved;
    }
    window->stopTraffic();
    return saved;
}

// The iamat rules checked on the herd on screen, with Bolden's clock set
// 5 s behind so that one verdict fails there; that failure picked. The
// panel alone (docs/window.md's picture), then the whole window.
bool checkPanel(Album &album)
{
    const std::unique_ptr<MainWindow> window = openWindow(album);
    if (!window)
        return false;
    window->cluster()->setClockSkew(u"Bolden"_s, -5000);
    HerdUi::CheckPanel *panel = window->checkPanel();
    auto *tabs = window->findChild<QTabWidget *>();
    if (!tabs)
        return album.fail(u"no tabs"_s);
    tabs->setCurrentWidget(panel);
    panel->setRulePatterns(u"iamat.*"_s);
    bool finished = false;
    const QObject context; // ends the connection with this function
    QObject::connect(panel, &HerdUi::CheckPanel::runFinished, &context, [&finished] { finished = true; });
    if (!panel->run())
        return album.fail(u"the check did not start: "_s + panel->statusText());
    if (!waitUntil(
            album, [&finished] { return finished; }, u"the check's end"_s))
        return false;
    const HerdUi::CheckResultsModel *model = panel->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->result(row).verdict.isFailed())
            panel->resultsView()->selectRow(row);
    }
    QCoreApplication::processEvents(); // the details' layout, for the result picked
    return album.save(u"check-panel"_s, panel) && album.save(u"check-window"_s, window.get());
}

} // namespace

QList<Shot> windowShots()
{
    return {
        {u"screenshot"_s, u"the README's picture: the flood-path lab run, its first hop picked"_s,
         screenshot},
        {u"lamport"_s, u"the same on the Lamport clock"_s, lamport},
        {u"preview"_s, u"Split in Two hovered: the partition previewed"_s, preview},
        {u"fault-plots"_s, u"the Plots tab with jitter, a flaky link and a skewed clock shaded"_s,
         faultPlots},
        {u"faults"_s, u"those faults and the bridge node cut off"_s, faults},
        {u"busy"_s, u"a busy window mid-demo, then each other tab (tab1.png, ...)"_s, busy},
        {u"check-panel"_s, u"the Check panel after a run, a failure picked (and check-window.png)"_s,
         checkPanel},
    };
}

} // namespace Shots
