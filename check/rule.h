// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>

#include <functional>

#include "check/verdict.h"

namespace Herd {
struct NodeConfig;
}

namespace Herd::Check {

class CheckContext;

// One thing the checker checks. A rule reads as a script: it opens probes,
// sends, reads with bounded waits, and returns its verdict; every byte it
// moves lands in its transcript. Rules run one at a time on the checker's
// worker thread.
struct Rule
{
    enum class Scope {
        Node, // runs once at each selected node; `node` is that node
        Herd, // runs once for the whole herd; `node` is null
    };
    enum Need {
        NeedsNothing = 0,
        NeedsRun = 1,      // kills or restarts a node: not run without a `run` block
        NeedsTwoNodes = 2, // about flooding: not run on a herd of one node
    };

    QString id;      // "iamat.echo": area, then what; stable, used by --rules
    QString title;   // one line, as a report prints it
    QString section; // the heading of docs/protocol.md it checks, e.g. "IAMAT: a client says where it is"
    Scope scope = Scope::Node;
    int needs = NeedsNothing;
    std::function<Verdict(CheckContext &context, const NodeConfig *node)> run;
};

// Every rule, in the order a run takes them: one node's protocol first,
// then flooding, robustness, speed, and the faults last (they kill nodes).
const QList<Rule> &allRules();
// The rules whose id matches one of `patterns` ("iamat.*", "flood.reach");
// all of them for no patterns. Patterns that match nothing are returned
// in *unmatched.
QList<Rule> selectRules(const QStringList &patterns, QStringList *unmatched = nullptr);

// The link in docs/protocol.md for a section title ("#iamat-a-client-says-where-it-is").
QString sectionAnchor(const QString &section);

} // namespace Herd::Check
