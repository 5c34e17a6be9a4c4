// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/replay/replayactions.h"

#include <QAction>
#include <QCoreApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QProgressDialog>
#include <QMenu>
#include <QSaveFile>
#include <QToolBar>

#include "herd/cluster.h"
#include "herd/record/forkmoment.h"
#include "herd/record/recordedscenario.h"
#include "herd/record/recorder.h"
#include "herd/record/replayherd.h"
#include "herd/record/stateevents.h"
#include "ui/mainwindow.h"
#include "ui/replay/timeline.h"

namespace HerdUi {

ReplayActions::ReplayActions(MainWindow *window)
    : QObject(window)
    , m_window(window)
    , m_open(new QAction(tr("Open &Recording..."), this))
    , m_saveScenario(new QAction(tr("Save as Sce&nario..."), this))
    , m_record(new QAction(tr("&Record..."), this))
    , m_fork(new QAction(tr("&Fork Here"), this))
{
    m_open->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    m_open->setStatusTip(
        tr("Replay a recording (herd --record): scrub through the run, fork a herd from it"));
    m_saveScenario->setStatusTip(tr("Write a scenario that runs this recording's reports and faults again"));
    m_record->setCheckable(true);
    m_record->setStatusTip(tr("Record everything this herd does to a file, until unchecked"));
    m_fork->setStatusTip(tr("Start a live herd holding exactly what the nodes held at this moment, "
                            "with the same faults"));
    m_fork->setToolTip(m_fork->statusTip());

    connect(m_open, &QAction::triggered, this, [this] {
        const QStringList paths = QFileDialog::getOpenFileNames(m_window, tr("Open Recording"), {},
                                                                tr("Recordings (*.jsonl);;All files (*)"));
        QString error;
        if (!paths.isEmpty() && !openRecording(paths, &error))
            m_window->showError(tr("Cannot open the recording"), error);
    });
    connect(m_saveScenario, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            m_window, tr("Save as Scenario"), QStringLiteral("scenario.json"), tr("Scenario files (*.json)"));
        QString error;
        if (!path.isEmpty() && !saveScenario(path, &error))
            m_window->showError(tr("Cannot save the scenario"), error);
    });
    connect(m_record, &QAction::triggered, this, [this](bool on) {
        if (!on) {
            stopRecording();
            return;
        }
        const QString path = QFileDialog::getSaveFileName(
            m_window, tr("Record to"), QStringLiteral("recording.jsonl"), tr("Recordings (*.jsonl)"));
        QString error;
        if (path.isEmpty() || !startRecording(path, &error)) {
            m_record->setChecked(false);
            if (!path.isEmpty())
                m_window->showError(tr("Cannot record"), error);
        }
    });
    // Queued: the fork replaces the timeline whose button was clicked.
    connect(
        m_fork, &QAction::triggered, this,
        [this] {
            QString error;
            if (!forkHere(&error))
                m_window->showError(tr("Cannot fork the herd"), error);
        },
        Qt::QueuedConnection);
    updateActions();
}

ReplayActions::~ReplayActions() = default;

void ReplayActions::addTo(QMenu *file)
{
    file->addAction(m_open);
    file->addAction(m_saveScenario);
    file->addAction(m_fork);
    file->addAction(m_record);
}

void ReplayActions::herdShown(Herd::HerdSource *herd)
{
    m_herd = herd;
    m_replay = qobject_cast<Herd::ReplayHerd *>(herd);
    if (m_replay) {
        // Under the views, across the window, as a player's controls are.
        m_bar = new QToolBar(tr("Timeline"), m_window);
        m_bar->setObjectName(QStringLiteral("timelineBar"));
        m_bar->setMovable(false);
        m_timeline = new Timeline(m_replay, m_fork, m_bar);
        m_bar->addWidget(m_timeline);
        m_window->addToolBar(Qt::BottomToolBarArea, m_bar);
        m_bar->show();
    }
    updateActions();
}

void ReplayActions::herdGoing()
{
    stopRecording();
    delete std::exchange(m_bar, nullptr);
    m_timeline = nullptr;
    m_replay = nullptr;
    m_herd = nullptr;
    updateActions();
}

bool ReplayActions::openRecording(const QStringList &paths, QString *error)
{
    // A long recording takes seconds to read: say how far it has got (the
    // dialog shows itself only if it takes a while).
    QProgressDialog progress(tr("Reading the recording..."), QString(), 0, 1000, m_window);
    progress.setWindowTitle(tr("Open Recording"));
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(500);
    std::unique_ptr<Herd::ReplayHerd> replay = Herd::ReplayHerd::open(
        paths, error, [&progress](double fraction) { progress.setValue(qRound(fraction * 1000)); });
    progress.reset();
    if (!replay)
        return false;
    QStringList names;
    for (const QString &path : paths)
        names.append(QFileInfo(path).fileName());
    m_window->showHerd(std::move(replay), tr("replay of %1").arg(names.join(u", ")));
    return true;
}

bool ReplayActions::forkHere(QString *error)
{
    if (!m_replay) {
        if (error)
            *error = tr("no recording is replayed");
        return false;
    }
    // Copied now: opening the fork closes the replay.
    const Herd::HerdMoment moment = m_replay->moment();
    const QList<Herd::InFlightLine> inFlight =
        Herd::inFlightAt(m_replay->recording(), moment, m_replay->cursorNs());
    const double atSeconds = double(m_replay->cursorNs() - m_replay->startNs()) / 1e9;
    const Herd::HerdConfig config = Herd::forkConfig(m_replay->config());
    if (!m_window->openHerd(config, error, [&moment, &inFlight](Herd::Cluster &cluster) {
            Herd::restoreMoment(cluster, moment, inFlight);
        }))
        return false;
    m_window->setWindowTitle(tr("forked at %1 s").arg(atSeconds, 0, 'f', 3));
    return true;
}

bool ReplayActions::saveScenario(const QString &path, QString *error) const
{
    if (!m_replay) {
        if (error)
            *error = tr("no recording is replayed");
        return false;
    }
    const std::optional<QByteArray> scenario =
        Herd::scenarioFromRecording(m_replay->recording(), QFileInfo(path).completeBaseName(), error);
    if (!scenario)
        return false;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(*scenario) != scenario->size() || !file.commit()) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

bool ReplayActions::startRecording(const QString &path, QString *error)
{
    stopRecording();
    if (!m_herd || !m_herd->isLive()) {
        if (error)
            *error = tr("only a running herd can be recorded");
        return false;
    }
    auto recorder = std::make_unique<Herd::Recorder>(path);
    QStringList nodes;
    for (const QString &node : m_herd->config().nodeNames()) {
        if (m_herd->nodeStatus(node))
            nodes.append(node);
    }
    const auto header =
        Herd::RecordingHeader::now(m_herd->config(), QCoreApplication::applicationVersion(), nodes);
    if (!recorder->open(header, error))
        return false;
    // What the herd holds already, so that a replay starts from it.
    for (const Herd::Event &event : Herd::eventsOfState(*m_herd, header.startNs))
        recorder->write(event);
    connect(m_herd, &Herd::HerdSource::eventOccurred, recorder.get(), &Herd::Recorder::write);
    connect(recorder.get(), &Herd::Recorder::writeFailed, this,
            [this](const QString &message) { m_window->showError(tr("Recording stopped"), message); });
    m_recorder = std::move(recorder);
    m_record->setChecked(true);
    return true;
}

void ReplayActions::stopRecording()
{
    if (m_recorder)
        m_recorder->flush();
    m_recorder.reset();
    m_record->setChecked(false);
}

void ReplayActions::updateActions()
{
    m_saveScenario->setEnabled(m_replay != nullptr);
    m_fork->setEnabled(m_replay != nullptr);
    m_record->setEnabled(m_herd && m_herd->isLive());
}

} // namespace HerdUi
