// SPDX-License-Identifier: GPL-3.0-or-later
// The window replaying a recording: the partition-with-resync lab recorded
// with File > Record, opened again, the timeline's cursor just before the
// partition heals (the moment a user would fork from); and that moment's
// plots, with the run up to the cursor.

#include <QTabWidget>
#include <QTemporaryDir>
#include <QtCore/qtestsupport_core.h>

#include <memory>

#include "herd/record/replayherd.h"
#include "herd/scenario/scenario.h"
#include "tools/screenshots/album.h"
#include "ui/mainwindow.h"
#include "ui/plots/plotsview.h"
#include "ui/replay/replayactions.h"
#include "ui/scenario/scenariopanel.h"

using namespace Qt::StringLiterals;
using HerdUi::MainWindow;

namespace Shots {

namespace {

// The lab recorded and opened again, the cursor just before the partition
// heals; null (the album told why) if it cannot be.
std::unique_ptr<MainWindow> replayedLab(Album &album, const QString &path)
{
    auto window = std::make_unique<MainWindow>();
    window->resize(1500, 950);
    window->show();
    QString error;
    const auto lab = Herd::Scenario::lab(u"partition-with-resync"_s, &error);
    if (!lab || !window->openScenario(*lab, &error)
        || !window->replayActions()->startRecording(path, &error)) {
        album.fail(u"cannot record the lab: "_s + error);
        return nullptr;
    }
    bool finished = false;
    QObject context;
    QObject::connect(window->scenarioPanel(), &HerdUi::ScenarioPanel::finished, &context,
                     [&finished] { finished = true; });
    window->scenarioPanel()->play();
    if (!waitUntil(
            album, [&finished] { return finished; }, u"the lab's end"_s))
        return nullptr;
    window->replayActions()->stopRecording();
    if (!window->replayActions()->openRecording({path}, &error)) {
        album.fail(u"cannot open the recording: "_s + error);
        return nullptr;
    }
    Herd::ReplayHerd *replay = window->replayActions()->replay();
    qint64 healNs = replay->endNs();
    for (const Herd::Event &event : replay->recording().events()) {
        if (event.kind == Herd::EventKind::LinkChanged && event.detail.startsWith(u"restored"_s)) {
            healNs = event.timeNs;
            break;
        }
    }
    replay->seekTime(healNs - 1'000'000);
    return window;
}

bool replayTimeline(Album &album)
{
    QTemporaryDir dir;
    const std::unique_ptr<MainWindow> window = replayedLab(album, dir.filePath(u"lab.jsonl"_s));
    if (!window)
        return false;
    QTest::qWait(500); // the new views laid out and drawn, as a person would see them
    return album.save(u"replay-timeline"_s, window.get());
}

// The same moment with the Plots tab in front: the run up to the cursor.
bool replayPlots(Album &album)
{
    QTemporaryDir dir;
    const std::unique_ptr<MainWindow> window = replayedLab(album, dir.filePath(u"lab.jsonl"_s));
    if (!window)
        return false;
    auto *tabs = window->findChild<QTabWidget *>();
    if (!tabs)
        return album.fail(u"no tabs"_s);
    tabs->setCurrentWidget(window->plots());
    QTest::qWait(500);
    return album.save(u"replay-plots"_s, window.get());
}

} // namespace

QList<Shot> replayShots()
{
    return {{u"replay-timeline"_s,
             u"a recorded lab replayed, the timeline's cursor just before the partition heals"_s,
             replayTimeline},
            {u"replay-plots"_s,
             u"the same moment of the replay with the Plots tab: the run up to the cursor"_s, replayPlots}};
}

} // namespace Shots
