// SPDX-License-Identifier: GPL-3.0-or-later
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <memory>
#include <optional>

#include "tests/fakegoogle.h"
#include "tests/secretwatch.h"
#include "herd/places/googleplaces.h"

using namespace Qt::StringLiterals;
using Herd::FakeGoogle;
using Herd::FakeResponse;
using Herd::GoogleApi;
using Herd::GooglePlaces;

Q_DECLARE_METATYPE(Herd::GoogleApi)

namespace {

const QString Key = u"s3cr3t-KEY_42"_s;
constexpr int Wait = 5000; // ms: every wait below is bounded by this

const QString LegacyPath = u"/maps/api/place/nearbysearch/json"_s;
const QString NewPath = u"/v1/places:searchNearby"_s;

Herd::GooglePlacesOptions optionsFor(GoogleApi api, const FakeGoogle &fake, const QString &key = Key)
{
    Herd::GooglePlacesOptions options;
    options.api = api;
    options.key = key;
    options.url = fake.url(api == GoogleApi::Legacy ? LegacyPath : NewPath);
    return options;
}

Herd::PlacesQuery query(double radiusKm = 10.5871263, int bound = 2)
{
    return Herd::PlacesQuery {34.068930, -118.445127, radiusKm, bound};
}

GooglePlaces::Callback collectInto(QList<QJsonObject> &answers)
{
    return [&answers](const QJsonObject &answer) { answers.append(answer); };
}

QByteArray legacyBody(int results)
{
    QJsonArray array;
    for (int i = 0; i < results; ++i) {
        const QJsonObject location {{u"lat"_s, 34.0 + i / 100.0}, {u"lng"_s, -118.4}};
        array.append(QJsonObject {{u"geometry"_s, QJsonObject {{u"location"_s, location}}},
                                  {u"name"_s, u"Place %1"_s.arg(i)},
                                  {u"place_id"_s, u"id%1"_s.arg(i)},
                                  {u"types"_s, QJsonArray {u"cafe"_s}},
                                  {u"vicinity"_s, u"Street %1"_s.arg(i)}});
    }
    const QJsonObject body {{u"html_attributions"_s, QJsonArray {u"attr"_s}},
                            {u"next_page_token"_s, u"NEXT"_s},
                            {u"results"_s, array},
                            {u"status"_s, u"OK"_s}};
    return QJsonDocument(body).toJson();
}

const QByteArray NewBody = R"({"places": [
  {"id": "ChIJa", "displayName": {"text": "Café A", "languageCode": "fr"},
   "location": {"latitude": 34.0736204, "longitude": -118.4460162},
   "types": ["cafe", "food"], "shortFormattedAddress": "1 A Street"},
  {"id": "ChIJb", "displayName": {"text": "B"},
   "location": {"latitude": 34.07, "longitude": -118.44},
   "types": [], "shortFormattedAddress": "2 B Street"},
  {"id": "ChIJc", "displayName": {"text": "C"},
   "location": {"latitude": 34.06, "longitude": -118.43}}
]})";

// Every failure has the legacy shape, and never shows the key.
void verifyFailure(const QJsonObject &answer, const QString &status)
{
    QCOMPARE(answer.value("status"_L1).toString(), status);
    QVERIFY(answer.value("html_attributions"_L1).isArray());
    QVERIFY(answer.value("results"_L1).isArray());
    QCOMPARE(answer.value("results"_L1).toArray().size(), 0);
    const QString message = answer.value("error_message"_L1).toString();
    QVERIFY(!message.isEmpty());
    QVERIFY2(!message.contains(Key), qPrintable(message));
}

void addApiRows()
{
    QTest::addColumn<GoogleApi>("api");
    QTest::newRow("legacy") << GoogleApi::Legacy;
    QTest::newRow("new") << GoogleApi::PlacesNew;
}

} // namespace

class TestGooglePlaces : public QObject
{
    Q_OBJECT

private slots:
    // Every log line of the run is watched, so a key in a log fails the suite.
    void initTestCase() { m_keyWatch.emplace(Key); }
    void init();
    void cleanupTestCase();

    void legacyRequestAndAnswer();
    void legacyRadius_data();
    void legacyRadius();
    void legacyWithoutKey();
    void legacyStatusPassedThrough();
    void legacyWithoutStatus();

    void newRequestAndAnswer();
    void newZeroResults_data();
    void newZeroResults();

    void httpErrors_data();
    void httpErrors();
    void timeout_data() { addApiRows(); }
    void timeout();
    void badBody_data();
    void badBody();
    void connectionRefused_data() { addApiRows(); }
    void connectionRefused();
    void garbage_data() { addApiRows(); }
    void garbage();
    void concurrent_data() { addApiRows(); }
    void concurrent();
    void callbackStartsSearch_data() { addApiRows(); }
    void callbackStartsSearch();
    void destroyedWhileInFlight_data() { addApiRows(); }
    void destroyedWhileInFlight();

    void descriptionHidesKey_data() { addApiRows(); }
    void descriptionHidesKey();
    void defaults();
    void keyFromEnvironment();

private:
    std::unique_ptr<FakeGoogle> m_fake;
    std::optional<Herd::Test::SecretWatch> m_keyWatch;
};

void TestGooglePlaces::cleanupTestCase()
{
    const bool keyLogged = m_keyWatch->seen();
    m_keyWatch.reset();
    QVERIFY(!keyLogged);
}

void TestGooglePlaces::init()
{
    m_fake = std::make_unique<FakeGoogle>();
    QVERIFY(m_fake->listen());
}

void TestGooglePlaces::legacyRequestAndAnswer()
{
    m_fake->setResponse(200, legacyBody(3));
    GooglePlaces places(optionsFor(GoogleApi::Legacy, *m_fake));
    QList<QJsonObject> answers;
    places.search(query(10.5871263, 2), collectInto(answers));
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 1, Wait);

    QCOMPARE(m_fake->requests().size(), 1);
    const Herd::FakeRequest &request = m_fake->requests().first();
    QCOMPARE(request.method, "GET"_ba);
    QCOMPARE(request.path(), LegacyPath.toUtf8());
    const QUrlQuery params = request.query();
    QCOMPARE(params.queryItemValue(u"location"_s), u"34.06893,-118.445127"_s);
    QCOMPARE(params.queryItemValue(u"radius"_s), u"10587.126"_s);
    QCOMPARE(params.queryItemValue(u"key"_s), Key);

    const QJsonObject answer = answers.first();
    QCOMPARE(answer.value("status"_L1).toString(), u"OK"_s);
    QCOMPARE(answer.value("html_attributions"_L1).toArray(), QJsonArray {u"attr"_s});
    QCOMPARE(answer.value("next_page_token"_L1).toString(), u"NEXT"_s);
    const QJsonArray results = answer.value("results"_L1).toArray();
    QCOMPARE(results.size(), 2);
    QCOMPARE(results.at(0)["name"_L1].toString(), u"Place 0"_s);
    QCOMPARE(results.at(1)["name"_L1].toString(), u"Place 1"_s);
    QCOMPARE(results.at(1)["geometry"_L1]["location"_L1]["lat"_L1].toDouble(), 34.01);
}

void TestGooglePlaces::legacyRadius_data()
{
    QTest::addColumn<double>("km");
    QTest::addColumn<QString>("metres");
    QTest::newRow("whole") << 10.0 << u"10000"_s;
    QTest::newRow("maximum") << 50.0 << u"50000"_s;
    QTest::newRow("half") << 0.5 << u"500"_s;
    QTest::newRow("fraction") << 10.5871263 << u"10587.126"_s;
    QTest::newRow("decimetres") << 1.2345 << u"1234.5"_s;
    QTest::newRow("tiny is at least 1 mm") << 1e-9 << u"0.001"_s;
}

void TestGooglePlaces::legacyRadius()
{
    QFETCH(double, km);
    QFETCH(QString, metres);
    GooglePlaces places(optionsFor(GoogleApi::Legacy, *m_fake));
    QList<QJsonObject> answers;
    places.search(query(km), collectInto(answers));
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 1, Wait);
    QCOMPARE(m_fake->requests().first().query().queryItemValue(u"radius"_s), metres);
}

void TestGooglePlaces::legacyWithoutKey()
{
    GooglePlaces places(optionsFor(GoogleApi::Legacy, *m_fake, QString()));
    QList<QJsonObject> answers;
    places.search(query(), collectInto(answers));
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 1, Wait);
    QVERIFY(!m_fake->requests().first().query().hasQueryItem(u"key"_s));
    QCOMPARE(answers.first().value("status"_L1).toString(), u"ZERO_RESULTS"_s);
}

void TestGooglePlaces::legacyStatusPassedThrough()
{
    m_fake->setResponse(200, R"({"error_message": "The provided API key s3cr3t-KEY_42 is invalid.",
        "html_attributions": [], "results": [], "status": "REQUEST_DENIED"})");
    GooglePlaces places(optionsFor(GoogleApi::Legacy, *m_fake));
    QList<QJsonObject> answers;
    places.search(query(), collectInto(answers));
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 1, Wait);
    verifyFailure(answers.first(), u"REQUEST_DENIED"_s);
    QCOMPARE(answers.first().value("error_message"_L1).toString(),
             u"The provided API key <key> is invalid."_s);
}

void TestGooglePlaces::legacyWithoutStatus()
{
    m_fake->setResponse(200, R"({"results": []})");
    GooglePlaces places(optionsFor(GoogleApi::Legacy, *m_fake));
    QList<QJsonObject> answers;
    places.search(query(), collectInto(answers));
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 1, Wait);
    verifyFailure(answers.first(), u"UNKNOWN_ERROR"_s);
}

void TestGooglePlaces::newRequestAndAnswer()
{
    m_fake->setResponse(200, NewBody);
    GooglePlaces places(optionsFor(GoogleApi::PlacesNew, *m_fake));
    QList<QJsonObject> answers;
    places.search(query(10.5871263, 2), collectInto(answers));
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 1, Wait);

    const Herd::FakeRequest &request = m_fake->requests().first();
    QCOMPARE(request.method, "POST"_ba);
    QCOMPARE(request.target, NewPath.toUtf8()); // no query: the key goes in a header
    QCOMPARE(request.header("Content-Type"), "application/json"_ba);
    QCOMPARE(request.header("X-Goog-Api-Key"), Key.toUtf8());
    QCOMPARE(request.header("X-Goog-FieldMask"),
             "places.id,places.displayName,places.location,places.types,"
             "places.shortFormattedAddress"_ba);
    const QJsonObject body = QJsonDocument::fromJson(request.body).object();
    const QJsonObject expectedBody {
        {u"maxResultCount"_s, 2},
        {u"locationRestriction"_s,
         QJsonObject {{u"circle"_s,
                       QJsonObject {{u"center"_s,
                                     QJsonObject {{u"latitude"_s, 34.06893}, {u"longitude"_s, -118.445127}}},
                                    {u"radius"_s, 10587.126}}}}},
    };
    QCOMPARE(body, expectedBody);

    const QJsonObject expected = QJsonDocument::fromJson(R"({
        "html_attributions": [],
        "results": [
            {"geometry": {"location": {"lat": 34.0736204, "lng": -118.4460162}},
             "name": "Café A", "place_id": "ChIJa", "types": ["cafe", "food"],
             "vicinity": "1 A Street"},
            {"geometry": {"location": {"lat": 34.07, "lng": -118.44}},
             "name": "B", "place_id": "ChIJb", "types": [], "vicinity": "2 B Street"}
        ],
        "status": "OK"})")
                                     .object();
    QCOMPARE(answers.first(), expected);
}

void TestGooglePlaces::newZeroResults_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("no places") << "{}"_ba;
    QTest::newRow("empty places") << R"({"places": []})"_ba;
}

void TestGooglePlaces::newZeroResults()
{
    QFETCH(QByteArray, body);
    m_fake->setResponse(200, body);
    GooglePlaces places(optionsFor(GoogleApi::PlacesNew, *m_fake));
    QList<QJsonObject> answers;
    places.search(query(), collectInto(answers));
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 1, Wait);
    const QJsonObject expected {{u"html_attributions"_s, QJsonArray()},
                                {u"results"_s, QJsonArray()},
                                {u"status"_s, u"ZERO_RESULTS"_s}};
    QCOMPARE(answers.first(), expected);
}

void TestGooglePlaces::httpErrors_data()
{
    QTest::addColumn<GoogleApi>("api");
    QTest::addColumn<int>("http");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("message");
    const QByteArray newError = R"({"error": {"code": 403, "message": "API key s3cr3t-KEY_42 not valid.",
        "status": "PERMISSION_DENIED"}})";
    for (const GoogleApi api : {GoogleApi::Legacy, GoogleApi::PlacesNew}) {
        const char *name = api == GoogleApi::Legacy ? "legacy" : "new";
        QTest::addRow("%s 400", name)
            << api << 400 << "oops"_ba << u"INVALID_REQUEST"_s << u"HTTP 400 Bad Request"_s;
        QTest::addRow("%s 401", name)
            << api << 401 << ""_ba << u"REQUEST_DENIED"_s << u"HTTP 401 Unauthorized"_s;
        QTest::addRow("%s 403", name)
            << api << 403 << newError << u"REQUEST_DENIED"_s << u"HTTP 403 Forbidden"_s;
        QTest::addRow("%s 404", name)
            << api << 404 << "<html>"_ba << u"UNKNOWN_ERROR"_s << u"HTTP 404 Not Found"_s;
        QTest::addRow("%s 429", name)
            << api << 429 << ""_ba << u"OVER_QUERY_LIMIT"_s << u"HTTP 429 Too Many Requests"_s;
        QTest::addRow("%s 500", name)
            << api << 500 << "{}"_ba << u"UNKNOWN_ERROR"_s << u"HTTP 500 Internal Server Error"_s;
    }
}

void TestGooglePlaces::httpErrors()
{
    QFETCH(GoogleApi, api);
    QFETCH(int, http);
    QFETCH(QByteArray, body);
    QFETCH(QString, status);
    QFETCH(QString, message);
    m_fake->setResponse(http, body);
    GooglePlaces places(optionsFor(api, *m_fake));
    QList<QJsonObject> answers;
    places.search(query(), collectInto(answers));
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 1, Wait);
    verifyFailure(answers.first(), status);
    const QString text = answers.first().value("error_message"_L1).toString();
    QVERIFY2(text.startsWith(message), qPrintable(text));
    if (http == 403) // the upstream's reason is passed on, with the key masked
        QVERIFY2(text.endsWith(u"API key <key> not valid."_s), qPrintable(text));
}

void TestGooglePlaces::timeout()
{
    QFETCH(GoogleApi, api);
    m_fake->setResponse(FakeResponse {FakeResponse::Kind::Silent, 200, {}, {}});
    Herd::GooglePlacesOptions options = optionsFor(api, *m_fake);
    options.timeoutMs = 200;
    GooglePlaces places(options);
    QList<QJsonObject> answers;
    places.search(query(), collectInto(answers));
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 1, Wait);
    verifyFailure(answers.first(), u"UNKNOWN_ERROR"_s);
    QCOMPARE(answers.first().value("error_message"_L1).toString(), u"timed out after 200 ms"_s);
    QCOMPARE(m_fake->requests().size(), 1);
}

void TestGooglePlaces::badBody_data()
{
    QTest::addColumn<GoogleApi>("api");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    for (const GoogleApi api : {GoogleApi::Legacy, GoogleApi::PlacesNew}) {
        const char *name = api == GoogleApi::Legacy ? "legacy" : "new";
        QTest::addRow("%s not json", name)
            << api << "<html>nope</html>"_ba << u"invalid JSON from upstream: "_s;
        QTest::addRow("%s truncated", name)
            << api << R"({"results": [)"_ba << u"invalid JSON from upstream: "_s;
        QTest::addRow("%s empty", name) << api << ""_ba << u"invalid JSON from upstream: "_s;
        QTest::addRow("%s array", name)
            << api << "[1, 2]"_ba << u"invalid JSON from upstream: not an object"_s;
    }
}

void TestGooglePlaces::badBody()
{
    QFETCH(GoogleApi, api);
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    m_fake->setResponse(200, body);
    GooglePlaces places(optionsFor(api, *m_fake));
    QList<QJsonObject> answers;
    places.search(query(), collectInto(answers));
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 1, Wait);
    verifyFailure(answers.first(), u"UNKNOWN_ERROR"_s);
    const QString text = answers.first().value("error_message"_L1).toString();
    QVERIFY2(text.startsWith(message), qPrintable(text));
}

void TestGooglePlaces::connectionRefused()
{
    QFETCH(GoogleApi, api);
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
    const quint16 port = closed.serverPort();
    closed.close();

    Herd::GooglePlacesOptions options = optionsFor(api, *m_fake);
    options.url.setPort(port);
    GooglePlaces places(options);
    QList<QJsonObject> answers;
    places.search(query(), collectInto(answers));
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 1, Wait);
    verifyFailure(answers.first(), u"UNKNOWN_ERROR"_s);
    const QString text = answers.first().value("error_message"_L1).toString();
    QVERIFY2(text.contains(u"connection refused"_s), qPrintable(text));
}

void TestGooglePlaces::garbage()
{
    QFETCH(GoogleApi, api);
    m_fake->setResponse(FakeResponse {FakeResponse::Kind::Garbage, 200, {}, {}});
    GooglePlaces places(optionsFor(api, *m_fake));
    QList<QJsonObject> answers;
    places.search(query(), collectInto(answers));
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 1, Wait);
    verifyFailure(answers.first(), u"UNKNOWN_ERROR"_s);
}

void TestGooglePlaces::concurrent()
{
    QFETCH(GoogleApi, api);
    // Each answer names the latitude it was asked for, so a mix-up shows.
    m_fake->setResponder([api](const Herd::FakeRequest &request) {
        double latitude = 0;
        if (api == GoogleApi::Legacy) {
            latitude = request.query().queryItemValue(u"location"_s).section(u',', 0, 0).toDouble();
        } else {
            const QJsonObject body = QJsonDocument::fromJson(request.body).object();
            latitude = body["locationRestriction"_L1]["circle"_L1]["center"_L1]["latitude"_L1].toDouble();
        }
        const QString name = QString::number(latitude);
        const QByteArray body = api == GoogleApi::Legacy
            ? QByteArray(R"({"html_attributions": [], "status": "OK", "results": [{"name": ")" + name.toUtf8()
                         + R"("}]})")
            : QByteArray(R"({"places": [{"displayName": {"text": ")" + name.toUtf8() + R"("}}]})");
        return FakeResponse {FakeResponse::Kind::Http, 200, body, "application/json"};
    });

    constexpr int Count = 40;
    GooglePlaces places(optionsFor(api, *m_fake));
    QList<int> calls(Count, 0);
    QList<QString> names(Count);
    int total = 0;
    for (int i = 0; i < Count; ++i) {
        Herd::PlacesQuery q = query();
        q.latitude = 10 + i;
        places.search(q, [&, i](const QJsonObject &answer) {
            ++calls[i];
            ++total;
            names[i] = answer["results"_L1][0]["name"_L1].toString();
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(total, Count, 3 * Wait);
    QCoreApplication::processEvents(); // a second call would show now
    QCOMPARE(total, Count);
    for (int i = 0; i < Count; ++i) {
        QCOMPARE(calls[i], 1);
        QCOMPARE(names[i], QString::number(10 + i));
    }
    QCOMPARE(m_fake->requests().size(), Count);
}

void TestGooglePlaces::callbackStartsSearch()
{
    QFETCH(GoogleApi, api);
    GooglePlaces places(optionsFor(api, *m_fake));
    QList<QJsonObject> answers;
    places.search(query(), [&](const QJsonObject &answer) {
        answers.append(answer);
        places.search(query(), collectInto(answers));
    });
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 2, Wait);
    QCOMPARE(m_fake->requests().size(), 2);
}

void TestGooglePlaces::destroyedWhileInFlight()
{
    QFETCH(GoogleApi, api);
    m_fake->setResponse(FakeResponse {FakeResponse::Kind::Silent, 200, {}, {}});
    int calls = 0;
    {
        auto places = std::make_unique<GooglePlaces>(optionsFor(api, *m_fake));
        for (int i = 0; i < 3; ++i)
            places->search(query(), [&calls](const QJsonObject &) { ++calls; });
        QTRY_COMPARE_WITH_TIMEOUT(m_fake->requests().size(), 3, Wait);
    }
    // The aborted connections reach the fake: nothing is left half-open.
    QTRY_COMPARE_WITH_TIMEOUT(m_fake->openConnections(), 0, Wait);
    QCoreApplication::processEvents();
    QCOMPARE(calls, 0);
}

void TestGooglePlaces::descriptionHidesKey()
{
    QFETCH(GoogleApi, api);
    Herd::GooglePlacesOptions options = optionsFor(api, *m_fake);
    options.url.setQuery(u"key="_s + Key); // a custom URL carrying the key itself
    const GooglePlaces places(options);
    const QString text = places.description();
    QVERIFY2(!text.contains(Key), qPrintable(text));
    QVERIFY2(text.contains(u"127.0.0.1"_s), qPrintable(text));

    options.url.setPath(u"/"_s + Key);
    QVERIFY(!GooglePlaces(options).description().contains(Key));
}

void TestGooglePlaces::defaults()
{
    const GooglePlaces legacy(Herd::GooglePlacesOptions {});
    QCOMPARE(legacy.url(), QUrl(u"https://maps.googleapis.com/maps/api/place/nearbysearch/json"_s));
    QCOMPARE(legacy.timeoutMs(), 10'000);
    Herd::GooglePlacesOptions options;
    options.api = GoogleApi::PlacesNew;
    QCOMPARE(GooglePlaces(options).url(), QUrl(u"https://places.googleapis.com/v1/places:searchNearby"_s));
}

void TestGooglePlaces::keyFromEnvironment()
{
    const QByteArray savedHerd = qgetenv("HERD_PLACES_KEY");
    const QByteArray savedGoogle = qgetenv("GOOGLE_PLACES_API_KEY");

    qunsetenv("HERD_PLACES_KEY");
    qunsetenv("GOOGLE_PLACES_API_KEY");
    QCOMPARE(GooglePlaces::keyFromEnvironment(), QString());
    qputenv("GOOGLE_PLACES_API_KEY", "fallback\n");
    QCOMPARE(GooglePlaces::keyFromEnvironment(), u"fallback"_s);
    qputenv("HERD_PLACES_KEY", "herd");
    QCOMPARE(GooglePlaces::keyFromEnvironment(), u"herd"_s);

    auto restore = [](const char *name, const QByteArray &value) {
        if (value.isNull())
            qunsetenv(name);
        else
            qputenv(name, value);
    };
    restore("HERD_PLACES_KEY", savedHerd);
    restore("GOOGLE_PLACES_API_KEY", savedGoogle);
}

QTEST_GUILESS_MAIN(TestGooglePlaces)
#include "tst_googleplaces.moc"
