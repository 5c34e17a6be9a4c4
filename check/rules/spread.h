// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

#include "check/verdict.h"

namespace Herd {
struct NodeConfig;
}

namespace Herd::Check {

class CheckContext;

constexpr qint64 NsPerMs = 1'000'000;

// Updates made at one node and looked for at the others: what the flood
// and fault rules share. A node is looked at by WHATSAT; the --listener
// node, which the checker stands in for, by the AT lines flooded to it.

// The nodes that answer clients: the herd's, but the listener.
QList<const NodeConfig *> answeringNodes(const CheckContext &context);
// The nodes under test (--node, or all but the listener).
QList<const NodeConfig *> selectedConfigs(const CheckContext &context);
// `nodes` and, if there is one, the listener.
QList<const NodeConfig *> withListener(const CheckContext &context, QList<const NodeConfig *> nodes);
QStringList namesOf(const QList<const NodeConfig *> &nodes);
// "A, B and C"
QString nameList(const QStringList &names);

// True if `line` is an AT line whose client time is `time`, as written.
bool hasTime(const QByteArray &line, const QByteArray &time);

// An IAMAT for a client of its own, and the AT line that answered it.
struct Update
{
    const NodeConfig *origin = nullptr;
    QByteArray client;
    QByteArray time;   // as sent: the AT line's last field
    QByteArray atLine; // the origin's reply
    qint64 sentNs = 0;

    // "the update at A (client check-...-1)"
    QString described() const;
};
// Sends "IAMAT <new client> <position> <timeNs>" to `origin` and reads its
// AT line. Null, with a verdict to return in *failure, if none came.
std::optional<Update> sendUpdate(CheckContext &context, const NodeConfig &origin, Verdict *failure,
                                 std::optional<qint64> timeNs = std::nullopt);
// Another IAMAT for `update`'s client, at `node` with the time `timeNs`:
// answered with an AT line, or null with *failure.
std::optional<QByteArray> sendFor(CheckContext &context, const Update &update, const NodeConfig &node,
                                  qint64 timeNs, Verdict *failure);

// One update looked for at one node.
struct Sighting
{
    const Update *update = nullptr;
    const NodeConfig *node = nullptr;
    std::optional<qint64> afterMs; // from the update's IAMAT to when it was seen there
    QByteArray held;               // the node's AT line for the client when last asked (empty: none)
};
// Looks for every sighting's update at its node until each is there or
// `timeoutMs` has passed. True when all were seen.
bool awaitSightings(CheckContext &context, QList<Sighting> &sightings, int timeoutMs);
// The sightings of `update` at each of `nodes` but its origin.
QList<Sighting> sightingsOf(const Update &update, const QList<const NodeConfig *> &nodes);
// What was not seen, for a report: the first few updates, each with the
// nodes it did not reach and what they hold instead.
QString missedText(const QList<Sighting> &sightings, int timeoutMs);

} // namespace Herd::Check
