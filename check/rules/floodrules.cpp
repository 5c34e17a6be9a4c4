// SPDX-License-Identifier: GPL-3.0-or-later
// Flooding: every update reaches every node, as its first AT line, newer
// wins whatever the order, and nothing is flooded that need not be (seen
// at the --listener, which the checker stands in for).
#include <QDeadlineTimer>
#include <QQueue>

#include "check/context.h"
#include "check/floodlistener.h"
#include "check/probe.h"
#include "check/rules/areas.h"
#include "check/rules/spread.h"
#include "check/rules/support.h"
#include "herd/config/herdconfig.h"
#include "herd/wire/protocol.h"

using namespace Qt::StringLiterals;

namespace Herd::Check {

namespace {

const QString NoListener =
    u"what a node floods can only be counted where it arrives: add --listener NAME naming a node of the "
    u"herd file with no \"run\" that nothing listens on, linked to the nodes to watch; the checker "
    u"listens there as that node"_s;

// How many links lie between `from` and each node it reaches.
QHash<QString, int> hopsFrom(const HerdConfig &config, const QString &from)
{
    QHash<QString, int> hops {{from, 0}};
    QQueue<QString> queue;
    queue.enqueue(from);
    while (!queue.isEmpty()) {
        const QString node = queue.dequeue();
        for (const QString &next : config.neighboursOf(node)) {
            if (!hops.contains(next)) {
                hops.insert(next, hops.value(node) + 1);
                queue.enqueue(next);
            }
        }
    }
    return hops;
}

// The node of `candidates` farthest from `node`: an update made there
// crosses the most links, and most relays, on its way.
const NodeConfig *farthestFrom(const HerdConfig &config, const QString &node,
                               const QList<const NodeConfig *> &candidates)
{
    const QHash<QString, int> hops = hopsFrom(config, node);
    const NodeConfig *far = nullptr;
    for (const NodeConfig *candidate : candidates) {
        if (candidate->name != node && (!far || hops.value(candidate->name) > hops.value(far->name)))
            far = candidate;
    }
    return far;
}

// The node of `candidates` with the longest way to some other node.
const NodeConfig *mostRemote(const HerdConfig &config, const QList<const NodeConfig *> &candidates)
{
    const NodeConfig *remote = nullptr;
    int longest = -1;
    for (const NodeConfig *candidate : candidates) {
        int farthest = 0;
        for (const int hops : hopsFrom(config, candidate->name))
            farthest = qMax(farthest, hops);
        if (farthest > longest) {
            remote = candidate;
            longest = farthest;
        }
    }
    return remote;
}

// The copies of `update` the listener has been sent (the first MaxKept).
QList<FloodListener::Arrival> listenerCopies(CheckContext &context, const Update &update)
{
    QList<FloodListener::Arrival> copies;
    for (const FloodListener::Arrival &arrival : context.listener()->arrivals(update.client)) {
        if (hasTime(arrival.line, update.time))
            copies.append(arrival);
    }
    return copies;
}

// Each copy in the transcript, timed from `sinceNs`, when `what` was sent.
void noteCopies(CheckContext &context, const QString &what, const QList<FloodListener::Arrival> &copies,
                qint64 sinceNs)
{
    for (const FloodListener::Arrival &copy : copies)
        context.transcript().note(
            QStringLiteral("listener %1 received %2 on its connection %3, %4 ms after %5")
                .arg(context.listener()->node().name, shown(copy.line))
                .arg(copy.connection)
                .arg(double(copy.atNs - sinceNs) / double(NsPerMs), 0, 'f', 1)
                .arg(what));
}

Verdict reach(CheckContext &context, const NodeConfig *)
{
    const int bound = context.settings().floodBoundMs;
    const QList<const NodeConfig *> everywhere = withListener(context, answeringNodes(context));
    QList<Update> updates;
    for (const NodeConfig *origin : selectedConfigs(context)) {
        Verdict failure;
        const std::optional<Update> update = sendUpdate(context, *origin, &failure);
        if (!update)
            return failure;
        updates.append(*update);
    }
    QList<Sighting> sightings;
    for (const Update &update : std::as_const(updates))
        sightings += sightingsOf(update, everywhere);
    if (sightings.isEmpty())
        return Verdict::notRun(u"there is no other node for an update to reach"_s);
    if (!awaitSightings(context, sightings, bound))
        return Verdict::failed(QStringLiteral("an update at each node at every other node within %1 ms "
                                              "(the flood bound)")
                                   .arg(bound),
                               missedText(sightings, bound));
    const Sighting *slowest = &sightings.first();
    for (const Sighting &sighting : std::as_const(sightings)) {
        if (*sighting.afterMs > *slowest->afterMs)
            slowest = &sighting;
    }
    Verdict verdict = Verdict::passed(QStringLiteral("an update at each of %1 node(s) seen at every other; "
                                                     "the slowest, %2's at %3, in %4 ms")
                                          .arg(updates.size())
                                          .arg(slowest->update->origin->name, slowest->node->name)
                                          .arg(*slowest->afterMs));
    verdict.figures.append({u"slowest arrival"_s, double(*slowest->afterMs), u"ms"_s, std::nullopt});
    return verdict;
}

Verdict verbatim(CheckContext &context, const NodeConfig *)
{
    // From the node with the longest way to another, so that the update is
    // relayed before it lands there.
    const NodeConfig *origin = mostRemote(context.config(), selectedConfigs(context));
    Verdict failure;
    const std::optional<Update> update = sendUpdate(context, *origin, &failure);
    if (!update)
        return failure;
    QList<Sighting> sightings = sightingsOf(*update, withListener(context, answeringNodes(context)));
    const int bound = context.settings().floodBoundMs;
    const bool all = awaitSightings(context, sightings, bound);
    const QString expected = QStringLiteral("%1's AT line, byte for byte, at every node: %2")
                                 .arg(origin->name, shown(update->atLine));
    for (const Sighting &sighting : std::as_const(sightings)) {
        if (sighting.afterMs && sighting.held != update->atLine)
            return Verdict::failed(
                expected, QStringLiteral("%1 holds %2").arg(sighting.node->name, shown(sighting.held)));
    }
    if (context.listener()) {
        const QList<FloodListener::Arrival> copies = listenerCopies(context, *update);
        noteCopies(context, u"the IAMAT"_s, copies, update->sentNs);
        for (const FloodListener::Arrival &copy : copies) {
            if (copy.line != update->atLine)
                return Verdict::failed(expected,
                                       QStringLiteral("the listener %1 was sent %2")
                                           .arg(context.listener()->node().name, shown(copy.line)));
        }
    }
    if (!all)
        return Verdict::notRun(
            QStringLiteral("%1 (flood.reach checks that), so its AT line there could not be "
                           "compared")
                .arg(missedText(sightings, bound)));
    return Verdict::passed();
}

Verdict newerWins(CheckContext &context, const NodeConfig *)
{
    const QList<const NodeConfig *> nodes = answeringNodes(context);
    if (nodes.size() < 2)
        return Verdict::notRun(u"newer-wins across nodes needs two nodes that answer clients"_s);
    const NodeConfig *origin = selectedConfigs(context).first();
    // The older updates arrive later, one at each of two other nodes (one,
    // in a herd of two): an IAMAT from the client, and an AT line straight
    // from the checker, as any connection may send one.
    QList<const NodeConfig *> others = nodes;
    others.removeOne(origin);
    const NodeConfig *iamatAt = others.first();
    const NodeConfig *atLineAt = others.last();
    Verdict failure;
    const std::optional<Update> newest = sendUpdate(context, *origin, &failure);
    if (!newest)
        return failure;
    const int bound = context.settings().floodBoundMs;
    QList<Sighting> sightings = sightingsOf(*newest, nodes);
    if (!awaitSightings(context, sightings, bound))
        return Verdict::notRun(QStringLiteral("%1 (flood.reach checks that), so it could not be "
                                              "challenged with older ones")
                                   .arg(missedText(sightings, bound)));

    const qint64 newestNs = newest->sentNs;
    if (!sendFor(context, *newest, *iamatAt, newestNs - 2'000 * NsPerMs, &failure))
        return failure;
    const qint64 olderNs = newestNs - 1'000 * NsPerMs;
    const QByteArray atLine = "AT " + origin->name.toUtf8() + " +0.000000001 " + newest->client + ' '
        + splitAtLine(newest->atLine)->position + ' ' + formatTime(olderNs);
    QString error;
    std::unique_ptr<Probe> peer = context.connect(*atLineAt, &error);
    if (!peer || !peer->send(atLine + '\n'))
        return Verdict::failed(QStringLiteral("a connection to %1 that takes an AT line").arg(atLineAt->name),
                               peer ? peer->error() : error);
    // An AT line gets no reply: anything older it started has the flood
    // bound to land.
    if (!context.pause(bound))
        return Verdict::notRun(u"the run was stopped"_s);
    peer->close();
    for (const NodeConfig *node : nodes) {
        const std::optional<QByteArray> held =
            storedAtLine(context, *node, QString::fromUtf8(newest->client));
        if (!held || !hasTime(*held, newest->time))
            return Verdict::failed(
                QStringLiteral("every node still holding the newest record (client time %1) %2 ms after an "
                               "IAMAT 2 s older at %3 and an AT line 1 s older at %4")
                    .arg(QString::fromLatin1(newest->time))
                    .arg(bound)
                    .arg(iamatAt->name, atLineAt->name),
                QStringLiteral("%1 holds %2")
                    .arg(node->name, held ? shown(*held) : QStringLiteral("nothing: it did not answer")));
    }
    return Verdict::passed();
}

// The neighbour of the listener an update is made at, or null with why.
const NodeConfig *listenerNeighbour(CheckContext &context, QString *why)
{
    const QStringList neighbours = context.config().neighboursOf(context.listener()->node().name);
    for (const NodeConfig *node : selectedConfigs(context)) {
        if (neighbours.contains(node->name))
            return node;
    }
    *why = QStringLiteral("no node under test is a neighbour of the listener %1 (its neighbours: %2)")
               .arg(context.listener()->node().name, nameList(neighbours));
    return nullptr;
}

// Waits until `update` has reached the listener; why not, if it did not.
bool reachedListener(CheckContext &context, const Update &update, QString *why)
{
    const int bound = context.settings().floodBoundMs;
    QList<Sighting> sightings = sightingsOf(update, {context.config().node(context.listener()->node().name)});
    if (awaitSightings(context, sightings, bound))
        return true;
    *why = missedText(sightings, bound) + u" (flood.reach checks that)";
    return false;
}

Verdict noStale(CheckContext &context, const NodeConfig *)
{
    if (!context.listener())
        return Verdict::notRun(NoListener);
    QString why;
    const NodeConfig *node = listenerNeighbour(context, &why);
    if (!node)
        return Verdict::notRun(why);
    Verdict failure;
    const std::optional<Update> newer = sendUpdate(context, *node, &failure);
    if (!newer)
        return failure;
    if (!reachedListener(context, *newer, &why))
        return Verdict::notRun(why);
    const qint64 staleNs = newer->sentNs - 1'000 * NsPerMs;
    const qint64 staleSentNs = nowNs();
    if (!sendFor(context, *newer, *node, staleNs, &failure))
        return failure;
    const QByteArray staleTime = formatTime(staleNs);
    QDeadlineTimer deadline(context.settings().floodBoundMs);
    do {
        for (const FloodListener::Arrival &arrival : context.listener()->arrivals(newer->client)) {
            if (hasTime(arrival.line, staleTime)) {
                noteCopies(context, u"the stale IAMAT"_s, {arrival}, staleSentNs);
                return Verdict::failed(
                    QStringLiteral("no AT line for an IAMAT 1 s older than the record %1 holds: it is not "
                                   "newer, so it is neither stored nor flooded")
                        .arg(node->name),
                    QStringLiteral("the listener %1 was sent %2, %3 ms after the stale IAMAT at %4")
                        .arg(context.listener()->node().name, shown(arrival.line))
                        .arg((arrival.atNs - staleSentNs) / NsPerMs)
                        .arg(node->name));
            }
        }
    } while (!deadline.hasExpired() && context.pause(10));
    return Verdict::passed();
}

Verdict noDuplicate(CheckContext &context, const NodeConfig *)
{
    if (!context.listener())
        return Verdict::notRun(NoListener);
    const QString listener = context.listener()->node().name;
    const QStringList links = context.config().neighboursOf(listener);
    const QString expected = QStringLiteral("every update at the listener %1 at most once per link: %2 "
                                            "time(s), from %3")
                                 .arg(listener)
                                 .arg(links.size())
                                 .arg(nameList(links));
    const NodeConfig *origin = farthestFrom(context.config(), listener, selectedConfigs(context));
    Verdict failure;
    const std::optional<Update> update = sendUpdate(context, *origin, &failure);
    if (!update)
        return failure;
    // Each neighbour of the listener stores an update once and sends it on
    // once, so the listener is sent at most one copy per link. A node that
    // sends on what it already holds sends more: in a cycle, without end.
    QDeadlineTimer deadline(context.settings().floodBoundMs);
    int copies = 0;
    do
        copies = context.listener()->count(update->client, update->time);
    while (copies <= links.size() && !deadline.hasExpired() && context.pause(10));
    noteCopies(context, u"the IAMAT"_s, listenerCopies(context, *update).mid(0, links.size() + 3),
               update->sentNs);
    if (copies > links.size())
        return Verdict::failed(expected,
                               QStringLiteral("%1: %2 copies within %3 ms of the IAMAT")
                                   .arg(update->described())
                                   .arg(copies)
                                   .arg((nowNs() - update->sentNs) / NsPerMs));
    // Updates of the rules before this one count too: a herd busy with
    // copies that circle may not pass this one on in time.
    const auto [line, most] = context.listener()->mostCopied();
    if (most > links.size())
        return Verdict::failed(
            expected, QStringLiteral("%1 copies of %2 so far in this run").arg(most).arg(shown(line)));
    if (copies == 0)
        return Verdict::notRun(QStringLiteral("%1 did not reach the listener %2 within %3 ms (flood.reach "
                                              "checks that)")
                                   .arg(update->described(), listener)
                                   .arg(context.settings().floodBoundMs));
    return Verdict::passed(
        QStringLiteral("the listener %1 was sent the update at %2 %3 time(s) over its %4 link(s)")
            .arg(listener, origin->name)
            .arg(copies)
            .arg(links.size()));
}

} // namespace

QList<Rule> floodRules()
{
    using S = Rule::Scope;
    return {
        {u"flood.reach"_s, u"An update at each node reaches every other node within the flood bound"_s,
         Section::Flooding, S::Herd, Rule::NeedsTwoNodes, reach},
        {u"flood.verbatim"_s, u"Every node holds the receiving node's AT line, not a relay's rewrite"_s,
         Section::Flooding, S::Herd, Rule::NeedsTwoNodes, verbatim},
        {u"flood.newer-wins"_s, u"Older updates arriving later, at other nodes, never replace the newest"_s,
         Section::Flooding, S::Herd, Rule::NeedsTwoNodes, newerWins},
        {u"flood.no-duplicate"_s, u"An update crosses each link at most once (seen at the listener)"_s,
         Section::Flooding, S::Herd, Rule::NeedsTwoNodes, noDuplicate},
        {u"flood.no-stale"_s, u"An IAMAT older than the record held is not flooded (seen at the listener)"_s,
         Section::IamatStore, S::Herd, Rule::NeedsTwoNodes, noStale},
    };
}

} // namespace Herd::Check
