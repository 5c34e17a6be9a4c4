// SPDX-License-Identifier: GPL-3.0-or-later
// The places server (docs/places.md, "Places server") over real loopback
// TCP: its legacy and Places API (New) answers against the offline source it
// serves, the field mask, every documented error, a source that answers
// later, the key kept out of every answer and log, and the end-to-end proof:
// a node whose places are "Google" at this server answers WHATSAT as a node
// with offline places does. OS-picked ports; every wait is bounded; no sleeps.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTcpSocket>
#include <QTest>

#include <memory>
#include <optional>
#include <utility>

#include "herd/config/herdconfig.h"
#include "herd/places/offlineplaces.h"
#include "herd/places/placesfactory.h"
#include "herd/places/placesjson.h"
#include "http/placesserver.h"
#include "tests/herdfixture.h"
#include "tests/httpclient.h"
#include "tests/lineclient.h"
#include "tests/placesserversupport.h"
#include "tests/secretwatch.h"

using namespace Qt::StringLiterals;
using Herd::PlacesQuery;
using Herd::PlacesServer;
using Herd::Test::HttpClient;
using Herd::Test::HttpReply;
using namespace PlacesServerSupport;

namespace {

constexpr int Wait = 5000; // ms: the bound on every single wait below
const QString Key = u"pl4ces-K3Y_never-shown"_s;
const QString Legacy = QString::fromLatin1(PlacesServer::LegacyPath);
const QString PlacesNew = QString::fromLatin1(PlacesServer::PlacesNewPath);

using Headers = HttpClient::Headers;

} // namespace

Q_DECLARE_METATYPE(Herd::PlacesQuery)
Q_DECLARE_METATYPE(Herd::PlacesSettings::Source)

class TestPlacesServer : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void legacyMatchesOffline_data();
    void legacyMatchesOffline();
    void legacyBadRequest_data();
    void legacyBadRequest();

    void placesNewMatchesOffline_data();
    void placesNewMatchesOffline();
    void fieldMask_data();
    void fieldMask();
    void fieldMaskSubfield();
    void placesNewBadRequest_data();
    void placesNewBadRequest();

    void wrongMethod_data();
    void wrongMethod();
    void unknownPath_data();
    void unknownPath();
    void garbageIsDropped();
    void keyNeverShown();

    void laterSource();
    void laterSourceFailure();
    void laterSourceClientGone();

    void endToEnd_data();
    void endToEnd();

private:
    std::optional<HttpReply> request(const QByteArray &method, const QString &target,
                                     const QByteArray &body = {}, const Headers &headers = {})
    {
        return m_http.request(method, m_server->url() + target, body, headers);
    }
    std::optional<HttpReply> get(const QString &target) { return request("GET", target); }
    std::optional<HttpReply> searchNearby(const QByteArray &body, const QByteArray &mask = "*");
    // Asks `held`'s server, and gives its source's search `answer` once it is held.
    std::optional<HttpReply> askHeld(HeldServer &held, const QByteArray &method, const QString &target,
                                     const QJsonObject &answer, const QByteArray &body = {},
                                     const Headers &headers = {});

    std::unique_ptr<Herd::OfflinePlaces> m_offline;
    std::unique_ptr<PlacesServer> m_server;
    HttpClient m_http;
    std::optional<Herd::Test::SecretWatch> m_keyWatch;
};

void TestPlacesServer::initTestCase()
{
    // Every log line of the run is watched, so a key in a log fails the suite.
    m_keyWatch.emplace(Key);
    // Qt's HTTP server would print each request, key and all; the server
    // keeps that off even when asked for.
    QLoggingCategory::setFilterRules(u"qt.httpserver.debug=true\nqt.httpserver.*.debug=true"_s);
    QString error;
    m_offline = Herd::OfflinePlaces::fromEmbedded(&error);
    QVERIFY2(m_offline, qPrintable(error));
    m_server = std::make_unique<PlacesServer>(m_offline.get());
    QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
    QVERIFY(m_server->port() != 0);
    QCOMPARE(m_server->url(), u"http://127.0.0.1:%1"_s.arg(m_server->port()));
}

void TestPlacesServer::cleanupTestCase()
{
    const bool keyLogged = m_keyWatch->seen();
    m_keyWatch.reset();
    QVERIFY2(!keyLogged, "the key was logged");
}

std::optional<HttpReply> TestPlacesServer::askHeld(HeldServer &held, const QByteArray &method,
                                                   const QString &target, const QJsonObject &answer,
                                                   const QByteArray &body, const Headers &headers)
{
    QNetworkReply *sent = m_http.send(method, held.server.url() + target, body, headers);
    const qsizetype before = held.places.held();
    if (!QTest::qWaitFor([&held, before] { return held.places.held() > before; }, Wait)
        || sent->isFinished()) {
        delete sent;
        return std::nullopt;
    }
    held.places.answerFirst(answer);
    return HttpClient::finish(sent);
}

std::optional<HttpReply> TestPlacesServer::searchNearby(const QByteArray &body, const QByteArray &mask)
{
    Headers headers {{"Content-Type", "application/json"}, {"X-Goog-Api-Key", Key.toUtf8()}};
    if (!mask.isNull())
        headers.append({"X-Goog-FieldMask", mask});
    return request("POST", PlacesNew, body, headers);
}

// ---- legacy Nearby Search -------------------------------------------------

void TestPlacesServer::legacyMatchesOffline_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<PlacesQuery>("expected"); // what the offline source is asked
    QTest::addColumn<QString>("status");

    const PlacesQuery ucla {34.068930, -118.445127, 5, 20};
    QTest::newRow("UCLA, 5 km") << u"location=34.068930,-118.445127&radius=5000&key=%1"_s.arg(Key) << ucla
                                << u"OK"_s;
    // Python's requests encodes the comma.
    QTest::newRow("encoded comma, fractional radius")
        << u"location=34.068930%2C-118.445127&radius=10587.126"_s
        << PlacesQuery {34.068930, -118.445127, 10.587126, 20} << u"OK"_s;
    QTest::newRow("London, 50 km, other parameters ignored")
        << u"key=%1&type=cafe&location=51.5074,-0.1278&radius=50000&language=en"_s.arg(Key)
        << PlacesQuery {51.5074, -0.1278, 50, 20} << u"OK"_s;
    QTest::newRow("far at sea") << u"location=-40,-130&radius=50000"_s << PlacesQuery {-40, -130, 50, 20}
                                << u"ZERO_RESULTS"_s;
}

void TestPlacesServer::legacyMatchesOffline()
{
    QFETCH(QString, query);
    QFETCH(PlacesQuery, expected);
    QFETCH(QString, status);

    const std::optional<HttpReply> reply = get(Legacy + u'?' + query);
    QVERIFY(reply);
    QCOMPARE(reply->status, 200);
    const QJsonObject offline = m_offline->answer(expected);
    QCOMPARE(offline.value("status"_L1).toString(), status);
    if (status == "OK"_L1)
        QVERIFY(offline.value("results"_L1).toArray().size() >= 2);
    // Names, order, count: everything, byte for byte, in Google's print style.
    QCOMPARE(reply->json(), offline);
    QCOMPARE(reply->body, Herd::formatPlacesJson(offline) + '\n');
}

void TestPlacesServer::legacyBadRequest_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("fragment"); // in error_message

    const QString location = u"location"_s;
    const QString radius = u"radius"_s;
    QTest::newRow("no parameters") << QString() << u"Missing the 'location' parameter"_s;
    QTest::newRow("no location") << u"radius=1000&key=k"_s << u"Missing the 'location' parameter"_s;
    QTest::newRow("one number") << u"location=34.06&radius=1000"_s << location;
    QTest::newRow("three numbers") << u"location=34,-118,5&radius=1000"_s << location;
    QTest::newRow("words") << u"location=here,there&radius=1000"_s << location;
    QTest::newRow("latitude 91") << u"location=91,0&radius=1000"_s << location;
    QTest::newRow("longitude -181") << u"location=0,-181&radius=1000"_s << location;
    QTest::newRow("no radius") << u"location=34,-118"_s << u"Missing the 'radius' parameter"_s;
    QTest::newRow("radius not a number") << u"location=34,-118&radius=far"_s << radius;
    QTest::newRow("radius 0") << u"location=34,-118&radius=0"_s << radius;
    QTest::newRow("radius negative") << u"location=34,-118&radius=-5"_s << radius;
    QTest::newRow("radius over 50 km") << u"location=34,-118&radius=50001"_s << radius;
    QTest::newRow("radius inf") << u"location=34,-118&radius=inf"_s << radius;
    QTest::newRow("radius nan") << u"location=34,-118&radius=nan"_s << radius;
}

void TestPlacesServer::legacyBadRequest()
{
    QFETCH(QString, query);
    QFETCH(QString, fragment);

    const std::optional<HttpReply> reply = get(Legacy + u'?' + query);
    QVERIFY(reply);
    QCOMPARE(reply->status, 200); // as Google: the status is in the body
    const QJsonObject answer = reply->json();
    QCOMPARE(answer.value("status"_L1).toString(), u"INVALID_REQUEST"_s);
    QCOMPARE(answer.value("results"_L1).toArray(), QJsonArray());
    QCOMPARE(answer.value("html_attributions"_L1).toArray(), QJsonArray());
    const QString message = answer.value("error_message"_L1).toString();
    QVERIFY2(message.contains(fragment), qPrintable(message));
}

// ---- Places API (New) ----------------------------------------------------

void TestPlacesServer::placesNewMatchesOffline_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<PlacesQuery>("expected");

    QTest::newRow("UCLA, 5 km, 5") << nearbyBody(34.068930, -118.445127, 5000, 5)
                                   << PlacesQuery {34.068930, -118.445127, 5, 5};
    QTest::newRow("no maxResultCount: 20")
        << nearbyBody(51.5074, -0.1278, 50000) << PlacesQuery {51.5074, -0.1278, 50, 20};
    QTest::newRow("numbers as strings, other members ignored")
        << R"({"maxResultCount": "3", "locationRestriction": {"circle": {"radius": "10587.126",
              "center": {"latitude": "34.068930", "longitude": "-118.445127"}}}, "rankPreference": "DISTANCE"})"_ba
        << PlacesQuery {34.068930, -118.445127, 10.587126, 3};
    QTest::newRow("far at sea") << nearbyBody(-40, -130, 50000, 20) << PlacesQuery {-40, -130, 50, 20};
}

void TestPlacesServer::placesNewMatchesOffline()
{
    QFETCH(QByteArray, body);
    QFETCH(PlacesQuery, expected);

    const std::optional<HttpReply> reply = searchNearby(body);
    QVERIFY(reply);
    QCOMPARE(reply->status, 200);
    const QJsonArray results = m_offline->answer(expected).value("results"_L1).toArray();
    if (results.isEmpty()) {
        QCOMPARE(reply->json(), QJsonObject()); // Google's answer when nothing is near
        return;
    }
    QCOMPARE(results.size(), expected.bound); // the rows are where places abound
    QJsonArray places;
    for (const QJsonValue &result : results)
        places.append(expectedPlace(result.toObject()));
    const QJsonObject expectedAnswer {{u"places"_s, places}};
    QCOMPARE(reply->json(), expectedAnswer);
}

void TestPlacesServer::fieldMask_data()
{
    QTest::addColumn<QByteArray>("mask");
    QTest::addColumn<QStringList>("fields"); // of each place

    const QStringList all {u"displayName"_s, u"formattedAddress"_s,      u"id"_s,   u"location"_s,
                           u"name"_s,        u"shortFormattedAddress"_s, u"types"_s};
    QTest::newRow("name and location")
        << "places.displayName,places.location"_ba << QStringList {u"displayName"_s, u"location"_s};
    QTest::newRow("Herd's own mask")
        << "places.id,places.displayName,places.location,places.types,places.shortFormattedAddress"_ba
        << QStringList {u"displayName"_s, u"id"_s, u"location"_s, u"shortFormattedAddress"_s, u"types"_s};
    QTest::newRow("spaces") << " places.id , places.types "_ba << QStringList {u"id"_s, u"types"_s};
    QTest::newRow("a field Herd lacks") << "places.id,places.rating"_ba << QStringList {u"id"_s};
    QTest::newRow("*") << "*"_ba << all;
    QTest::newRow("places") << "places"_ba << all;
    QTest::newRow("places.*") << "places.*"_ba << all;
}

void TestPlacesServer::fieldMask()
{
    QFETCH(QByteArray, mask);
    QFETCH(QStringList, fields);

    const std::optional<HttpReply> reply = searchNearby(nearbyBody(34.068930, -118.445127, 5000, 4), mask);
    QVERIFY(reply);
    QCOMPARE(reply->status, 200);
    const QJsonObject answer = reply->json();
    QCOMPARE(answer.keys(), QStringList {u"places"_s});
    const QJsonArray places = answer.value("places"_L1).toArray();
    const QJsonArray results =
        m_offline->answer({34.068930, -118.445127, 5, 4}).value("results"_L1).toArray();
    QCOMPARE(places.size(), results.size());
    for (qsizetype i = 0; i < places.size(); ++i) {
        const QJsonObject place = places.at(i).toObject();
        QCOMPARE(place.keys(), fields);
        const QJsonObject expected = expectedPlace(results.at(i).toObject());
        for (const QString &field : fields)
            QCOMPARE(place.value(field), expected.value(field));
    }
}

void TestPlacesServer::fieldMaskSubfield()
{
    const std::optional<HttpReply> reply = searchNearby(nearbyBody(34.068930, -118.445127, 5000, 2),
                                                        "places.displayName.text,places.location.latitude");
    QVERIFY(reply);
    QCOMPARE(reply->status, 200);
    const QJsonArray results =
        m_offline->answer({34.068930, -118.445127, 5, 2}).value("results"_L1).toArray();
    QJsonArray places;
    for (const QJsonValue &result : results) {
        places.append(QJsonObject {
            {u"displayName"_s, QJsonObject {{u"text"_s, result["name"_L1]}}},
            {u"location"_s, QJsonObject {{u"latitude"_s, result["geometry"_L1]["location"_L1]["lat"_L1]}}},
        });
    }
    const QJsonObject expectedAnswer {{u"places"_s, places}};
    QCOMPARE(reply->json(), expectedAnswer);
}

void TestPlacesServer::placesNewBadRequest_data()
{
    QTest::addColumn<QByteArray>("mask"); // null: no header
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("fragment"); // in the error message

    const QByteArray good = nearbyBody(34.068930, -118.445127, 5000, 5);
    QTest::newRow("no field mask") << QByteArray() << good << u"FieldMask is a required parameter"_s;
    QTest::newRow("empty field mask") << ""_ba << good << u"FieldMask is a required parameter"_s;
    QTest::newRow("empty path") << "places..id"_ba << good << u"places..id"_s;
    QTest::newRow("not a name") << "places.id!"_ba << good << u"places.id!"_s;
    QTest::newRow("not under places") << "displayName"_ba << good << u"'displayName'"_s;
    QTest::newRow("not JSON") << "*"_ba
                              << "{"_ba << u"Invalid JSON payload"_s;
    QTest::newRow("empty body") << "*"_ba << QByteArray() << u"Invalid JSON payload"_s;
    QTest::newRow("an array") << "*"_ba
                              << "[]"_ba << u"Invalid JSON payload"_s;
    QTest::newRow("no circle") << "*"_ba
                               << "{}"_ba << u"locationRestriction.circle is required"_s;
    QTest::newRow("no latitude")
        << "*"_ba
        << R"({"locationRestriction": {"circle": {"center": {"longitude": 1}, "radius": 5}}})"_ba
        << u"latitude"_s;
    QTest::newRow("latitude 91") << "*"_ba << nearbyBody(91, 0, 5000) << u"latitude"_s;
    QTest::newRow("longitude 181") << "*"_ba << nearbyBody(0, 181, 5000) << u"longitude"_s;
    QTest::newRow("longitude a word")
        << "*"_ba
        << R"({"locationRestriction": {"circle": {"center": {"latitude": 1, "longitude": "east"}, "radius": 5}}})"_ba
        << u"longitude"_s;
    QTest::newRow("radius 0") << "*"_ba << nearbyBody(34, -118, 0) << u"radius"_s;
    QTest::newRow("radius over 50 km") << "*"_ba << nearbyBody(34, -118, 50000.5) << u"radius"_s;
    QTest::newRow("maxResultCount 21") << "*"_ba << nearbyBody(34, -118, 5000, 21) << u"maxResultCount"_s;
    QTest::newRow("maxResultCount 0") << "*"_ba << nearbyBody(34, -118, 5000, 0) << u"maxResultCount"_s;
    QTest::newRow("maxResultCount 2.5") << "*"_ba << nearbyBody(34, -118, 5000, 2.5) << u"maxResultCount"_s;
    QTest::newRow("maxResultCount a word")
        << "*"_ba << nearbyBody(34, -118, 5000, u"ten"_s) << u"maxResultCount"_s;
}

void TestPlacesServer::placesNewBadRequest()
{
    QFETCH(QByteArray, mask);
    QFETCH(QByteArray, body);
    QFETCH(QString, fragment);

    const std::optional<HttpReply> reply = searchNearby(body, mask);
    QVERIFY(reply);
    QCOMPARE(reply->status, 400);
    const QJsonObject error = googleError(*reply);
    QCOMPARE(error.value("code"_L1).toInt(), 400);
    QCOMPARE(error.value("status"_L1).toString(), u"INVALID_ARGUMENT"_s);
    const QString message = error.value("message"_L1).toString();
    QVERIFY2(message.contains(fragment), qPrintable(message));
}

// ---- anything else ---------------------------------------------------------

void TestPlacesServer::wrongMethod_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("allowed");

    QTest::newRow("POST legacy") << "POST"_ba << Legacy << "GET"_ba;
    QTest::newRow("DELETE legacy") << "DELETE"_ba << Legacy << "GET"_ba;
    QTest::newRow("GET new") << "GET"_ba << PlacesNew << "POST"_ba;
    QTest::newRow("PUT new") << "PUT"_ba << PlacesNew << "POST"_ba;
}

void TestPlacesServer::wrongMethod()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, allowed);

    const std::optional<HttpReply> reply = request(method, path + u"?location=34,-118&radius=5"_s,
                                                   nearbyBody(34, -118, 5), {{"X-Goog-FieldMask", "*"}});
    QVERIFY(reply);
    QCOMPARE(reply->status, 405);
    QCOMPARE(googleError(*reply).value("code"_L1).toInt(), 405);
    QCOMPARE(googleError(*reply).value("status"_L1).toString(), u"METHOD_NOT_ALLOWED"_s);
    QVERIFY(googleError(*reply).value("message"_L1).toString().contains(QString::fromLatin1(allowed)));
    QVERIFY(reply->headers.contains(QNetworkReply::RawHeaderPair("Allow", allowed)));
}

void TestPlacesServer::unknownPath_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("target");

    QTest::newRow("root") << "GET"_ba << u"/"_s;
    QTest::newRow("legacy, trailing slash") << "GET"_ba << Legacy + u"/?location=34,-118&radius=5"_s;
    QTest::newRow("legacy, XML") << "GET"_ba << u"/maps/api/place/nearbysearch/xml"_s;
    QTest::newRow("text search") << "POST"_ba << u"/v1/places:searchText"_s;
}

void TestPlacesServer::unknownPath()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, target);

    const std::optional<HttpReply> reply = request(method, target, "{}"_ba);
    QVERIFY(reply);
    QCOMPARE(reply->status, 404);
    QCOMPARE(googleError(*reply).value("code"_L1).toInt(), 404);
    QCOMPARE(googleError(*reply).value("status"_L1).toString(), u"NOT_FOUND"_s);
    const QString message = googleError(*reply).value("message"_L1).toString();
    QVERIFY2(message.contains(Legacy) && message.contains(PlacesNew), qPrintable(message));
}

void TestPlacesServer::garbageIsDropped()
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server->port());
    QVERIFY(socket.waitForConnected(Wait));
    socket.write("\x01\x02 not HTTP at all\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, Wait);
    // And the server goes on answering.
    const std::optional<HttpReply> reply = get(Legacy + u"?location=34,-118&radius=5000"_s);
    QVERIFY(reply);
    QCOMPARE(reply->status, 200);
}

void TestPlacesServer::keyNeverShown()
{
    const QByteArray key = Key.toUtf8();
    const QList<std::optional<HttpReply>> replies {
        get(Legacy + u"?location=34,-118&radius=5000&key="_s + Key),
        get(Legacy + u"?location=34,-118&radius=far&key="_s + Key),
        get(Legacy + u"?key="_s + Key),
        get(u"/nowhere/"_s + Key + u"?key="_s + Key),
        searchNearby(nearbyBody(34, -118, 5000)),
        searchNearby(nearbyBody(34, -118, 0)),
        searchNearby(nearbyBody(34, -118, 5000), QByteArray()),
        request("GET", PlacesNew + u"?key="_s + Key, {}, {{"X-Goog-Api-Key", key}}),
    };
    for (const std::optional<HttpReply> &reply : replies) {
        QVERIFY(reply);
        QVERIFY2(!reply->body.contains(key), reply->body.constData());
        for (const auto &[name, value] : reply->headers)
            QVERIFY2(!name.contains(key) && !value.contains(key), value.constData());
    }
    QVERIFY(!m_keyWatch->seen());
}

// ---- a source that answers later -------------------------------------------

void TestPlacesServer::laterSource()
{
    HeldServer held;
    QString error;
    QVERIFY2(held.server.listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
    const QJsonObject answer = m_offline->answer({34.068930, -118.445127, 5, 20});
    const QJsonArray results = answer.value("results"_L1).toArray();

    const std::optional<HttpReply> legacy =
        askHeld(held, "GET", Legacy + u"?location=34,-118&radius=5000"_s, answer);
    QVERIFY(legacy);
    QCOMPARE(legacy->json(), answer);

    const std::optional<HttpReply> placesNew = askHeld(
        held, "POST", PlacesNew, answer, nearbyBody(34, -118, 5000), {{"X-Goog-FieldMask", "places.id"}});
    QVERIFY(placesNew);
    QCOMPARE(placesNew->status, 200);
    const QJsonArray places = placesNew->json().value("places"_L1).toArray();
    QCOMPARE(places.size(), results.size());
    const QJsonObject firstId {{u"id"_s, results.first()["place_id"_L1]}};
    QCOMPARE(places.first().toObject(), firstId);
}

void TestPlacesServer::laterSourceFailure()
{
    HeldServer held;
    QString error;
    QVERIFY2(held.server.listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
    const QJsonObject failure {{u"html_attributions"_s, QJsonArray()},
                               {u"results"_s, QJsonArray()},
                               {u"status"_s, u"OVER_QUERY_LIMIT"_s},
                               {u"error_message"_s, u"HTTP 429 from upstream"_s}};

    // Legacy: passed on as it is.
    const std::optional<HttpReply> legacy =
        askHeld(held, "GET", Legacy + u"?location=34,-118&radius=5000"_s, failure);
    QVERIFY(legacy);
    QCOMPARE(legacy->status, 200);
    QCOMPARE(legacy->json(), failure);

    // New: Google's error for it.
    const std::optional<HttpReply> placesNew =
        askHeld(held, "POST", PlacesNew, failure, nearbyBody(34, -118, 5000), {{"X-Goog-FieldMask", "*"}});
    QVERIFY(placesNew);
    QCOMPARE(placesNew->status, 429);
    QCOMPARE(googleError(*placesNew).value("status"_L1).toString(), u"RESOURCE_EXHAUSTED"_s);
    QVERIFY(googleError(*placesNew).value("message"_L1).toString().contains(u"HTTP 429 from upstream"_s));
}

void TestPlacesServer::laterSourceClientGone()
{
    HeldServer held;
    QString error;
    QVERIFY2(held.server.listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));

    auto socket = std::make_unique<QTcpSocket>();
    socket->connectToHost(QHostAddress::LocalHost, held.server.port());
    QVERIFY(socket->waitForConnected(Wait));
    socket->write("GET " + Legacy.toUtf8() + "?location=34,-118&radius=5000 HTTP/1.1\r\nHost: x\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(held.places.held(), 1, Wait);
    socket.reset(); // the client leaves before its places are found

    // Another client asks meanwhile (so the server has seen the first go).
    QNetworkReply *sent = m_http.send("GET", held.server.url() + Legacy + u"?location=34,-118&radius=5000"_s);
    QTRY_COMPARE_WITH_TIMEOUT(held.places.held(), 2, Wait);
    const QJsonObject answer = m_offline->answer({34, -118, 5, 20});
    held.places.answerFirst(answer); // for the client gone: skipped
    held.places.answerFirst(answer);
    const std::optional<HttpReply> other = HttpClient::finish(sent);
    QVERIFY(other);
    QCOMPARE(other->json(), answer);
}

// ---- end to end --------------------------------------------------------------

void TestPlacesServer::endToEnd_data()
{
    QTest::addColumn<Herd::PlacesSettings::Source>("api");
    QTest::addColumn<QByteArray>("position");
    QTest::addColumn<QByteArray>("radiusAndBound");

    using Source = Herd::PlacesSettings::Source;
    for (const auto &[name, api] :
         {std::pair {"legacy", Source::Google}, std::pair {"new", Source::GoogleNew}}) {
        QTest::addRow("%s, UCLA, 10 km, 5", name) << api << "+34.068930-118.445127"_ba
                                                  << "10 5"_ba;
        QTest::addRow("%s, London, 50 km, 20", name) << api << "+51.507400-0.127800"_ba
                                                     << "50 20"_ba;
        QTest::addRow("%s, fractional radius", name) << api << "+34.068930-118.445127"_ba
                                                     << "10.5871263 3"_ba;
        QTest::addRow("%s, far at sea", name) << api << "-40.000000-130.000000"_ba
                                              << "50 20"_ba;
    }
}

void TestPlacesServer::endToEnd()
{
    QFETCH(Herd::PlacesSettings::Source, api);
    QFETCH(QByteArray, position);
    QFETCH(QByteArray, radiusAndBound);

    // The node sends the key, to the places server.
    qputenv("HERD_PLACES_KEY", Key.toUtf8());
    Herd::PlacesSettings settings;
    settings.source = api;
    settings.url = m_server->url() + (api == Herd::PlacesSettings::Source::Google ? Legacy : PlacesNew);
    QString error;
    const std::unique_ptr<Herd::PlacesSource> google = Herd::makePlacesSource(settings, &error);
    qunsetenv("HERD_PLACES_KEY");
    QVERIFY2(google, qPrintable(error));

    // The same question to a node with offline places and one asking the server.
    QList<QJsonObject> answers;
    for (Herd::PlacesSource *places : {static_cast<Herd::PlacesSource *>(m_offline.get()), google.get()}) {
        Herd::Test::HerdFixture herd(places);
        QVERIFY2(herd.start(Herd::Test::HerdFixture::config({u"Alford"_s}), &error), qPrintable(error));
        Herd::Test::LineClient client;
        QVERIFY(client.connectTo(herd.port(u"Alford"_s)));
        client.send("IAMAT kiwi.cs.ucla.edu " + position + " 1621464827.959498503\n");
        QVERIFY(client.waitForLines(1, Wait));
        client.send("WHATSAT kiwi.cs.ucla.edu " + radiusAndBound + '\n');
        QVERIFY(client.waitForText("\n\n", 1, Wait));
        const QByteArray reply = client.received();
        const QByteArray body = reply.sliced(reply.indexOf('\n') + 1); // after the IAMAT's AT line
        QVERIFY2(body.startsWith("AT Alford "), body.constData());
        answers.append(QJsonDocument::fromJson(body.sliced(body.indexOf('\n') + 1)).object());
    }
    QJsonObject offline = answers.at(0);
    const QJsonObject viaServer = answers.at(1);
    const int bound = radiusAndBound.split(' ').at(1).toInt();
    const QJsonArray results = offline.value("results"_L1).toArray();
    QVERIFY(results.size() == bound || position.startsWith("-40"));
    if (api == Herd::PlacesSettings::Source::GoogleNew) {
        // The Places API (New) has no "reference": the old API's second id.
        QJsonArray withoutReference;
        for (const QJsonValue &result : results) {
            QJsonObject place = result.toObject();
            place.remove("reference"_L1);
            withoutReference.append(place);
        }
        offline.insert(u"results"_s, withoutReference);
    }
    QCOMPARE(viaServer, offline);
    QVERIFY(!m_keyWatch->seen());
}

QTEST_GUILESS_MAIN(TestPlacesServer)
#include "tst_placesserver.moc"
