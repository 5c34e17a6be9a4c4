// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/places/geoindex.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace Herd {

namespace {

constexpr double DegToRad = std::numbers::pi / 180.0;
constexpr double RadToDeg = 180.0 / std::numbers::pi;
// Widens the visited box so that rounding in the box arithmetic can never
// drop a point the exact distance test would keep (1e-9° is about 0.1 mm).
constexpr double BoxSlackDegrees = 1e-9;

bool isValid(GeoPoint p)
{
    return std::isfinite(p.latitude) && std::isfinite(p.longitude) && std::abs(p.latitude) <= 90
        && std::abs(p.longitude) <= 180;
}

} // namespace

GeoIndex::GeoIndex(const std::vector<GeoPoint> &points, double cellDegrees)
{
    if (!(cellDegrees > 0) || cellDegrees > 180)
        cellDegrees = 0.5;
    // Whole cells around the globe keep the antimeridian wrap a plain modulo.
    m_columns = std::max(1, static_cast<int>(std::lround(360.0 / cellDegrees)));
    m_cellDegrees = 360.0 / m_columns;
    m_rows = std::max(1, static_cast<int>(std::ceil(180.0 / m_cellDegrees)));

    const std::size_t cellCount = std::size_t(m_rows) * std::size_t(m_columns);
    std::vector<quint32> cellOf(points.size(), quint32(cellCount)); // cellCount = left out
    m_offsets.assign(cellCount + 1, 0);
    for (std::size_t i = 0; i < points.size(); ++i) {
        if (!isValid(points[i]))
            continue;
        const std::size_t cell = std::size_t(rowOf(points[i].latitude)) * std::size_t(m_columns)
            + std::size_t(columnOf(points[i].longitude));
        cellOf[i] = quint32(cell);
        ++m_offsets[cell + 1];
    }
    for (std::size_t c = 0; c < cellCount; ++c)
        m_offsets[c + 1] += m_offsets[c];

    // Counting sort: stable, so each cell lists its points in id order.
    m_entries.resize(m_offsets[cellCount]);
    std::vector<quint32> next(m_offsets.begin(), m_offsets.end() - 1);
    for (std::size_t i = 0; i < points.size(); ++i) {
        if (cellOf[i] == cellCount)
            continue;
        m_entries[next[cellOf[i]]++] = {points[i].latitude, points[i].longitude,
                                        std::cos(points[i].latitude * DegToRad), quint32(i)};
    }
}

int GeoIndex::rowOf(double latitude) const
{
    const int row = static_cast<int>(std::floor((latitude + 90.0) / m_cellDegrees));
    return std::clamp(row, 0, m_rows - 1);
}

int GeoIndex::columnOf(double longitude) const
{
    // +180° is the same meridian as -180°: it wraps into column 0.
    const int column = static_cast<int>(std::floor((longitude + 180.0) / m_cellDegrees));
    return ((column % m_columns) + m_columns) % m_columns;
}

namespace {

// The haversine, with the two cosines given: distanceKm() and collect()
// compute exactly the same thing, in the same order, so a hit's distance is
// the same bits either way.
double haversineKm(GeoPoint a, double cosA, GeoPoint b, double cosB)
{
    const double dLat = (b.latitude - a.latitude) * DegToRad;
    const double dLng = (b.longitude - a.longitude) * DegToRad;
    const double sinLat = std::sin(dLat / 2);
    const double sinLng = std::sin(dLng / 2);
    const double h = sinLat * sinLat + cosA * cosB * sinLng * sinLng;
    return 2 * GeoIndex::EarthRadiusKm * std::asin(std::min(1.0, std::sqrt(h)));
}

} // namespace

double GeoIndex::distanceKm(GeoPoint a, GeoPoint b)
{
    return haversineKm(a, std::cos(a.latitude * DegToRad), b, std::cos(b.latitude * DegToRad));
}

void GeoIndex::collect(int row, int column, const Cap &cap, std::vector<Hit> &hits) const
{
    const std::size_t cell = std::size_t(row) * std::size_t(m_columns) + std::size_t(column);
    for (quint32 k = m_offsets[cell]; k < m_offsets[cell + 1]; ++k) {
        const Entry &e = m_entries[k];
        // Outside the cap's bounding box (the same box, slack included, that
        // chose the cells): never within the radius, so no haversine.
        if (e.latitude < cap.south || e.latitude > cap.north)
            continue;
        if (cap.halfWidth < 180) {
            double dLng = e.longitude - cap.center.longitude;
            if (dLng > 180)
                dLng -= 360;
            else if (dLng < -180)
                dLng += 360;
            if (std::abs(dLng) > cap.halfWidth)
                continue;
        }
        const double d =
            haversineKm(cap.center, cap.cosCenterLatitude, {e.latitude, e.longitude}, e.cosLatitude);
        if (d <= cap.radiusKm)
            hits.push_back({e.id, d});
    }
}

std::vector<GeoIndex::Hit> GeoIndex::nearest(GeoPoint center, double radiusKm, std::size_t limit) const
{
    std::vector<Hit> hits;
    if (m_entries.empty() || limit == 0 || !isValid(center) || !(radiusKm >= 0) || !std::isfinite(radiusKm))
        return hits;

    const double angle = radiusKm / EarthRadiusKm; // radians of arc
    const double angleDeg = angle * RadToDeg + BoxSlackDegrees;
    const double south = center.latitude - angleDeg;
    const double north = center.latitude + angleDeg;

    // The cap's longitude half-width is asin(sin r / cos φ) as long as it
    // holds no pole; once it does, or the cap is a hemisphere or more, every
    // longitude is in reach.
    bool allColumns = south <= -90 || north >= 90 || angle >= std::numbers::pi / 2;
    double halfWidth = 180;
    if (!allColumns) {
        const double s = std::sin(angle) / std::cos(center.latitude * DegToRad);
        if (s >= 1)
            allColumns = true;
        else
            halfWidth = std::asin(s) * RadToDeg + BoxSlackDegrees;
    }

    int firstColumn = 0;
    int lastColumn = m_columns - 1;
    if (!allColumns) {
        // Unwrapped column numbers; may run past either end and wrap below.
        firstColumn = static_cast<int>(std::floor((center.longitude - halfWidth + 180.0) / m_cellDegrees));
        lastColumn = static_cast<int>(std::floor((center.longitude + halfWidth + 180.0) / m_cellDegrees));
        if (lastColumn - firstColumn + 1 >= m_columns) {
            firstColumn = 0;
            lastColumn = m_columns - 1;
        }
    }

    const Cap cap {center, std::cos(center.latitude * DegToRad), radiusKm, south,
                   north,  allColumns ? 180.0 : halfWidth};
    const int firstRow = rowOf(std::max(south, -90.0));
    const int lastRow = rowOf(std::min(north, 90.0));
    for (int row = firstRow; row <= lastRow; ++row) {
        for (int column = firstColumn; column <= lastColumn; ++column)
            collect(row, ((column % m_columns) + m_columns) % m_columns, cap, hits);
    }

    const auto closer = [](const Hit &a, const Hit &b) {
        return a.distanceKm < b.distanceKm || (a.distanceKm == b.distanceKm && a.id < b.id);
    };
    if (hits.size() > limit) {
        std::partial_sort(hits.begin(), hits.begin() + std::ptrdiff_t(limit), hits.end(), closer);
        hits.resize(limit);
    } else {
        std::sort(hits.begin(), hits.end(), closer);
    }
    return hits;
}

std::size_t GeoIndex::memoryUsage() const
{
    return m_entries.capacity() * sizeof(Entry) + m_offsets.capacity() * sizeof(quint32);
}

} // namespace Herd
