// SPDX-License-Identifier: GPL-3.0-or-later
// Speed: latency, throughput and flood time, each measured at the target
// and at Herd's own nodes on the same topology in the same run. Measured,
// not judged, unless a threshold is given (--max-p99-ms, --min-iamat-rate).
#include <QElapsedTimer>

#include <algorithm>

#include "check/context.h"
#include "check/loadrun.h"
#include "check/referenceherd.h"
#include "check/rules/areas.h"
#include "check/rules/support.h"
#include "herd/config/herdconfig.h"
#include "herd/wire/protocol.h"

using namespace Qt::StringLiterals;

namespace Herd::Check {

namespace {

// About a second of load for each rule, at the target and again at Herd.
constexpr int LatencyMs = 1000;
constexpr int RateMs = 600; // twice: at 1 and at 100 connections
constexpr int RateConnections = 100;
constexpr int RateDepth = 8; // IAMATs in flight on each connection
constexpr int FloodSamples = 10;
const QByteArray Ucla = "+34.068930-118.445127";

// The figures of one measurement at `node` of `herd` (the target, or Herd's
// reference); null, with why, if nothing could be measured.
using Measure = std::function<std::optional<QList<Figure>>(CheckContext &, const HerdConfig &herd,
                                                           const NodeConfig &node, QString *why)>;

// Herd-wide speed rules load the first node under test.
const NodeConfig &measuredNode(const CheckContext &context)
{
    return *context.config().node(context.selectedNodes().constFirst());
}

// `measure` taken at the target's `node`, then at the reference herd's
// node of the same name for each figure's reference. Passed with the
// figures, or not run if the target gave none.
Verdict measured(CheckContext &context, const QString &node, const Measure &measure)
{
    QString why;
    context.transcript().note(QStringLiteral("at the target's %1").arg(node));
    std::optional<QList<Figure>> figures =
        measure(context, context.config(), *context.config().node(node), &why);
    if (!figures)
        return Verdict::notRun(u"nothing could be measured: " + why);
    QString remark;
    if (const ReferenceHerd *reference = context.referenceHerd(&why)) {
        context.transcript().note(
            QStringLiteral("at Herd's own %1, for reference (its places from the checker's server)")
                .arg(node));
        const HerdConfig &herd = reference->config();
        if (const std::optional<QList<Figure>> theirs = measure(context, herd, *herd.node(node), &why)) {
            for (qsizetype i = 0; i < figures->size(); ++i)
                (*figures)[i].reference = theirs->at(i).value;
        } else {
            remark = u"no reference figures: at Herd's own nodes, " + why;
        }
    } else {
        remark = u"no reference figures: " + why;
    }
    Verdict verdict = Verdict::passed(remark);
    verdict.figures = *figures;
    return verdict;
}

QString valueText(double value, const QString &unit)
{
    return QString::number(value, 'f', value >= 100 ? 0 : 2) + u' ' + unit;
}

// `verdict`, failed if one of the figures `checked` (indexes) is past
// `limit` (0: no limit): above it when `most`, below it when not.
Verdict limited(Verdict verdict, const QList<int> &checked, double limit, bool most, const QString &flag)
{
    if (!verdict.isPassed() || limit <= 0)
        return verdict;
    for (const int index : checked) {
        const Figure &figure = verdict.figures.at(index);
        if (most ? figure.value <= limit : figure.value >= limit)
            continue;
        Verdict failed = Verdict::failed(
            QStringLiteral("%1 %2 %3 (%4)")
                .arg(figure.name, most ? QStringLiteral("at most") : QStringLiteral("at least"),
                     valueText(limit, figure.unit), flag),
            valueText(figure.value, figure.unit));
        failed.figures = verdict.figures;
        return failed;
    }
    return verdict;
}

// IAMATs from one client per connection, each newer than the last, so
// every one is stored and flooded as a real report would be.
std::function<QByteArray(int, qint64)> iamatRequests(CheckContext &context)
{
    const QString client = context.uniqueClient(QStringLiteral("speed"));
    const qint64 base = nowNs();
    return [client, base](int connection, qint64 index) {
        QByteArray line = iamatLine(QStringLiteral("%1-%2").arg(client).arg(connection), Ucla, base + index);
        line += '\n';
        return line;
    };
}

std::optional<LoadResult> load(CheckContext &context, const NodeConfig &node, const LoadPlan &plan,
                               QString *why)
{
    LoadResult result = runLoad(context, node, plan);
    if (!result.error.isEmpty() || result.answered == 0) {
        *why =
            result.error.isEmpty() ? QStringLiteral("no reply in %1 ms").arg(plan.durationMs) : result.error;
        return std::nullopt;
    }
    return result;
}

QList<Figure> latencyFigures(const QString &what, const QString &node, const LoadResult &result)
{
    return {{QStringLiteral("%1 latency p50 at %2").arg(what, node), result.percentileMs(0.5), u"ms"_s, {}},
            {QStringLiteral("%1 latency p99 at %2").arg(what, node), result.percentileMs(0.99), u"ms"_s, {}}};
}

std::optional<QList<Figure>> iamatLatency(CheckContext &context, const HerdConfig &, const NodeConfig &node,
                                          QString *why)
{
    const std::optional<LoadResult> result =
        load(context, node, {1, 1, LatencyMs, false, iamatRequests(context)}, why);
    if (!result)
        return std::nullopt;
    return latencyFigures(QStringLiteral("IAMAT"), node.name, *result);
}

std::optional<QList<Figure>> whatsatLatency(CheckContext &context, const HerdConfig &, const NodeConfig &node,
                                            QString *why)
{
    const QString client = context.uniqueClient(QStringLiteral("speed"));
    Verdict failure;
    if (!askOneLine(context, node, iamatLine(client, Ucla, nowNs()), &failure)) {
        *why = QStringLiteral("the IAMAT before the WHATSATs: %1").arg(failure.actual);
        return std::nullopt;
    }
    const QByteArray line = "WHATSAT " + client.toUtf8() + " 10 5\n";
    const std::optional<LoadResult> result =
        load(context, node, {1, 1, LatencyMs, true, [line](int, qint64) { return line; }}, why);
    if (!result)
        return std::nullopt;
    return latencyFigures(QStringLiteral("WHATSAT"), node.name, *result);
}

std::optional<QList<Figure>> iamatRate(CheckContext &context, const HerdConfig &, const NodeConfig &node,
                                       QString *why)
{
    QList<Figure> figures;
    for (const int connections : {1, RateConnections}) {
        const std::optional<LoadResult> result =
            load(context, node, {connections, RateDepth, RateMs, false, iamatRequests(context)}, why);
        if (!result)
            return std::nullopt;
        figures.append({QStringLiteral("IAMAT/s at %1, %2 connection%3")
                            .arg(node.name)
                            .arg(connections)
                            .arg(connections == 1 ? QString() : QStringLiteral("s")),
                        result->perSecond(),
                        u"/s"_s,
                        {}});
    }
    return figures;
}

// Hops from `from` to every node it reaches, over the herd file's links.
QHash<QString, int> hops(const HerdConfig &config, const QString &from)
{
    QHash<QString, int> distance {{from, 0}};
    QStringList frontier {from};
    while (!frontier.isEmpty()) {
        QStringList next;
        for (const QString &name : std::as_const(frontier)) {
            for (const QString &neighbour : config.neighboursOf(name)) {
                if (!distance.contains(neighbour)) {
                    distance.insert(neighbour, distance.value(name) + 1);
                    next.append(neighbour);
                }
            }
        }
        frontier = next;
    }
    return distance;
}

struct Route
{
    QString from, to;
    int hops = 0;
};

// The two nodes furthest apart (in hops) that reach each other.
Route farthest(const HerdConfig &config)
{
    Route route;
    for (const QString &from : config.nodeNames()) {
        const QHash<QString, int> distance = hops(config, from);
        for (auto it = distance.cbegin(); it != distance.cend(); ++it) {
            if (it.value() > route.hops)
                route = {from, it.key(), it.value()};
        }
    }
    return route;
}

// One update: the milliseconds from sending an IAMAT at `from` to `to`
// holding it, found by asking `to` WHATSAT back to back; null past the
// flood bound. The time is when the first WHATSAT that finds it was sent:
// the record came after the one before it was answered "?", and its answer
// waits for places, which are no part of a flood.
std::optional<double> floodOnce(CheckContext &context, Probe &sender, Probe &asker, const QString &client)
{
    const qint64 now = nowNs();
    const QByteArray ending = ' ' + formatTime(now);
    const QByteArray question = "WHATSAT " + client.toUtf8() + " 1 1\n";
    const int bound = context.settings().floodBoundMs;
    QElapsedTimer clock;
    clock.start();
    if (!sender.send(iamatLine(client, Ucla, now) + '\n'))
        return std::nullopt;
    while (clock.elapsed() < bound) {
        const double askedMs = double(clock.nsecsElapsed()) / 1e6;
        if (!asker.send(question) || !asker.readWhatsatReply(bound))
            return std::nullopt;
        if (firstLine(asker.take()).endsWith(ending)) {
            // Its reply too, so the next update finds the node idle.
            sender.readLines(1, context.settings().replyTimeoutMs);
            sender.take();
            return askedMs;
        }
    }
    return std::nullopt;
}

std::optional<QList<Figure>> floodTime(CheckContext &context, const HerdConfig &herd, const Route &route,
                                       QString *why)
{
    // Quiet probes: the polling would fill the transcript; the samples are noted.
    const int timeout = context.settings().replyTimeoutMs;
    Probe sender(nullptr, QStringLiteral("from"), context.cancelFlag());
    Probe asker(nullptr, QStringLiteral("to"), context.cancelFlag());
    const NodeConfig &from = *herd.node(route.from);
    const NodeConfig &to = *herd.node(route.to);
    if (!sender.connectTo(from.host, from.port, timeout) || !asker.connectTo(to.host, to.port, timeout)) {
        *why = sender.error().isEmpty() ? asker.error() : sender.error();
        return std::nullopt;
    }
    // The first update may open the links between the nodes; it is not counted.
    QList<double> samples;
    for (int i = 0; i <= FloodSamples && !context.cancelled(); ++i) {
        const QString client = context.uniqueClient(QStringLiteral("flood"));
        const std::optional<double> ms = floodOnce(context, sender, asker, client);
        if (!ms) {
            *why = QStringLiteral("an IAMAT for %1 at %2 did not reach %3 within %4 ms")
                       .arg(client, route.from, route.to)
                       .arg(context.settings().floodBoundMs);
            return std::nullopt;
        }
        context.transcript().note(QStringLiteral("%1: %2 to %3 in %4 ms%5")
                                      .arg(client, route.from, route.to)
                                      .arg(*ms, 0, 'f', 3)
                                      .arg(i == 0 ? QStringLiteral(" (not counted)") : QString()));
        if (i > 0)
            samples.append(*ms);
    }
    if (samples.isEmpty()) {
        *why = QStringLiteral("the run was stopped");
        return std::nullopt;
    }
    std::sort(samples.begin(), samples.end());
    const QString name = QStringLiteral("flood %1 to %2 (%3 hops)").arg(route.from, route.to).arg(route.hops);
    return QList<Figure> {{name + u", median", samples.at(samples.size() / 2), u"ms"_s, {}},
                          {name + u", slowest", samples.last(), u"ms"_s, {}}};
}

Verdict iamatLatencyRule(CheckContext &context, const NodeConfig *)
{
    return limited(measured(context, measuredNode(context).name, iamatLatency), {1},
                   context.settings().maxP99Ms, true, u"--max-p99-ms"_s);
}

Verdict whatsatLatencyRule(CheckContext &context, const NodeConfig *)
{
    return limited(measured(context, measuredNode(context).name, whatsatLatency), {1},
                   context.settings().maxP99Ms, true, u"--max-p99-ms"_s);
}

Verdict iamatRateRule(CheckContext &context, const NodeConfig *)
{
    return limited(measured(context, measuredNode(context).name, iamatRate), {0, 1},
                   context.settings().minIamatRate, false, u"--min-iamat-rate"_s);
}

Verdict floodTimeRule(CheckContext &context, const NodeConfig *)
{
    const Route route = farthest(context.config());
    if (route.hops == 0)
        return Verdict::notRun(QStringLiteral("no two nodes of the herd are linked"));
    // The reference herd has the same names and links: the same route.
    return limited(measured(context, route.from,
                            [&route](CheckContext &at, const HerdConfig &herd, const NodeConfig &,
                                     QString *why) { return floodTime(at, herd, route, why); }),
                   {1}, context.settings().maxFloodMs, true, u"--max-flood-ms"_s);
}

} // namespace

QList<Rule> speedRules()
{
    using S = Rule::Scope;
    // Without Herd's own nodes to compare with, a speed rule measures the
    // target alone and says so (measured()): nothing keeps it from running.
    const int needs = Rule::NeedsNothing;
    return {
        {u"speed.iamat-latency"_s, u"IAMAT latency, p50 and p99, one at a time"_s, Section::IamatReply,
         S::Herd, needs, iamatLatencyRule},
        {u"speed.whatsat-latency"_s, u"WHATSAT latency, p50 and p99, one at a time"_s, Section::WhatsatReply,
         S::Herd, needs, whatsatLatencyRule},
        {u"speed.iamat-rate"_s, u"IAMATs answered per second, at 1 and at 100 connections"_s, Section::Order,
         S::Herd, needs, iamatRateRule},
        {u"speed.flood"_s, u"Flood time to the node the most hops away"_s, Section::Flooding, S::Herd,
         needs | Rule::NeedsTwoNodes, floodTimeRule},
    };
}

} // namespace Herd::Check
