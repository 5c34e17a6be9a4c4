// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/monitor/control.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include <optional>

#include "herd/cluster.h"
#include "herd/node/node.h"
#include "herd/partition.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

constexpr qint64 MaxLinkFaultMs = 600'000;
constexpr qint64 MaxSkewMs = 3'600'000; // as the window's dialog allows

// One request's parameters, read strictly: each reader fails the request
// with the status and the parameter at fault, and the first failure stands.
class Request
{
public:
    Request(Cluster &cluster, const QJsonObject &params)
        : m_cluster(cluster)
        , m_params(params)
    {}

    bool onlyKeys(const QStringList &allowed)
    {
        for (const QString &key : m_params.keys()) {
            if (!allowed.contains(key))
                return fail(400, key,
                            u"unknown parameter \"%1\" (this action takes: %2)"_s.arg(
                                key, allowed.isEmpty() ? u"none"_s : allowed.join(u", ")));
        }
        return true;
    }

    std::optional<QString> string(const QString &key)
    {
        const QJsonValue value = m_params.value(key);
        if (!value.isString() || value.toString().isEmpty()) {
            fail(400, key, value.isUndefined() ? u"missing"_s : u"must be a non-empty string"_s);
            return std::nullopt;
        }
        return value.toString();
    }

    // A node of the herd that runs in this process.
    Node *localNode(const QString &key)
    {
        const std::optional<QString> name = string(key);
        if (!name)
            return nullptr;
        if (!m_cluster.config().node(*name)) {
            fail(404, key, u"no node named \"%1\" in the herd"_s.arg(*name));
            return nullptr;
        }
        Node *node = m_cluster.node(*name);
        if (!node)
            fail(409, key, u"node \"%1\" does not run in this process"_s.arg(*name));
        return node;
    }

    std::optional<qint64> integer(const QString &key, qint64 min, qint64 max)
    {
        const QJsonValue value = m_params.value(key);
        const double number = value.toDouble();
        if (!value.isDouble() || number != double(qint64(number)) || number < double(min)
            || number > double(max)) {
            fail(400, key,
                 value.isUndefined()
                     ? u"missing"_s
                     : u"must be a whole number of milliseconds from %1 to %2"_s.arg(min).arg(max));
            return std::nullopt;
        }
        return qint64(number);
    }

    std::optional<Cluster::Direction> direction()
    {
        const QJsonValue value = m_params.value(u"oneWay"_s);
        if (!value.isUndefined() && !value.isBool()) {
            fail(400, u"oneWay"_s, u"must be true or false"_s);
            return std::nullopt;
        }
        return value.toBool() ? Cluster::Direction::OneWay : Cluster::Direction::Both;
    }

    // "from" and "to": a link of the herd.
    std::optional<std::pair<QString, QString>> link()
    {
        const std::optional<QString> from = string(u"from"_s);
        const std::optional<QString> to = from ? string(u"to"_s) : std::nullopt;
        if (!to)
            return std::nullopt;
        for (const QString &key : {u"from"_s, u"to"_s}) {
            const QString name = m_params.value(key).toString();
            if (!m_cluster.config().node(name)) {
                fail(404, key, u"no node named \"%1\" in the herd"_s.arg(name));
                return std::nullopt;
            }
        }
        if (!m_cluster.config().neighboursOf(*from).contains(*to)) {
            fail(404, u"to"_s, u"no link %1-%2 in the herd"_s.arg(*from, *to));
            return std::nullopt;
        }
        return std::pair {*from, *to};
    }

    bool fail(int status, const QString &parameter, const QString &message)
    {
        if (m_outcome.status == 200)
            m_outcome = {status, QJsonObject {{u"error"_s, message}, {u"parameter"_s, parameter}}};
        return false;
    }

    ControlOutcome done(const QString &what)
    {
        if (m_outcome.status == 200)
            m_outcome.body = QJsonObject {{u"ok"_s, true}, {u"done"_s, what}};
        return m_outcome;
    }

    ControlOutcome outcome() const { return m_outcome; }
    Cluster &cluster() { return m_cluster; }

private:
    Cluster &m_cluster;
    QJsonObject m_params;
    ControlOutcome m_outcome;
};

ControlOutcome nodeAction(Request &request, const QString &action)
{
    Node *node = request.onlyKeys({u"node"_s}) ? request.localNode(u"node"_s) : nullptr;
    if (!node)
        return request.outcome();
    const QString name = node->name();
    if (action == u"kill") {
        if (!request.cluster().kill(name))
            request.fail(409, u"node"_s, u"node \"%1\" is not running"_s.arg(name));
        return request.done(u"killed "_s + name);
    }
    if (node->isRunning()) {
        request.fail(409, u"node"_s, u"node \"%1\" is running already"_s.arg(name));
        return request.outcome();
    }
    QString error;
    if (!request.cluster().restart(name, &error))
        request.fail(409, u"node"_s, u"node \"%1\" could not restart: %2"_s.arg(name, error));
    return request.done(u"restarted "_s + name);
}

ControlOutcome linkAction(Request &request, const QString &action)
{
    const bool timed = action == u"delay" || action == u"jitter" || action == u"flaky";
    QStringList keys {u"from"_s, u"to"_s, u"oneWay"_s};
    if (timed)
        keys.append(u"ms"_s);
    if (!request.onlyKeys(keys))
        return request.outcome();
    const auto link = request.link();
    const auto direction = link ? request.direction() : std::nullopt;
    const auto ms =
        direction && timed ? request.integer(u"ms"_s, 0, MaxLinkFaultMs) : std::optional<qint64>(0);
    if (!direction || !ms)
        return request.outcome();
    const auto &[from, to] = *link;
    Cluster &cluster = request.cluster();
    bool applied = false;
    if (action == u"cut" || action == u"restore")
        applied = cluster.setLinkCut(from, to, action == u"cut", *direction);
    else if (action == u"delay")
        applied = cluster.setLinkDelay(from, to, int(*ms), *direction);
    else if (action == u"jitter")
        applied = cluster.setLinkJitter(from, to, int(*ms), *direction);
    else
        applied = cluster.setLinkFlaky(from, to, int(*ms), *direction);
    if (!applied)
        request.fail(409, u"from"_s,
                     *direction == Cluster::Direction::OneWay
                         ? u"node \"%1\" does not run in this process"_s.arg(from)
                         : u"neither %1 nor %2 runs in this process"_s.arg(from, to));
    QString what = action + u' ' + from + u'-' + to;
    if (timed)
        what += u' ' + QString::number(*ms) + u" ms";
    return request.done(what);
}

ControlOutcome clockSkew(Request &request)
{
    Node *node = request.onlyKeys({u"node"_s, u"ms"_s}) ? request.localNode(u"node"_s) : nullptr;
    const std::optional<qint64> ms = node ? request.integer(u"ms"_s, -MaxSkewMs, MaxSkewMs) : std::nullopt;
    if (!ms)
        return request.outcome();
    request.cluster().setClockSkew(node->name(), *ms);
    return request.done(u"clock skew %1 ms on %2"_s.arg(*ms).arg(node->name()));
}

ControlOutcome partition(Request &request, const QJsonObject &params)
{
    if (!request.onlyKeys({u"preset"_s, u"node"_s}))
        return request.outcome();
    const std::optional<QString> preset = request.string(u"preset"_s);
    if (!preset)
        return request.outcome();
    if (!Partition::presetNames().contains(*preset)) {
        request.fail(400, u"preset"_s,
                     u"no partition named \"%1\" (partitions: %2)"_s.arg(
                         *preset, Partition::presetNames().join(u", ")));
        return request.outcome();
    }
    const QString node = params.value(u"node"_s).toString();
    if (!node.isEmpty() && !request.cluster().config().node(node)) {
        request.fail(404, u"node"_s, u"no node named \"%1\" in the herd"_s.arg(node));
        return request.outcome();
    }
    QString error;
    const std::optional<QList<Partition::Link>> links =
        Partition::preset(request.cluster().config(), *preset, node, &error);
    if (!links) {
        request.fail(400, node.isEmpty() && *preset == u"isolate" ? u"node"_s : u"preset"_s, error);
        return request.outcome();
    }
    request.cluster().cutLinks(*links);
    QStringList cut;
    for (const auto &[a, b] : *links)
        cut.append(a + u'-' + b);
    return request.done(
        u"partition %1: cut %2"_s.arg(*preset, cut.isEmpty() ? u"nothing"_s : cut.join(u", ")));
}

} // namespace

QStringList controlActions()
{
    return {u"kill"_s,  u"restart"_s,    u"cut"_s,       u"restore"_s, u"delay"_s, u"jitter"_s,
            u"flaky"_s, u"clock-skew"_s, u"partition"_s, u"heal"_s,    u"clear"_s};
}

ControlOutcome applyControl(Cluster &cluster, const QString &action, const QByteArray &body)
{
    QJsonObject params;
    if (!body.trimmed().isEmpty()) {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(body, &error);
        if (!document.isObject()) {
            const QString why = document.isNull()
                ? error.errorString() + u" at byte "_s + QString::number(error.offset)
                : u"not a JSON object"_s;
            return {400,
                    QJsonObject {{u"error"_s, QString(u"the body must be a JSON object: "_s + why)},
                                 {u"parameter"_s, u"body"_s}}};
        }
        params = document.object();
    }
    Request request(cluster, params);
    if (action == u"kill" || action == u"restart")
        return nodeAction(request, action);
    if (action == u"clock-skew")
        return clockSkew(request);
    if (action == u"partition")
        return partition(request, params);
    if (action == u"heal" || action == u"clear") {
        if (!request.onlyKeys({}))
            return request.outcome();
        if (action == u"heal")
            cluster.heal();
        else
            cluster.clearFaults();
        return request.done(action == u"heal" ? u"healed every cut link"_s : u"cleared every fault"_s);
    }
    if (controlActions().contains(action))
        return linkAction(request, action);
    return {404,
            QJsonObject {
                {u"error"_s, u"no action \"%1\" (actions: %2)"_s.arg(action, controlActions().join(u", "))},
                {u"parameter"_s, u"action"_s}}};
}

} // namespace Herd
