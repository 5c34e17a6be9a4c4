// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/record/recordedscenario.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QSet>

#include <algorithm>

#include "herd/config/herdconfig.h"
#include "herd/record/herdmoment.h"
#include "herd/wire/protocol.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

constexpr int HoldsWithinMs = 5000;
constexpr int StaleForMs = 1000;

// The time every direction of every link of `herd` was first up at once;
// the first event's time if that never happened.
qint64 linksUpAt(const Recording &recording, const HerdConfig &herd)
{
    QSet<std::pair<QString, QString>> wanted;
    for (const auto &[a, b] : herd.links)
        wanted += {{a, b}, {b, a}};
    QSet<std::pair<QString, QString>> up;
    for (const Event &event : recording.events()) {
        if (event.kind == EventKind::PeerConnected)
            up.insert({event.node, event.peer});
        else if (event.kind == EventKind::PeerDisconnected)
            up.remove({event.node, event.peer});
        if (!wanted.isEmpty() && up.contains(wanted))
            return event.timeNs;
    }
    return recording.events().isEmpty() ? 0 : recording.events().constFirst().timeNs;
}

QJsonObject linkStep(const char *kind, const Event &event)
{
    return {{"do"_L1, QLatin1StringView(kind)},
            {"from"_L1, event.node},
            {"to"_L1, event.peer},
            {"oneWay"_L1, event.detail.endsWith("(one way)"_L1)}};
}

// The step a fault's event stands for, with its values read from `after`,
// the herd once the event is applied; empty for another change.
QJsonObject faultStep(const Event &event, const HerdMoment &after)
{
    if (event.peer.isEmpty()) {
        return event.detail.startsWith("clock skew"_L1)
            ? QJsonObject {{"do"_L1, "skew"_L1},
                           {"node"_L1, event.node},
                           {"ms"_L1, after.nodes.value(event.node).clockSkewMs}}
            : QJsonObject {};
    }
    const LinkMoment link = after.links.value({event.node, event.peer});
    QJsonObject step;
    if (event.detail.startsWith("cut"_L1)) {
        step = linkStep("cut", event);
    } else if (event.detail.startsWith("restored"_L1)) {
        step = linkStep("restore", event);
    } else if (event.detail.startsWith("delay"_L1) || event.detail.startsWith("jitter"_L1)) {
        step = linkStep("delay", event);
        step.insert("ms"_L1, link.delayMs);
        step.insert("jitterMs"_L1, link.jitterMs);
    } else if (event.detail.startsWith("flaky"_L1)) {
        step = linkStep("flaky", event);
        step.insert("meanMs"_L1, link.flakyMeanMs);
    }
    return step;
}

// One step per running node and reported client, or one `agree`.
QJsonArray expectations(const HerdMoment &end, const QMap<QByteArray, qint64> &newest)
{
    QJsonArray steps;
    bool agree = true;
    for (const NodeMoment &node : end.nodes) {
        for (auto client = newest.cbegin(); client != newest.cend(); ++client) {
            if (node.running && node.records.value(client.key()).clientTimeNs != *client)
                agree = false;
        }
    }
    if (agree) {
        steps.append(
            QJsonObject {{"do"_L1, "expect"_L1}, {"agree"_L1, true}, {"withinMs"_L1, HoldsWithinMs}});
        return steps;
    }
    for (auto node = end.nodes.cbegin(); node != end.nodes.cend(); ++node) {
        if (!node->running)
            continue;
        for (auto client = newest.cbegin(); client != newest.cend(); ++client) {
            const QJsonObject which {{"node"_L1, node.key()}, {"client"_L1, QString::fromUtf8(client.key())}};
            const bool holds = node->records.value(client.key()).clientTimeNs == *client;
            steps.append(
                holds ? QJsonObject {{"do"_L1, "expect"_L1},
                                     {"holds"_L1, which},
                                     {"withinMs"_L1, HoldsWithinMs}}
                      : QJsonObject {{"do"_L1, "expect"_L1}, {"stale"_L1, which}, {"forMs"_L1, StaleForMs}});
        }
    }
    return steps;
}

} // namespace

std::optional<QByteArray> scenarioFromRecording(const Recording &recording, const QString &name,
                                                QString *error)
{
    const std::optional<HerdConfig> herd = HerdConfig::fromJson(recording.herdJson(), error);
    if (recording.herdJson().isEmpty() || !herd) {
        if (error)
            *error = u"the recording names no herd (text logs have no header), so no scenario can run it"_s;
        return std::nullopt;
    }
    const qint64 clockStart = linksUpAt(recording, *herd);
    HerdMoment moment;
    QJsonArray steps;
    QMap<QByteArray, qint64> newest; // client -> newest client time reported
    QSet<QString> stopped;
    qint64 lastAtMs = 0;
    for (const Event &event : recording.events()) {
        moment.apply(event);
        QJsonObject step;
        if (event.kind == EventKind::RecordStored && event.detail == u"iamat") {
            const Message at = parseLine(event.line);
            step = {{"do"_L1, "iamat"_L1},
                    {"node"_L1, event.node},
                    {"client"_L1, QString::fromUtf8(at.clientId)},
                    {"position"_L1, QString::fromUtf8(at.position)},
                    {"time"_L1, QString::fromUtf8(at.time)}};
            newest[at.clientId] = std::max(newest.value(at.clientId), at.timeNs);
        } else if (event.kind == EventKind::LinkChanged) {
            step = faultStep(event, moment);
        } else if (event.kind == EventKind::NodeStopped) {
            stopped.insert(event.node);
            step = {{"do"_L1, "kill"_L1}, {"node"_L1, event.node}};
        } else if (event.kind == EventKind::NodeStarted && stopped.remove(event.node)) {
            step = {{"do"_L1, "restart"_L1}, {"node"_L1, event.node}};
        }
        if (step.isEmpty())
            continue;
        // Steps may not go back in time; what came before the clock starts is at 0.
        lastAtMs = std::max(lastAtMs, (event.timeNs - clockStart) / 1'000'000);
        step.insert("at"_L1, lastAtMs);
        steps.append(step);
    }
    for (const QJsonValue expectation : expectations(moment, newest))
        steps.append(expectation);
    const QJsonObject scenario {
        {"name"_L1, name},
        {"description"_L1,
         u"A recorded run, played again: its reports and faults at the times they happened, "
         "then the agreement or divergence it ended with."_s},
        {"herd"_L1, QJsonDocument::fromJson(recording.herdJson()).object()},
        {"steps"_L1, steps}};
    return QJsonDocument(scenario).toJson(QJsonDocument::Indented);
}

} // namespace Herd
