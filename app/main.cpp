// SPDX-License-Identifier: GPL-3.0-or-later
#include <cstdio>

#include <QCoreApplication>

#include "herd/config/herdconfig.h"
#include "app/checkmode.h"
#include "app/options.h"
#include "app/placesservermode.h"
#include "app/replaymode.h"
#include "app/scenariomode.h"
#include "app/servermode.h"
#ifdef HERD_HAVE_GUI
#include "app/guimode.h"
#endif

namespace {

QStringList rawArguments(int argc, char **argv)
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    return arguments;
}

int listPresets()
{
    for (const QString &name : Herd::HerdConfig::presetNames()) {
        QString error;
        const auto config = Herd::HerdConfig::preset(name, &error);
        if (!config)
            continue;
        QStringList links;
        for (const auto &[a, b] : config->links)
            links.append(a + u'-' + b);
        std::printf("%s%s\n  nodes: %s\n  links: %s\n", qPrintable(name),
                    name == Herd::HerdConfig::defaultPreset() ? " (default)" : "",
                    qPrintable(config->nodeNames().join(u", ")), qPrintable(links.join(u", ")));
    }
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    // The front end is chosen before any application object exists.
    QString error;
    const std::optional<Options> options = parseOptions(rawArguments(argc, argv), &error);
    if (!options) {
        std::fprintf(stderr, "herd: %s (see herd --help)\n", qPrintable(error));
        return 2;
    }
#ifdef HERD_HAVE_GUI
    if ((options->mode == Options::Mode::Gui || options->mode == Options::Mode::Attach
         || options->replayInWindow())
        && canShowGui())
        return runGui(argc, argv, *options);
#endif
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("herd"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HERD_VERSION));
    switch (options->mode) {
    case Options::Mode::Help:
        std::fputs(qPrintable(helpText()), stdout);
        return 0;
    case Options::Mode::Version:
        std::printf("herd %s (Qt %s)\n", HERD_VERSION, qVersion());
        return 0;
    case Options::Mode::ListPresets:
        return listPresets();
    case Options::Mode::Scenario:
        return runScenario(*options);
    case Options::Mode::Check:
        return runCheck(*options);
    case Options::Mode::ListRules:
        return listCheckRules();
    case Options::Mode::PlacesServer:
        return runPlacesServer(*options);
    case Options::Mode::Replay:
        return runReplay(*options);
    case Options::Mode::Attach:
#ifdef HERD_HAVE_GUI
        std::fputs("herd: --attach opens the window, and there is no display here (set DISPLAY, or "
                   "QT_QPA_PLATFORM=offscreen)\n",
                   stderr);
#else
        std::fputs("herd: --attach opens the window, and this herd was built without the GUI\n", stderr);
#endif
        return 2;
    case Options::Mode::Gui:
#ifdef HERD_HAVE_GUI
        std::fputs("herd: no display here; running the headless herd (as --server)\n", stdout);
#else
        std::fputs("herd: built without the GUI; running the headless herd (as --server)\n", stdout);
#endif
        [[fallthrough]];
    case Options::Mode::Server:
        return runServer(*options);
    }
    return 0;
}
