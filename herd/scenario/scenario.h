// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>

#include "herd/config/herdconfig.h"

namespace Herd {

// One step of a scenario, as the scenario file gives it. Plain data: the
// parser has checked every field, node and link, so a runner only acts.
// Which fields a kind uses is noted beside each field; the others stay at
// their defaults.
struct ScenarioStep
{
    enum class Kind {
        Iamat,     // a client reports its position to a node
        Whatsat,   // a client asks a node about another client; reply recorded
        Kill,      // a node crashes: sockets closed, records lost
        Restart,   // a killed node comes back on its port
        Cut,       // a link stops carrying lines (both ways or one way)
        Restore,   // a cut link carries lines again
        Delay,     // a link holds each line back (with jitter)
        Flaky,     // a link goes down and up at random
        Skew,      // a node's clock runs ahead or behind
        Partition, // cut every link between groups of nodes
        Heal,      // restore every cut link
        Clear,     // every fault off: cuts, delays, jitter, flaky links, skews
        Wait,      // do nothing for a while
        Expect,    // check what the herd knows
    };
    // When the step starts: right after the previous step ended, at a time
    // since the scenario started, or some time after the previous step ended.
    enum class Timing { Next, At, After };
    enum class Check { None, Holds, Agree, Stale }; // Expect
    enum class Reply { Any, Contains, Invalid };    // Whatsat: what the reply must be

    Kind kind = Kind::Wait;
    Timing timing = Timing::Next;
    qint64 timingMs = 0; // At, After
    QString note;        // any kind: shown in the report

    QString node;        // Iamat, Whatsat, Kill, Restart, Skew, Partition (isolate), Holds, Stale
    QString from, to;    // Cut, Restore, Delay, Flaky: a link of the herd
    bool oneWay = false; // Cut, Restore, Delay, Flaky: only from -> to
    QByteArray client;   // Iamat, Whatsat, Holds, Stale
    QByteArray position; // Iamat: ISO 6709, "+34.068930-118.445127"
    QByteArray time;     // Iamat: empty is "now" (the node's clock); Holds: empty is the newest sent
    qint64 timeNs = 0;   // `time` parsed, when given
    QByteArray radius;   // Whatsat: as sent (not range-checked: a node's "?" can be the point)
    QByteArray bound;    // Whatsat: as sent
    Reply reply = Reply::Any;
    QString replyText;         // Reply::Contains
    int ms = 0;                // Delay (the delay), Skew (may be negative), Wait
    int jitterMs = 0;          // Delay
    int meanMs = 0;            // Flaky: mean time between changes
    QString preset;            // Partition: "isolate", "halves", ... (or groups)
    QList<QStringList> groups; // Partition by hand (empty for a preset)
    // Partition: the links it cuts, worked out from the preset or the groups
    // on the scenario's herd when the file is read.
    QList<std::pair<QString, QString>> links;
    Check check = Check::None; // Expect
    int windowMs = 0;          // Expect: withinMs (Holds, Agree) or forMs (Stale)

    static QString kindName(Kind kind);
    static QStringList kindNames();
    // Counts towards the scenario's pass or fail as a check, not an action.
    bool isCheck() const { return kind == Kind::Expect || (kind == Kind::Whatsat && reply != Reply::Any); }
};

// A scenario file: a herd, and a timed list of steps run against it with
// checked outcomes (see README, "Scenarios and labs"). Every load error
// names the step, its kind and the field at fault:
//   step 4 (cut): "to": unknown node "Hamiltn"
struct Scenario
{
    QString name;
    QString description;
    HerdConfig herd;            // with the scenario's "resync" applied
    QString herdSource;         // for the report: `built-in "alford"`, a file name, or "inline"
    std::optional<bool> resync; // the scenario's own switch, if it has one
    QList<ScenarioStep> steps;

    // The clients some iamat step reports, in the order they first appear.
    QList<QByteArray> clients() const;

    // `baseDir` resolves a relative "herdFile".
    static std::optional<Scenario> fromJson(const QByteArray &json, const QString &baseDir, QString *error);
    // Errors start with the path: "labs/x.json: step 4 (cut): ...".
    static std::optional<Scenario> fromFile(const QString &path, QString *error);

    // The labs built into Herd (resources/labs), by name ("flood-path", ...).
    static QStringList labNames();
    static std::optional<Scenario> lab(const QString &name, QString *error);
};

} // namespace Herd
