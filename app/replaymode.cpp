// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/replaymode.h"

#include <cstdio>

#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

#include "app/console.h"
#include "app/options.h"
#include "herd/record/momentjson.h"
#include "herd/record/recordedscenario.h"
#include "herd/record/recording.h"
#include "herd/record/replaystate.h"

namespace {

int saveScenario(const Herd::Recording &recording, const QString &path)
{
    QString error;
    const std::optional<QByteArray> scenario =
        Herd::scenarioFromRecording(recording, QFileInfo(path).completeBaseName(), &error);
    if (!scenario) {
        printLine(stderr, u"herd: --save-scenario: " + error);
        return 2;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(*scenario) != scenario->size() || !file.commit()) {
        printLine(stderr, QStringLiteral("herd: cannot write scenario %1: %2").arg(path, file.errorString()));
        return 1;
    }
    printLine(stderr, QStringLiteral("herd: scenario written to %1").arg(path));
    return 0;
}

} // namespace

int runReplay(const Options &options)
{
    QString error;
    const std::optional<Herd::Recording> recording = Herd::Recording::open(options.replayFiles, &error);
    if (!recording) {
        printLine(stderr, u"herd: " + error);
        return 2;
    }
    for (const QString &note : recording->notes())
        printLine(stderr, u"herd: note: " + note);
    // Read first, so a file that is not a recording is named as such with
    // or without a window.
    if (options.replayInWindow()) {
        printLine(stderr,
                  QStringLiteral("herd: --replay alone opens the window, and there is none here (no "
                                 "display, or built without the GUI); add --state to print the "
                                 "herd as JSON, or --save-scenario OUT"));
        return 2;
    }
    if (!options.saveScenarioFile.isEmpty()) {
        if (const int status = saveScenario(*recording, options.saveScenarioFile);
            status != 0 || !options.replayState)
            return status;
    }
    const qint64 lengthNs = recording->endNs() - recording->startNs();
    const bool atEnd = options.replayAtSeconds < 0;
    const qint64 atNs = atEnd ? lengthNs : qint64(options.replayAtSeconds * 1e9);
    if (atNs > lengthNs) {
        printLine(stderr,
                  QStringLiteral("herd: note: --at %1 is past the recording's end (%2 s); "
                                 "printing the end")
                      .arg(options.replayAtSeconds)
                      .arg(double(lengthNs) / 1e9));
    }
    Herd::ReplayState replay(*recording);
    const Herd::HerdMoment &moment = replay.seekTime(recording->startNs() + atNs);
    const QJsonObject json = Herd::momentToJson(moment, double(std::min(atNs, lengthNs)) / 1e9);
    std::fputs(QJsonDocument(json).toJson(QJsonDocument::Indented).constData(), stdout);
    std::fflush(stdout);
    return 0;
}
