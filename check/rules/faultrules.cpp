// SPDX-License-Identifier: GPL-3.0-or-later
// Faults: a node killed (SIGKILL, as a crash) and started again from its
// "run" block. The others keep answering while it is down, its neighbours
// connect to it again, and what it missed is learned or, in the course's
// herd, forgotten. Every rule brings the node back before it returns, so
// the rules after it find the herd whole.
#include <QDeadlineTimer>

#include <deque>

#include "check/context.h"
#include "check/nodeprocesses.h"
#include "check/probe.h"
#include "check/rules/areas.h"
#include "check/rules/spread.h"
#include "check/rules/support.h"
#include "herd/config/herdconfig.h"

using namespace Qt::StringLiterals;

namespace Herd::Check {

namespace {

// The node the rules kill: of the nodes under test with a "run", the one
// with the most neighbours, whose absence the herd feels most.
const NodeConfig *victim(const CheckContext &context)
{
    const NodeConfig *chosen = nullptr;
    for (const NodeConfig *node : selectedConfigs(context)) {
        if (node->run
            && (!chosen
                || context.config().neighboursOf(node->name).size()
                    > context.config().neighboursOf(chosen->name).size()))
            chosen = node;
    }
    return chosen;
}

QString noVictim(const CheckContext &context)
{
    return QStringLiteral("no node under test (%1) has a \"run\" in the herd file, so none can be killed and "
                          "restarted")
        .arg(nameList(context.selectedNodes()));
}

// The victim and its neighbours that answer clients, for the rules that
// send through them; null, with a verdict to return in *skipped, if there
// are none.
const NodeConfig *victimWithNeighbours(const CheckContext &context, QList<const NodeConfig *> *neighbours,
                                       Verdict *skipped)
{
    const NodeConfig *node = victim(context);
    if (!node) {
        *skipped = Verdict::notRun(noVictim(context));
        return nullptr;
    }
    for (const NodeConfig *other : answeringNodes(context)) {
        if (context.config().neighboursOf(node->name).contains(other->name))
            neighbours->append(other);
    }
    if (neighbours->isEmpty()) {
        *skipped =
            Verdict::notRun(QStringLiteral("%1 has no neighbour that answers clients").arg(node->name));
        return nullptr;
    }
    return node;
}

// A node killed for as long as this lives: restarted by restart(), or when
// it goes, however the rule ends.
class Outage
{
public:
    Outage(CheckContext &context, const NodeConfig &node)
        : m_context(context)
        , m_node(node)
    {
        m_context.transcript().note(u"killing " + node.name + u" (SIGKILL)");
        m_context.processes()->kill(node.name);
    }
    ~Outage()
    {
        QString ignored;
        start(&ignored);
    }
    Outage(const Outage &) = delete;
    Outage &operator=(const Outage &) = delete;

    // Starts the node again and waits until it listens. False, with a
    // verdict to return in *failure, if it does not.
    bool restart(Verdict *failure)
    {
        QString error;
        if (start(&error))
            return true;
        *failure =
            Verdict::failed(QStringLiteral("%1 started again from its \"run\" and listening within %2 ms")
                                .arg(m_node.name)
                                .arg(m_context.settings().startTimeoutMs),
                            error);
        return false;
    }

private:
    bool start(QString *error)
    {
        if (m_restarted)
            return true;
        m_restarted = true;
        m_context.transcript().note(u"restarting " + m_node.name);
        return m_context.processes()->start(m_node.name, m_context.settings().startTimeoutMs, error);
    }

    CheckContext &m_context;
    const NodeConfig &m_node;
    bool m_restarted = false;
};

// An IAMAT and a WHATSAT at `node`, each on a connection of its own, both
// answered; why not in *failure.
bool answers(CheckContext &context, const NodeConfig &node, const QString &down, Verdict *failure)
{
    Verdict failed;
    std::optional<Update> update = sendUpdate(context, node, &failed);
    const std::optional<QByteArray> whatsat = update
        ? askWhatsat(context, node, QString::fromUtf8(update->client), "1", "1", &failed)
        : std::nullopt;
    if (whatsat && whatsat->startsWith("AT "))
        return true;
    if (whatsat)
        failed = Verdict::failed(u"an AT line first in reply to a WHATSAT for a client it just stored"_s,
                                 shown(*whatsat));
    *failure = Verdict::failed(
        QStringLiteral("%1 answering clients while %2 is down: %3").arg(node.name, down, failed.expected),
        failed.actual);
    return false;
}

Verdict survive(CheckContext &context, const NodeConfig *)
{
    const NodeConfig *node = victim(context);
    if (!node)
        return Verdict::notRun(noVictim(context));
    QList<const NodeConfig *> others = answeringNodes(context);
    others.removeOne(node);
    if (others.isEmpty())
        return Verdict::notRun(QStringLiteral("no node but %1 answers clients").arg(node->name));
    // Clients mid-conversation when it dies: an IAMAT sent at every other
    // node just before the kill, its reply read after.
    std::vector<std::unique_ptr<Probe>> clients;
    for (const NodeConfig *other : others) {
        QString error;
        std::unique_ptr<Probe> client = context.connect(*other, &error);
        if (!client)
            return Verdict::failed(QStringLiteral("a connection to %1").arg(other->name), error);
        client->send(iamatLine(context.uniqueClient(QStringLiteral("fault")), "+1+1", nowNs()) + '\n');
        clients.push_back(std::move(client));
    }
    Outage outage(context, *node);
    for (size_t i = 0; i < clients.size(); ++i) {
        if (!clients[i]->readLines(1, context.settings().replyTimeoutMs))
            return Verdict::failed(QStringLiteral("%1 answering an IAMAT sent as %2 was killed")
                                       .arg(others[i]->name, node->name),
                                   shown(clients[i]->received()));
    }
    // Rounds apart, so that a node that falls over when it finds its
    // neighbour gone (a flood that throws) has fallen by the next.
    constexpr int Rounds = 3;
    for (int round = 0; round < Rounds; ++round) {
        if (round > 0 && !context.pause(200))
            return Verdict::notRun(u"the run was stopped"_s);
        for (const NodeConfig *other : others) {
            Verdict failure;
            if (!answers(context, *other, node->name, &failure))
                return failure;
        }
    }
    Verdict failure;
    if (!outage.restart(&failure))
        return failure;
    return Verdict::passed(
        QStringLiteral("%1 killed; %2 answered %3 rounds of IAMAT and WHATSAT while it was down")
            .arg(node->name, nameList(namesOf(others)))
            .arg(Rounds));
}

// One update at each of `nodes`; null, with *failure, if one is not answered.
std::optional<QList<Update>> updatesAt(CheckContext &context, const QList<const NodeConfig *> &nodes,
                                       Verdict *failure)
{
    QList<Update> updates;
    for (const NodeConfig *node : nodes) {
        const std::optional<Update> update = sendUpdate(context, *node, failure);
        if (!update)
            return std::nullopt;
        updates.append(*update);
    }
    return updates;
}

// When each of some nodes first got an update through to another.
struct Through
{
    QHash<QString, qint64> ms; // by node: from the start to when its update landed
    QString missed;            // the nodes that never got one through, for a report
};

// Makes updates at each of `nodes` until one from each has reached
// `target` or `timeoutMs` has passed. A node whose link is down drops what
// it floods meanwhile (the protocol queues nothing) and gets through once
// it has connected again, so a fresh update is made every RetryMs.
std::optional<Through> getThrough(CheckContext &context, const QList<const NodeConfig *> &nodes,
                                  const NodeConfig &target, int timeoutMs, Verdict *failure)
{
    constexpr int RetryMs = 200;
    const qint64 startNs = nowNs();
    QDeadlineTimer deadline(timeoutMs);
    std::deque<Update> updates; // the sightings point into it
    QList<Sighting> sightings;
    Through through;
    while (through.ms.size() < nodes.size()) {
        if (deadline.hasExpired() || context.cancelled()) {
            QStringList stuck = namesOf(nodes);
            stuck.removeIf([&](const QString &name) { return through.ms.contains(name); });
            through.missed =
                QStringLiteral("none of the updates made at %1, a fresh one every %2 ms, reached %3 "
                               "within %4 ms")
                    .arg(nameList(stuck))
                    .arg(RetryMs)
                    .arg(target.name)
                    .arg(timeoutMs);
            break;
        }
        for (const NodeConfig *node : nodes) {
            if (through.ms.contains(node->name))
                continue;
            const std::optional<Update> update = sendUpdate(context, *node, failure);
            if (!update)
                return std::nullopt;
            updates.push_back(*update);
            sightings += sightingsOf(updates.back(), {&target});
        }
        awaitSightings(context, sightings, int(qMin<qint64>(RetryMs, deadline.remainingTime())));
        for (const Sighting &sighting : std::as_const(sightings)) {
            if (sighting.afterMs && !through.ms.contains(sighting.update->origin->name))
                through.ms.insert(sighting.update->origin->name,
                                  (sighting.update->sentNs - startNs) / NsPerMs + *sighting.afterMs);
        }
        sightings.removeIf([&](const Sighting &sighting) {
            return sighting.afterMs || through.ms.contains(sighting.update->origin->name);
        });
    }
    return through;
}

Verdict rejoin(CheckContext &context, const NodeConfig *)
{
    QList<const NodeConfig *> neighbours;
    Verdict skipped;
    const NodeConfig *node = victimWithNeighbours(context, &neighbours, &skipped);
    if (!node)
        return skipped;
    const int bound = context.settings().floodBoundMs;
    // Links up first (a course server may open them only when it first
    // floods), so that the kill breaks them.
    Verdict failure;
    if (!getThrough(context, neighbours, *node, bound, &failure))
        return failure;
    {
        Outage outage(context, *node);
        // Floods into the dead links: a node finds them broken.
        if (!updatesAt(context, neighbours, &failure))
            return failure;
        if (!outage.restart(&failure))
            return failure;
    }
    const std::optional<Through> after = getThrough(context, neighbours, *node, bound, &failure);
    if (!after)
        return failure;
    if (!after->missed.isEmpty())
        return Verdict::failed(
            QStringLiteral("after %1's restart, updates at each of its neighbours reaching it "
                           "within %2 ms: they connect to it again")
                .arg(node->name)
                .arg(bound),
            after->missed);
    qint64 slowest = 0;
    for (const qint64 ms : after->ms)
        slowest = qMax(slowest, ms);
    Verdict verdict =
        Verdict::passed(QStringLiteral("%1 got updates through to %2 at most %3 ms after its restart")
                            .arg(nameList(namesOf(neighbours)), node->name)
                            .arg(slowest));
    verdict.figures.append({u"through again after the restart"_s, double(slowest), u"ms"_s, std::nullopt});
    return verdict;
}

Verdict missed(CheckContext &context, const NodeConfig *)
{
    QList<const NodeConfig *> neighbours;
    Verdict skipped;
    const NodeConfig *node = victimWithNeighbours(context, &neighbours, &skipped);
    if (!node)
        return skipped;
    constexpr int Made = 3;
    QList<const NodeConfig *> at;
    for (int i = 0; i < Made; ++i)
        at.append(neighbours[i % neighbours.size()]);
    Verdict failure;
    std::optional<QList<Update>> whileDown;
    {
        Outage outage(context, *node);
        whileDown = updatesAt(context, at, &failure);
        if (!whileDown)
            return failure;
        if (!outage.restart(&failure))
            return failure;
    }
    const int bound = context.settings().floodBoundMs;
    QList<Sighting> sightings;
    for (const Update &update : std::as_const(*whileDown))
        sightings += sightingsOf(update, {node});
    awaitSightings(context, sightings, bound);
    int learned = 0;
    for (const Sighting &sighting : std::as_const(sightings))
        learned += sighting.afterMs ? 1 : 0;
    if (learned == Made)
        return Verdict::passed(
            QStringLiteral("%1 learned the %2 updates made while it was down").arg(node->name).arg(Made));
    if (context.settings().expectResync)
        return Verdict::failed(
            QStringLiteral("%1 learning the %2 updates made while it was down within %3 ms of "
                           "its restart (--expect-resync)")
                .arg(node->name)
                .arg(Made)
                .arg(bound),
            QStringLiteral("it learned %1: %2").arg(learned).arg(missedText(sightings, bound)));
    return Verdict::passed(QStringLiteral("%1 did not learn %2 of the %3 updates made while it was down; the "
                                          "course's herd forgets them (--expect-resync fails this)")
                               .arg(node->name)
                               .arg(Made - learned)
                               .arg(Made));
}

} // namespace

QList<Rule> faultRules()
{
    using S = Rule::Scope;
    constexpr int Needs = Rule::NeedsRun | Rule::NeedsTwoNodes;
    return {
        {u"fault.survive"_s, u"The other nodes keep answering while a node is killed"_s,
         Section::Reconnecting, S::Herd, Needs, survive},
        {u"fault.rejoin"_s, u"A restarted node's neighbours connect to it again: updates reach it"_s,
         Section::Reconnecting, S::Herd, Needs, rejoin},
        {u"fault.missed"_s,
         u"What a node missed while down: learned, or forgotten as the course's herd does"_s,
         Section::Reconnecting, S::Herd, Needs, missed},
    };
}

} // namespace Herd::Check
