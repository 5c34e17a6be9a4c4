// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMainWindow>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

#include "herd/config/herdconfig.h"
#include "herd/scenario/scenario.h"
#include "ui/herdviews.h"

class QAction;
class QActionGroup;
class QLabel;
class QMenu;
class QSlider;

namespace Herd {
class Cluster;
class HerdSource;
class HerdStats;
class PlacesSource;
class SimulatedClients;
struct Event;
} // namespace Herd

namespace HerdUi {

class FaultActions;
class TrafficControls;
class ReplayActions;

// The desktop window over one herd: the topology with its flood animation
// and, under it, the space-time diagram; a console, what each node knows
// and the plots beside them, the event log below (HerdViews lays them out
// and wires them). Every action goes through the HerdSource's API, so what
// the window does a test can do.
//
// The herd is usually embedded (a Cluster this window starts), but any
// HerdSource can be shown: a herd of other processes seen through their
// monitors, or a recording replayed (then the actions that need a live
// herd are off).
//
// The window's actions act on the topology's selection; they are in the
// menus, on the tool bar and in the topology's context menus. The fault
// actions (with undo and partition previews) live in FaultActions.
//
// Owns the herd (the source, and for an embedded herd its places source;
// the simulated clients) and rebuilds its views whenever another herd is
// opened.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Starts `config` in place of the current herd. On failure (a port in
    // use, a places file that does not load) it says why in *error and
    // leaves no herd running. `prepare` runs on the cluster once it has
    // started, before its links first connect (a fork restores a moment).
    bool openHerd(const Herd::HerdConfig &config, QString *error,
                  const std::function<void(Herd::Cluster &)> &prepare = {});
    // Like openHerd, but asks the user (or, with `interactive` false, just
    // tries) to run on free ports when the herd's own are taken.
    bool openHerdInteractively(const Herd::HerdConfig &config, bool interactive = true);
    bool saveHerdFile(const QString &path, QString *error) const;
    // Opens the scenario's herd (loopback, ports the system picks, so it
    // never clashes with a herd already running) and shows the scenario,
    // ready to play, in the Scenario tab.
    bool openScenario(const Herd::Scenario &scenario, QString *error);
    // Shows `herd` in place of the current herd, as it is now; `title`
    // names it in the window's title.
    void showHerd(std::unique_ptr<Herd::HerdSource> herd, const QString &title);
    // Shows the herd of `config` running elsewhere, in headless processes
    // whose monitors its nodes name (Herd::AttachedHerd); false, with the
    // reason, if a node names none.
    bool attachHerd(const Herd::HerdConfig &config, QString *error);

    // The herd shown; null without one.
    Herd::HerdSource *herd() const { return m_herd.get(); }
    // The herd shown when it is embedded; null otherwise.
    Herd::Cluster *cluster() const { return m_cluster; }
    Herd::SimulatedClients *simulation() const;
    // The views of the herd running; null without one.
    TopologyView *topology() const { return m_views ? m_views->topology() : nullptr; }
    LogView *logView() const { return m_views ? m_views->logView() : nullptr; }
    ClientConsole *console() const { return m_views ? m_views->console() : nullptr; }
    KnowledgeView *knowledge() const { return m_views ? m_views->knowledge() : nullptr; }
    PlotsView *plots() const { return m_views ? m_views->plots() : nullptr; }
    SpaceTimeView *spaceTime() const { return m_views ? m_views->spaceTime() : nullptr; }
    ScenarioPanel *scenarioPanel() const { return m_views ? m_views->scenarioPanel() : nullptr; }
    NodeInspector *inspector() const { return m_views ? m_views->inspector() : nullptr; }
    CheckPanel *checkPanel() const { return m_views ? m_views->checkPanel() : nullptr; }
    FaultActions *faults() const { return m_faults; }
    ReplayActions *replayActions() const { return m_replay; }
    Herd::HerdStats *stats() const { return m_stats; }
    QString statusText() const;

    void startTraffic(int clients, double perSecond);
    void stopTraffic();
    void setSlowMotion(bool on);
    // In the status bar, and in a dialog unless offscreen.
    void showError(const QString &title, const QString &message);
    // Herd's own executable, which the Check panel's speed rules run for
    // reference figures; empty (tests): the target's figures only.
    void setHerdProgram(const QString &path);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    // Sets the position of each of `config`'s nodes shown in the topology
    // to where it is on screen.
    void takePositionsShown(Herd::HerdConfig &config) const;
    void buildActions();
    void buildMenus();
    void buildToolBar();
    void buildViews();
    void adopt(std::unique_ptr<Herd::HerdSource> herd, const QString &title);
    void tearDown();
    void onEvent(const Herd::Event &event);
    void updateActions();
    void updateStatus();

    void openFile();
    void attachFile();
    void openScenarioFile();
    void openLab(const QString &name);
    void saveFileAs();
    void killSelected();
    void restartSelected();

    Herd::HerdConfig m_config;
    std::unique_ptr<Herd::PlacesSource> m_places; // an embedded herd's; outlives m_herd
    std::unique_ptr<Herd::HerdSource> m_herd;
    Herd::Cluster *m_cluster = nullptr;   // m_herd, when it is embedded
    TrafficControls *m_traffic = nullptr; // owned (child): the simulated phones
    Herd::HerdStats *m_stats = nullptr;   // owned (child), per herd
    FaultActions *m_faults = nullptr;     // owned (child)
    ReplayActions *m_replay = nullptr;    // owned (child)

    HerdViews *m_views = nullptr;             // owned (central widget), rebuilt per herd
    std::optional<Herd::Scenario> m_scenario; // the one shown, for Run Again
    QString m_herdProgram;

    QAction *m_killAction = nullptr;
    QAction *m_restartAction = nullptr;
    QAction *m_pauseAction = nullptr;
    QAction *m_fitAction = nullptr;
    QAction *m_layoutAction = nullptr;
    QAction *m_openAction = nullptr;
    QAction *m_attachAction = nullptr;
    QAction *m_openScenarioAction = nullptr;
    QAction *m_saveAction = nullptr;
    QAction *m_legendAction = nullptr;
    QAction *m_checkAction = nullptr;
    QActionGroup *m_presetGroup = nullptr;
    QMenu *m_nodeMenu = nullptr; // the topology's context menus
    QMenu *m_linkMenu = nullptr;
    QMenu *m_backgroundMenu = nullptr;
    QSlider *m_speed = nullptr;
    QLabel *m_status = nullptr;
    QTimer m_statusTimer;
    quint64 m_peerMessages = 0; // since the last status update
    double m_peerRate = 0;
};

} // namespace HerdUi
