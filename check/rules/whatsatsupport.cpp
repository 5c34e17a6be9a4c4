// SPDX-License-Identifier: GPL-3.0-or-later
#include "check/rules/whatsatsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>

#include "check/context.h"
#include "check/rules/support.h"
#include "herd/places/offlineplaces.h"
#include "herd/wire/protocol.h"

using namespace Qt::StringLiterals;

namespace Herd::Check {

std::optional<KnownClient> placeClient(CheckContext &context, const NodeConfig &node, const QString &hint,
                                       const QByteArray &position, Verdict *failure, const QByteArray &time)
{
    KnownClient known {context.uniqueClient(hint), {}};
    const QByteArray client = known.client.toUtf8();
    const QByteArray line = time.isEmpty() ? iamatLine(known.client, position, nowNs())
                                           : "IAMAT " + client + ' ' + position + ' ' + time;
    const std::optional<QByteArray> reply = askOneLine(context, node, line, failure);
    if (!reply)
        return std::nullopt;
    const std::optional<AtLine> at = splitAtLine(*reply);
    if (!at || at->client != client) {
        *failure = Verdict::failed(u"an AT line about %1 in reply to %2"_s.arg(known.client, shown(line)),
                                   shown(*reply));
        return std::nullopt;
    }
    known.atLine = *reply;
    return known;
}

WhatsatReply splitWhatsatReply(const QByteArray &bytes)
{
    WhatsatReply parts;
    parts.atLine = firstLine(bytes);
    const qsizetype lineEnd = bytes.indexOf('\n');
    if (lineEnd < 0)
        return parts;
    // The "\n" at `blank` ends the JSON's last line; the next one is the empty line.
    const qsizetype blank = bytes.indexOf("\n\n", lineEnd);
    parts.ended = blank >= 0;
    if (!parts.ended) {
        parts.json = bytes.sliced(lineEnd + 1);
        return parts;
    }
    parts.json = bytes.sliced(lineEnd + 1, qMax<qsizetype>(0, blank - lineEnd - 1));
    parts.rest = bytes.sliced(blank + 2);
    return parts;
}

std::optional<QJsonObject> askPlaces(CheckContext &context, const NodeConfig &node, const QString &client,
                                     const QByteArray &radius, const QByteArray &bound, Verdict *failure)
{
    const std::optional<QByteArray> reply = askWhatsat(context, node, client, radius, bound, failure);
    if (!reply)
        return std::nullopt;
    const QByteArray line = "WHATSAT " + client.toUtf8() + ' ' + radius + ' ' + bound;
    const WhatsatReply parts = splitWhatsatReply(*reply);
    if (!parts.atLine.startsWith("AT ")) {
        *failure = Verdict::failed(u"an AT line, then the places as JSON, in reply to "_s + shown(line),
                                   shown(parts.atLine));
        return std::nullopt;
    }
    QJsonParseError error {};
    const QJsonDocument document = QJsonDocument::fromJson(parts.json, &error);
    if (!document.isObject()) {
        const QString what = error.error != QJsonParseError::NoError
            ? u"not JSON (%1 at byte %2): "_s.arg(error.errorString()).arg(error.offset)
            : u"JSON, but not an object: "_s;
        *failure = Verdict::failed(u"a JSON object after the AT line, in reply to "_s + shown(line),
                                   what + shown(parts.json));
        return std::nullopt;
    }
    return document.object();
}

QString shapeProblem(const QJsonObject &answer)
{
    if (!answer.value("html_attributions"_L1).isArray())
        return u"no \"html_attributions\" array"_s;
    if (!answer.value("status"_L1).isString())
        return u"no \"status\" string"_s;
    if (!answer.value("results"_L1).isArray())
        return u"no \"results\" array"_s;
    const QJsonArray results = answer.value("results"_L1).toArray();
    for (qsizetype i = 0; i < results.size(); ++i) {
        const QJsonObject result = results.at(i).toObject();
        const QString at = u"results[%1]."_s.arg(i);
        const QJsonObject location = result.value("geometry"_L1).toObject().value("location"_L1).toObject();
        for (const QLatin1StringView key : {"lat"_L1, "lng"_L1}) {
            if (!location.value(key).isDouble())
                return at + u"geometry.location."_s + key + u" is not a number"_s;
        }
        for (const QLatin1StringView key : {"name"_L1, "place_id"_L1, "vicinity"_L1}) {
            if (!result.value(key).isString())
                return at + key + u" is not a string"_s;
        }
        if (!result.value("types"_L1).isArray())
            return at + u"types is not an array"_s;
    }
    return {};
}

QJsonObject expectedPlaces(const CheckContext &context, const Spot &spot, double radiusKm, int bound)
{
    return context.places()->answer(PlacesQuery {spot.latitude, spot.longitude, radiusKm, bound});
}

namespace {

struct Place
{
    QString id;
    QString name;
    bool operator==(const Place &other) const { return id == other.id; }
};

QList<Place> placesOf(const QJsonObject &answer)
{
    QList<Place> places;
    for (const QJsonValue &result : answer.value("results"_L1).toArray()) {
        const QJsonObject object = result.toObject();
        places.append({object.value("place_id"_L1).toString(), object.value("name"_L1).toString()});
    }
    return places;
}

QString names(const QList<Place> &places)
{
    constexpr qsizetype Most = 8;
    QStringList list;
    for (const Place &place : places.first(qMin(Most, places.size())))
        list.append(place.name.isEmpty() ? place.id : place.name);
    if (places.size() > Most)
        list.append(u"..."_s);
    return list.join(u", "_s);
}

} // namespace

QString describePlaces(const QJsonObject &answer)
{
    const QList<Place> places = placesOf(answer);
    QString text =
        u"%1 place%2 (status %3)"_s.arg(places.size())
            .arg(places.size() == 1 ? QString() : u"s"_s, answer.value("status"_L1).toString(u"none"_s));
    return places.isEmpty() ? text : text + u": "_s + names(places);
}

QString placesDifference(const QJsonObject &expected, const QJsonObject &got)
{
    const QList<Place> want = placesOf(expected);
    const QList<Place> have = placesOf(got);
    QStringList differences;
    if (want != have) {
        QList<Place> missing;
        QList<Place> extra;
        for (const Place &place : want) {
            if (!have.contains(place))
                missing.append(place);
        }
        for (const Place &place : have) {
            if (!want.contains(place))
                extra.append(place);
        }
        if (!missing.isEmpty())
            differences.append(u"missing "_s + names(missing));
        if (!extra.isEmpty())
            differences.append(u"not expected "_s + names(extra));
        if (missing.isEmpty() && extra.isEmpty())
            differences.append(u"the same places in another order"_s);
    }
    const QString status = got.value("status"_L1).toString();
    if (status != expected.value("status"_L1).toString())
        differences.append(u"status %1, not %2"_s.arg(status.isEmpty() ? u"none"_s : status,
                                                      expected.value("status"_L1).toString()));
    return differences.join(u"; "_s);
}

} // namespace Herd::Check
