// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/record/momentjson.h"

#include <QJsonArray>

#include "herd/log/logexport.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

QJsonObject recordsToJson(const QHash<QByteArray, ReplayRecord> &records)
{
    // QJsonObject sorts its keys, so the output is the same for the same moment.
    QJsonObject out;
    for (auto record = records.cbegin(); record != records.cend(); ++record) {
        out.insert(QString::fromUtf8(record.key()),
                   QJsonObject {{"line"_L1, QString::fromUtf8(record->atLine)},
                                {"clientTime"_L1, QString::fromLatin1(isoTimeNs(record->clientTimeNs))},
                                {"clientTimeNs"_L1, record->clientTimeNs},
                                {"origin"_L1, QString::fromUtf8(record->origin())}});
    }
    return out;
}

} // namespace

QJsonObject momentToJson(const HerdMoment &moment, double atSeconds)
{
    QJsonObject nodes;
    for (auto node = moment.nodes.cbegin(); node != moment.nodes.cend(); ++node) {
        nodes.insert(node.key(),
                     QJsonObject {{"running"_L1, node->running},
                                  {"clockSkewMs"_L1, node->clockSkewMs},
                                  {"records"_L1, recordsToJson(node->records)}});
    }
    QJsonArray links;
    for (auto link = moment.links.cbegin(); link != moment.links.cend(); ++link) {
        links.append(QJsonObject {{"from"_L1, link.key().first},
                                  {"to"_L1, link.key().second},
                                  {"up"_L1, link->up},
                                  {"cut"_L1, link->cut},
                                  {"delayMs"_L1, link->delayMs},
                                  {"jitterMs"_L1, link->jitterMs},
                                  {"flakyMeanMs"_L1, link->flakyMeanMs}});
    }
    return QJsonObject {
        {"at"_L1, atSeconds}, {"events"_L1, moment.eventCount}, {"nodes"_L1, nodes}, {"links"_L1, links}};
}

} // namespace Herd
