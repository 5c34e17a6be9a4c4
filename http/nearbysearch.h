// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

#include "herd/places/placessource.h"

class QByteArray;
class QUrlQuery;

namespace Herd {

class FieldMask;

// Google's two Nearby Search requests read into a PlacesQuery, and a Places
// API (New) answer made from a legacy one: the formats, apart from the HTTP
// (PlacesServer), so each rule can be tested on its own.

// Both APIs' largest radius, and the most results one answer holds.
constexpr double MaxNearbyRadiusMetres = 50'000;
constexpr int MaxNearbyResults = 20;

// The query string of a legacy GET .../nearbysearch/json: location=LAT,LNG
// (degrees) and radius=METRES; other parameters (the key, type, keyword, ...)
// are ignored. As many results as Google's one page, MaxNearbyResults. Null,
// with the error_message of an INVALID_REQUEST in *error, when location or
// radius is missing or bad.
std::optional<PlacesQuery> legacyNearbyQuery(const QUrlQuery &query, QString *error);

// The JSON body of a Places API (New) POST .../v1/places:searchNearby:
// locationRestriction.circle.center.latitude and .longitude (degrees),
// locationRestriction.circle.radius (metres) and maxResultCount (1 to 20,
// default 20). A number may also come as a string holding it, as Google's
// JSON mapping allows; other members (includedTypes, rankPreference, ...) are
// ignored. Null, with the message of an INVALID_ARGUMENT in *error, for a
// body that is not such an object.
std::optional<PlacesQuery> placesNewNearbyQuery(const QByteArray &body, QString *error);

// The Places API (New) answer for a legacy one whose status is OK or
// ZERO_RESULTS: {"places": [...]}, one place per result, in order, or {}
// when there is none (as Google answers), cut down to what `mask` selects.
// Each place has id, name ("places/<id>"), displayName {text, languageCode},
// location {latitude, longitude}, types, and formattedAddress and
// shortFormattedAddress when the result has a vicinity.
QJsonObject placesNewAnswer(const QJsonObject &legacyAnswer, const FieldMask &mask);

} // namespace Herd
