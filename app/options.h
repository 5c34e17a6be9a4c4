// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

#include <optional>

#include "check/report/reports.h"
#include "check/target.h"
#include "herd/monitor/listenaddress.h"

// What the command line asked for. Parsed before any application object
// exists, because it decides between the GUI and the headless server.
struct Options
{
    enum class Mode {
        Gui,
        Server,
        Scenario,
        PlacesServer,
        Check,
        ListRules,
        ListPresets,
        Help,
        Version,
        Replay,
        Attach
    };
    Mode mode = Mode::Gui;
    QString preset; // empty: the default preset, unless configFile is set
    QString configFile;
    QString scenarioFile; // --scenario: the scenario brings its own herd
    QStringList nodes;    // --node, repeatable; empty: all
    QString logDir = QStringLiteral("logs");
    enum class Log { All, Changes, None }; // --log: what the per-node logs hold
    Log log = Log::All;
    QString placesUrl;
    QString placesApi; // "legacy" or "new"; empty: as the herd file says
    QString placesFile;
    int placesTimeoutMs = 0;                                   // 0: as the herd file says
    QString placesServerAddress = QStringLiteral("127.0.0.1"); // --places-server [ADDR:]PORT
    quint16 placesServerPort = 0;                              // 0: one the OS picks
    bool verbose = false;
    std::optional<Herd::ListenAddress> monitor; // --monitor [ADDR:]PORT, with --server
    QString checkFile;                          // --check FILE
    Herd::Check::CheckSettings check;           // --rules, --expect-resync and the bounds
    Herd::Check::ReportFiles checkReports;      // --junit, --json, --markdown
    QString recordFile;                         // --record FILE (--server, --scenario)
    QStringList replayFiles;                    // --replay FILE [FILE...]
    double replayAtSeconds = -1;                // --at SECONDS; -1: the end
    bool replayState = false;                   // --state
    QString saveScenarioFile;                   // --save-scenario OUT
    QString attachFile;                         // --attach FILE
    int threads = 1;                            // --threads N (--server): 1 runs the nodes on main's thread
    // --replay with neither --state nor --save-scenario: the window.
    bool replayInWindow() const { return mode == Mode::Replay && !replayState && saveScenarioFile.isEmpty(); }
};

// Null, with one line saying what is wrong, for a bad command line.
std::optional<Options> parseOptions(const QStringList &arguments, QString *error);
QString helpText();

namespace Herd {
struct HerdConfig;
}

// The herd the options name (preset, file or the default), with the places
// flags applied over the herd file's own settings.
std::optional<Herd::HerdConfig> herdConfigFor(const Options &options, QString *error);
// The places flags applied over a herd's own places settings.
void applyPlacesOptions(const Options &options, Herd::HerdConfig *config);
