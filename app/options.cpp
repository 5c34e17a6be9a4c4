// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/options.h"

#include <QCommandLineParser>
#include <QHostAddress>

#include "herd/config/herdconfig.h"

namespace {

QCommandLineOption option(const QStringList &names, const char *valueName = nullptr)
{
    QCommandLineOption result(names);
    if (valueName)
        result.setValueName(QString::fromLatin1(valueName));
    return result;
}

QString notListenAddress(const QCommandLineOption &option, const QString &value)
{
    return QStringLiteral("--%1: \"%2\" is not [ADDR:]PORT (ADDR an IP address such as 127.0.0.1 or "
                          "0.0.0.0, PORT a number from 0 to 65535)")
        .arg(option.names().constFirst(), value);
}

// The check's own flags, read after --check FILE.
bool readCheckOptions(const QCommandLineParser &parser, Options *options, QString *error)
{
    Herd::Check::CheckSettings &check = options->check;
    for (const QString &value : parser.values(QStringLiteral("rules"))) {
        for (const QString &pattern : value.split(u',', Qt::SkipEmptyParts))
            check.rulePatterns.append(pattern.trimmed());
    }
    check.expectResync = parser.isSet(QStringLiteral("expect-resync"));
    options->nodes = parser.values(QStringLiteral("node"));
    check.listenerNode = parser.value(QStringLiteral("listener"));
    check.workDir = parser.value(QStringLiteral("node-logs"));
    options->checkReports = {parser.value(QStringLiteral("junit")), parser.value(QStringLiteral("json")),
                             parser.value(QStringLiteral("markdown"))};
    const std::pair<const char *, int *> bounds[] = {
        {"reply-timeout", &check.replyTimeoutMs},
        {"flood-bound", &check.floodBoundMs},
        {"clock-tolerance", &check.clockToleranceMs},
        {"start-timeout", &check.startTimeoutMs},
    };
    for (const auto &[name, out] : bounds) {
        const QString flag = QString::fromLatin1(name);
        if (!parser.isSet(flag))
            continue;
        bool ok = false;
        const int value = parser.value(flag).toInt(&ok);
        if (!ok || value < 1 || value > 600'000) {
            if (error)
                *error =
                    QStringLiteral("--%1 must be a whole number of milliseconds from 1 to 600000, not \"%2\"")
                        .arg(flag, parser.value(flag));
            return false;
        }
        *out = value;
    }
    const std::pair<const char *, double *> thresholds[] = {
        {"min-iamat-rate", &check.minIamatRate},
        {"max-p99-ms", &check.maxP99Ms},
        {"max-flood-ms", &check.maxFloodMs},
    };
    for (const auto &[name, out] : thresholds) {
        const QString flag = QString::fromLatin1(name);
        if (!parser.isSet(flag))
            continue;
        bool ok = false;
        const double value = parser.value(flag).toDouble(&ok);
        if (!ok || !(value > 0) || value > 1e9) {
            if (error)
                *error =
                    QStringLiteral("--%1 must be a number above 0, not \"%2\"").arg(flag, parser.value(flag));
            return false;
        }
        *out = value;
    }
    return true;
}

// --replay FILE [FILE...] [--at SECONDS|end], with --state and/or --save-scenario OUT, or
// neither (the window): nothing else.
bool readReplayOptions(const QCommandLineParser &parser, const QList<const QCommandLineOption *> &others,
                       Options *options, QString *error)
{
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    for (const QCommandLineOption *other : others) {
        if (parser.isSet(*other))
            return fail(QStringLiteral("--replay reads a recording and runs no herd; drop --%1")
                            .arg(other->names().constFirst()));
    }
    options->replayState = parser.isSet(QStringLiteral("state"));
    options->saveScenarioFile = parser.value(QStringLiteral("save-scenario"));
    if (parser.isSet(QStringLiteral("save-scenario")) && options->saveScenarioFile.isEmpty())
        return fail(QStringLiteral("--save-scenario needs a file name"));
    options->mode = Options::Mode::Replay;
    options->replayFiles = parser.values(QStringLiteral("replay")) + parser.positionalArguments();
    if (options->replayFiles.contains(QString()))
        return fail(QStringLiteral("--replay needs a recording file"));
    const QString at = parser.value(QStringLiteral("at"));
    if (at.isEmpty() || at == u"end")
        return true;
    bool ok = false;
    options->replayAtSeconds = at.toDouble(&ok);
    if (!ok || !(options->replayAtSeconds >= 0) || options->replayAtSeconds > 1e9)
        return fail(QStringLiteral("--at must be seconds from the recording's start (0 or more) or \"end\", "
                                   "not \"%1\"")
                        .arg(at));
    return true;
}

} // namespace

std::optional<Options> parseOptions(const QStringList &arguments, QString *error)
{
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption server = option({QStringLiteral("server")});
    const QCommandLineOption scenario = option({QStringLiteral("scenario")}, "FILE");
    const QCommandLineOption preset = option({QStringLiteral("preset")}, "NAME");
    const QCommandLineOption config = option({QStringLiteral("config")}, "FILE");
    const QCommandLineOption node = option({QStringLiteral("node")}, "NAME");
    const QCommandLineOption logDir = option({QStringLiteral("log-dir")}, "DIR");
    const QCommandLineOption log = option({QStringLiteral("log")}, "WHAT");
    const QCommandLineOption placesUrl = option({QStringLiteral("places-url")}, "URL");
    const QCommandLineOption placesApi = option({QStringLiteral("places-api")}, "API");
    const QCommandLineOption placesFile = option({QStringLiteral("places-file")}, "FILE");
    const QCommandLineOption placesTimeout = option({QStringLiteral("places-timeout")}, "MS");
    const QCommandLineOption placesServer = option({QStringLiteral("places-server")}, "[ADDR:]PORT");
    const QCommandLineOption monitor = option({QStringLiteral("monitor")}, "[ADDR:]PORT");
    const QCommandLineOption check = option({QStringLiteral("check")}, "FILE");
    const QCommandLineOption rules = option({QStringLiteral("rules")}, "PATTERN");
    const QCommandLineOption listRules = option({QStringLiteral("list-rules")});
    const QCommandLineOption expectResync = option({QStringLiteral("expect-resync")});
    const QCommandLineOption listener = option({QStringLiteral("listener")}, "NAME");
    const QCommandLineOption nodeLogs = option({QStringLiteral("node-logs")}, "DIR");
    const QCommandLineOption junit = option({QStringLiteral("junit")}, "FILE");
    const QCommandLineOption json = option({QStringLiteral("json")}, "FILE");
    const QCommandLineOption markdown = option({QStringLiteral("markdown")}, "FILE");
    const QCommandLineOption replyTimeout = option({QStringLiteral("reply-timeout")}, "MS");
    const QCommandLineOption floodBound = option({QStringLiteral("flood-bound")}, "MS");
    const QCommandLineOption clockTolerance = option({QStringLiteral("clock-tolerance")}, "MS");
    const QCommandLineOption startTimeout = option({QStringLiteral("start-timeout")}, "MS");
    const QCommandLineOption minIamatRate = option({QStringLiteral("min-iamat-rate")}, "N");
    const QCommandLineOption maxP99 = option({QStringLiteral("max-p99-ms")}, "MS");
    const QCommandLineOption maxFlood = option({QStringLiteral("max-flood-ms")}, "MS");
    const QCommandLineOption listPresets = option({QStringLiteral("list-presets")});
    const QCommandLineOption verbose = option({QStringLiteral("verbose")});
    const QCommandLineOption record = option({QStringLiteral("record")}, "FILE");
    const QCommandLineOption replay = option({QStringLiteral("replay")}, "FILE");
    const QCommandLineOption at = option({QStringLiteral("at")}, "SECONDS");
    const QCommandLineOption state = option({QStringLiteral("state")});
    const QCommandLineOption saveScenario = option({QStringLiteral("save-scenario")}, "OUT");
    const QCommandLineOption attach = option({QStringLiteral("attach")}, "FILE");
    const QCommandLineOption threads = option({QStringLiteral("threads")}, "N");
    const QCommandLineOption help = option({QStringLiteral("h"), QStringLiteral("help")});
    const QCommandLineOption version = option({QStringLiteral("version")});
    parser.addOptions(
        {server,         scenario,     preset,      config,        node,         logDir,       log,
         placesUrl,      placesApi,    placesFile,  placesTimeout, placesServer, check,        rules,
         listRules,      expectResync, junit,       json,          markdown,     replyTimeout, floodBound,
         clockTolerance, startTimeout, listPresets, verbose,       help,         version,      listener,
         nodeLogs,       minIamatRate, maxP99,      maxFlood,      record,       replay,       at,
         state,          saveScenario, monitor});
    parser.addOption(attach);
    parser.addOption(threads);

    auto fail = [error](const QString &message) -> std::optional<Options> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    if (!parser.parse(arguments))
        return fail(parser.errorText());
    if (parser.isSet(replay)) {
        Options options;
        if (!readReplayOptions(parser,
                               {&server, &scenario, &preset, &config, &node, &logDir, &log, &placesUrl,
                                &placesApi, &placesFile, &placesTimeout, &placesServer, &check, &listRules,
                                &verbose, &record, &threads},
                               &options, error))
            return std::nullopt;
        return options;
    }
    if (parser.isSet(attach)) {
        for (const QCommandLineOption *other :
             {&server,    &scenario,  &preset,     &config,        &node,         &logDir, &log,
              &placesUrl, &placesApi, &placesFile, &placesTimeout, &placesServer, &check,  &listRules,
              &record,    &monitor,   &at,         &state,         &saveScenario, &threads}) {
            if (parser.isSet(*other))
                return fail(
                    QStringLiteral("--attach shows a herd that runs elsewhere and runs none; drop --%1")
                        .arg(other->names().constFirst()));
        }
        Options options;
        options.mode = Options::Mode::Attach;
        options.attachFile = parser.value(attach);
        if (options.attachFile.isEmpty() || parser.values(attach).size() > 1)
            return fail(QStringLiteral("--attach needs one herd file, whose nodes name their monitors"));
        if (!parser.positionalArguments().isEmpty())
            return fail(
                QStringLiteral("unexpected argument \"%1\"").arg(parser.positionalArguments().first()));
        return options;
    }
    for (const QCommandLineOption *replayOnly : {&at, &state, &saveScenario}) {
        if (parser.isSet(*replayOnly))
            return fail(
                QStringLiteral("--%1 only makes sense with --replay").arg(replayOnly->names().constFirst()));
    }
    if (!parser.positionalArguments().isEmpty())
        return fail(QStringLiteral("unexpected argument \"%1\"").arg(parser.positionalArguments().first()));

    Options options;
    if (parser.isSet(help))
        options.mode = Options::Mode::Help;
    else if (parser.isSet(version))
        options.mode = Options::Mode::Version;
    else if (parser.isSet(listPresets))
        options.mode = Options::Mode::ListPresets;
    else if (parser.isSet(listRules))
        options.mode = Options::Mode::ListRules;
    else if (parser.isSet(check))
        options.mode = Options::Mode::Check;
    else if (parser.isSet(placesServer))
        options.mode = Options::Mode::PlacesServer;
    else if (parser.isSet(server))
        options.mode = Options::Mode::Server;

    for (const QCommandLineOption *single :
         {&scenario,     &preset,         &config,       &logDir,        &log,
          &placesUrl,    &placesApi,      &placesFile,   &placesTimeout, &placesServer,
          &check,        &junit,          &json,         &markdown,      &replyTimeout,
          &floodBound,   &clockTolerance, &startTimeout, &listener,      &nodeLogs,
          &minIamatRate, &maxP99,         &maxFlood,     &record,        &at,
          &saveScenario, &monitor}) {
        if (parser.values(*single).size() > 1)
            return fail(QStringLiteral("--%1 is given more than once").arg(single->names().constFirst()));
    }
    if (parser.isSet(placesServer)) {
        for (const QCommandLineOption *other :
             {&server, &scenario, &preset, &config, &node, &logDir, &log, &verbose, &record}) {
            if (parser.isSet(*other))
                return fail(QStringLiteral("--places-server runs only the places server, no herd; drop --%1")
                                .arg(other->names().constFirst()));
        }
        for (const QCommandLineOption *google : {&placesUrl, &placesApi, &placesTimeout}) {
            if (parser.isSet(*google))
                return fail(
                    QStringLiteral(
                        "--places-server serves offline places (built in, or --places-file); drop --%1")
                        .arg(google->names().constFirst()));
        }
        const std::optional<Herd::ListenAddress> where =
            Herd::ListenAddress::parse(parser.value(placesServer));
        if (!where)
            return fail(notListenAddress(placesServer, parser.value(placesServer)));
        options.placesServerAddress = where->address.toString();
        options.placesServerPort = where->port;
    }
    if (parser.isSet(monitor)) {
        if (!parser.isSet(server) || parser.isSet(placesServer) || parser.isSet(check)
            || parser.isSet(listRules))
            return fail(
                QStringLiteral("--monitor serves the monitor of a headless herd; use it with --server"));
        options.monitor = Herd::ListenAddress::parse(parser.value(monitor));
        if (!options.monitor)
            return fail(notListenAddress(monitor, parser.value(monitor)));
    }
    const QList<const QCommandLineOption *> checkOnly = {
        &rules,          &expectResync, &junit,    &json,     &markdown,     &replyTimeout, &floodBound,
        &clockTolerance, &startTimeout, &listener, &nodeLogs, &minIamatRate, &maxP99,       &maxFlood};
    if (parser.isSet(check) || parser.isSet(listRules)) {
        for (const QCommandLineOption *other :
             {&server, &scenario, &preset, &config, &logDir, &log, &placesUrl, &placesApi, &placesFile,
              &placesTimeout, &placesServer, &record}) {
            if (parser.isSet(*other))
                return fail(QStringLiteral("--check grades the herd its file names and serves it places "
                                           "itself; drop --%1")
                                .arg(other->names().constFirst()));
        }
        options.checkFile = parser.value(check);
        options.nodes = parser.values(node);
        if (parser.isSet(check) && options.checkFile.isEmpty())
            return fail(QStringLiteral("--check needs a herd file naming the nodes to check"));
        if (!readCheckOptions(parser, &options, error))
            return std::nullopt;
        return options;
    }
    for (const QCommandLineOption *only : checkOnly) {
        if (parser.isSet(*only))
            return fail(QStringLiteral("--%1 only makes sense with --check").arg(only->names().constFirst()));
    }
    if (parser.isSet(preset) && parser.isSet(config))
        return fail(QStringLiteral("give --preset or --config, not both"));
    if (parser.isSet(scenario)) {
        // Decided here, before any application object exists: a scenario
        // always runs headless, even where a display would allow the GUI.
        for (const QCommandLineOption *other : {&server, &preset, &config, &node}) {
            if (parser.isSet(*other))
                return fail(
                    QStringLiteral("--scenario runs the herd its file names, in this process; drop --%1")
                        .arg(other->names().constFirst()));
        }
        options.scenarioFile = parser.value(scenario);
        if (options.scenarioFile.isEmpty())
            return fail(QStringLiteral("--scenario needs a scenario file"));
        if (options.mode == Options::Mode::Gui)
            options.mode = Options::Mode::Scenario;
    }
    options.preset = parser.value(preset);
    if (!options.preset.isEmpty() && !Herd::HerdConfig::presetNames().contains(options.preset))
        return fail(QStringLiteral("--preset: no built-in herd named \"%1\" (built-in: %2)")
                        .arg(options.preset, Herd::HerdConfig::presetNames().join(u", ")));
    options.configFile = parser.value(config);
    options.nodes = parser.values(node);
    if (!options.nodes.isEmpty() && options.mode == Options::Mode::Gui)
        return fail(QStringLiteral("--node only makes sense with --server"));
    if (parser.isSet(logDir)) {
        options.logDir = parser.value(logDir);
        if (options.logDir.isEmpty())
            return fail(QStringLiteral("--log-dir needs a directory"));
    }
    if (parser.isSet(log)) {
        const QString what = parser.value(log);
        if (what == u"all")
            options.log = Options::Log::All;
        else if (what == u"changes")
            options.log = Options::Log::Changes;
        else if (what == u"none")
            options.log = Options::Log::None;
        else
            return fail(
                QStringLiteral("--log must be \"all\", \"changes\" or \"none\", not \"%1\"").arg(what));
    }
    options.placesUrl = parser.value(placesUrl);
    options.placesApi = parser.value(placesApi);
    if (!options.placesApi.isEmpty() && options.placesApi != u"legacy" && options.placesApi != u"new")
        return fail(
            QStringLiteral("--places-api must be \"legacy\" or \"new\", not \"%1\"").arg(options.placesApi));
    options.placesFile = parser.value(placesFile);
    if (!options.placesFile.isEmpty() && (!options.placesUrl.isEmpty() || !options.placesApi.isEmpty()))
        return fail(QStringLiteral("--places-file (offline points) cannot be combined with Google options"));
    if (parser.isSet(placesTimeout)) {
        bool ok = false;
        options.placesTimeoutMs = parser.value(placesTimeout).toInt(&ok);
        if (!ok || options.placesTimeoutMs < 1 || options.placesTimeoutMs > 600'000)
            return fail(
                QStringLiteral("--places-timeout must be a whole number of milliseconds from 1 to 600000"));
    }
    options.verbose = parser.isSet(verbose);
    options.recordFile = parser.value(record);
    if (parser.isSet(record) && options.recordFile.isEmpty())
        return fail(QStringLiteral("--record needs a file name"));
    if (parser.isSet(record) && options.mode != Options::Mode::Server
        && options.mode != Options::Mode::Scenario)
        return fail(QStringLiteral("--record works with --server and --scenario"));
    if (parser.isSet(threads)) {
        if (parser.values(threads).size() > 1)
            return fail(QStringLiteral("--threads is given more than once"));
        bool ok = false;
        options.threads = parser.value(threads).toInt(&ok);
        if (!ok || options.threads < 1)
            return fail(QStringLiteral("--threads needs a whole number of threads of 1 or more, not \"%1\"")
                            .arg(parser.value(threads)));
        if (options.mode != Options::Mode::Server && options.mode != Options::Mode::Gui)
            return fail(
                QStringLiteral("--threads works with --server and the window (not yet with --scenario)"));
        if (options.threads > 1 && options.monitor)
            return fail(QStringLiteral("--threads with --monitor is not supported yet: the monitor reads "
                                       "nodes on the main thread; drop one"));
    }
    return options;
}

QString helpText()
{
    return QStringLiteral(R"(Usage:
  herd [--preset NAME | --config FILE] [--threads N]
                                                  open the desktop GUI on a herd
  herd --server [--preset NAME | --config FILE]   run the herd headless
       [--node NAME]... [--log-dir DIR] [--log WHAT] [--places-url URL]
       [--places-api API] [--places-file FILE] [--places-timeout MS] [--verbose]
       [--monitor [ADDR:]PORT] [--threads N]
  herd --scenario FILE [--log-dir DIR] [--log WHAT] [--verbose] [places options]
                                                  run a scripted scenario headless
  herd --replay FILE [FILE...] [--at SECONDS|end] [--state]
                                                  a recorded herd in the window
                                                  (a timeline under the views),
                                                  or with --state as JSON
  herd --replay FILE [FILE...] --save-scenario OUT
                                                  a recording made a scenario
  herd --attach FILE                              the GUI on a herd running headless
  herd --places-server [ADDR:]PORT [--places-file FILE]
                                                  serve Google's places endpoints
  herd --check FILE [--node NAME]... [--rules PATTERN] [--expect-resync]
       [--listener NAME] [--node-logs DIR] [--junit FILE] [--json FILE]
       [--markdown FILE] [bounds]
       [--min-iamat-rate N] [--max-p99-ms MS] [--max-flood-ms MS]
                                                  grade a herd of any make
  herd --list-rules                               list what --check checks
  herd --list-presets | --help | --version

Herd runs a CS 131 proxy herd: TCP servers that take IAMAT location reports,
answer WHATSAT queries for places near a client, and flood every update to
their neighbours.

Choosing the herd:
  --preset NAME      a built-in herd (see --list-presets); default: alford
  --config FILE      a herd file (JSON; see the README)
  --list-presets     list the built-in herds with their nodes and links

Running headless:
  --server           run the nodes without a GUI until SIGINT or SIGTERM
  --node NAME        run only this node (repeatable); the others are expected
                     to run in other processes, at the host and port the herd
                     file gives, so one herd file can span several machines
  --log-dir DIR      one log per node, DIR/<Name>.log (default: logs)
  --log WHAT         what the logs hold: "all" (default: every event, each
                     line in and out included), "changes" (all but the lines
                     in and out: connections, records stored and dropped,
                     invalid lines, links, refusals, errors; about half
                     the bytes, and a busy herd serves more), or "none"
  --verbose          also print every event on standard output
  --threads N        run the nodes of this process on N threads (default 1:
                     all on the main thread), dealt round-robin in herd-file
                     order; the threads reach each other's nodes over
                     loopback TCP as processes do. At most one per node;
                     not yet with --monitor or --scenario. In the window:
                     the herd off the window's thread (docs/threads.md)
  --record FILE      also write every event of the run to FILE, a recording
                     (docs/recording.md); with --server or --scenario
  --monitor [ADDR:]PORT
                     serve this process's monitor over HTTP on ADDR (default
                     127.0.0.1), PORT (0: one the OS picks): GET /metrics
                     (Prometheus), /state (JSON), /events (a live stream),
                     and POST /control/ACTION (faults, with the token of the
                     herd file's "monitor": {"tokenEnv": ...}); see
                     docs/monitor.md. Without it: the monitor that the nodes
                     run here name in the herd file ("monitor": "ADDR:PORT")

Attaching the window (docs/monitor.md#attaching-the-window):
  --attach FILE      open the desktop GUI on a herd that runs elsewhere, in
                     herd --server processes: FILE is its herd file, whose
                     nodes name their process's monitor ("monitor":
                     "ADDR:PORT"); faults need the monitor token it names.
                     Needs a display.

Replaying a recording (docs/recording.md):
  --replay FILE [FILE...]
                     read a recording (or several, one per process of a herd
                     spread over processes, merged by time; or the per-node
                     logs of --log all) and runs no herd; alone, it opens
                     the window on the recorded herd (a display is needed)
  --at SECONDS|end   the moment, in seconds from the recording's start
                     (decimals allowed), or its end (the default; the
                     window opens at the start without --at)
  --state            print every node's records and every link's state at
                     that moment as JSON
  --save-scenario OUT
                     write a scenario that runs the recording again: its
                     reports and faults at their times, then expectations for
                     the agreement or divergence it ended with

Scenarios (scripted faults with checked outcomes; see the README):
  --scenario FILE    run the scenario FILE (JSON) against the herd it names,
                     in this process, every node on 127.0.0.1 with a port the
                     OS picks; never opens a window. Prints a report as the
                     steps run. Labs to try: resources/labs/*.json
                     Works with --log-dir, --log, --verbose and the places
                     options.

Places (answers to WHATSAT):
  by default, offline: GeoNames cities embedded in Herd, no network needed
  --places-file FILE offline, from your own GeoJSON points instead
  --places-url URL   ask a Google-compatible Nearby Search endpoint
  --places-api API   "legacy" (Nearby Search, GET) or "new" (Places API (New)
                     places:searchNearby, POST); with no URL, Google's own
                     endpoint, which needs a key
  --places-timeout MS  give up on an upstream answer after MS ms (default 10000)
  The key is read from the environment variable HERD_PLACES_KEY (or
  GOOGLE_PLACES_API_KEY) and never written to logs.

Places server (Google's places endpoints for servers written for Google):
  --places-server [ADDR:]PORT
                     serve the offline places (or --places-file) over HTTP
                     on ADDR (default 127.0.0.1), PORT (0: one the OS picks),
                     at Google's paths: GET /maps/api/place/nearbysearch/json
                     (legacy Nearby Search) and POST /v1/places:searchNearby
                     (Places API (New)); any key is accepted, and never
                     written anywhere. Runs no herd; stops on SIGINT or
                     SIGTERM.

Checking a herd (docs/check.md):
  --check FILE       run every rule against the herd FILE names: one node's
                     protocol, flooding, robustness, speed and, for nodes
                     with a "run" block (started, killed and restarted by
                     the checker), faults. Serves the nodes Herd's offline
                     places over Google's API ({places_url}). Prints a line
                     per rule, then the failures with their transcripts
  --node NAME        run the per-node rules only at this node (repeatable)
  --rules PATTERN    only the rules whose id matches (wildcards, commas:
                     "iamat.*,flood.*")
  --list-rules       list the rules, by the docs/protocol.md section each checks
  --expect-resync    a restarted node must learn what it missed (Herd's
                     resync); by default that is reported, not failed
  --listener NAME    stand in for NAME, a node of the herd file with no "run"
                     that nothing listens on: the checker listens at its host
                     and port as a plain neighbour and counts the AT lines
                     flooded to it, so flood.no-stale and flood.no-duplicate
                     can run
  --node-logs DIR    keep the started nodes' output, DIR/NAME.log (default:
                     a temporary folder, removed at the end)
  --junit FILE, --json FILE, --markdown FILE
                     also write the report as JUnit XML, JSON (with every
                     transcript) or a Markdown report card
  bounds: --reply-timeout MS (3000), --flood-bound MS (3000),
          --clock-tolerance MS (2000), --start-timeout MS (10000)
  speed thresholds (without them the speed rules only measure, beside
  Herd's own nodes on the same links):
  --min-iamat-rate N fail below N IAMATs answered per second, at 1 or at
                     100 connections
  --max-p99-ms MS    fail when the 99th percentile of IAMAT or WHATSAT
                     latency is above MS (decimals allowed: 0.5)
  --max-flood-ms MS  fail when an update takes longer than MS to reach the
                     node the most hops away

Limits (herd file keys, under "limits"; each refusal is logged with the peer):
  maxLineBytes           longest line; longer ones get "? " and a cut copy
                         (default 16384)
  maxConnections         connections per node; more are closed at once
                         (default 10000)
  idleTimeoutMs          close a client silent this long while owed nothing
                         (default 0: never)
  maxPendingReplyBytes   drop a client whose unsent replies pass this
                         (default 4194304)
  maxWhatsatPerConnection, maxWhatsatPerNode
                         WHATSATs waiting for places; at the cap the node
                         stops reading that connection until answers return
                         (defaults 64 and 1024)
  maxClientTimeAheadMs   an IAMAT whose client time is further than this
                         ahead of the node's clock is answered as invalid
                         (default 0: off)

Other:
  --help             show this help
  --version          show Herd's version

Exit status: 0 after a clean stop; 2 for a bad command line or herd file;
1 when the herd, its monitor or the places server cannot start (a port in
use, a log that cannot be written), or when a log write failed while it ran
(reported on stderr as it happened).
With --check: 0 when no rule failed, 1 when one did (or a node would not
start, or the check was stopped), 2 for a bad herd file or command line.
With --scenario: 0 when every step passed (every expectation held), 1 when
any failed, 2 for a bad scenario file or command line.
)");
}

std::optional<Herd::HerdConfig> herdConfigFor(const Options &options, QString *error)
{
    std::optional<Herd::HerdConfig> config = options.configFile.isEmpty()
        ? Herd::HerdConfig::preset(
            options.preset.isEmpty() ? Herd::HerdConfig::defaultPreset() : options.preset, error)
        : Herd::HerdConfig::fromFile(options.configFile, error);
    if (!config)
        return std::nullopt;
    applyPlacesOptions(options, &*config);
    return config;
}

void applyPlacesOptions(const Options &options, Herd::HerdConfig *config)
{
    using Herd::PlacesSettings;
    PlacesSettings &places = config->places;
    if (!options.placesFile.isEmpty()) {
        places.source = PlacesSettings::Source::GeoJson;
        places.file = options.placesFile;
    }
    if (!options.placesUrl.isEmpty() || !options.placesApi.isEmpty()) {
        const bool isNew = options.placesApi == u"new"
            || (options.placesApi.isEmpty() && places.source == PlacesSettings::Source::GoogleNew);
        places.source = isNew ? PlacesSettings::Source::GoogleNew : PlacesSettings::Source::Google;
        if (!options.placesUrl.isEmpty())
            places.url = options.placesUrl;
    }
    if (options.placesTimeoutMs > 0)
        places.timeoutMs = options.placesTimeoutMs;
}
