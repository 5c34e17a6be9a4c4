// SPDX-License-Identifier: GPL-3.0-or-later
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "herd/places/placesjson.h"

using namespace Qt::StringLiterals;

class TestPlacesJson : public QObject
{
    Q_OBJECT

private slots:
    void formatsLikeGoogle();
    void emptyObject();
    void numbers_data();
    void numbers();
    void strings_data();
    void strings();
    void roundTrips();
    void squeezeNewlines_data();
    void squeezeNewlines();
    void trimResults_data();
    void trimResults();
};

void TestPlacesJson::formatsLikeGoogle()
{
    const QByteArray input = R"({
        "status": "OK",
        "html_attributions": [],
        "results": [{
            "geometry": {"location": {"lat": 34.0736204, "lng": -118.4460162}},
            "name": "Café Ünïcode \"quoted\"",
            "place_id": "ChIJ123",
            "rating": 4,
            "types": ["cafe", "food"],
            "vicinity": "308 Westwood Plaza, Los Angeles"
        }]
    })";
    const QJsonObject object = QJsonDocument::fromJson(input).object();
    QVERIFY(!object.isEmpty());

    const QByteArray expected = R"({
   "html_attributions" : [],
   "results" : [
      {
         "geometry" : {
            "location" : {
               "lat" : 34.0736204,
               "lng" : -118.4460162
            }
         },
         "name" : "Café Ünïcode \"quoted\"",
         "place_id" : "ChIJ123",
         "rating" : 4,
         "types" : [
            "cafe",
            "food"
         ],
         "vicinity" : "308 Westwood Plaza, Los Angeles"
      }
   ],
   "status" : "OK"
})";
    QCOMPARE(Herd::formatPlacesJson(object), expected);
}

void TestPlacesJson::emptyObject()
{
    QCOMPARE(Herd::formatPlacesJson({}), "{}"_ba);
    const QJsonObject nested {{u"a"_s, QJsonObject()}, {u"b"_s, QJsonArray()}};
    QCOMPARE(Herd::formatPlacesJson(nested), "{\n   \"a\" : {},\n   \"b\" : []\n}"_ba);
}

void TestPlacesJson::numbers_data()
{
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("integer") << QJsonValue(20) << "20"_ba;
    QTest::newRow("whole double") << QJsonValue(4.0) << "4"_ba;
    QTest::newRow("negative zero") << QJsonValue(-0.0) << "0"_ba;
    QTest::newRow("lat") << QJsonValue(34.0736204) << "34.0736204"_ba;
    QTest::newRow("lng") << QJsonValue(-118.445127) << "-118.445127"_ba;
    QTest::newRow("tenth") << QJsonValue(0.1) << "0.1"_ba;
    QTest::newRow("big int64") << QJsonValue(qint64(1) << 60 | 1) << "1152921504606846977"_ba;
    QTest::newRow("bool") << QJsonValue(true) << "true"_ba;
    QTest::newRow("null") << QJsonValue(QJsonValue::Null) << "null"_ba;
}

void TestPlacesJson::numbers()
{
    QFETCH(QJsonValue, value);
    QFETCH(QByteArray, text);
    QCOMPARE(Herd::formatPlacesJson({{u"n"_s, value}}), "{\n   \"n\" : " + text + "\n}");
}

void TestPlacesJson::strings_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("plain") << u"abc"_s << R"("abc")"_ba;
    QTest::newRow("quote and backslash") << uR"(a"b\c)"_s << R"("a\"b\\c")"_ba;
    QTest::newRow("newline stays escaped") << u"a\n\nb"_s << R"("a\n\nb")"_ba;
    QTest::newRow("controls") << u"\t\r\b\f\u0001"_s << R"("\t\r\b\f\u0001")"_ba;
    QTest::newRow("utf-8") << u"東京 ✓"_s << "\"東京 ✓\""_ba;
    QTest::newRow("slash unescaped") << u"a/b"_s << R"("a/b")"_ba;
}

void TestPlacesJson::strings()
{
    QFETCH(QString, value);
    QFETCH(QByteArray, text);
    QCOMPARE(Herd::formatPlacesJson({{u"s"_s, value}}), "{\n   \"s\" : " + text + "\n}");
}

void TestPlacesJson::roundTrips()
{
    const QJsonObject object {
        {u"results"_s, QJsonArray {QJsonObject {{u"x"_s, 1.0 / 3}, {u"y"_s, u"\u00e9\u0007"_s}}}},
        {u"status"_s, u"OK"_s},
        {u"deep"_s, QJsonArray {QJsonArray {QJsonArray {}, 1e-7, 1e300}}},
    };
    QJsonParseError error;
    const QJsonDocument back = QJsonDocument::fromJson(Herd::formatPlacesJson(object), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(back.object(), object);
}

void TestPlacesJson::squeezeNewlines_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("output");
    QTest::newRow("empty") << ""_ba
                           << ""_ba;
    QTest::newRow("untouched") << "a\nb"_ba
                               << "a\nb"_ba;
    QTest::newRow("runs") << "a\n\nb\n\n\n\nc"_ba
                          << "a\nb\nc"_ba;
    QTest::newRow("trailing") << "a\n"_ba
                              << "a"_ba;
    QTest::newRow("trailing run") << "a\n\n\n"_ba
                                  << "a"_ba;
    QTest::newRow("only newlines") << "\n\n"_ba
                                   << ""_ba;
    QTest::newRow("leading run") << "\n\na"_ba
                                 << "\na"_ba;
    QTest::newRow("spaces are content") << "a\n \nb"_ba
                                        << "a\n \nb"_ba;
}

void TestPlacesJson::squeezeNewlines()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, output);
    QCOMPARE(Herd::squeezeNewlines(input), output);
}

void TestPlacesJson::trimResults_data()
{
    QTest::addColumn<int>("results");
    QTest::addColumn<int>("bound");
    QTest::addColumn<int>("kept");
    QTest::newRow("more than bound") << 5 << 3 << 3;
    QTest::newRow("exactly bound") << 3 << 3 << 3;
    QTest::newRow("fewer") << 2 << 20 << 2;
    QTest::newRow("none") << 0 << 5 << 0;
    QTest::newRow("negative bound") << 2 << -1 << 0;
}

void TestPlacesJson::trimResults()
{
    QFETCH(int, results);
    QFETCH(int, bound);
    QFETCH(int, kept);
    QJsonArray array;
    for (int i = 0; i < results; ++i)
        array.append(QJsonObject {{u"name"_s, QString::number(i)}});
    const QJsonObject input {{u"results"_s, array}, {u"status"_s, u"OK"_s}, {u"next_page_token"_s, u"tok"_s}};

    const QJsonObject output = Herd::trimResults(input, bound);
    const QJsonArray trimmed = output.value("results"_L1).toArray();
    QCOMPARE(trimmed.size(), kept);
    for (int i = 0; i < kept; ++i) // the first ones: Google sorts nearest first
        QCOMPARE(trimmed.at(i).toObject().value("name"_L1).toString(), QString::number(i));
    QCOMPARE(output.value("status"_L1).toString(), u"OK"_s);
    QCOMPARE(output.value("next_page_token"_L1).toString(), u"tok"_s);
}

QTEST_GUILESS_MAIN(TestPlacesJson)
#include "tst_placesjson.moc"
