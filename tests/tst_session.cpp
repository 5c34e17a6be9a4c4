// One node served over real loopback TCP: what a client of docs/protocol.md sees,
// byte for byte, including pipelining, half-close, slow places sources, many
// clients at once and over-long lines. Every wait is bounded; no fixed ports;
// no sleeps.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <fcntl.h>
#include <netinet/in.h>
#include <unistd.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "herd/wire/clock.h"
#include "herd/cluster.h"
#include "herd/event.h"
#include "tests/fakegoogle.h"
#include "herd/places/googleplaces.h"
#include "tests/herdfixture.h"
#include "tests/lineclient.h"
#include "herd/node/node.h"
#include "herd/places/offlineplaces.h"
#include "herd/places/placessource.h"
#include "herd/node/store.h"

using namespace Qt::StringLiterals;
using Herd::Event;
using Herd::EventKind;
using Herd::FakeGoogle;
using Herd::FakeResponse;
using Herd::Node;
using Herd::Test::LineClient;
using Herd::Test::RawLineClient;

namespace {

constexpr int Wait = 5000; // ms: the bound on every single wait below
constexpr qint64 Ns = 1'000'000'000;
const QByteArray NodeName = "Alford"_ba;
const QString LegacyPath = u"/maps/api/place/nearbysearch/json"_s;

// A places source the test answers by hand, in any order: a WHATSAT that
// waits as long as the test wants, with no timer involved.
class ManualPlaces final : public Herd::PlacesSource
{
public:
    using PlacesSource::PlacesSource;
    QString description() const override { return u"manual (test)"_s; }
    void search(const Herd::PlacesQuery &query, Callback done) override
    {
        m_queries.append(query);
        m_pending.push_back(std::move(done));
    }
    int pending() const
    {
        int n = 0;
        for (const Callback &c : m_pending)
            n += c ? 1 : 0;
        return n;
    }
    const QList<Herd::PlacesQuery> &queries() const { return m_queries; }
    // Answers search number `index` (in the order they were asked).
    void answer(size_t index, const QJsonObject &response)
    {
        Callback done = std::exchange(m_pending.at(index), nullptr);
        QVERIFY(done);
        done(response);
    }

private:
    QList<Herd::PlacesQuery> m_queries;
    std::vector<Callback> m_pending;
};

QJsonObject placesAnswer(int results, const QString &prefix = u"Place"_s)
{
    QJsonArray array;
    for (int i = 0; i < results; ++i) {
        const QJsonObject location{{u"lat"_s, 34.0 + i / 100.0}, {u"lng"_s, -118.4}};
        array.append(QJsonObject{{u"geometry"_s, QJsonObject{{u"location"_s, location}}},
                                 {u"name"_s, u"%1 %2"_s.arg(prefix).arg(i)},
                                 {u"place_id"_s, u"id%1"_s.arg(i)},
                                 {u"types"_s, QJsonArray{u"cafe"_s}},
                                 {u"vicinity"_s, u"Street %1"_s.arg(i)}});
    }
    return QJsonObject{{u"html_attributions"_s, QJsonArray{}},
                       {u"results"_s, array},
                       {u"status"_s, results ? u"OK"_s : u"ZERO_RESULTS"_s}};
}

// "+12.345678901" -> ns; nullopt unless signed with exactly 9 fraction digits.
std::optional<qint64> parseDiff(const QByteArray &text)
{
    static const QRegularExpression form(u"^([+-])(\\d{1,11})\\.(\\d{9})$"_s);
    const QRegularExpressionMatch match = form.match(QString::fromLatin1(text));
    if (!match.hasMatch())
        return std::nullopt;
    const qint64 magnitude = match.captured(2).toLongLong() * Ns + match.captured(3).toLongLong();
    return match.captured(1) == u"-" ? -magnitude : magnitude;
}

// Client time text with `digits` fraction digits (truncated), and its value.
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

// Replies are "AT Alford <diff> <rest>"; the diff depends on the clock.
QByteArray withoutDiff(const QByteArray &atLine)
{
    const QList<QByteArray> fields = atLine.split(' ');
    if (fields.size() != 6)
        return "not an AT line: " + atLine;
    return fields[0] + ' ' + fields[1] + " <diff> " + fields[3] + ' ' + fields[4] + ' ' + fields[5];
}

} // namespace

class tst_Session final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();

    void iamatReply_data();
    void iamatReply();
    void olderIamatAnsweredNotStored();
    void whatsatReply_data();
    void whatsatReply();
    void whatsatUnknownClient();
    void whatsatResultsFromGoogle();
    void invalidLines_data();
    void invalidLines();
    void severalLinesInOneWrite();
    void oneLineByteByByte();
    void pipelinedOrderWithSlowPlaces();
    void pipelinedOrderWithSilentGoogle();
    void clientLeavesWhileWhatsatWaits();
    void halfClose_data();
    void halfClose();
    void halfCloseIamat();
    void halfCloseWhatsat_data();
    void halfCloseWhatsat();
    void halfCloseWaitsForPendingWhatsat();
    void manyClientsAtOnce();
    void megabyteLineWithoutNewline();
    void lineLengthLimit_data();
    void lineLengthLimit();
    void eventsForLines();
    void oneNodeCluster();

    // limits
    void maxConnectionsRefusesTheExtra();
    void idleTimeoutClosesSilentClient();
    void unreadRepliesPastLimitDisconnect();
    void whatsatCapPerConnectionHoldsLines();
    void whatsatCapPerNodeHoldsOtherConnections();

private:
    Node *startNode(Herd::PlacesSource *places = nullptr, qsizetype maxLineBytes = 0,
                    const std::function<void(Herd::NodeSettings &)> &tune = {});
    QList<Event> refusals(const QString &detailPart) const;
    QList<Event> events(EventKind kind) const;
    QList<QByteArray> eventLines(EventKind kind) const;
    // Connects a new client, failing the test (returning null) if it cannot.
    std::unique_ptr<LineClient> connectClient();
    // IAMAT now for `id` on `client`; returns the AT reply line.
    QByteArray storeClient(LineClient &client, const QByteArray &id,
                           const QByteArray &position = "+34.068930-118.445127"_ba);
    void verifyWhatsatReply(const QByteArray &reply, const QByteArray &atLine, int bound,
                            int *results = nullptr);

    std::unique_ptr<Herd::OfflinePlaces> m_offline;
    std::unique_ptr<Node> m_node;
    QList<Event> m_events;
};

// ---- harness -------------------------------------------------------------

void tst_Session::initTestCase()
{
    QString error;
    m_offline = Herd::OfflinePlaces::fromEmbedded(&error);
    QVERIFY2(m_offline, qPrintable(error));
}

void tst_Session::cleanup()
{
    m_node.reset();
    m_events.clear();
}

Node *tst_Session::startNode(Herd::PlacesSource *places, qsizetype maxLineBytes,
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
    connect(m_node.get(), &Node::eventOccurred, this, [this](const Event &e) { m_events.append(e); });
    QString error;
    if (!m_node->start(&error)) {
        qWarning("cannot start node: %s", qPrintable(error));
        m_node.reset();
        return nullptr;
    }
    return m_node.get();
}

QList<Event> tst_Session::events(EventKind kind) const
{
    QList<Event> result;
    for (const Event &e : m_events) {
        if (e.kind == kind)
            result.append(e);
    }
    return result;
}

QList<Event> tst_Session::refusals(const QString &detailPart) const
{
    QList<Event> result;
    for (const Event &e : events(EventKind::Refused)) {
        if (e.detail.contains(detailPart))
            result.append(e);
    }
    return result;
}

QList<QByteArray> tst_Session::eventLines(EventKind kind) const
{
    QList<QByteArray> result;
    for (const Event &e : events(kind))
        result.append(e.line);
    return result;
}

std::unique_ptr<LineClient> tst_Session::connectClient()
{
    auto client = std::make_unique<LineClient>();
    if (!m_node || !client->connectTo(m_node->port(), Wait))
        return nullptr;
    return client;
}

QByteArray tst_Session::storeClient(LineClient &client, const QByteArray &id,
                                    const QByteArray &position)
{
    client.clear();
    client.send(iamatLine(id, position, nowText()) + '\n');
    if (!client.waitForLines(1, Wait))
        return {};
    const QByteArray reply = client.lines().value(0);
    client.clear();
    return reply;
}

void tst_Session::verifyWhatsatReply(const QByteArray &reply, const QByteArray &atLine, int bound,
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

// ---- IAMAT ---------------------------------------------------------------

void tst_Session::iamatReply_data()
{
    // The request is `format` with <id>, <pos> and <time> filled in. The
    // client time is now + offsetNs, with `digits` fraction digits, unless
    // fixedTime is given.
    QTest::addColumn<QByteArray>("format");
    QTest::addColumn<QByteArray>("clientId");
    QTest::addColumn<QByteArray>("position");
    QTest::addColumn<qint64>("offsetNs");
    QTest::addColumn<int>("digits");
    QTest::addColumn<QByteArray>("fixedTime");

    const QByteArray plain = "IAMAT <id> <pos> <time>\n"_ba;
    const QByteArray kiwi = "kiwi.cs.ucla.edu"_ba;
    const QByteArray pos = "+34.068930-118.445127"_ba;
    QTest::newRow("now, 9 digits") << plain << kiwi << pos << qint64(0) << 9 << QByteArray();
    QTest::newRow("now, no fraction") << plain << kiwi << pos << qint64(0) << 0 << QByteArray();
    QTest::newRow("now, 3 digits") << plain << kiwi << pos << qint64(0) << 3 << QByteArray();
    QTest::newRow("a minute ago, 6 digits") << plain << kiwi << pos << -60 * Ns << 6 << QByteArray();
    QTest::newRow("an hour ahead: negative diff") << plain << kiwi << pos << 3600 * Ns << 9 << QByteArray();
    QTest::newRow("half a second ahead") << plain << kiwi << pos << Ns / 2 << 9 << QByteArray();
    QTest::newRow("spec's 2021 time") << plain << kiwi << pos << qint64(0) << 0 << "1621464827.959498503"_ba;
    QTest::newRow("time 0") << plain << kiwi << pos << qint64(0) << 0 << "0"_ba;
    QTest::newRow("time with leading zeros kept") << plain << kiwi << pos << qint64(0) << 0 << "0001621464827.5"_ba;
    QTest::newRow("CRLF ending") << "IAMAT <id> <pos> <time>\r\n"_ba << kiwi << pos << qint64(0) << 9 << QByteArray();
    QTest::newRow("tabs, FF, VT, leading and trailing")
        << "\t\f IAMAT\v<id>\t\t<pos> \f<time> \v\r\n"_ba << kiwi << pos << qint64(0) << 9 << QByteArray();
    QTest::newRow("odd id: UTF-8") << plain << "клиент😀"_ba << pos << qint64(0) << 9 << QByteArray();
    QTest::newRow("odd id: punctuation") << plain << "?\"{}[]\\<>;'|&%$#"_ba << pos << qint64(0) << 9 << QByteArray();
    QTest::newRow("odd id: WHATSAT") << plain << "WHATSAT"_ba << pos << qint64(0) << 9 << QByteArray();
    QTest::newRow("odd id: 2000 bytes") << plain << QByteArray(2000, 'i') << pos << qint64(0) << 9 << QByteArray();
    QTest::newRow("position: poles and date line") << plain << kiwi << "-90.000+180.0"_ba << qint64(0) << 9 << QByteArray();
    QTest::newRow("position: leading zeros kept") << plain << kiwi << "+034.50-0118.250000"_ba << qint64(0) << 9 << QByteArray();
    QTest::newRow("position: integers") << plain << kiwi << "+34-118"_ba << qint64(0) << 9 << QByteArray();
}

void tst_Session::iamatReply()
{
    QFETCH(QByteArray, format);
    QFETCH(QByteArray, clientId);
    QFETCH(QByteArray, position);
    QFETCH(qint64, offsetNs);
    QFETCH(int, digits);
    QFETCH(QByteArray, fixedTime);

    QVERIFY(startNode());
    const auto client = connectClient();
    QVERIFY(client);

    const qint64 before = Herd::wallClockNs();
    QByteArray time = fixedTime;
    qint64 clientNs = 0;
    if (time.isEmpty()) {
        time = timeText(before + offsetNs, digits);
        clientNs = truncated(before + offsetNs, digits);
    } else {
        const QList<QByteArray> parts = time.split('.');
        clientNs = parts[0].toLongLong() * Ns
                   + (parts.size() > 1 ? parts[1].leftJustified(9, '0').toLongLong() : 0);
    }
    QByteArray request = format;
    request.replace("<id>", clientId).replace("<pos>", position).replace("<time>", time);
    client->send(request);
    QVERIFY(client->waitForLines(1, Wait));
    const qint64 after = Herd::wallClockNs();

    QCOMPARE(client->lines().size(), 1);
    const QByteArray reply = client->lines().constFirst();
    const QByteArray head = "AT " + NodeName + ' ';
    QVERIFY2(reply.startsWith(head), reply.constData());
    const qsizetype diffEnd = reply.indexOf(' ', head.size());
    QVERIFY(diffEnd > 0);
    const QByteArray diff = reply.sliced(head.size(), diffEnd - head.size());
    // Fields 2-4 byte for byte, single spaces, nothing else.
    QCOMPARE(reply.sliced(diffEnd), ' ' + clientId + ' ' + position + ' ' + time);

    // Signed, exactly 9 fraction digits, and the node's receive time lies
    // between our send and our receipt: checked in integer ns.
    const std::optional<qint64> diffNs = parseDiff(diff);
    QVERIFY2(diffNs, diff.constData());
    QVERIFY2(*diffNs >= before - clientNs && *diffNs <= after - clientNs,
             qPrintable(u"diff %1 outside [%2, %3]"_s.arg(QString::fromLatin1(diff))
                            .arg(before - clientNs).arg(after - clientNs)));
    if (offsetNs > 0 && fixedTime.isEmpty())
        QVERIFY(diff.startsWith('-'));

    // Stored exactly as replied.
    const Herd::Record *record = m_node->store().find(clientId);
    QVERIFY(record);
    QCOMPARE(record->atLine, reply);
    QCOMPARE(record->timeNs, clientNs);
}

void tst_Session::olderIamatAnsweredNotStored()
{
    QVERIFY(startNode());
    const auto client = connectClient();
    QVERIFY(client);
    const qint64 now = Herd::wallClockNs();
    const QByteArray newer = timeText(now, 9);
    const QByteArray older = timeText(now - 10 * Ns, 9);

    client->send(iamatLine("k", "+10+20", newer) + '\n');
    client->send(iamatLine("k", "+11+21", older) + '\n');      // older: not stored
    client->send(iamatLine("k", "+12+22", newer) + '\n');      // same time: not newer either
    client->send("WHATSAT k 1 1\n"_ba);
    QVERIFY(client->waitForText("\n\n", 1, Wait));
    const QList<QByteArray> lines = client->lines();
    QVERIFY(lines.size() >= 4);
    // Each IAMAT gets its own AT line, with its own fields.
    QCOMPARE(withoutDiff(lines[0]), "AT Alford <diff> k +10+20 " + newer);
    QCOMPARE(withoutDiff(lines[1]), "AT Alford <diff> k +11+21 " + older);
    QCOMPARE(withoutDiff(lines[2]), "AT Alford <diff> k +12+22 " + newer);
    QVERIFY(parseDiff(lines[1].split(' ')[2]).value_or(0) >= 10 * Ns);
    // WHATSAT shows the first, newest record, exactly as first replied.
    QCOMPARE(lines[3], lines[0]);
    QCOMPARE(m_node->store().find("k")->atLine, lines[0]);
    QCOMPARE(events(EventKind::RecordStored).size(), 1);
    QCOMPARE(events(EventKind::RecordDropped).size(), 2);

    // A strictly newer one replaces it.
    const QByteArray newest = timeText(now + 1, 9);
    client->clear();
    client->send(iamatLine("k", "+13+23", newest) + "\nWHATSAT k 1 1\n");
    QVERIFY(client->waitForText("\n\n", 1, Wait));
    QCOMPARE(withoutDiff(client->lines().value(0)), "AT Alford <diff> k +13+23 " + newest);
    QCOMPARE(client->lines().value(1), client->lines().value(0));
}

// ---- WHATSAT -------------------------------------------------------------

void tst_Session::whatsatReply_data()
{
    QTest::addColumn<QByteArray>("radius");
    QTest::addColumn<int>("bound");
    QTest::addColumn<bool>("expectResults");

    QTest::newRow("10 km, 5") << "10"_ba << 5 << true;
    QTest::newRow("fractional radius") << "10.5871263"_ba << 3 << true;
    QTest::newRow("50 km, 20") << "50"_ba << 20 << true;
    QTest::newRow("50.000 km, 1") << "50.000"_ba << 1 << true;
    QTest::newRow("tiny radius") << "0.001"_ba << 2 << false;
}

void tst_Session::whatsatReply()
{
    QFETCH(QByteArray, radius);
    QFETCH(int, bound);
    QFETCH(bool, expectResults);

    QVERIFY(startNode());
    const auto storer = connectClient();
    QVERIFY(storer);
    const QByteArray atLine = storeClient(*storer, "kiwi.cs.ucla.edu");
    QVERIFY(!atLine.isEmpty());

    // Asked from another connection, twice in one write.
    const auto asker = connectClient();
    QVERIFY(asker);
    const QByteArray request = "WHATSAT kiwi.cs.ucla.edu " + radius + ' ' + QByteArray::number(bound) + '\n';
    asker->send(request + request);
    QVERIFY(asker->waitForText("\n\n", 2, Wait));
    const QByteArray all = asker->received();
    const qsizetype firstEnd = all.indexOf("\n\n") + 2;
    QCOMPARE(all.sliced(firstEnd), all.first(firstEnd)); // the same answer twice
    int results = -1;
    verifyWhatsatReply(all.first(firstEnd), atLine, bound, &results);
    if (QTest::currentTestFailed())
        return;
    if (expectResults)
        QVERIFY2(results > 0, "no places near UCLA in the offline data set?");
    // Google's pretty style: 3-space indent and " : ".
    QVERIFY(all.contains("\n   \"status\" : \""));
}

void tst_Session::whatsatUnknownClient()
{
    QVERIFY(startNode());
    const auto client = connectClient();
    QVERIFY(client);
    client->send("WHATSAT nobody 10 5\r\n"_ba);
    QVERIFY(client->waitForLines(1, Wait));
    QCOMPARE(client->received(), "? WHATSAT nobody 10 5\n"_ba);
    const QList<Event> invalid = events(EventKind::LineInvalid);
    QCOMPARE(invalid.size(), 1);
    QCOMPARE(invalid[0].detail, u"unknown client"_s);

    // Still serving on the same connection, and then the client is known.
    const QByteArray atLine = storeClient(*client, "nobody");
    QVERIFY(!atLine.isEmpty());
    client->send("WHATSAT nobody 10 5\n"_ba);
    QVERIFY(client->waitForText("\n\n", 1, Wait));
    verifyWhatsatReply(client->received(), atLine, 5);
}

void tst_Session::whatsatResultsFromGoogle()
{
    FakeGoogle fake;
    QVERIFY(fake.listen());
    QJsonObject body = placesAnswer(8, u"Cafe"_s);
    fake.setResponse(200, QJsonDocument(body).toJson());
    Herd::GooglePlacesOptions options;
    options.url = fake.url(LegacyPath);
    options.timeoutMs = Wait;
    Herd::GooglePlaces google(options);
    QVERIFY(startNode(&google));

    const auto client = connectClient();
    QVERIFY(client);
    const QByteArray atLine = storeClient(*client, "kiwi");
    QVERIFY(!atLine.isEmpty());
    client->send("WHATSAT kiwi 10.5871263 3\n"_ba);
    QVERIFY(client->waitForText("\n\n", 1, Wait));
    int results = -1;
    verifyWhatsatReply(client->received(), atLine, 3, &results);
    QCOMPARE(results, 3);
    const QJsonObject got = QJsonDocument::fromJson(client->received().sliced(atLine.size() + 1)).object();
    const QJsonArray array = got.value("results"_L1).toArray();
    for (int i = 0; i < 3; ++i)
        QCOMPARE(array.at(i).toObject().value("name"_L1).toString(), u"Cafe %1"_s.arg(i));
    QCOMPARE(got.value("status"_L1).toString(), u"OK"_s);
    QCOMPARE(fake.requests().size(), 1);
    QVERIFY(fake.requests().constFirst().target.contains("location="));
}

// ---- invalid input -------------------------------------------------------

void tst_Session::invalidLines_data()
{
    // What the client sends (with its ending) and the line it must get back.
    QTest::addColumn<QByteArray>("sent");
    QTest::addColumn<QByteArray>("echo");

    const auto row = [](const char *name, const QByteArray &line, const QByteArray &ending) {
        QTest::newRow(name) << line + ending << line;
    };
    const QByteArray lf = "\n"_ba;
    const QByteArray crlf = "\r\n"_ba;
    row("unknown command", "HELLO kiwi +34-118 1"_ba, lf);
    row("lower-case iamat", "iamat kiwi +34-118 1"_ba, lf);
    row("empty line", ""_ba, lf);
    row("empty line, CRLF", ""_ba, crlf);
    row("only white space", " \t\f\v "_ba, lf);
    row("IAMAT too few fields", "IAMAT kiwi +34-118"_ba, lf);
    row("IAMAT too many fields", "IAMAT kiwi +34-118 1 2"_ba, lf);
    row("WHATSAT too few fields", "WHATSAT kiwi 10"_ba, lf);
    row("WHATSAT too many fields", "WHATSAT kiwi 10 5 5"_ba, lf);
    row("position without sign", "IAMAT kiwi 34.068930-118.445127 1621464827.5"_ba, lf);
    row("missing longitude", "IAMAT kiwi +34.068930 1621464827.5"_ba, lf);
    row("latitude 90.0000001", "IAMAT kiwi +90.0000001+0 1"_ba, lf);
    row("longitude -180.5", "IAMAT kiwi +0-180.5 1"_ba, lf);
    row("letters in position", "IAMAT kiwi +3a-118 1"_ba, lf);
    row("'+34.-118.'", "IAMAT kiwi +34.-118. 1"_ba, lf);
    row("time with 10 fraction digits", "IAMAT kiwi +34-118 1.0123456789"_ba, lf);
    row("time with sign", "IAMAT kiwi +34-118 +1"_ba, lf);
    row("time 1e9", "IAMAT kiwi +34-118 1e9"_ba, lf);
    row("time overflow", "IAMAT kiwi +34-118 99999999999999999999"_ba, lf);
    row("radius 0", "WHATSAT kiwi 0 5"_ba, lf);
    row("radius 50.0001", "WHATSAT kiwi 50.0001 5"_ba, lf);
    row("radius -1", "WHATSAT kiwi -1 5"_ba, lf);
    row("radius abc", "WHATSAT kiwi abc 5"_ba, lf);
    row("radius .5", "WHATSAT kiwi .5 5"_ba, lf);
    row("bound 0", "WHATSAT kiwi 10 0"_ba, lf);
    row("bound 21", "WHATSAT kiwi 10 21"_ba, lf);
    row("bound 2.5", "WHATSAT kiwi 10 2.5"_ba, lf);
    row("bound +5", "WHATSAT kiwi 10 +5"_ba, lf);
    row("NUL byte", "IAMAT ki\0wi +34-118 1"_ba, lf);
    row("invalid UTF-8", "IAMAT k\xff\xfe +34-118 1"_ba, lf);
    row("DEL char", "IAMAT kiwi\x7f +34-118 1"_ba, lf);
    row("AT from a client, bad diff", "AT Alford 0.x kiwi +34-118 1"_ba, lf);
    // "as received, without its line ending": white space kept, CRLF stripped.
    row("CRLF ending stripped", "HELLO there"_ba, crlf);
    row("leading and trailing white space kept", "  \tHELLO  \f"_ba, lf);
    row("CR inside kept", "HEL\rLO"_ba, crlf);
    QTest::newRow("CR CR LF: one CR kept") << "HELLO\r\r\n"_ba << "HELLO\r"_ba;
}

void tst_Session::invalidLines()
{
    QFETCH(QByteArray, sent);
    QFETCH(QByteArray, echo);

    QVERIFY(startNode());
    const auto client = connectClient();
    QVERIFY(client);
    client->send(sent);
    QVERIFY(client->waitForLines(1, Wait));
    QCOMPARE(client->received(), "? " + echo + '\n');
    QCOMPARE(eventLines(EventKind::LineInvalid), QList<QByteArray>{echo});

    // The connection stays open and keeps serving.
    QVERIFY(client->isConnected());
    const QByteArray atLine = storeClient(*client, "after");
    QVERIFY2(atLine.startsWith("AT Alford "), atLine.constData());
    // And the node keeps serving other clients.
    const auto other = connectClient();
    QVERIFY(other);
    QVERIFY(!storeClient(*other, "other").isEmpty());
}

void tst_Session::severalLinesInOneWrite()
{
    QVERIFY(startNode());
    const auto client = connectClient();
    QVERIFY(client);
    const QByteArray t = nowText();
    client->send(iamatLine("a", "+1+1", t) + "\nBOGUS 1\r\n" + iamatLine("b", "+2+2", t)
                 + "\n\nWHATSAT zzz 1 1\n" + iamatLine("c", "+3+3", t) + '\n');
    QVERIFY(client->waitForLines(6, Wait));
    const QList<QByteArray> lines = client->lines();
    QCOMPARE(lines.size(), 6);
    QCOMPARE(withoutDiff(lines[0]), "AT Alford <diff> a +1+1 " + t);
    QCOMPARE(lines[1], "? BOGUS 1"_ba);
    QCOMPARE(withoutDiff(lines[2]), "AT Alford <diff> b +2+2 " + t);
    QCOMPARE(lines[3], "? "_ba);
    QCOMPARE(lines[4], "? WHATSAT zzz 1 1"_ba);
    QCOMPARE(withoutDiff(lines[5]), "AT Alford <diff> c +3+3 " + t);
}

void tst_Session::oneLineByteByByte()
{
    QVERIFY(startNode());
    RawLineClient client;
    QVERIFY(client.connectTo(m_node->port()));
    const QByteArray t = nowText();
    const QByteArray line = iamatLine("bytewise", "+34.068930-118.445127", t) + "\r\n";
    for (const char c : line) {
        client.send(QByteArray(1, c));
        // Let the node read what has arrived so far: over loopback a send is
        // readable at once, so this delivers (mostly) one byte per read.
        QCoreApplication::processEvents();
        if (c != '\n') {
            QCOMPARE(events(EventKind::LineReceived).size(), 0);
            QCOMPARE(client.received(), QByteArray());
        }
    }
    QVERIFY(client.waitForLines(1, Wait));
    QCOMPARE(withoutDiff(client.lines().constFirst()),
             "AT Alford <diff> bytewise +34.068930-118.445127 " + t);
    QCOMPARE(eventLines(EventKind::LineReceived), QList<QByteArray>{line.chopped(2)});

    // A WHATSAT split at every byte, too.
    client.clear();
    for (const char c : "WHATSAT bytewise 10 2\n"_ba) {
        client.send(QByteArray(1, c));
        QCoreApplication::processEvents();
    }
    QVERIFY(client.waitForText("\n\n", 1, Wait));
    verifyWhatsatReply(client.received(), m_node->store().find("bytewise")->atLine, 2);
}

// Replies keep the order of the lines even when a WHATSAT waits: the lines
// after it are handled at once, but their replies are held back.
void tst_Session::pipelinedOrderWithSlowPlaces()
{
    ManualPlaces places;
    QVERIFY(startNode(&places));
    const auto client = connectClient();
    QVERIFY(client);
    const QByteArray t = nowText();
    client->send(iamatLine("a", "+34-118", t) + "\nWHATSAT a 10 2\nbogus\n"
                 + iamatLine("b", "+35-119", t) + "\nWHATSAT a 20 1\nWHATSAT nobody 1 1\n");
    QTRY_COMPARE_WITH_TIMEOUT(events(EventKind::LineReceived).size(), 6, Wait);
    QCOMPARE(places.pending(), 2);
    QVERIFY(client->waitForLines(1, Wait));
    // Only the first IAMAT's reply has gone out; everything else waits.
    QCOMPARE(events(EventKind::LineSent).size(), 1);
    QCOMPARE(client->lines().size(), 1);
    QCOMPARE(withoutDiff(client->lines()[0]), "AT Alford <diff> a +34-118 " + t);
    // The record of b is stored already, even though its reply waits.
    QVERIFY(m_node->store().find("b"));
    QCOMPARE(places.queries()[0].radiusKm, 10.0);
    QCOMPARE(places.queries()[0].bound, 2);
    QCOMPARE(places.queries()[1].radiusKm, 20.0);

    // The second search finishing first releases nothing.
    places.answer(1, placesAnswer(1, u"Second"_s));
    QCoreApplication::processEvents();
    QCOMPARE(events(EventKind::LineSent).size(), 1);

    places.answer(0, placesAnswer(5, u"First"_s));
    QVERIFY(client->waitForText("\n\n", 2, Wait));
    QVERIFY(client->waitForText("? WHATSAT nobody 1 1\n", 1, Wait));
    const QByteArray all = client->received();
    const QByteArray atA = client->lines()[0];
    qsizetype pos = atA.size() + 1;
    const qsizetype end1 = all.indexOf("\n\n", pos) + 2;
    const QByteArray first = all.sliced(pos, end1 - pos);
    int results = -1;
    verifyWhatsatReply(first, atA, 2, &results);
    QCOMPARE(results, 2); // bound applied to what the source gave
    QVERIFY(first.contains("First 1"));
    pos = end1;
    QVERIFY(all.sliced(pos).startsWith("? bogus\n"));
    pos += 8;
    const qsizetype atBEnd = all.indexOf('\n', pos);
    const QByteArray atB = all.sliced(pos, atBEnd - pos);
    QCOMPARE(withoutDiff(atB), "AT Alford <diff> b +35-119 " + t);
    pos = atBEnd + 1;
    const qsizetype end2 = all.indexOf("\n\n", pos) + 2;
    verifyWhatsatReply(all.sliced(pos, end2 - pos), atA, 1);
    QVERIFY(all.sliced(pos, end2 - pos).contains("Second 0"));
    QCOMPARE(all.sliced(end2), "? WHATSAT nobody 1 1\n"_ba);
    QCOMPARE(events(EventKind::LineSent).size(), 6);
}

// The same with a real HTTP places source whose server never answers: the
// WHATSAT completes when the request times out (an error status in the JSON),
// and the IAMAT reply behind it must still come after it.
void tst_Session::pipelinedOrderWithSilentGoogle()
{
    FakeGoogle fake;
    QVERIFY(fake.listen());
    FakeResponse silent;
    silent.kind = FakeResponse::Kind::Silent;
    fake.setResponse(silent);
    Herd::GooglePlacesOptions options;
    options.url = fake.url(LegacyPath);
    options.timeoutMs = 300;
    Herd::GooglePlaces google(options);
    QVERIFY(startNode(&google));

    const auto client = connectClient();
    QVERIFY(client);
    const QByteArray t = nowText();
    client->send(iamatLine("a", "+34-118", t) + "\nWHATSAT a 10 2\n" + iamatLine("b", "+1+1", t)
                 + "\nnope\n");
    QVERIFY(client->waitForLines(1, Wait));
    QSignalSpy requests(&fake, &FakeGoogle::requestReceived);
    QVERIFY(fake.requests().size() == 1 || requests.wait(Wait));
    QCOMPARE(events(EventKind::LineSent).size(), 1);

    QVERIFY(client->waitForText("? nope\n", 1, Wait));
    const QByteArray all = client->received();
    const QByteArray atA = client->lines()[0];
    const qsizetype end = all.indexOf("\n\n") + 2;
    QVERIFY(end > 2);
    const QByteArray whatsat = all.sliced(atA.size() + 1, end - atA.size() - 1);
    verifyWhatsatReply(whatsat, atA, 2);
    QVERIFY2(whatsat.contains("\"status\" : \"UNKNOWN_ERROR\""), whatsat.constData());
    const QList<QByteArray> rest = all.sliced(end).split('\n');
    QCOMPARE(rest.size(), 3);
    QCOMPARE(withoutDiff(rest[0]), "AT Alford <diff> b +1+1 " + t);
    QCOMPARE(rest[1], "? nope"_ba);
    QCOMPARE(rest[2], QByteArray());
}

void tst_Session::clientLeavesWhileWhatsatWaits()
{
    ManualPlaces places;
    QVERIFY(startNode(&places));
    {
        auto client = connectClient();
        QVERIFY(client);
        QVERIFY(!storeClient(*client, "gone").isEmpty());
        client->send("WHATSAT gone 10 2\nHELLO\n"_ba);
        QTRY_COMPARE_WITH_TIMEOUT(places.pending(), 1, Wait);
        client->socket()->abort();
    }
    // The node cannot tell a close from a half-close: it keeps the session
    // until the pending answer is in, and the late answer goes nowhere,
    // harmlessly. Meanwhile it keeps serving others.
    const auto first = connectClient();
    QVERIFY(first);
    QVERIFY(!storeClient(*first, "meanwhile").isEmpty());
    places.answer(0, placesAnswer(2));
    QTRY_COMPARE_WITH_TIMEOUT(events(EventKind::ClientDisconnected).size(), 1, Wait);
    QTRY_COMPARE_WITH_TIMEOUT(m_node->clientCount(), 1, Wait);
    const auto other = connectClient();
    QVERIFY(other);
    QVERIFY(!storeClient(*other, "still").isEmpty());
}

// ---- half-close (the course grader's way) ---------------------------------

void tst_Session::halfClose_data()
{
    QTest::addColumn<QByteArray>("sent");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("last line without newline") << "HELLO there"_ba << "? HELLO there\n"_ba;
    // Ended by the half-close, not by "\r\n": the "\r" is part of the line.
    QTest::newRow("last line ends in CR") << "HELLO\r"_ba << "? HELLO\r\n"_ba;
    QTest::newRow("complete line") << "HELLO\n"_ba << "? HELLO\n"_ba;
    QTest::newRow("two lines, last partial") << "ONE\nTWO"_ba << "? ONE\n? TWO\n"_ba;
    QTest::newRow("unknown client, partial") << "WHATSAT nobody 10 5"_ba << "? WHATSAT nobody 10 5\n"_ba;
    QTest::newRow("nothing at all") << QByteArray() << QByteArray();
    QTest::newRow("only white space, partial") << " \t"_ba << "?  \t\n"_ba;
}

void tst_Session::halfClose()
{
    QFETCH(QByteArray, sent);
    QFETCH(QByteArray, expected);

    QVERIFY(startNode());
    RawLineClient client;
    QVERIFY(client.connectTo(m_node->port()));
    client.send(sent);
    client.shutdownWrite();
    QVERIFY(client.waitForEof(Wait));
    QCOMPARE(client.received(), expected);
    QTRY_COMPARE_WITH_TIMEOUT(m_node->clientCount(), 0, Wait);
}

void tst_Session::halfCloseIamat()
{
    QVERIFY(startNode());
    RawLineClient client;
    QVERIFY(client.connectTo(m_node->port()));
    const QByteArray t = nowText();
    client.send(iamatLine("kiwi.cs.ucla.edu", "+34.068930-118.445127", t));
    client.shutdownWrite();
    QVERIFY(client.waitForEof(Wait));
    QCOMPARE(client.lines().size(), 1);
    QVERIFY(client.received().endsWith('\n'));
    QCOMPARE(withoutDiff(client.lines()[0]), "AT Alford <diff> kiwi.cs.ucla.edu +34.068930-118.445127 " + t);
    QCOMPARE(m_node->store().find("kiwi.cs.ucla.edu")->atLine, client.lines()[0]);
}

void tst_Session::halfCloseWhatsat_data()
{
    QTest::addColumn<QString>("source"); // offline, google, google-silent
    QTest::addColumn<QByteArray>("status");

    QTest::newRow("offline") << u"offline"_s << "OK"_ba;
    QTest::newRow("fake Google answers") << u"google"_s << "OK"_ba;
    QTest::newRow("fake Google silent, times out") << u"google-silent"_s << "UNKNOWN_ERROR"_ba;
}

void tst_Session::halfCloseWhatsat()
{
    QFETCH(QString, source);
    QFETCH(QByteArray, status);

    FakeGoogle fake;
    std::unique_ptr<Herd::GooglePlaces> google;
    if (source != u"offline") {
        QVERIFY(fake.listen());
        if (source == u"google") {
            fake.setResponse(200, QJsonDocument(placesAnswer(4)).toJson());
        } else {
            FakeResponse silent;
            silent.kind = FakeResponse::Kind::Silent;
            fake.setResponse(silent);
        }
        Herd::GooglePlacesOptions options;
        options.url = fake.url(LegacyPath);
        options.timeoutMs = source == u"google" ? Wait : 300;
        google = std::make_unique<Herd::GooglePlaces>(options);
    }
    QVERIFY(startNode(google.get()));

    RawLineClient client;
    QVERIFY(client.connectTo(m_node->port()));
    const QByteArray t = nowText();
    // The grader's way: IAMAT, then WHATSAT without newline, then EOF.
    client.send(iamatLine("kiwi", "+34.068930-118.445127", t) + "\nWHATSAT kiwi 10 3");
    client.shutdownWrite();
    QVERIFY(client.waitForEof(Wait));
    const QByteArray all = client.received();
    const QByteArray atLine = client.lines().value(0);
    QCOMPARE(withoutDiff(atLine), "AT Alford <diff> kiwi +34.068930-118.445127 " + t);
    const QByteArray whatsat = all.sliced(atLine.size() + 1);
    verifyWhatsatReply(whatsat, atLine, 3);
    QVERIFY2(whatsat.contains(QByteArray("\"status\" : \"" + status + '"')), whatsat.constData());
}

// After a half-close the node waits for a pending WHATSAT, sends it, and only
// then closes.
void tst_Session::halfCloseWaitsForPendingWhatsat()
{
    ManualPlaces places;
    QVERIFY(startNode(&places));
    const auto storer = connectClient();
    QVERIFY(storer);
    const QByteArray atLine = storeClient(*storer, "kiwi");
    QVERIFY(!atLine.isEmpty());

    RawLineClient client;
    QVERIFY(client.connectTo(m_node->port()));
    client.send("WHATSAT kiwi 10 3\nWHATSAT kiwi 5 1\nHELLO"_ba);
    client.shutdownWrite();
    // "HELLO" has no newline: the node has seen it only after reading EOF.
    QTRY_COMPARE_WITH_TIMEOUT(eventLines(EventKind::LineInvalid), QList<QByteArray>{"HELLO"_ba}, Wait);
    QCOMPARE(places.pending(), 2);
    QCoreApplication::processEvents();
    QVERIFY(!client.atEof());
    QCOMPARE(client.received(), QByteArray());
    QCOMPARE(events(EventKind::ClientDisconnected).size(), 0);

    places.answer(1, placesAnswer(3, u"Second"_s));
    QCoreApplication::processEvents();
    QVERIFY(!client.atEof());
    places.answer(0, placesAnswer(3, u"First"_s));
    QVERIFY(client.waitForEof(Wait));
    const QByteArray all = client.received();
    QVERIFY(all.endsWith("\n\n? HELLO\n"));
    const qsizetype end1 = all.indexOf("\n\n") + 2;
    verifyWhatsatReply(all.first(end1), atLine, 3);
    QVERIFY(all.first(end1).contains("First 2"));
    const QByteArray second = all.sliced(end1, all.size() - end1 - 8);
    verifyWhatsatReply(second, atLine, 1);
    QVERIFY(second.contains("Second 0"));
    QVERIFY(!second.contains("Second 1"));
}

// ---- load and limits -------------------------------------------------------

void tst_Session::manyClientsAtOnce()
{
    constexpr int Clients = 200;
    constexpr int LongWait = 30000; // a full listen backlog costs SYN retries (1 s, 3 s)
    QVERIFY(startNode());
    std::vector<std::unique_ptr<LineClient>> clients;
    for (int i = 0; i < Clients; ++i) {
        clients.push_back(std::make_unique<LineClient>());
        clients.back()->socket()->connectToHost(QHostAddress::LocalHost, m_node->port());
    }
    const auto allConnected = [&] {
        for (const auto &c : clients) {
            if (!c->isConnected())
                return false;
        }
        return true;
    };
    QVERIFY(QTest::qWaitFor(allConnected, LongWait));
    const QByteArray t = nowText();
    for (int i = 0; i < Clients; ++i) {
        const QByteArray pos = "+" + QByteArray::number(i % 90) + ".5-" + QByteArray::number(i % 180) + ".25";
        clients[i]->send(iamatLine("client-" + QByteArray::number(i), pos, t) + '\n');
    }
    const auto allAnswered = [&] {
        for (const auto &c : clients) {
            if (c->received().count('\n') < 1)
                return false;
        }
        return true;
    };
    QVERIFY(QTest::qWaitFor(allAnswered, LongWait));
    for (int i = 0; i < Clients; ++i) {
        const QByteArray pos = "+" + QByteArray::number(i % 90) + ".5-" + QByteArray::number(i % 180) + ".25";
        QCOMPARE(clients[i]->lines().size(), 1);
        QCOMPARE(withoutDiff(clients[i]->lines()[0]),
                 "AT Alford <diff> client-" + QByteArray::number(i) + ' ' + pos + ' ' + t);
    }
    QCOMPARE(m_node->store().size(), Clients);
    QCOMPARE(m_node->clientCount(), Clients);
    clients.clear();
    QTRY_COMPARE_WITH_TIMEOUT(m_node->clientCount(), 0, Wait);
}

void tst_Session::megabyteLineWithoutNewline()
{
    QVERIFY(startNode());
    const qsizetype limit = m_node->settings().maxLineBytes;
    const auto client = connectClient();
    QVERIFY(client);
    QByteArray huge(1024 * 1024, 'x');
    for (qsizetype i = 0; i < huge.size(); i += 1000)
        huge[i] = char('a' + (i / 1000) % 26); // so a wrong cut shows
    client->send(huge);

    // Either "? " + a cut copy, or the connection closed.
    QVERIFY(client->waitUntil([&] { return client->received().contains('\n') || client->atEof(); },
                              Wait));
    const bool answered = client->received().contains('\n');
    if (answered) {
        QCOMPARE(client->lines().size(), 1);
        QCOMPARE(client->lines()[0], "? " + huge.first(limit));
        QCOMPARE(events(EventKind::LineInvalid).size(), 1);
        QCOMPARE(events(EventKind::LineInvalid)[0].detail, u"line too long"_s);
    }

    // The node keeps serving others meanwhile.
    const auto other = connectClient();
    QVERIFY(other);
    QVERIFY(!storeClient(*other, "other").isEmpty());

    if (!answered) {
        QVERIFY(client->waitForEof(Wait));
        return;
    }
    // More of the same line: discarded without another reply; then after
    // its newline the connection works again.
    client->send(QByteArray(256 * 1024, 'y'));
    const QByteArray t = nowText();
    client->send("yyy\n" + iamatLine("same", "+1+1", t) + '\n');
    QVERIFY(client->waitForLines(2, Wait));
    QCOMPARE(client->lines().size(), 2);
    QCOMPARE(withoutDiff(client->lines()[1]), "AT Alford <diff> same +1+1 " + t);
    QCOMPARE(events(EventKind::LineInvalid).size(), 1);
}

void tst_Session::lineLengthLimit_data()
{
    // A node with maxLineBytes = 64.
    QTest::addColumn<QByteArray>("sent");
    QTest::addColumn<QList<QByteArray>>("replies"); // "<AT>" stands for an AT reply

    const QByteArray x64(64, 'x');
    const QByteArray x65(65, 'x');
    QTest::newRow("exactly the limit") << x64 + '\n' << QList<QByteArray>{"? " + x64};
    QTest::newRow("one past the limit") << x65 + '\n' << QList<QByteArray>{"? " + x64};
    QTest::newRow("far past, in one write") << QByteArray(5000, 'x') + '\n' << QList<QByteArray>{"? " + x64};
    QTest::newRow("too long then valid, one write")
        << QByteArray(300, 'x') + "\nHELLO\n" << QList<QByteArray>{"? " + x64, "? HELLO"_ba};
    QTest::newRow("two too long in one write")
        << QByteArray(100, 'x') + '\n' + QByteArray(100, 'x') + '\n'
        << QList<QByteArray>{"? " + x64, "? " + x64};
    QByteArray iamat64 = "IAMAT " + QByteArray(64 - 6 - 5 - 2, 'i') + " +1+1 1";
    QTest::newRow("IAMAT of exactly 64 bytes") << iamat64 + '\n' << QList<QByteArray>{"<AT>"_ba};
}

void tst_Session::lineLengthLimit()
{
    QFETCH(QByteArray, sent);
    QFETCH(QList<QByteArray>, replies);

    QVERIFY(startNode(nullptr, 64));
    const auto client = connectClient();
    QVERIFY(client);
    client->send(sent);
    QVERIFY(client->waitForLines(replies.size(), Wait));
    // One reply more would show up with the next line's reply: ask an IAMAT.
    const QByteArray t = nowText();
    client->send(iamatLine("z", "+1+1", t) + '\n');
    QVERIFY(client->waitForLines(replies.size() + 1, Wait));
    const QList<QByteArray> lines = client->lines();
    QCOMPARE(lines.size(), replies.size() + 1);
    for (qsizetype i = 0; i < replies.size(); ++i) {
        if (replies[i] == "<AT>")
            QVERIFY2(lines[i].startsWith("AT Alford "), lines[i].constData());
        else
            QCOMPARE(lines[i], replies[i]);
    }
    QCOMPARE(withoutDiff(lines.last()), "AT Alford <diff> z +1+1 " + t);
}

// ---- events ----------------------------------------------------------------

void tst_Session::eventsForLines()
{
    QVERIFY(startNode());
    const auto client = connectClient();
    QVERIFY(client);
    const QString peer = u"127.0.0.1:%1"_s.arg(client->socket()->localPort());
    QTRY_COMPARE_WITH_TIMEOUT(events(EventKind::ClientConnected).size(), 1, Wait);
    QCOMPARE(events(EventKind::ClientConnected)[0].peer, peer);

    const QByteArray t = nowText();
    const QByteArray iamat = iamatLine("ev", "+34.068930-118.445127", t);
    client->send(iamat + "\r\nWHATSAT ev 10 2\nNOPE\n");
    QVERIFY(client->waitForText("? NOPE\n", 1, Wait));
    const QByteArray all = client->received();
    const QByteArray atLine = client->lines()[0];
    const QByteArray whatsatReply = all.sliced(atLine.size() + 1, all.size() - atLine.size() - 1 - 7);

    QCOMPARE(eventLines(EventKind::LineReceived),
             (QList<QByteArray>{iamat, "WHATSAT ev 10 2"_ba, "NOPE"_ba}));
    // Sent lines without their final newline(s).
    QCOMPARE(eventLines(EventKind::LineSent),
             (QList<QByteArray>{atLine, whatsatReply.chopped(2), "? NOPE"_ba}));
    QCOMPARE(eventLines(EventKind::LineInvalid), QList<QByteArray>{"NOPE"_ba});
    QCOMPARE(eventLines(EventKind::RecordStored), QList<QByteArray>{atLine});
    for (const Event &e : std::as_const(m_events)) {
        QCOMPARE(e.node, QString::fromLatin1(NodeName));
        QVERIFY(e.timeNs > 0);
        if (e.kind == EventKind::LineReceived || e.kind == EventKind::LineSent) {
            QCOMPARE(e.peer, peer);
            QVERIFY(!e.viaPeerLink);
        }
    }
    // Events come in time order.
    for (qsizetype i = 1; i < m_events.size(); ++i)
        QVERIFY(m_events[i].timeNs >= m_events[i - 1].timeNs);

    client->socket()->disconnectFromHost();
    QTRY_COMPARE_WITH_TIMEOUT(events(EventKind::ClientDisconnected).size(), 1, Wait);
    QCOMPARE(events(EventKind::ClientDisconnected)[0].peer, peer);
}

// The same through a one-node Cluster (the way the app runs it), using the
// shared fixture.
void tst_Session::oneNodeCluster()
{
    Herd::Test::HerdFixture herd(m_offline.get());
    QString error;
    QVERIFY2(herd.start(Herd::Test::HerdFixture::config({u"Solo"_s}), &error), qPrintable(error));
    QVERIFY(herd.waitForLinks(Wait)); // none to wait for
    QVERIFY(herd.port(u"Solo"_s) != 0);

    LineClient client;
    QVERIFY(client.connectTo(herd.port(u"Solo"_s), Wait));
    const QByteArray t = nowText();
    client.send(iamatLine("solo", "+34.068930-118.445127", t) + "\nWHATSAT solo 10 2\n");
    QVERIFY(client.waitForText("\n\n", 1, Wait));
    const QByteArray atLine = client.lines()[0];
    QCOMPARE(withoutDiff(atLine), "AT Solo <diff> solo +34.068930-118.445127 " + t);
    verifyWhatsatReply(client.received().sliced(atLine.size() + 1), atLine, 2);
    QVERIFY(herd.waitUntilAllStore("solo", -1, Wait));
    QCOMPARE(herd.events(EventKind::LineReceived, u"Solo"_s).size(), 2);
    QCOMPARE(herd.events(EventKind::RecordStored).size(), 1);
}

// ---- limits ----------------------------------------------------------------

void tst_Session::maxConnectionsRefusesTheExtra()
{
    QVERIFY(startNode(nullptr, 0, [](Herd::NodeSettings &s) { s.maxConnections = 2; }));
    auto first = connectClient();
    const auto second = connectClient();
    QVERIFY(first && second);
    QVERIFY(!storeClient(*first, "one").isEmpty());
    QVERIFY(!storeClient(*second, "two").isEmpty());

    // The third is accepted by the kernel, then closed at once by the node.
    const auto third = connectClient();
    QVERIFY(third);
    const QString thirdPeer = u"127.0.0.1:%1"_s.arg(third->socket()->localPort());
    QVERIFY(third->waitForEof(Wait));
    QTRY_COMPARE_WITH_TIMEOUT(refusals(u"limits.maxConnections"_s).size(), 1, Wait);
    QCOMPARE(refusals(u"limits.maxConnections"_s)[0].peer, thirdPeer);
    QCOMPARE(m_node->clientCount(), 2);

    // Room again once one leaves.
    first->socket()->abort();
    QTRY_COMPARE_WITH_TIMEOUT(m_node->clientCount(), 1, Wait);
    const auto fourth = connectClient();
    QVERIFY(fourth);
    QVERIFY(!storeClient(*fourth, "four").isEmpty());
}

void tst_Session::idleTimeoutClosesSilentClient()
{
    ManualPlaces places;
    QVERIFY(startNode(&places, 0, [](Herd::NodeSettings &s) { s.idleTimeoutMs = 200; }));
    // Owed a WHATSAT answer: waiting on the node is not idleness.
    const auto owed = connectClient();
    QVERIFY(owed);
    QVERIFY(!storeClient(*owed, "owed").isEmpty());
    owed->send("WHATSAT owed 10 1\n"_ba);
    QTRY_COMPARE_WITH_TIMEOUT(places.pending(), 1, Wait);

    const auto silent = connectClient();
    QVERIFY(silent);
    const QString silentPeer = u"127.0.0.1:%1"_s.arg(silent->socket()->localPort());
    QVERIFY(silent->waitForEof(Wait));
    const QList<Event> refused = refusals(u"limits.idleTimeoutMs"_s);
    QCOMPARE(refused.size(), 1);
    QCOMPARE(refused[0].peer, silentPeer);
    // Silent longer than the silent one, yet still open.
    QVERIFY(!owed->atEof());
    places.answer(0, placesAnswer(1));
    QVERIFY(owed->waitForText("\n\n", 1, Wait));
    // Owed nothing now: it idles out too.
    QVERIFY(owed->waitForEof(Wait));
    QCOMPARE(refusals(u"limits.idleTimeoutMs"_s).size(), 2);
}

void tst_Session::unreadRepliesPastLimitDisconnect()
{
    constexpr qsizetype Limit = 64 * 1024;
    QVERIFY(startNode(nullptr, 0, [](Herd::NodeSettings &s) { s.maxPendingReplyBytes = Limit; }));
    // A raw client with a tiny receive window that never reads.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    QVERIFY(fd >= 0);
    const auto closeFd = qScopeGuard([fd] { ::close(fd); });
    const int small = 4096;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(m_node->port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QCOMPARE(::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)), 0);
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    sockaddr_in local{};
    socklen_t length = sizeof(local);
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&local), &length);
    const QString peer = u"127.0.0.1:%1"_s.arg(ntohs(local.sin_port));

    // Each 8 KiB invalid line is echoed back as "? ..." (8 KiB of reply).
    const QByteArray line = QByteArray(8 * 1024, 'x') + '\n';
    qsizetype offset = 0;
    bool sendFailed = false;
    const bool refused = QTest::qWaitFor([&] {
        while (!sendFailed) {
            const ssize_t n = ::send(fd, line.constData() + offset, size_t(line.size() - offset),
                                     MSG_NOSIGNAL);
            if (n < 0) {
                sendFailed = errno != EAGAIN && errno != EWOULDBLOCK;
                break;
            }
            offset = (offset + n) % line.size();
        }
        return !refusals(u"limits.maxPendingReplyBytes"_s).isEmpty();
    }, 10 * Wait);
    QVERIFY(refused);
    QCOMPARE(refusals(u"limits.maxPendingReplyBytes"_s)[0].peer, peer);
    QTRY_COMPARE_WITH_TIMEOUT(m_node->clientCount(), 0, Wait);
    // Others are served as before.
    const auto other = connectClient();
    QVERIFY(other);
    QVERIFY(!storeClient(*other, "fine").isEmpty());
}

void tst_Session::whatsatCapPerConnectionHoldsLines()
{
    ManualPlaces places;
    QVERIFY(startNode(&places, 0, [](Herd::NodeSettings &s) { s.maxWhatsatPerConnection = 2; }));
    const auto client = connectClient();
    QVERIFY(client);
    const QByteArray atA = storeClient(*client, "a");
    QVERIFY(!atA.isEmpty());
    const QByteArray t = nowText();
    client->send("WHATSAT a 10 1\nWHATSAT a 11 1\nWHATSAT a 12 1\n" + iamatLine("b", "+1+1", t) + '\n');
    QTRY_COMPARE_WITH_TIMEOUT(places.pending(), 2, Wait);
    // Wait for the connection to settle: the rest is held, unread by the node.
    QTRY_VERIFY_WITH_TIMEOUT(m_node->whatsatInFlight() == 2, Wait);
    QCoreApplication::processEvents();
    QCOMPARE(places.queries().size(), 2);
    QVERIFY(!m_node->store().find("b"));

    places.answer(0, placesAnswer(1, u"R10"_s));
    QTRY_COMPARE_WITH_TIMEOUT(places.queries().size(), 3, Wait);
    QVERIFY(!m_node->store().find("b")); // behind the third WHATSAT, at the cap again
    places.answer(1, placesAnswer(1, u"R11"_s));
    QTRY_VERIFY_WITH_TIMEOUT(m_node->store().find("b"), Wait);
    places.answer(2, placesAnswer(1, u"R12"_s));
    QVERIFY(client->waitForText("\n\n", 3, Wait));
    QVERIFY(client->waitForLines(3 * 3 + 1, Wait));
    const QByteArray all = client->received();
    QVERIFY(all.indexOf("R10 0") < all.indexOf("R11 0"));
    QVERIFY(all.indexOf("R11 0") < all.indexOf("R12 0"));
    QCOMPARE(withoutDiff(client->lines().last()), "AT Alford <diff> b +1+1 " + t);
    QCOMPARE(places.queries()[2].radiusKm, 12.0);
}

void tst_Session::whatsatCapPerNodeHoldsOtherConnections()
{
    ManualPlaces places;
    QVERIFY(startNode(&places, 0, [](Herd::NodeSettings &s) { s.maxWhatsatPerNode = 2; }));
    const auto busy = connectClient();
    const auto other = connectClient();
    QVERIFY(busy && other);
    QVERIFY(!storeClient(*busy, "a").isEmpty());
    busy->send("WHATSAT a 10 1\nWHATSAT a 11 1\n"_ba);
    QTRY_COMPARE_WITH_TIMEOUT(places.pending(), 2, Wait);

    const QByteArray t = nowText();
    other->send("WHATSAT a 12 1\n" + iamatLine("c", "+2+2", t) + '\n');
    // Held lines make no event; give them a few turns of the loop to arrive.
    for (int i = 0; i < 5; ++i)
        QCoreApplication::processEvents();
    QCOMPARE(events(EventKind::LineReceived).size(), 3); // busy's three only
    QCOMPARE(places.queries().size(), 2);
    QVERIFY(!m_node->store().find("c"));

    places.answer(0, placesAnswer(1, u"R10"_s));
    QTRY_COMPARE_WITH_TIMEOUT(places.queries().size(), 3, Wait);
    QVERIFY(!m_node->store().find("c")); // the node is at its cap again
    places.answer(1, placesAnswer(1, u"R11"_s));
    QVERIFY(busy->waitForText("\n\n", 2, Wait));
    QTRY_VERIFY_WITH_TIMEOUT(m_node->store().find("c"), Wait);
    places.answer(2, placesAnswer(1, u"R12"_s));
    QVERIFY(other->waitForText("\n\n", 1, Wait));
    QVERIFY(other->waitForLines(4, Wait));
    QVERIFY(other->received().contains("R12 0"));
    QCOMPARE(withoutDiff(other->lines().last()), "AT Alford <diff> c +2+2 " + t);
    QCOMPARE(m_node->whatsatInFlight(), 0);
}

QTEST_GUILESS_MAIN(tst_Session)
#include "tst_session.moc"
