// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

#include <optional>

#include "herd/config/herdconfig.h"

namespace Herd::Check {

// How a run is tuned: which nodes and rules, how long to wait, what to
// expect beyond the course's protocol. The defaults suit a herd on one
// machine.
struct CheckSettings
{
    QStringList nodes;         // --node: the nodes whose own rules run; empty: all
    QStringList rulePatterns;  // --rules: wildcards over rule ids; empty: all
    bool expectResync = false; // --expect-resync: a restarted node must learn what it missed
    // --listener: a node with no `run` that the checker stands in for, to
    // count what its neighbours flood to it (check/floodlistener.h).
    QString listenerNode;
    int replyTimeoutMs = 3000;   // how long a reply may take
    int floodBoundMs = 3000;     // how long an update may take to reach every node
    int clockToleranceMs = 2000; // |IAMAT time difference - the checker's own| at most this
    int startTimeoutMs = 10'000; // a started node must listen within this
    // Speed thresholds, 0 for none: without them the speed rules only
    // measure. --min-iamat-rate: IAMATs answered per second, at 1 and at 100
    // connections; --max-p99-ms: the 99th percentile of IAMAT and WHATSAT
    // latency; --max-flood-ms: the slowest flood to the farthest node.
    double minIamatRate = 0;
    double maxP99Ms = 0;
    double maxFloodMs = 0;
    // Herd's own executable, for the speed rules' reference figures and the
    // checker's own neighbours; empty: speed is measured for the target only.
    QString herdProgram;
    // Where started nodes' output goes; empty: a temporary folder.
    QString workDir;
};

// The herd under test: a herd file (docs/herd-file.md) read for its nodes,
// links and their `run` blocks. The file's path fills {config}.
struct CheckTarget
{
    HerdConfig config;
    QString path; // absolute; empty for a herd that is not in a file

    // Exit-status-2 errors name the file and what is wrong in it.
    static std::optional<CheckTarget> load(const QString &path, QString *error);

    // The nodes whose own rules run: `settings.nodes`, or every node but
    // the listener. Null, with an error naming the first unknown node (or
    // the listener), if one is not in the herd.
    std::optional<QStringList> selectedNodes(const CheckSettings &settings, QString *error) const;
    // False, with an error, if the settings name a listener that is not a
    // node of the herd without a `run`, or is also a node under test.
    bool checkListener(const CheckSettings &settings, QString *error) const;
    QStringList nodesWithRun() const;
    // The folder a node's run starts in (its cwd, from the file's folder).
    QString workingDirectory(const NodeConfig &node) const;

private:
    // "--node X: no such node in FILE (it has A, B)"
    QString unknownNode(const QString &flag, const QString &name) const;
};

// Everything a `run` block's placeholders stand for.
struct Placeholders
{
    QString configPath;
    QString placesBase; // "http://127.0.0.1:PORT"
};

// `text` with {name}, {host}, {port}, {config}, {places_url} (the legacy
// Nearby Search URL), {places_new_url} (searchNearby's) and {places_base}
// filled in. An unknown "{word}" is left as written.
QString expandPlaceholders(const QString &text, const NodeConfig &node, const Placeholders &values);

} // namespace Herd::Check
