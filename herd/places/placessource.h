// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QObject>
#include <QString>

#include <functional>

namespace Herd {

// One WHATSAT question, already validated by the protocol parser.
struct PlacesQuery
{
    double latitude = 0;  // degrees, [-90, 90]
    double longitude = 0; // degrees, [-180, 180]
    double radiusKm = 0;  // (0, 50]
    int bound = 0;        // [1, 20]: at most this many results
};

// Where WHATSAT answers come from. Every source answers in the shape of a
// legacy Google Places Nearby Search response: an object with
// "html_attributions" (array), "results" (array, nearest first, at most
// query.bound entries, each with geometry.location.lat/lng, name, place_id,
// types, vicinity) and "status" ("OK", "ZERO_RESULTS", or an error status
// with an "error_message" saying what went wrong).
//
// search() never fails by throwing or by not answering: every call invokes
// `done` exactly once, possibly before search() returns (offline sources) or
// later on the event loop (network sources). A source must stay responsive to
// other callers while one search is pending.
//
// Thread affinity: the thread that created the source; call it from there.
class PlacesSource : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PlacesSource)

public:
    using Callback = std::function<void(const QJsonObject &response)>;

    explicit PlacesSource(QObject *parent = nullptr)
        : QObject(parent)
    {}
    ~PlacesSource() override = default;

    // Short human description for logs and --help, e.g. "offline (GeoNames, 171075 places)".
    // Never contains an API key.
    virtual QString description() const = 0;

    virtual void search(const PlacesQuery &query, Callback done) = 0;
};

} // namespace Herd
