// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/sessiontest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

#include "herd/node/node.h"
#include "herd/places/offlineplaces.h"
#include "herd/wire/clock.h"
#include "tests/lineclient.h"

using namespace Qt::StringLiterals;
using Herd::Event;
using Herd::EventKind;
using Herd::Node;
using Herd::Test::LineClient;

namespace SessionSupport {

void ManualPlaces::search(const Herd::PlacesQuery &query, Callback done)
{
    m_queries.append(query);
    m_pending.push_back(std::move(done));
}

int ManualPlaces::pending() const
{
    int n = 0;
    for (const Callback &c : m_pending)
        n += c ? 1 : 0;
    return n;
}

void ManualPlaces::answer(size_t index, const QJsonObject &response)
{
    Callback done = std::exchange(m_pending.at(index), nullptr);
    QVERIFY(done);
    done(response);
}

QJsonObject placesAnswer(int results, const QString &prefix)
{
    QJsonArray array;
    for (int i = 0; i < results; ++i) {
        const QJsonObject location {{u"lat"_s, 34.0 + i / 100.0}, {u"lng"_s, -118.4}};
        array.append(QJsonObject {{u"geometry"_s, QJsonObject {{u"location"_s, location}}},
                                  {u"name"_s, u"%1 %2"_s.arg(prefix).arg(i)},
                                  {u"place_id"_s, u"id%1"_s.arg(i)},
                                  {u"types"_s, QJsonArray {u"cafe"_s}},
                                  {u"vicinity"_s, u"Street %1"_s.arg(i)}});
    }
    return QJsonObject {{u"html_attributions"_s, QJsonArray {}},
                        {u"results"_s, array},
                        {u"status"_s, results ? u"OK"_s : u"ZERO_RESULTS"_s}};
}

std::optional<qint64> parseDiff(const QByteArray &text)
{
    static const QRegularExpression form(u"^([+-])(\\d{1,11})\\.(\\d{9})$"_s);
    const QRegularExpressionMatch match = form.match(QString::fromLatin1(text));
    if (!match.hasMatch())
        return std::nullopt;
    const qint64 magnitude = match.captured(2).toLongLong() * Ns + match.captured(3).toLongLong();
    return match.captured(1) == u"-" ? -magnitude : magnitude;
}

QByteArray timeText(qint64 ns, int digits)
{
    QByteArray text = QByteArray::number(ns / Ns);
    if (digits > 0)
        text += '.' + QByteArray::number(ns % Ns).rightJustified(9, '0').left(digits);
    return text;
}

qint64 truncated(qint64 ns, int digits)
{
    qint64 unit = 1;
    for (int i = digits; i < 9; ++i)
        unit *= 10;
    return ns - ns % unit;
}

QByteArray iamatLine(const QByteArray &id, const QByteArray &position, const QByteArray &time)
{
    return "IAMAT " + id + ' ' + position + ' ' + time;
}

QByteArray nowText()
{
    return timeText(Herd::wallClockNs(), 9);
}

QByteArray withoutDiff(const QByteArray &atLine)
{
    const QList<QByteArray> fields = atLine.split(' ');
    if (fields.size() != 6)
        return "not an AT line: " + atLine;
    return fields[0] + ' ' + fields[1] + " <diff> " + fields[3] + ' ' + fields[4] + ' ' + fields[5];
}

SessionTest::SessionTest() = default;
SessionTest::~SessionTest() = default;

void SessionTest::initTestCase()
{
    QString error;
    m_offline = Herd::OfflinePlaces::fromEmbedded(&error);
    QVERIFY2(m_offline, qPrintable(error));
}

void SessionTest::cleanup()
{
    m_node.reset();
    m_events.clear();
}

Node *SessionTest::startNode(Herd::PlacesSource *places, qsizetype maxLineBytes,
                             const std::function<void(Herd::NodeSettings &)> &tune)
{
    Herd::NodeSettings settings;
    settings.name = QString::fromLatin1(NodeName);
    settings.host = u"127.0.0.1"_s;
    settings.port = 0;
    if (maxLineBytes > 0)
        settings.maxLineBytes = maxLineBytes;
    if (tune)
        tune(settings);
    m_events.clear();
    m_node = std::make_unique<Node>(settings, places ? places : m_offline.get());
    m_node->setEventSink([this](const Event &e) { m_events.append(e); });
    QString error;
    if (!m_node->start(&error)) {
        qWarning("cannot start node: %s", qPrintable(error));
        m_node.reset();
        return nullptr;
    }
    return m_node.get();
}

QList<Event> SessionTest::events(EventKind kind) const
{
    QList<Event> result;
    for (const Event &e : m_events) {
        if (e.kind == kind)
            result.append(e);
    }
    return result;
}

QList<Event> SessionTest::refusals(const QString &detailPart) const
{
    QList<Event> result;
    for (const Event &e : events(EventKind::Refused)) {
        if (e.detail.contains(detailPart))
            result.append(e);
    }
    return result;
}

QList<QByteArray> SessionTest::eventLines(EventKind kind) const
{
    QList<QByteArray> result;
    for (const Event &e : events(kind))
        result.append(e.line);
    return result;
}

std::unique_ptr<LineClient> SessionTest::connectClient()
{
    auto client = std::make_unique<LineClient>();
    if (!m_node || !client->connectTo(m_node->port(), Wait))
        return nullptr;
    return client;
}

QByteArray SessionTest::storeClient(LineClient &client, const QByteArray &id, const QByteArray &position)
{
    client.clear();
    client.send(iamatLine(id, position, nowText()) + '\n');
    if (!client.waitForLines(1, Wait))
        return {};
    const QByteArray reply = client.lines().value(0);
    client.clear();
    return reply;
}

void SessionTest::verifyWhatsatReply(const QByteArray &reply, const QByteArray &atLine, int bound,
                                     int *results)
{
    QVERIFY2(reply.startsWith(QByteArray(atLine + '\n')), reply.left(200).constData());
    QVERIFY(reply.endsWith("\n\n"));
    // "\n\n" ends the reply and occurs nowhere else: no other empty line.
    QCOMPARE(reply.indexOf("\n\n"), reply.size() - 2);
    const QByteArray json = reply.sliced(atLine.size() + 1, reply.size() - atLine.size() - 3);
    QVERIFY(!json.endsWith('\n'));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QVERIFY(document.isObject());
    const QJsonObject object = document.object();
    QVERIFY(object.value("html_attributions"_L1).isArray());
    QVERIFY(object.value("results"_L1).isArray());
    QVERIFY(object.value("status"_L1).isString());
    const QJsonArray array = object.value("results"_L1).toArray();
    QVERIFY2(array.size() <= bound, qPrintable(u"%1 results, bound %2"_s.arg(array.size()).arg(bound)));
    for (const QJsonValue &value : array) {
        const QJsonObject place = value.toObject();
        const QJsonObject location = place.value("geometry"_L1).toObject().value("location"_L1).toObject();
        QVERIFY(location.value("lat"_L1).isDouble());
        QVERIFY(location.value("lng"_L1).isDouble());
        QVERIFY(place.value("name"_L1).isString());
        QVERIFY(place.value("place_id"_L1).isString());
        QVERIFY(place.value("types"_L1).isArray());
        QVERIFY(place.value("vicinity"_L1).isString());
    }
    if (results)
        *results = int(array.size());
}

} // namespace SessionSupport
