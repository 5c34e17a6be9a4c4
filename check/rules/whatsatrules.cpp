// SPDX-License-Identifier: GPL-3.0-or-later
// WHATSAT at one node: the stored AT line, the JSON and the places in it,
// the bound and the radius, how the reply ends, and which record is kept.
#include <QJsonArray>

#include "check/context.h"
#include "check/probe.h"
#include "check/rules/areas.h"
#include "check/rules/support.h"
#include "check/rules/whatsatsupport.h"
#include "herd/config/herdconfig.h"
#include "herd/wire/protocol.h"

using namespace Qt::StringLiterals;

namespace Herd::Check {

namespace {

constexpr qint64 NsPerSecond = 1'000'000'000;

Verdict storedLine(CheckContext &context, const NodeConfig *node)
{
    // A position with leading zeros and a time with one fraction digit: a
    // node that keeps parsed numbers and writes them out again shows it.
    const QByteArray time = formatTime(nowNs()).left(12);
    Verdict failure;
    const std::optional<KnownClient> known =
        placeClient(context, *node, u"stored"_s, "+034.06893-118.445127", &failure, time);
    if (!known)
        return failure;
    const std::optional<QByteArray> reply = askWhatsat(context, *node, known->client, "10", "1", &failure);
    if (!reply)
        return failure;
    const QByteArray first = firstLine(*reply);
    if (first != known->atLine)
        return Verdict::failed(
            u"as the first line, the AT line the node replied to the IAMAT, byte for byte: "_s
                + shown(known->atLine),
            shown(first));
    return Verdict::passed();
}

Verdict jsonShape(CheckContext &context, const NodeConfig *node)
{
    Verdict failure;
    const std::optional<KnownClient> known =
        placeClient(context, *node, u"json"_s, Westwood.position, &failure);
    if (!known)
        return failure;
    const std::optional<QJsonObject> answer = askPlaces(context, *node, known->client, "10", "5", &failure);
    if (!answer)
        return failure;
    if (const QString problem = shapeProblem(*answer); !problem.isEmpty())
        return Verdict::failed(
            u"a Nearby Search answer: html_attributions, results and status; each result with "
            "geometry.location.lat and lng, name, place_id, types and vicinity"_s,
            problem);
    return Verdict::passed();
}

// WHATSAT of a client at `spot`, its places compared with the checker's.
Verdict comparePlaces(CheckContext &context, const NodeConfig &node, const Spot &spot,
                      const QByteArray &radius, int bound)
{
    Verdict failure;
    const std::optional<KnownClient> known = placeClient(context, node, u"places"_s, spot.position, &failure);
    if (!known)
        return failure;
    const std::optional<QJsonObject> answer =
        askPlaces(context, node, known->client, radius, QByteArray::number(bound), &failure);
    if (!answer)
        return failure;
    const QJsonObject expected = expectedPlaces(context, spot, radius.toDouble(), bound);
    const QString difference = placesDifference(expected, *answer);
    if (difference.isEmpty())
        return Verdict::passed();
    return Verdict::failed(u"at most %1, nearest first, within %2 km of %3: %4"_s.arg(
                               QString::number(bound), QString::fromLatin1(radius),
                               QString::fromLatin1(spot.position), describePlaces(expected)),
                           describePlaces(*answer) + u"; "_s + difference);
}

Verdict places(CheckContext &context, const NodeConfig *node)
{
    for (const Spot &spot : {Westwood, Sydney}) {
        if (const Verdict verdict = comparePlaces(context, *node, spot, "10", 20); !verdict.isPassed())
            return verdict;
    }
    return Verdict::passed();
}

Verdict radius(CheckContext &context, const NodeConfig *node)
{
    // 10.5871263 km holds one place more than 10 km; 0.5 km none.
    for (const QByteArray radius : {"10.5871263", "0.5", "50"}) {
        if (const Verdict verdict = comparePlaces(context, *node, Westwood, radius, 20); !verdict.isPassed())
            return verdict;
    }
    return Verdict::passed();
}

Verdict bound(CheckContext &context, const NodeConfig *node)
{
    // 20 places lie within 50 km; "05" is 5, leading zero and all.
    Verdict failure;
    const std::optional<KnownClient> known =
        placeClient(context, *node, u"bound"_s, Westwood.position, &failure);
    if (!known)
        return failure;
    for (const QByteArray bound : {"1", "05"}) {
        const std::optional<QJsonObject> answer =
            askPlaces(context, *node, known->client, "50", bound, &failure);
        if (!answer)
            return failure;
        const qsizetype count = answer->value("results"_L1).toArray().size();
        if (count > bound.toInt())
            return Verdict::failed(u"at most %1 for WHATSAT %2 50 %3"_s.arg(
                                       bound.toInt() == 1 ? u"1 place"_s : u"%1 places"_s.arg(bound.toInt()),
                                       known->client, QString::fromLatin1(bound)),
                                   describePlaces(*answer));
    }
    return Verdict::passed();
}

Verdict ending(CheckContext &context, const NodeConfig *node)
{
    // The reply, then "? HELLO" for a line sent after it: whatever lies
    // between the first empty line and "? HELLO" is one empty line too many.
    Verdict failure;
    const std::optional<KnownClient> known =
        placeClient(context, *node, u"ending"_s, Westwood.position, &failure);
    if (!known)
        return failure;
    const std::unique_ptr<Probe> probe = connectProbe(context, *node, &failure);
    if (!probe)
        return failure;
    const int timeout = context.settings().replyTimeoutMs;
    probe->send("WHATSAT " + known->client.toUtf8() + " 10 3\n");
    probe->readWhatsatReply(timeout);
    probe->send("HELLO\n");
    probe->readUntil([](const QByteArray &bytes) { return bytes.endsWith("? HELLO\n"); }, timeout);
    const WhatsatReply parts = splitWhatsatReply(probe->received());
    const QString expected =
        u"the AT line, the JSON without empty lines, then \"\\n\\n\"; then \"? HELLO\" for the next line"_s;
    if (!parts.ended)
        return Verdict::failed(
            expected, u"no empty line at all; the last bytes: "_s + shown(probe->received().right(60)));
    if (parts.rest != "? HELLO\n")
        return Verdict::failed(expected,
                               parts.rest.startsWith('\n')
                                   ? u"more than one empty line after the JSON"_s
                                   : u"an empty line before the JSON's end; after it: "_s
                                       + shown(parts.rest));
    return Verdict::passed();
}

Verdict newest(CheckContext &context, const NodeConfig *node)
{
    // Newer wins: an older IAMAT, or one with the same time, is answered
    // but leaves the record as it was.
    const QString client = context.uniqueClient(u"newest"_s);
    const qint64 now = nowNs();
    const QByteArray newer = iamatLine(client, "+1+1", now);
    Verdict failure;
    const std::optional<QByteArray> kept = askOneLine(context, *node, newer, &failure);
    if (!kept)
        return failure;
    for (const QByteArray &line :
         {iamatLine(client, "+2+2", now - 60 * NsPerSecond), iamatLine(client, "+3+3", now)}) {
        const std::optional<QByteArray> reply = askOneLine(context, *node, line, &failure);
        if (!reply)
            return failure;
        if (!splitAtLine(*reply))
            return Verdict::failed(u"an AT line in reply to %1, though it is not newer"_s.arg(shown(line)),
                                   shown(*reply));
    }
    const std::optional<QByteArray> reply = askWhatsat(context, *node, client, "1", "1", &failure);
    if (!reply)
        return failure;
    // Which record, not how it is written: whatsat.at-line sees to that.
    const std::optional<AtLine> stored = splitAtLine(firstLine(*reply));
    if (!stored || stored->position != "+1+1" || stored->time != formatTime(now))
        return Verdict::failed(
            u"the record of the newest IAMAT, %1 (an older IAMAT, or one of the same time, "
            "is answered but not stored)"_s.arg(shown(*kept)),
            shown(firstLine(*reply)));
    return Verdict::passed();
}

} // namespace

QList<Rule> whatsatRules()
{
    using S = Rule::Scope;
    return {
        {u"whatsat.at-line"_s, u"A WHATSAT reply starts with the stored AT line, byte for byte"_s,
         Section::WhatsatReply, S::Node, Rule::NeedsNothing, storedLine},
        {u"whatsat.json"_s, u"The JSON has the shape of a Google Places Nearby Search answer"_s,
         Section::WhatsatReply, S::Node, Rule::NeedsNothing, jsonShape},
        {u"whatsat.places"_s, u"The places are those around the client's position, nearest first"_s,
         Section::WhatsatReply, S::Node, Rule::NeedsNothing, places},
        {u"whatsat.radius"_s, u"The radius is in km and may be fractional (0.5, 10.5871263)"_s,
         Section::Whatsat, S::Node, Rule::NeedsNothing, radius},
        {u"whatsat.bound"_s, u"There are at most <bound> results"_s, Section::WhatsatReply, S::Node,
         Rule::NeedsNothing, bound},
        {u"whatsat.ending"_s, u"The reply ends with \"\\n\\n\" and has no other empty line"_s,
         Section::WhatsatReply, S::Node, Rule::NeedsNothing, ending},
        {u"whatsat.newest"_s, u"An older IAMAT, or one of the same time, does not replace the record"_s,
         Section::IamatStore, S::Node, Rule::NeedsNothing, newest},
    };
}

} // namespace Herd::Check
