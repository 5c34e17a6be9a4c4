// SPDX-License-Identifier: GPL-3.0-or-later
#include "check/report/jsonreport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "check/report/reportsupport.h"

using namespace Qt::StringLiterals;

namespace Herd::Check {

namespace {

QString directionName(Transcript::Direction direction)
{
    switch (direction) {
    case Transcript::Direction::Sent:
        return u"sent"_s;
    case Transcript::Direction::Received:
        return u"received"_s;
    case Transcript::Direction::Note:
        return u"note"_s;
    }
    return {};
}

QJsonObject transcriptObject(const Transcript &transcript)
{
    QJsonArray entries;
    for (const Transcript::Entry &entry : transcript.entries())
        entries.append(QJsonObject {{u"atUs"_s, entry.atUs},
                                    {u"direction"_s, directionName(entry.direction)},
                                    {u"connection"_s, entry.connection},
                                    {u"bytes"_s, escapedLine(entry.bytes)},
                                    {u"size"_s, entry.bytes.size()}});
    return {{u"entries"_s, entries}, {u"omittedBytes"_s, transcript.omittedBytes()}};
}

QJsonObject resultObject(const RuleResult &result)
{
    QJsonArray figures;
    for (const Figure &figure : result.verdict.figures)
        figures.append(
            QJsonObject {{u"name"_s, figure.name},
                         {u"value"_s, figure.value},
                         {u"unit"_s, figure.unit},
                         {u"reference"_s,
                          figure.reference ? QJsonValue(*figure.reference) : QJsonValue(QJsonValue::Null)}});
    return {
        {u"name"_s, result.name()},
        {u"rule"_s, result.ruleId},
        {u"area"_s, ruleArea(result.ruleId)},
        {u"node"_s, result.node.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(result.node)},
        {u"title"_s, result.title},
        {u"section"_s, result.section},
        {u"sectionLink"_s, sectionLink(result)},
        {u"outcome"_s, outcomeName(result.verdict.outcome)},
        {u"expected"_s, result.verdict.expected},
        {u"got"_s, result.verdict.actual},
        {u"why"_s, result.verdict.why},
        {u"elapsedMs"_s, result.elapsedMs},
        {u"figures"_s, figures},
        {u"transcript"_s, transcriptObject(result.transcript)},
    };
}

} // namespace

QByteArray jsonReport(const QList<RuleResult> &results, const RunInfo &info)
{
    const Tally counts = tally(results);
    QJsonArray list;
    for (const RuleResult &result : results)
        list.append(resultObject(result));
    const QJsonObject run {
        {u"target"_s, info.targetPath},
        {u"herd"_s, info.herdName},
        {u"nodes"_s, QJsonArray::fromStringList(info.nodes)},
        {u"startedAt"_s, info.startedAt.toUTC().toString(Qt::ISODateWithMs)},
        {u"elapsedMs"_s, info.elapsedMs},
        {u"stopped"_s, info.cancelled},
    };
    const QJsonObject root {
        {u"format"_s, u"herd-check"_s},
        {u"version"_s, 1},
        {u"run"_s, run},
        {u"tally"_s,
         QJsonObject {{u"total"_s, results.size()},
                      {u"passed"_s, counts.passed},
                      {u"failed"_s, counts.failed},
                      {u"notRun"_s, counts.notRun}}},
        {u"results"_s, list},
    };
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

} // namespace Herd::Check
