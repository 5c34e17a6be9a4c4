// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "herd/places/placessource.h"

#include <memory>

namespace Herd {

// Answers WHATSAT from places held in memory, with no network: either the
// GeoNames cities embedded in the binary (resource
// ":/places/geonames-cities.bin", made by tools/make-places.mjs) or a user's
// GeoJSON FeatureCollection of Point features.
//
// The places and their GeoIndex are immutable once loaded and shared between
// every source made from the same embedded data set, so a herd of nodes in
// one process pays for the 171k cities once. search() answers before it
// returns.
//
// Thread affinity: the creating thread, as for every PlacesSource; the
// factories may run on any thread.
class OfflinePlaces final : public PlacesSource
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OfflinePlaces)

public:
    // The data set compiled into the binary. Returns null and sets *error
    // (when given) if the resource is missing or damaged.
    static std::unique_ptr<OfflinePlaces> fromEmbedded(QString *error = nullptr);
    // A file in the embedded data set's format, e.g. a regenerated one.
    static std::unique_ptr<OfflinePlaces> fromPlacesFile(const QString &path, QString *error = nullptr);
    // A GeoJSON FeatureCollection of Point features; each feature's
    // properties may give name (or title), types (array of strings),
    // vicinity and place_id.
    static std::unique_ptr<OfflinePlaces> fromGeoJsonFile(const QString &path, QString *error = nullptr);

    ~OfflinePlaces() override;

    QString description() const override;
    void search(const PlacesQuery &query, Callback done) override;

    // The answer search() passes to its callback.
    QJsonObject answer(const PlacesQuery &query) const;
    qsizetype size() const;
    // True when both read the one copy of their places, loaded once.
    bool sharesDataWith(const OfflinePlaces &other) const { return m_data == other.m_data; }

    class Data; // the loaded places and their index; defined in the .cpp

private:
    explicit OfflinePlaces(std::shared_ptr<const Data> data, QObject *parent = nullptr);

    std::shared_ptr<const Data> m_data; // shared with other sources over the same data
};

} // namespace Herd
