// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/guimode.h"

#include <cstdio>

#include <QApplication>

#include "herd/config/herdconfig.h"
#include "ui/mainwindow.h"
#include "app/options.h"

bool canShowGui()
{
    return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY")
        || qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
}

int runGui(int &argc, char **argv, const Options &options)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("herd"));
    QApplication::setApplicationDisplayName(QStringLiteral("Herd"));
    QApplication::setApplicationVersion(QStringLiteral(HERD_VERSION));
    QString error;
    const bool attach = options.mode == Options::Mode::Attach;
    const std::optional<Herd::HerdConfig> config =
        attach ? Herd::HerdConfig::fromFile(options.attachFile, &error) : herdConfigFor(options, &error);
    if (!config) {
        std::fprintf(stderr, "herd: %s\n", qPrintable(error));
        return 2;
    }
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
