// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/guimode.h"

#include <cstdio>

#include <QApplication>

#include "herd/config/herdconfig.h"
#include "herd/places/placesfactory.h"
#include "herd/record/replayherd.h"
#include "herd/threaded/threadedherd.h"
#include "ui/mainwindow.h"
#include "ui/replay/replayactions.h"
#include "app/options.h"

bool canShowGui()
{
    return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY")
        || qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
}

namespace {

// herd --replay FILE...: the recorded herd, with its timeline, at --at or the start.
int runReplayWindow(QApplication &app, const Options &options)
{
    HerdUi::MainWindow window;
    QString error;
    if (!window.replayActions()->openRecording(options.replayFiles, &error)) {
        std::fprintf(stderr, "herd: %s\n", qPrintable(error));
        return 2;
    }
    Herd::ReplayHerd *replay = window.replayActions()->replay();
    if (options.replayAtSeconds >= 0)
        replay->seekTime(replay->startNs() + qint64(options.replayAtSeconds * 1e9));
    window.show();
    return app.exec();
}

// herd --threads N: the herd on N threads of its own, so this thread only
// draws. What needs the embedded Cluster (Fork Here, a scenario's play)
// is off, as for an attached herd.
int runThreadedWindow(QApplication &app, const Options &options, const Herd::HerdConfig &config)
{
    auto herd = std::make_unique<Herd::ThreadedHerd>(
        config, [config] { return Herd::makePlacesSource(config.places, nullptr); });
    QString error;
    if (!herd->start(options.threads, {}, &error)) {
        std::fprintf(stderr, "herd: %s\n", qPrintable(error));
        return 1;
    }
    const QString name = config.name.isEmpty() ? config.nodeNames().join(u", ") : config.name;
    const QString title = QStringLiteral("%1 (on %2 threads)").arg(name).arg(herd->threadCount());
    HerdUi::MainWindow window;
    window.setHerdProgram(QCoreApplication::applicationFilePath());
    window.showHerd(std::move(herd), title);
    window.show();
    return app.exec();
}

} // namespace

int runGui(int &argc, char **argv, const Options &options)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("herd"));
    QApplication::setApplicationDisplayName(QStringLiteral("Herd"));
    QApplication::setApplicationVersion(QStringLiteral(HERD_VERSION));
    QString error;
    if (options.replayInWindow())
        return runReplayWindow(app, options);
    const bool attach = options.mode == Options::Mode::Attach;
    const std::optional<Herd::HerdConfig> config =
        attach ? Herd::HerdConfig::fromFile(options.attachFile, &error) : herdConfigFor(options, &error);
    if (!config) {
        std::fprintf(stderr, "herd: %s\n", qPrintable(error));
        return 2;
    }
    if (options.threads > 1)
        return runThreadedWindow(app, options, *config);
    HerdUi::MainWindow window;
    window.setHerdProgram(QCoreApplication::applicationFilePath());
    if (attach && !window.attachHerd(*config, &error)) {
        std::fprintf(stderr, "herd: %s\n", qPrintable(error));
        return 2;
    }
    window.show();
    if (attach)
        return app.exec();
    if (!window.openHerdInteractively(*config))
        std::fprintf(stderr, "herd: the herd did not start; open another from the Herd menu\n");
    return app.exec();
}
