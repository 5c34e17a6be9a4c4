// SPDX-License-Identifier: GPL-3.0-or-later
// How long does the window's event loop stall while the herd it shows
// takes 2,000 updates a second? Opens the main window (offscreen unless a
// display is set) on the default herd with OS-picked ports, drives it with
// simulated phones, and samples the gap between ticks of a 5 ms timer: any
// gap well over 5 ms is time the loop was blocked (painting, models, the
// herd itself). Prints the median, p99 and longest gap.
//
// --nodes N opens a random N-node herd (Herd::randomHerd, degree 3, seed 1)
// instead, laid out as the window lays out big herds.
//
//   build/bin/herd-guistall [--rate N] [--seconds S] [--phones P] [--nodes N]

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "herd/cluster.h"
#include "herd/config/randomherd.h"
#include "ui/mainwindow.h"
#include "herd/clients/simulatedclients.h"

int main(int argc, char **argv)
{
    if (!qEnvironmentVariableIsSet("DISPLAY") && !qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption rate(QStringLiteral("rate"), QStringLiteral("Updates per second."),
                                  QStringLiteral("N"), QStringLiteral("2000"));
    const QCommandLineOption seconds(QStringLiteral("seconds"), QStringLiteral("How long to drive it."),
                                     QStringLiteral("S"), QStringLiteral("5"));
    const QCommandLineOption phones(QStringLiteral("phones"), QStringLiteral("Simulated clients."),
                                    QStringLiteral("P"), QStringLiteral("200"));
    const QCommandLineOption nodes(QStringLiteral("nodes"),
                                   QStringLiteral("A random herd of N nodes (0: the default herd)."),
                                   QStringLiteral("N"), QStringLiteral("0"));
    parser.addOptions({rate, seconds, phones, nodes});
    parser.process(app);

    const int randomNodes = parser.value(nodes).toInt();
    auto config = randomNodes > 1 ? std::optional(Herd::randomHerd(randomNodes, 3, 1))
                                  : Herd::HerdConfig::preset(Herd::HerdConfig::defaultPreset(), nullptr);
    for (Herd::NodeConfig &node : config->nodes)
        node.port = 0;
    HerdUi::MainWindow window;
    window.resize(1500, 950);
    window.show();
    QString error;
    if (!window.openHerd(*config, &error)) {
        std::fprintf(stderr, "herd-guistall: %s\n", qPrintable(error));
        return 1;
    }

    std::vector<double> gaps;
    QElapsedTimer clock;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(5);
    qint64 last = -1;
    QObject::connect(&probe, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        if (last >= 0)
            gaps.push_back(double(now - last) / 1e6);
        last = now;
    });

    // Let the links come up before measuring.
    QTimer::singleShot(1000, [&] {
        window.startTraffic(parser.value(phones).toInt(), parser.value(rate).toDouble());
        clock.start();
        probe.start();
        QTimer::singleShot(int(parser.value(seconds).toDouble() * 1000), [&] {
            probe.stop();
            window.stopTraffic();
            app.quit();
        });
    });
    app.exec();

    const quint64 sent = window.simulation()->sent();
    std::sort(gaps.begin(), gaps.end());
    auto at = [&gaps](double q) { return gaps.empty() ? 0.0 : gaps[size_t(q * double(gaps.size() - 1))]; };
    std::printf("updates sent: %llu in %s s (%.0f/s asked), event-loop probe every 5 ms\n",
                static_cast<unsigned long long>(sent), qPrintable(parser.value(seconds)),
                parser.value(rate).toDouble());
    std::printf("gap between probe ticks: median %.2f ms, p99 %.2f ms, longest %.2f ms (%zu samples)\n",
                at(0.5), at(0.99), gaps.empty() ? 0.0 : gaps.back(), gaps.size());
    return 0;
}
