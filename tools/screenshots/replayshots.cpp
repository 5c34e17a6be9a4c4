// SPDX-License-Identifier: GPL-3.0-or-later
// The window replaying a recording: the partition-with-resync lab recorded
// with File > Record, opened again, the timeline's cursor just before the
// partition heals (the moment a user would fork from).

#include <QTemporaryDir>
#include <QtCore/qtestsupport_core.h>

#include <memory>

#include "herd/record/replayherd.h"
#include "herd/scenario/scenario.h"
#include "tools/screenshots/album.h"
#include "ui/mainwindow.h"
#include "ui/replay/replayactions.h"
#include "ui/scenario/scenariopanel.h"

using namespace Qt::StringLiterals;
using HerdUi::MainWindow;

namespace Shots {

namespace {

bool replayTimeline(Album &album)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"lab.jsonl"_s);
    auto window = std::make_unique<MainWindow>();
    window->resize(1500, 950);
    window->show();
    QString error;
    const auto lab = Herd::Scenario::lab(u"partition-with-resync"_s, &error);
    if (!lab || !window->openScenario(*lab, &error) || !window->replayActions()->startRecording(path, &error))
        return album.fail(u"cannot record the lab: "_s + error);
    bool finished = false;
    QObject context;
    QObject::connect(window->scenarioPanel(), &HerdUi::ScenarioPanel::finished, &context,
                     [&finished] { finished = true; });
    window->scenarioPanel()->play();
    if (!waitUntil(
            album, [&finished] { return finished; }, u"the lab's end"_s))
        return false;
    window->replayActions()->stopRecording();
    if (!window->replayActions()->openRecording({path}, &error))
        return album.fail(u"cannot open the recording: "_s + error);
    Herd::ReplayHerd *replay = window->replayActions()->replay();
    qint64 healNs = replay->endNs();
    for (const Herd::Event &event : replay->recording().events()) {
        if (event.kind == Herd::EventKind::LinkChanged && event.detail.startsWith(u"restored"_s)) {
            healNs = event.timeNs;
            break;
        }
    }
    replay->seekTime(healNs - 1'000'000);
    QTest::qWait(500); // the new views laid out and drawn, as a person would see them
    return album.save(u"replay-timeline"_s, window.get());
}

} // namespace

QList<Shot> replayShots()
{
    return {{u"replay-timeline"_s,
             u"a recorded lab replayed, the timeline's cursor just before the partition heals"_s,
             replayTimeline}};
}

} // namespace Shots
