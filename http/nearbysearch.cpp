// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/nearbysearch.h"

#include <cmath>

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QUrlQuery>

#include "http/fieldmask.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

bool validLatitude(double degrees)
{
    return std::abs(degrees) <= 90;
}

bool validLongitude(double degrees)
{
    return std::abs(degrees) <= 180;
}

bool validRadius(double metres)
{
    return metres > 0 && metres <= MaxNearbyRadiusMetres;
}

std::optional<double> number(const QString &text)
{
    bool ok = false;
    const double value = text.trimmed().toDouble(&ok);
    return ok && std::isfinite(value) ? std::optional(value) : std::nullopt;
}

// A JSON number, or a string holding one (Google's JSON mapping reads both).
std::optional<double> number(const QJsonValue &value)
{
    if (value.isDouble())
        return value.toDouble();
    return value.isString() ? number(value.toString()) : std::nullopt;
}

std::optional<PlacesQuery> refuse(QString *error, const QString &message)
{
    *error = message;
    return std::nullopt;
}

QJsonObject placesNewPlace(const QJsonObject &result)
{
    const QString id = result.value("place_id"_L1).toString();
    const QJsonObject location = result.value("geometry"_L1).toObject().value("location"_L1).toObject();
    QJsonObject place {
        {u"id"_s, id},
        {u"name"_s, QString(u"places/"_s + id)},
        // Herd's places have one name each, given as the data set has it.
        {u"displayName"_s, QJsonObject {{u"text"_s, result.value("name"_L1)}, {u"languageCode"_s, u"en"_s}}},
        {u"location"_s,
         QJsonObject {{u"latitude"_s, location.value("lat"_L1)}, {u"longitude"_s, location.value("lng"_L1)}}},
        {u"types"_s, result.value("types"_L1).toArray()},
    };
    if (const QString vicinity = result.value("vicinity"_L1).toString(); !vicinity.isEmpty()) {
        place.insert(u"formattedAddress"_s, vicinity);
        place.insert(u"shortFormattedAddress"_s, vicinity);
    }
    return place;
}

} // namespace

std::optional<PlacesQuery> legacyNearbyQuery(const QUrlQuery &query, QString *error)
{
    const auto parameter = [&query](const QString &name) {
        return query.hasQueryItem(name) ? std::optional(query.queryItemValue(name, QUrl::FullyDecoded))
                                        : std::nullopt;
    };
    const std::optional<QString> location = parameter(u"location"_s);
    if (!location)
        return refuse(error, u"Invalid request. Missing the 'location' parameter."_s);
    const QStringList degrees = location->split(u',');
    const std::optional<double> latitude = number(degrees.value(0));
    const std::optional<double> longitude = number(degrees.value(1));
    if (degrees.size() != 2 || !latitude || !longitude || !validLatitude(*latitude)
        || !validLongitude(*longitude)) {
        return refuse(error,
                      u"Invalid request. Invalid 'location' parameter: expected LAT,LNG in "
                      u"degrees, latitude from -90 to 90, longitude from -180 to 180."_s);
    }
    const std::optional<QString> radiusText = parameter(u"radius"_s);
    if (!radiusText)
        return refuse(error, u"Invalid request. Missing the 'radius' parameter."_s);
    const std::optional<double> radius = number(*radiusText);
    if (!radius || !validRadius(*radius)) {
        return refuse(error,
                      u"Invalid request. Invalid 'radius' parameter: expected metres, "
                      u"more than 0 and at most 50000."_s);
    }
    return PlacesQuery {*latitude, *longitude, *radius / 1000, MaxNearbyResults};
}

std::optional<PlacesQuery> placesNewNearbyQuery(const QByteArray &body, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return refuse(error,
                      u"Invalid JSON payload received: %1 at offset %2."_s.arg(parseError.errorString())
                          .arg(parseError.offset));
    }
    if (!document.isObject())
        return refuse(error, u"Invalid JSON payload received: expected an object."_s);

    const QJsonObject request = document.object();
    const QJsonValue circle = request.value("locationRestriction"_L1)["circle"_L1];
    if (!circle.isObject()) {
        return refuse(error,
                      u"locationRestriction.circle is required: a center "
                      u"{latitude, longitude} in degrees and a radius in metres."_s);
    }
    const std::optional<double> latitude = number(circle["center"_L1]["latitude"_L1]);
    if (!latitude || !validLatitude(*latitude)) {
        return refuse(error,
                      u"Invalid locationRestriction.circle.center.latitude: "
                      u"expected degrees from -90 to 90."_s);
    }
    const std::optional<double> longitude = number(circle["center"_L1]["longitude"_L1]);
    if (!longitude || !validLongitude(*longitude)) {
        return refuse(error,
                      u"Invalid locationRestriction.circle.center.longitude: "
                      u"expected degrees from -180 to 180."_s);
    }
    const std::optional<double> radius = number(circle["radius"_L1]);
    if (!radius || !validRadius(*radius)) {
        return refuse(error,
                      u"Invalid locationRestriction.circle.radius: expected metres, "
                      u"more than 0 and at most 50000."_s);
    }
    int bound = MaxNearbyResults;
    if (request.contains("maxResultCount"_L1)) {
        const std::optional<double> count = number(request.value("maxResultCount"_L1));
        if (!count || *count != std::trunc(*count) || *count < 1 || *count > MaxNearbyResults)
            return refuse(error, u"Invalid maxResultCount: expected a whole number from 1 to 20."_s);
        bound = int(*count);
    }
    return PlacesQuery {*latitude, *longitude, *radius / 1000, bound};
}

QJsonObject placesNewAnswer(const QJsonObject &legacyAnswer, const FieldMask &mask)
{
    QJsonArray places;
    for (const QJsonValue &result : legacyAnswer.value("results"_L1).toArray())
        places.append(placesNewPlace(result.toObject()));
    if (places.isEmpty())
        return {};
    return mask.apply(QJsonObject {{u"places"_s, places}});
}

} // namespace Herd
