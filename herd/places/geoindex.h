// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

#include <cstddef>
#include <vector>

namespace Herd {

struct GeoPoint
{
    double latitude = 0;  // degrees, [-90, 90]
    double longitude = 0; // degrees, [-180, 180]
};

// A fixed set of points on the sphere, bucketed into a latitude/longitude grid
// so that a radius query touches only the cells the search cap can reach,
// never the whole set. The grid is stored compactly (CSR): the points sorted
// by cell, plus one offset per cell, so an empty ocean costs 4 bytes a cell.
//
// Distances are great-circle (haversine) on a sphere of the IUGG mean Earth
// radius. The cells visited are the cap's exact latitude/longitude bounding
// box, widened to every longitude when the cap holds a pole and wrapped across
// the antimeridian, so answers equal a brute-force scan.
//
// Immutable after construction; const methods are safe from any thread.
class GeoIndex final
{
public:
    struct Hit
    {
        quint32 id = 0; // index of the point in the constructor's vector
        double distanceKm = 0;
    };

    static constexpr double EarthRadiusKm = 6371.0088;

    GeoIndex() = default;
    // Point i gets id i. Points with a non-finite or out-of-range coordinate
    // are left out. cellDegrees is rounded so that whole cells span 360°.
    explicit GeoIndex(const std::vector<GeoPoint> &points, double cellDegrees = 0.5);

    // Points within radiusKm (inclusive) of center, nearest first, ties by
    // id, at most limit of them.
    std::vector<Hit> nearest(GeoPoint center, double radiusKm, std::size_t limit) const;

    std::size_t size() const { return m_entries.size(); }
    double cellDegrees() const { return m_cellDegrees; }
    // Bytes held by the index itself, for load reports.
    std::size_t memoryUsage() const;

    static double distanceKm(GeoPoint a, GeoPoint b);

private:
    struct Entry
    {
        double latitude;
        double longitude;
        double cosLatitude; // cos(latitude), for distanceKm(), made once at construction
        quint32 id;
    };
    // One query's cap: its center, and its latitude/longitude bounding box
    // (the box the visited cells cover), which rules most points of those
    // cells out before the haversine.
    struct Cap
    {
        GeoPoint center;
        double cosCenterLatitude;
        double radiusKm;
        double south, north; // degrees
        double halfWidth;    // degrees of longitude either side; 180 when all are in reach
    };

    int rowOf(double latitude) const;
    int columnOf(double longitude) const;
    void collect(int row, int column, const Cap &cap, std::vector<Hit> &hits) const;

    double m_cellDegrees = 0;
    int m_rows = 0;
    int m_columns = 0;
    std::vector<Entry> m_entries;   // sorted by cell (row-major)
    std::vector<quint32> m_offsets; // m_rows * m_columns + 1 starts into m_entries
};

} // namespace Herd
