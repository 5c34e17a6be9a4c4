// SPDX-License-Identifier: GPL-3.0-or-later
#include "check/rules/spread.h"

#include <QDeadlineTimer>

#include "check/context.h"
#include "check/floodlistener.h"
#include "check/probe.h"
#include "check/rules/support.h"
#include "herd/config/herdconfig.h"

namespace Herd::Check {

namespace {

// Far from any place, so a WHATSAT that looks for an update lists none and
// the transcript stays short.
constexpr char Position[] = "+0.000000-140.000000";

bool isListener(const CheckContext &context, const NodeConfig &node)
{
    return context.listener() && context.listener()->node().name == node.name;
}

// What `node` holds for the sighting's client now: the AT line, empty for
// none, null if it did not answer.
std::optional<QByteArray> heldAt(CheckContext &context, const Sighting &sighting)
{
    if (!isListener(context, *sighting.node))
        return storedAtLine(context, *sighting.node, QString::fromUtf8(sighting.update->client));
    const QList<FloodListener::Arrival> arrivals = context.listener()->arrivals(sighting.update->client);
    for (const FloodListener::Arrival &arrival : arrivals) {
        if (hasTime(arrival.line, sighting.update->time))
            return arrival.line;
    }
    return arrivals.isEmpty() ? QByteArray() : arrivals.constLast().line;
}

} // namespace

QList<const NodeConfig *> answeringNodes(const CheckContext &context)
{
    QList<const NodeConfig *> nodes;
    for (const NodeConfig &node : context.config().nodes) {
        if (!isListener(context, node))
            nodes.append(&node);
    }
    return nodes;
}

QList<const NodeConfig *> selectedConfigs(const CheckContext &context)
{
    QList<const NodeConfig *> nodes;
    for (const QString &name : context.selectedNodes())
        nodes.append(context.config().node(name));
    return nodes;
}

QList<const NodeConfig *> withListener(const CheckContext &context, QList<const NodeConfig *> nodes)
{
    if (context.listener())
        nodes.append(context.config().node(context.listener()->node().name));
    return nodes;
}

QStringList namesOf(const QList<const NodeConfig *> &nodes)
{
    QStringList names;
    for (const NodeConfig *node : nodes)
        names.append(node->name);
    return names;
}

QString nameList(const QStringList &names)
{
    if (names.size() < 2)
        return names.join(QString());
    return names.first(names.size() - 1).join(u", ") + u" and " + names.constLast();
}

bool hasTime(const QByteArray &line, const QByteArray &time)
{
    const std::optional<AtLine> at = splitAtLine(line);
    return at && at->time == time;
}

QString Update::described() const
{
    return QStringLiteral("the update at %1 (client %2, time %3)")
        .arg(origin->name, QString::fromUtf8(client), QString::fromLatin1(time));
}

std::optional<Update> sendUpdate(CheckContext &context, const NodeConfig &origin, Verdict *failure,
                                 std::optional<qint64> timeNs)
{
    Update update;
    update.origin = &origin;
    update.client = context.uniqueClient(QStringLiteral("update")).toUtf8();
    update.sentNs = nowNs();
    const std::optional<QByteArray> at =
        sendFor(context, update, origin, timeNs.value_or(update.sentNs), failure);
    if (!at)
        return std::nullopt;
    update.atLine = *at;
    update.time = splitAtLine(*at)->time;
    return update;
}

std::optional<QByteArray> sendFor(CheckContext &context, const Update &update, const NodeConfig &node,
                                  qint64 timeNs, Verdict *failure)
{
    const QByteArray line = iamatLine(QString::fromUtf8(update.client), Position, timeNs);
    const std::optional<QByteArray> reply = askOneLine(context, node, line, failure);
    if (!reply)
        return std::nullopt;
    if (!splitAtLine(*reply)) {
        *failure = Verdict::failed(
            QStringLiteral("an AT line in reply to %1 at %2").arg(shown(line), node.name), shown(*reply));
        return std::nullopt;
    }
    return reply;
}

QList<Sighting> sightingsOf(const Update &update, const QList<const NodeConfig *> &nodes)
{
    QList<Sighting> sightings;
    for (const NodeConfig *node : nodes) {
        if (node != update.origin)
            sightings.append({&update, node, std::nullopt, {}});
    }
    return sightings;
}

bool awaitSightings(CheckContext &context, QList<Sighting> &sightings, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    // Asked often at first, when a flood is most likely to land, then less,
    // so a long wait does not fill the transcript with questions.
    int pauseMs = 5;
    for (;;) {
        bool all = true;
        for (Sighting &sighting : sightings) {
            if (sighting.afterMs)
                continue;
            const std::optional<QByteArray> held = heldAt(context, sighting);
            if (held)
                sighting.held = *held;
            if (held && hasTime(*held, sighting.update->time))
                sighting.afterMs = (nowNs() - sighting.update->sentNs) / NsPerMs;
            else
                all = false;
        }
        if (all)
            return true;
        if (deadline.hasExpired() || !context.pause(int(qMin<qint64>(pauseMs, deadline.remainingTime()))))
            return false;
        pauseMs = qMin(pauseMs * 2, 100);
    }
}

QString missedText(const QList<Sighting> &sightings, int timeoutMs)
{
    // By update, as the sightings come: "the update at A (...) did not reach
    // B (no record for the client), C (it holds "...") within 3000 ms".
    QList<std::pair<const Update *, QStringList>> missed;
    for (const Sighting &sighting : sightings) {
        if (sighting.afterMs)
            continue;
        if (missed.isEmpty() || missed.constLast().first != sighting.update)
            missed.append({sighting.update, QStringList()});
        missed.last().second.append(
            QStringLiteral("%1 (%2)").arg(sighting.node->name,
                                          sighting.held.isEmpty() ? QStringLiteral("no record for the client")
                                                                  : u"it holds " + shown(sighting.held)));
    }
    constexpr int Shown = 3;
    QStringList parts;
    for (const auto &[update, nodes] : missed.mid(0, Shown))
        parts.append(QStringLiteral("%1 did not reach %2 within %3 ms")
                         .arg(update->described(), nodes.join(u", "))
                         .arg(timeoutMs));
    if (missed.size() > Shown)
        parts.append(
            QStringLiteral("and %1 more updates did not reach every node").arg(missed.size() - Shown));
    return parts.join(u"; ");
}

} // namespace Herd::Check
