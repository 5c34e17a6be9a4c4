// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/monitor/statesnapshot.h"

#include <QJsonArray>
#include <QMetaEnum>

#include <algorithm>

#include "herd/cluster.h"
#include "herd/log/logexport.h"
#include "herd/node/node.h"
#include "herd/wire/clock.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

QJsonArray recordsOf(const Store &store)
{
    QList<const Record *> records;
    for (const Record &record : store.records())
        records.append(&record);
    std::sort(records.begin(), records.end(),
              [](const Record *a, const Record *b) { return a->clientId < b->clientId; });
    QJsonArray result;
    for (const Record *record : std::as_const(records)) {
        result.append(QJsonObject {
            {u"client"_s, QString::fromUtf8(record->clientId)},
            {u"clientTimeNs"_s, record->timeNs},
            {u"clientTime"_s, QString::fromLatin1(isoTimeNs(record->timeNs))},
            {u"server"_s, QString::fromUtf8(record->server())},
            {u"position"_s, QString::fromUtf8(record->position())},
            {u"atLine"_s, QString::fromUtf8(record->atLine)},
        });
    }
    return result;
}

QJsonObject nodeObject(const NodeConfig &config, const Node *node)
{
    QJsonObject object {{u"name"_s, config.name},
                        {u"host"_s, config.host},
                        {u"port"_s, node ? node->port() : config.port},
                        {u"inProcess"_s, node != nullptr}};
    if (!node)
        return object;
    object.insert(u"running", node->isRunning());
    object.insert(u"clockSkewMs", node->clockSkewMs());
    object.insert(u"clientConnections", node->clientCount());
    object.insert(u"records", recordsOf(node->store()));
    return object;
}

QJsonObject linkObject(const QString &from, const QString &to, const LinkState &link)
{
    const char *state = QMetaEnum::fromType<LinkState::State>().valueToKey(int(link.state));
    return QJsonObject {
        {u"from"_s, from},
        {u"to"_s, to},
        {u"state"_s, QString::fromLatin1(state).toLower()},
        {u"cut"_s, link.cut},
        {u"delayMs"_s, link.delayMs},
        {u"jitterMs"_s, link.jitterMs},
        {u"flakyMeanMs"_s, link.flakyMeanMs},
        {u"failedAttempts"_s, link.failedAttempts},
        {u"queuedLines"_s, link.queuedLines},
    };
}

} // namespace

QJsonObject stateSnapshot(const Cluster &cluster)
{
    QJsonArray nodes;
    QJsonArray links;
    QJsonArray faultyLinks;
    QJsonObject skews;
    for (const NodeConfig &config : cluster.config().nodes) {
        const Node *node = cluster.node(config.name);
        nodes.append(nodeObject(config, node));
        if (!node)
            continue;
        if (node->clockSkewMs() != 0)
            skews.insert(config.name, node->clockSkewMs());
        for (const QString &peer : node->neighbourNames()) {
            const std::optional<LinkState> link = node->linkState(peer);
            if (!link)
                continue;
            const QJsonObject object = linkObject(config.name, peer, *link);
            links.append(object);
            if (link->cut || link->delayMs || link->jitterMs || link->flakyMeanMs)
                faultyLinks.append(object);
        }
    }
    return QJsonObject {
        {u"herd"_s, cluster.config().name},
        {u"timeNs"_s, wallClockNs()},
        {u"nodes"_s, nodes},
        {u"links"_s, links},
        {u"faults"_s, QJsonObject {{u"clockSkewMs"_s, skews}, {u"links"_s, faultyLinks}}},
    };
}

} // namespace Herd
