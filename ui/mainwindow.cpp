// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/mainwindow.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QGraphicsScene>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSaveFile>
#include <QSet>
#include <QSlider>
#include <QSpinBox>
#include <QStatusBar>
#include <QToolBar>

#include <cmath>
#include <utility>

#include "herd/attach/attachedherd.h"
#include "ui/check/checkpanel.h"
#include "ui/faults/faultactions.h"
#include "herd/cluster.h"
#include "ui/plots/herdstats.h"
#include "herd/places/placesfactory.h"
#include "herd/places/placessource.h"
#include "ui/replay/replayactions.h"
#include "ui/scenario/scenariopanel.h"
#include "ui/spacetime/spacetimeview.h"
#include "ui/topology/topologyview.h"
#include "ui/trafficcontrols.h"

using namespace Qt::StringLiterals;

namespace HerdUi {

namespace {

constexpr int StatusIntervalMs = 500;

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("Herd"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/herd.svg")));
    resize(1400, 900);
    m_traffic = new TrafficControls(this);
    m_faults = new FaultActions(this);
    connect(m_faults, &FaultActions::errorOccurred, this, &MainWindow::showError);
    m_replay = new ReplayActions(this);
    buildActions();
    buildMenus();
    buildToolBar();
    m_status = new QLabel(this);
    statusBar()->addPermanentWidget(m_status, 1);
    m_statusTimer.setInterval(StatusIntervalMs);
    connect(&m_statusTimer, &QTimer::timeout, this, &MainWindow::updateStatus);
    m_statusTimer.start();
    updateActions();
}

MainWindow::~MainWindow()
{
    tearDown();
}

void MainWindow::buildActions()
{
    auto make = [this](const QString &text, const QKeySequence &shortcut, const QString &tip) {
        auto *action = new QAction(text, this);
        action->setShortcut(shortcut);
        action->setToolTip(
            shortcut.isEmpty() ? tip : tip + u" (" + shortcut.toString(QKeySequence::NativeText) + u')');
        action->setStatusTip(tip);
        return action;
    };
    m_openAction =
        make(tr("&Open Herd File..."), QKeySequence::Open, tr("Run the herd described by a herd file"));
    m_openScenarioAction =
        make(tr("Open S&cenario..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O),
             tr("Run a scenario file: a herd, and timed steps that break it and check it"));
    m_saveAction = make(tr("&Save Herd File As..."), QKeySequence::SaveAs,
                        tr("Save this herd, with node positions, to a herd file"));
    m_killAction = make(tr("&Kill Node"), QKeySequence(Qt::Key_K),
                        tr("Kill the selected node: its sockets close and its memory is lost"));
    m_restartAction = make(tr("&Restart Node"), QKeySequence(Qt::Key_R),
                           tr("Restart the selected node on its port, knowing nothing"));
    m_pauseAction = make(tr("&Pause Animation"), QKeySequence(Qt::Key_Space),
                         tr("Freeze the animation (the herd keeps running)"));
    m_pauseAction->setCheckable(true);
    m_fitAction = make(tr("Zoom to &Fit"), QKeySequence(Qt::Key_F), tr("Show the whole herd"));
    m_layoutAction =
        make(tr("Automatic &Layout"), {}, tr("Place every node again, as for a herd file without positions"));
    m_legendAction =
        make(tr("&Legend"), QKeySequence(Qt::Key_L), tr("Show or hide the key to the topology's drawing"));
    m_legendAction->setCheckable(true);
    m_legendAction->setChecked(true);
    m_checkAction = make(tr("C&heck Herd"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C),
                         tr("Grade the herd on screen, or a herd file, by the rules of herd --check"));
    connect(m_checkAction, &QAction::triggered, this, [this] {
        if (m_views)
            m_views->showCheckPanel();
    });
    connect(m_legendAction, &QAction::toggled, this, [this](bool on) {
        if (topology())
            topology()->setLegendVisible(on);
    });

    m_attachAction = make(tr("&Attach to Running Herd..."), {},
                          tr("Show a herd that runs headless elsewhere, through its processes' monitors"));
    connect(m_attachAction, &QAction::triggered, this, &MainWindow::attachFile);
    connect(m_openAction, &QAction::triggered, this, &MainWindow::openFile);
    connect(m_openScenarioAction, &QAction::triggered, this, &MainWindow::openScenarioFile);
    connect(m_saveAction, &QAction::triggered, this, &MainWindow::saveFileAs);
    connect(m_killAction, &QAction::triggered, this, &MainWindow::killSelected);
    connect(m_restartAction, &QAction::triggered, this, &MainWindow::restartSelected);
    connect(m_pauseAction, &QAction::toggled, this, [this](bool paused) {
        if (topology())
            topology()->setPaused(paused);
    });
    connect(m_fitAction, &QAction::triggered, this, [this] {
        if (topology())
            topology()->zoomToFit();
    });
    connect(m_layoutAction, &QAction::triggered, this, [this] {
        if (topology())
            topology()->relayout();
    });

    m_presetGroup = new QActionGroup(this);
    for (const QString &name : Herd::HerdConfig::presetNames()) {
        const auto preset = Herd::HerdConfig::preset(name, nullptr);
        auto *action = new QAction(preset ? preset->nodeNames().join(u", ") : name, m_presetGroup);
        action->setData(name);
        action->setCheckable(true);
        connect(action, &QAction::triggered, this, [this, name] {
            QString error;
            if (auto config = Herd::HerdConfig::preset(name, &error))
                openHerdInteractively(*config);
            else
                showError(tr("Built-in herd"), error);
        });
    }
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_openAction);
    file->addAction(m_attachAction);
    file->addAction(m_saveAction);
    file->addSeparator();
    file->addAction(m_openScenarioAction);
    QMenu *labs = file->addMenu(tr("&Labs"));
    for (const QString &name : Herd::Scenario::labNames()) {
        QAction *lab = labs->addAction(name, this, [this, name] { openLab(name); });
        // The lab's own description says what it teaches.
        if (const auto scenario = Herd::Scenario::lab(name, nullptr)) {
            lab->setStatusTip(scenario->description.section(u". "_s, 0, 0) + u'.');
            lab->setToolTip(scenario->description);
        }
    }
    labs->setToolTipsVisible(true);
    file->addSeparator();
    m_replay->addTo(file);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addActions({m_faults->undoAction(), m_faults->redoAction()});
    QMenu *herd = menuBar()->addMenu(tr("&Herd"));
    QMenu *presets = herd->addMenu(tr("Built-in &Herds"));
    presets->addActions(m_presetGroup->actions());
    herd->addAction(m_checkAction);
    herd->addSeparator();
    herd->addActions({m_killAction, m_restartAction, m_faults->isolateAction(), m_faults->clockSkewAction()});
    herd->addSeparator();
    herd->addActions({m_faults->cutAction(), m_faults->restoreAction(), m_faults->delayAction(),
                      m_faults->jitterAction(), m_faults->flakyAction()});
    herd->addSeparator();
    herd->addActions({m_faults->splitAction(), m_faults->bridgeAction(), m_faults->ringAction()});
    herd->addSeparator();
    herd->addActions({m_faults->healAction(), m_faults->clearAction(), m_faults->slowMotionAction()});
    m_faults->watchMenu(herd);
    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addActions({m_pauseAction, m_fitAction, m_layoutAction, m_legendAction});
    QMenu *traffic = menuBar()->addMenu(tr("&Traffic"));
    traffic->addAction(m_traffic->action());

    // The topology's context menus: the same actions, on the node or link
    // right-clicked (the topology selects it first).
    m_nodeMenu = new QMenu(this);
    m_nodeMenu->addActions({m_killAction, m_restartAction});
    m_nodeMenu->addSeparator();
    m_nodeMenu->addActions({m_faults->isolateAction(), m_faults->clockSkewAction()});
    m_faults->watchMenu(m_nodeMenu);
    m_linkMenu = new QMenu(this);
    m_linkMenu->addActions({m_faults->cutAction(), m_faults->restoreAction()});
    m_linkMenu->addSeparator();
    m_linkMenu->addActions({m_faults->delayAction(), m_faults->jitterAction(), m_faults->flakyAction()});
    for (QMenu *menu : {m_nodeMenu, m_linkMenu})
        connect(menu, &QMenu::aboutToShow, this, &MainWindow::updateActions);
    m_backgroundMenu = new QMenu(this);
    m_backgroundMenu->addActions({m_fitAction, m_layoutAction});
}

void MainWindow::buildToolBar()
{
    QToolBar *bar = addToolBar(tr("Herd"));
    bar->setObjectName(QStringLiteral("herdToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->setMovable(false);
    bar->addActions({m_killAction, m_restartAction, m_faults->isolateAction()});
    bar->addSeparator();
    bar->addActions({m_faults->cutAction(), m_faults->restoreAction(), m_faults->delayAction()});
    bar->addSeparator();
    bar->addActions({m_faults->splitAction(), m_faults->healAction(), m_faults->slowMotionAction()});
    bar->addSeparator();
    bar->addAction(m_pauseAction);
    bar->addWidget(new QLabel(tr(" Speed "), bar));
    m_speed = new QSlider(Qt::Horizontal, bar);
    m_speed->setRange(-10, 10); // 2^(v/5): 0.25x .. 4x
    m_speed->setValue(0);
    m_speed->setFixedWidth(110);
    m_speed->setToolTip(tr("Animation speed"));
    connect(m_speed, &QSlider::valueChanged, this, [this](int value) {
        if (topology())
            topology()->setAnimationSpeed(std::pow(2.0, value / 5.0));
    });
    bar->addWidget(m_speed);
    bar->addSeparator();
    m_traffic->addTo(bar);
    m_faults->watchToolBar(bar);
}

void MainWindow::buildViews()
{
    m_stats = new Herd::HerdStats(m_herd.get(), this);
    m_views = new HerdViews(m_herd.get(), m_stats, this);
    setCentralWidget(m_views);
    m_views->topology()->setLegendVisible(m_legendAction->isChecked());
    m_views->topology()->setContextMenus(m_nodeMenu, m_linkMenu, m_backgroundMenu);
    m_views->checkPanel()->setHerdProgram(m_herdProgram);
    connect(m_views->topology()->scene(), &QGraphicsScene::selectionChanged, this,
            &MainWindow::updateActions);
    connect(m_views->scenarioPanel(), &ScenarioPanel::runAgainRequested, this, [this] {
        if (!m_scenario)
            return;
        // Queued: this panel goes with the old herd's views.
        QTimer::singleShot(0, this, [this] {
            if (!m_scenario)
                return;
            const Herd::Scenario scenario = *m_scenario; // openScenario replaces m_scenario
            QString error;
            if (!openScenario(scenario, &error))
                showError(tr("Cannot run the scenario"), error);
        });
    });
}

void MainWindow::tearDown()
{
    m_replay->herdGoing();
    m_traffic->setHerd(nullptr);
    m_faults->setHerd(nullptr, nullptr);
    // Views hold borrowed pointers into the cluster: they go first.
    delete std::exchange(m_views, nullptr);
    setCentralWidget(nullptr);
    delete m_stats;
    m_stats = nullptr;
    m_cluster = nullptr;
    m_herd.reset();
    m_places.reset();
}

bool MainWindow::openHerd(const Herd::HerdConfig &config, QString *error,
                          const std::function<void(Herd::Cluster &)> &prepare)
{
    tearDown();
    m_places = Herd::makePlacesSource(config.places, error);
    if (!m_places)
        return false;
    auto cluster = std::make_unique<Herd::Cluster>(config, m_places.get());
    if (!cluster->start({}, error)) {
        tearDown();
        return false;
    }
    if (prepare)
        prepare(*cluster);
    Herd::Cluster *embedded = cluster.get();
    adopt(std::move(cluster), config.name.isEmpty() ? config.nodeNames().join(u", ") : config.name);
    m_cluster = embedded;
    updateActions();
    return true;
}

bool MainWindow::attachHerd(const Herd::HerdConfig &config, QString *error)
{
    const QStringList missing = Herd::AttachedHerd::missingMonitors(config);
    if (!missing.isEmpty()) {
        *error = tr("to attach, every node names its process's monitor (\"monitor\": \"ADDR:PORT\" in the "
                    "herd file); these do not: %1")
                     .arg(missing.join(u", "));
        return false;
    }
    auto attached = std::make_unique<Herd::AttachedHerd>(config);
    attached->start();
    showHerd(std::move(attached),
             tr("%1 (attached)").arg(config.name.isEmpty() ? config.nodeNames().join(u", ") : config.name));
    return true;
}

void MainWindow::showHerd(std::unique_ptr<Herd::HerdSource> herd, const QString &title)
{
    tearDown();
    adopt(std::move(herd), title);
}

void MainWindow::adopt(std::unique_ptr<Herd::HerdSource> herd, const QString &title)
{
    m_herd = std::move(herd);
    m_config = m_herd->config();
    connect(m_herd.get(), &Herd::HerdSource::eventOccurred, this, &MainWindow::onEvent);
    connect(m_herd.get(), &Herd::HerdSource::sightChanged, this, &MainWindow::updateActions);
    // Views read the state as it is now and follow the events from here on.
    buildViews();
    m_faults->setHerd(m_herd->isLive() ? m_herd.get() : nullptr, topology());
    m_replay->herdShown(m_herd.get());
    m_traffic->setHerd(m_herd.get());
    setWindowTitle(title);
    for (QAction *action : m_presetGroup->actions()) {
        const auto preset = Herd::HerdConfig::preset(action->data().toString(), nullptr);
        action->setChecked(preset && preset->nodeNames() == m_config.nodeNames()
                           && preset->links == m_config.links);
    }
    updateActions();
    updateStatus();
}

bool MainWindow::openHerdInteractively(const Herd::HerdConfig &config, bool interactive)
{
    m_scenario.reset(); // a herd of its own, not a scenario's
    QString error;
    if (openHerd(config, &error))
        return true;
    if (!error.contains(u"cannot listen")) {
        showError(tr("Cannot start the herd"), error);
        return false;
    }
    // Usually another herd (a headless one, say) holds the preset's ports.
    const bool retry = !interactive
        || QMessageBox::question(
               this, tr("Port in use"),
               tr("%1\n\nRun this herd on free ports chosen by the system instead?").arg(error))
            == QMessageBox::Yes;
    if (!retry)
        return false;
    Herd::HerdConfig freePorts = config;
    for (Herd::NodeConfig &node : freePorts.nodes)
        node.port = 0;
    if (openHerd(freePorts, &error))
        return true;
    showError(tr("Cannot start the herd"), error);
    return false;
}

void MainWindow::takePositionsShown(Herd::HerdConfig &config) const
{
    if (!topology())
        return;
    const QHash<QString, QPointF> positions = topology()->nodePositions();
    for (Herd::NodeConfig &node : config.nodes) {
        if (const auto it = positions.constFind(node.name); it != positions.cend())
            node.position = std::pair {it->x(), it->y()};
    }
}

bool MainWindow::saveHerdFile(const QString &path, QString *error) const
{
    Herd::HerdConfig config = m_config;
    takePositionsShown(config);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(config.toJson()) < 0 || !file.commit()) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

void MainWindow::attachFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Attach to Running Herd"), {},
                                                      tr("Herd files (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    const std::optional<Herd::HerdConfig> config = Herd::HerdConfig::fromFile(path, &error);
    if (!config || !attachHerd(*config, &error))
        showError(tr("Cannot attach"), error);
}

void MainWindow::openFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Herd File"), {},
                                                      tr("Herd files (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    if (const auto config = Herd::HerdConfig::fromFile(path, &error))
        openHerdInteractively(*config);
    else
        showError(tr("Cannot open the herd file"), error);
}

bool MainWindow::openScenario(const Herd::Scenario &scenario, QString *error)
{
    Herd::HerdConfig config = scenario.herd;
    for (Herd::NodeConfig &node : config.nodes) {
        node.host = QStringLiteral("127.0.0.1");
        node.port = 0;
    }
    // The same nodes as on screen (Run Again, or another lab on this herd):
    // they stay where the user put them.
    const QStringList shown = m_config.nodeNames();
    const QStringList wanted = config.nodeNames();
    if (QSet<QString>(shown.cbegin(), shown.cend()) == QSet<QString>(wanted.cbegin(), wanted.cend()))
        takePositionsShown(config);
    if (!openHerd(config, error)) {
        m_scenario.reset();
        return false;
    }
    m_scenario = scenario;
    m_views->showScenario(scenario, m_cluster);
    setWindowTitle(tr("scenario %1").arg(scenario.name));
    return true;
}

void MainWindow::openScenarioFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Scenario"), {},
                                                      tr("Scenario files (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    const auto scenario = Herd::Scenario::fromFile(path, &error);
    if (!scenario || !openScenario(*scenario, &error))
        showError(tr("Cannot open the scenario"), error);
}

void MainWindow::openLab(const QString &name)
{
    QString error;
    const auto scenario = Herd::Scenario::lab(name, &error);
    if (!scenario || !openScenario(*scenario, &error))
        showError(tr("Cannot open the lab"), error);
}

void MainWindow::saveFileAs()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Herd File"), QStringLiteral("herd.json"),
                                                      tr("Herd files (*.json)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!saveHerdFile(path, &error))
        showError(tr("Cannot save the herd file"), error);
}

void MainWindow::killSelected()
{
    if (topology() && !topology()->selectedNode().isEmpty())
        m_herd->kill(topology()->selectedNode());
}

void MainWindow::restartSelected()
{
    if (!topology() || topology()->selectedNode().isEmpty())
        return;
    QString error;
    if (!m_herd->restart(topology()->selectedNode(), &error))
        showError(tr("Restart"), error);
}

void MainWindow::setHerdProgram(const QString &path)
{
    m_herdProgram = path;
    if (m_views)
        m_views->checkPanel()->setHerdProgram(path);
}

void MainWindow::setSlowMotion(bool on)
{
    m_faults->setSlowMotion(on);
}

void MainWindow::startTraffic(int clients, double perSecond)
{
    m_traffic->start(clients, perSecond);
}

void MainWindow::stopTraffic()
{
    m_traffic->stop();
}

Herd::SimulatedClients *MainWindow::simulation() const
{
    return m_traffic->simulation();
}

void MainWindow::onEvent(const Herd::Event &event)
{
    if (event.kind == Herd::EventKind::LineSent && event.viaPeerLink)
        ++m_peerMessages;
    using K = Herd::EventKind;
    if (event.kind == K::NodeStarted || event.kind == K::NodeStopped)
        updateActions();
    // Nodes and cut links in the status bar change at once, not at the next
    // tick of the rate timer (those events are rare, so this costs nothing).
    if (event.kind == K::NodeStarted || event.kind == K::NodeStopped || event.kind == K::LinkChanged)
        m_status->setText(statusText());
}

void MainWindow::updateActions()
{
    const bool haveHerd = m_herd != nullptr;
    const bool live = haveHerd && m_herd->isLive();
    const QString node = topology() ? topology()->selectedNode() : QString();
    const std::optional<Herd::NodeStatus> selected =
        live && !node.isEmpty() ? m_herd->nodeStatus(node) : std::nullopt;
    m_killAction->setEnabled(selected && selected->running);
    m_restartAction->setEnabled(selected && !selected->running);
    m_faults->updateActions();
    for (QAction *action : {m_pauseAction, m_fitAction, m_layoutAction, m_saveAction})
        action->setEnabled(haveHerd);
    m_checkAction->setEnabled(live);
}

QString MainWindow::statusText() const
{
    if (!m_herd)
        return tr("No herd running");
    int running = 0;
    int seen = 0;
    int outOfSight = 0;
    qsizetype clients = 0;
    for (const QString &node : m_config.nodeNames()) {
        seen += m_herd->nodeStatus(node) ? 1 : 0;
        outOfSight += m_herd->isOutOfSight(node) ? 1 : 0;
        if (m_herd->isRunning(node)) {
            ++running;
            clients = qMax(clients, m_herd->recordCount(node));
        }
    }
    int cut = 0;
    for (const auto &[a, b] : m_config.links) {
        if (m_herd->isLinkCut(a, b) || m_herd->isLinkCut(b, a))
            ++cut;
    }
    QString text = tr("%1 of %2 nodes running · %3 links, %4 cut · ")
                       .arg(running)
                       .arg(seen)
                       .arg(m_config.links.size())
                       .arg(cut);
    text += clients == 1 ? tr("1 client known") : tr("%1 clients known").arg(clients);
    text += tr(" · %1 peer messages/s").arg(qRound(m_peerRate));
    if (outOfSight > 0)
        text += tr(" · %1 not monitored").arg(outOfSight);
    text += m_traffic->statusText();
    return text;
}

void MainWindow::updateStatus()
{
    m_peerRate = double(m_peerMessages) * 1000.0 / StatusIntervalMs;
    m_peerMessages = 0;
    m_status->setText(statusText());
    const std::optional<Herd::ClockSpread> clocks = m_herd ? m_herd->clockSpread() : std::nullopt;
    if (clocks && spaceTime()) {
        const QString bound = QString::number(double(clocks->worstUncertaintyNs) / 1e6, 'f', 1);
        spaceTime()->setClockNote(
            tr("clocks ±%1 ms").arg(bound),
            tr("Events from %1 processes, each stamped by its own clock and moved onto this window's "
               "clock by that process's offset, estimated from round trips to its monitor. The worst "
               "may still be off by ±%2 ms, so two events closer than that on different processes "
               "may be drawn in the wrong order. The Lamport axis needs no clocks.")
                .arg(clocks->processes)
                .arg(bound));
    }
}

void MainWindow::showError(const QString &title, const QString &message)
{
    statusBar()->showMessage(message, 10'000);
    if (QApplication::platformName() != u"offscreen")
        QMessageBox::warning(this, title, message);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    tearDown();
    event->accept();
}

} // namespace HerdUi
