// SPDX-License-Identifier: GPL-3.0-or-later
// The monitor (docs/monitor.md) on a herd in this process, over real
// loopback HTTP: /metrics parsed by a real Prometheus parser, its counters
// rising by exactly the lines sent; /state matching what WHATSAT answers;
// control doing each fault through the cluster, refused and logged without
// the token; bad requests answered clearly while the server keeps serving.
// OS-picked ports; every wait is bounded; no sleeps.

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <memory>

#include "herd/cluster.h"
#include "herd/node/node.h"
#include "http/monitorserver.h"
#include "tests/herdfixture.h"
#include "tests/httpclient.h"
#include "tests/lineclient.h"
#include "tests/monitorsupport.h"
#include "tests/secretwatch.h"
#include "tests/sessiontest.h"

using namespace Herd;
using namespace Herd::Test;
using namespace Qt::StringLiterals;
using MonitorSupport::sample;

namespace {

const QByteArray Token = "monitor-token-for-tests-0123456789";

QByteArray iamat(const QByteArray &client, int second)
{
    return "IAMAT " + client + " +34.068930-118.445127 " + QByteArray::number(1'700'000'000 + second)
        + ".0\n";
}

HttpClient::Headers bearer(const QByteArray &token = Token)
{
    return {{"Authorization", "Bearer " + token}};
}

} // namespace

class TestMonitor : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void metricsCountTheLinesSent();
    void upstreamTimeIsThePlacesSources();
    void stateMatchesWhatsatAnswers();
    void controlWithoutTokenIsRefusedAndLogged();
    void controlAppliesEachFault();
    void controlErrorsNameTheParameter();
    void controlOfANodeElsewhereConflicts();
    void beyondLoopbackNeedsTheToken();
    void badRequestsAreAnsweredAndServingGoesOn();

private:
    QString url(const QString &path) const { return m_monitor->url() + path; }
    QHash<QString, double> metrics();
    QJsonObject post(const QString &action, const QJsonObject &params, int expectedStatus);

    std::unique_ptr<HerdFixture> m_herd;
    std::unique_ptr<MonitorServer> m_monitor;
    HttpClient m_http;
};

void TestMonitor::init()
{
    m_herd = std::make_unique<HerdFixture>();
    QString error;
    QVERIFY2(m_herd->start(
                 HerdFixture::config({u"A"_s, u"B"_s, u"C"_s}, {{u"A"_s, u"B"_s}, {u"B"_s, u"C"_s}}), &error),
             qPrintable(error));
    QVERIFY(m_herd->waitForLinks());
    m_monitor = std::make_unique<MonitorServer>(*m_herd->cluster());
    m_monitor->setToken(Token);
    QVERIFY2(m_monitor->listen({QHostAddress::LocalHost, 0}, &error), qPrintable(error));
    m_herd->clearEvents();
}

void TestMonitor::cleanup()
{
    m_monitor.reset();
    m_herd.reset();
}

QHash<QString, double> TestMonitor::metrics()
{
    const std::optional<HttpReply> reply = m_http.request("GET", url(u"/metrics"_s));
    if (!reply || reply->status != 200) {
        qWarning("GET /metrics failed");
        return {};
    }
    QString error;
    const std::optional<QHash<QString, double>> parsed = MonitorSupport::parsePrometheus(reply->body, &error);
    if (!parsed)
        qWarning("%s", qPrintable(error));
    return parsed.value_or(QHash<QString, double>());
}

QJsonObject TestMonitor::post(const QString &action, const QJsonObject &params, int expectedStatus)
{
    const std::optional<HttpReply> reply =
        m_http.request("POST", url(u"/control/"_s + action), QJsonDocument(params).toJson(), bearer());
    if (!reply || reply->status != expectedStatus) {
        qWarning("POST /control/%s: status %d, %s", qPrintable(action), reply ? reply->status : 0,
                 reply ? reply->body.constData() : "no answer");
        return {{u"failed"_s, true}};
    }
    return reply->json();
}

void TestMonitor::metricsCountTheLinesSent()
{
    const QHash<QString, double> before = metrics();
    QVERIFY(!before.isEmpty());
    QCOMPARE(before.value(sample(u"herd_node_up"_s, {{u"node"_s, u"A"_s}})), 1.0);
    QCOMPARE(before.value(sample(u"herd_peer_link_up"_s, {{u"node"_s, u"B"_s}, {u"peer"_s, u"C"_s}})), 1.0);

    constexpr int Iamats = 7;
    constexpr int Whatsats = 3;
    LineClient client;
    QVERIFY(client.connectTo(m_herd->port(u"A"_s)));
    for (int i = 0; i < Iamats; ++i)
        client.send(iamat("kiwi" + QByteArray::number(i), i));
    QVERIFY(client.waitForLines(Iamats));
    for (int i = 0; i < Whatsats; ++i)
        client.send("WHATSAT kiwi0 10 2\n");
    client.send("HELLO there\n");
    client.send("WHATSAT nobody 10 2\n");
    QVERIFY(client.waitForText("\n\n", Whatsats));
    QVERIFY(client.waitForText("? WHATSAT nobody"));
    for (int i = 0; i < Iamats; ++i)
        QVERIFY(m_herd->waitUntilAllStore("kiwi" + QByteArray::number(i)));

    const QHash<QString, double> after = metrics();
    const auto rise = [&](const QString &name, const QList<std::pair<QString, QString>> &labels) {
        const QString key = sample(name, labels);
        if (!after.contains(key))
            qWarning("no sample %s", qPrintable(key));
        return after.value(key, -1) - before.value(key);
    };
    const auto a = std::pair {u"node"_s, u"A"_s};
    QCOMPARE(rise(u"herd_lines_received_total"_s, {a, {u"kind"_s, u"IAMAT"_s}}), double(Iamats));
    QCOMPARE(rise(u"herd_lines_received_total"_s, {a, {u"kind"_s, u"WHATSAT"_s}}), double(Whatsats + 1));
    QCOMPARE(rise(u"herd_lines_received_total"_s, {a, {u"kind"_s, u"other"_s}}), 1.0);
    QCOMPARE(rise(u"herd_lines_invalid_total"_s, {a}), 2.0);
    QCOMPARE(rise(u"herd_lines_sent_total"_s, {a, {u"kind"_s, u"invalid"_s}}), 2.0);
    QCOMPARE(rise(u"herd_records_stored_total"_s, {a, {u"source"_s, u"iamat"_s}}), double(Iamats));
    // A floods each record to B, and B on to C; B never floods back to A.
    QCOMPARE(rise(u"herd_floods_sent_total"_s, {a}), double(Iamats));
    QCOMPARE(rise(u"herd_floods_sent_total"_s, {{u"node"_s, u"B"_s}}), double(Iamats));
    QCOMPARE(rise(u"herd_records_stored_total"_s, {{u"node"_s, u"C"_s}, {u"source"_s, u"flood"_s}}),
             double(Iamats));
    QCOMPARE(rise(u"herd_whatsat_duration_seconds_count"_s, {a}), double(Whatsats));
    QCOMPARE(rise(u"herd_whatsat_duration_seconds_bucket"_s, {a, {u"le"_s, u"+Inf"_s}}), double(Whatsats));
    // The unknown client's WHATSAT never reached the places source.
    QCOMPARE(rise(u"herd_places_upstream_duration_seconds_count"_s, {a}), double(Whatsats));
    QCOMPARE(rise(u"herd_places_upstream_duration_seconds_bucket"_s, {a, {u"le"_s, u"+Inf"_s}}),
             double(Whatsats));
    QCOMPARE(after.value(sample(u"herd_clients_known"_s, {{u"node"_s, u"C"_s}})), double(Iamats));
    QCOMPARE(after.value(sample(u"herd_client_connections"_s, {a})), 1.0);
}

void TestMonitor::upstreamTimeIsThePlacesSources()
{
    // A node whose places source answers when the test says: the upstream
    // time covers at least the wait the test saw, and is timed only once
    // the source answers.
    cleanup();
    SessionSupport::ManualPlaces places;
    m_herd = std::make_unique<HerdFixture>(&places);
    QString error;
    QVERIFY2(m_herd->start(HerdFixture::config({u"A"_s}, {}), &error), qPrintable(error));
    m_monitor = std::make_unique<MonitorServer>(*m_herd->cluster());
    QVERIFY2(m_monitor->listen({QHostAddress::LocalHost, 0}, &error), qPrintable(error));

    LineClient client;
    QVERIFY(client.connectTo(m_herd->port(u"A"_s)));
    client.send(iamat("kiwi", 1));
    QVERIFY(client.waitForLines(1));
    client.send("WHATSAT kiwi 10 2\n");
    QTRY_COMPARE(places.pending(), 1);
    QElapsedTimer held;
    held.start();
    const auto a = std::pair {u"node"_s, u"A"_s};
    const QString count = sample(u"herd_places_upstream_duration_seconds_count"_s, {a});
    const QString sum = sample(u"herd_places_upstream_duration_seconds_sum"_s, {a});
    const QHash<QString, double> waiting = metrics();
    QCOMPARE(waiting.value(count, -1), 0.0);
    const qint64 heldNs = held.nsecsElapsed();
    places.answer(0, SessionSupport::placesAnswer(2));
    QVERIFY(client.waitForText("\n\n"));

    const QHash<QString, double> answered = metrics();
    QCOMPARE(answered.value(count), 1.0);
    QVERIFY2(answered.value(sum) >= double(heldNs) / 1e9 - 1e-6,
             qPrintable(u"%1 s upstream, held %2 s"_s.arg(answered.value(sum)).arg(double(heldNs) / 1e9)));
    QVERIFY(answered.value(sum)
            <= answered.value(sample(u"herd_whatsat_duration_seconds_sum"_s, {a})) + 1e-6);
}

void TestMonitor::stateMatchesWhatsatAnswers()
{
    LineClient client;
    QVERIFY(client.connectTo(m_herd->port(u"A"_s)));
    client.send(iamat("kiwi", 1));
    client.send(iamat("pear", 2));
    QVERIFY(client.waitForLines(2));
    QVERIFY(m_herd->waitUntilAllStore("kiwi") && m_herd->waitUntilAllStore("pear"));
    QVERIFY(m_herd->cluster()->setClockSkew(u"C"_s, -250));

    const std::optional<HttpReply> reply = m_http.request("GET", url(u"/state"_s));
    QVERIFY(reply && reply->status == 200);
    const QJsonObject state = reply->json();
    const QJsonArray nodes = state.value("nodes"_L1).toArray();
    QCOMPARE(nodes.size(), 3);
    for (const QJsonValue &value : nodes) {
        const QJsonObject node = value.toObject();
        const QString name = node.value("name"_L1).toString();
        QCOMPARE(node.value("port"_L1).toInt(), int(m_herd->port(name)));
        QVERIFY(node.value("running"_L1).toBool());
        const QJsonArray records = node.value("records"_L1).toArray();
        QCOMPARE(records.size(), 2);
        LineClient asker;
        QVERIFY(asker.connectTo(m_herd->port(name)));
        for (const QJsonValue &recordValue : records) {
            const QJsonObject record = recordValue.toObject();
            const QByteArray clientId = record.value("client"_L1).toString().toUtf8();
            asker.clear();
            asker.send("WHATSAT " + clientId + " 10 1\n");
            QVERIFY(asker.waitForText("\n\n"));
            QCOMPARE(record.value("atLine"_L1).toString().toUtf8(), asker.lines().constFirst());
            QCOMPARE(record.value("server"_L1).toString(), u"A"_s);
            QCOMPARE(record.value("clientTimeNs"_L1).toInteger(),
                     m_herd->node(name)->store().find(clientId)->timeNs);
        }
    }
    QCOMPARE(state.value("faults"_L1).toObject().value("clockSkewMs"_L1).toObject().value("C"_L1).toInt(),
             -250);
    const QJsonArray links = state.value("links"_L1).toArray();
    QCOMPARE(links.size(), 4); // A>B, B>A, B>C, C>B
    for (const QJsonValue &link : links)
        QCOMPARE(link.toObject().value("state"_L1).toString(), u"connected"_s);
}

void TestMonitor::controlWithoutTokenIsRefusedAndLogged()
{
    SecretWatch watch(QString::fromLatin1(Token));
    const QByteArray body = R"({"from": "A", "to": "B"})";
    std::optional<HttpReply> reply = m_http.request("POST", url(u"/control/cut"_s), body);
    QVERIFY(reply);
    QCOMPARE(reply->status, 401);
    reply = m_http.request("POST", url(u"/control/cut"_s), body, bearer("not-the-token-at-all-0123456789"));
    QVERIFY(reply);
    QCOMPARE(reply->status, 401);
    QVERIFY(!m_herd->cluster()->isLinkCut(u"A"_s, u"B"_s));

    const QList<Event> refusals = m_herd->events(EventKind::Refused, u"monitor"_s);
    QCOMPARE(refusals.size(), 2);
    for (const Event &refusal : refusals) {
        QVERIFY2(refusal.peer.startsWith(u"127.0.0.1:"), qPrintable(refusal.peer));
        QVERIFY2(refusal.detail.contains(u"POST /control/cut refused"), qPrintable(refusal.detail));
        QVERIFY(!refusal.detail.contains(QString::fromLatin1(Token)));
    }
    QVERIFY(refusals.at(1).detail.contains(u"wrong bearer token"));
    // Reads are open on loopback; the right token is let through.
    reply = m_http.request("GET", url(u"/state"_s));
    QVERIFY(reply && reply->status == 200);
    QVERIFY(!post(u"cut"_s, {{u"from"_s, u"A"_s}, {u"to"_s, u"B"_s}}, 200).contains("failed"_L1));
    QVERIFY(m_herd->cluster()->isLinkCut(u"A"_s, u"B"_s));
    QVERIFY(!watch.seen());
}

void TestMonitor::controlAppliesEachFault()
{
    Cluster &cluster = *m_herd->cluster();
    const QJsonObject ab {{u"from"_s, u"A"_s}, {u"to"_s, u"B"_s}};
    QCOMPARE(post(u"cut"_s, ab, 200).value("done"_L1).toString(), u"cut A-B"_s);
    QVERIFY(cluster.isLinkCut(u"A"_s, u"B"_s) && cluster.isLinkCut(u"B"_s, u"A"_s));
    post(u"restore"_s, ab, 200);
    QVERIFY(!cluster.isLinkCut(u"A"_s, u"B"_s) && !cluster.isLinkCut(u"B"_s, u"A"_s));
    post(u"cut"_s, {{u"from"_s, u"B"_s}, {u"to"_s, u"C"_s}, {u"oneWay"_s, true}}, 200);
    QVERIFY(cluster.isLinkCut(u"B"_s, u"C"_s) && !cluster.isLinkCut(u"C"_s, u"B"_s));
    QJsonObject timed = ab;
    timed.insert(u"ms", 120);
    post(u"delay"_s, timed, 200);
    QCOMPARE(cluster.linkDelay(u"B"_s, u"A"_s), 120);
    post(u"jitter"_s, timed, 200);
    QCOMPARE(cluster.linkJitter(u"A"_s, u"B"_s), 120);
    timed.insert(u"ms", 5000);
    post(u"flaky"_s, timed, 200);
    QCOMPARE(cluster.linkFlaky(u"A"_s, u"B"_s), 5000);
    post(u"clock-skew"_s, {{u"node"_s, u"B"_s}, {u"ms"_s, -1500}}, 200);
    QCOMPARE(cluster.clockSkew(u"B"_s), -1500);
    post(u"heal"_s, {}, 200);
    QVERIFY(!cluster.isLinkCut(u"B"_s, u"C"_s));
    QCOMPARE(cluster.linkDelay(u"A"_s, u"B"_s), 120); // heal undoes cuts only
    post(u"clear"_s, {}, 200);
    QCOMPARE(cluster.linkDelay(u"A"_s, u"B"_s), 0);
    QCOMPARE(cluster.clockSkew(u"B"_s), 0);
    post(u"partition"_s, {{u"preset"_s, u"isolate"_s}, {u"node"_s, u"C"_s}}, 200);
    QVERIFY(cluster.isLinkCut(u"B"_s, u"C"_s) && !cluster.isLinkCut(u"A"_s, u"B"_s));
    post(u"heal"_s, {}, 200);

    QCOMPARE(post(u"kill"_s, {{u"node"_s, u"C"_s}}, 200).value("done"_L1).toString(), u"killed C"_s);
    QVERIFY(!m_herd->node(u"C"_s)->isRunning());
    post(u"kill"_s, {{u"node"_s, u"C"_s}}, 409);
    post(u"restart"_s, {{u"node"_s, u"C"_s}}, 200);
    QVERIFY(m_herd->node(u"C"_s)->isRunning());
    post(u"restart"_s, {{u"node"_s, u"C"_s}}, 409);
    // Each fault reached the event stream, as the window's do.
    QVERIFY(m_herd->events(EventKind::LinkChanged).size() >= 10);
}

void TestMonitor::controlErrorsNameTheParameter()
{
    const auto parameterOf = [this](const QString &action, const QByteArray &body, int status) {
        const std::optional<HttpReply> reply =
            m_http.request("POST", url(u"/control/"_s + action), body, bearer());
        if (!reply || reply->status != status) {
            qWarning("%s %s: %d %s", qPrintable(action), body.constData(), reply ? reply->status : 0,
                     reply ? reply->body.constData() : "");
            return u"(status)"_s;
        }
        return reply->json().value("parameter"_L1).toString();
    };
    QCOMPARE(parameterOf(u"delay"_s, R"({"from": "A", "to": "B", "ms": "soon"})", 400), u"ms"_s);
    QCOMPARE(parameterOf(u"delay"_s, R"({"from": "A", "to": "B", "ms": -1})", 400), u"ms"_s);
    QCOMPARE(parameterOf(u"delay"_s, R"({"from": "A", "to": "B"})", 400), u"ms"_s);
    QCOMPARE(parameterOf(u"cut"_s, R"({"from": "A"})", 400), u"to"_s);
    QCOMPARE(parameterOf(u"cut"_s, R"({"from": "A", "to": "C"})", 404), u"to"_s); // no such link
    QCOMPARE(parameterOf(u"cut"_s, R"({"from": "A", "to": "B", "oneway": true})", 400), u"oneway"_s);
    QCOMPARE(parameterOf(u"kill"_s, R"({"node": "Z"})", 404), u"node"_s);
    QCOMPARE(parameterOf(u"kill"_s, R"({"node": "A")", 400), u"body"_s);
    QCOMPARE(parameterOf(u"kill"_s, R"(["A"])", 400), u"body"_s);
    QCOMPARE(parameterOf(u"partition"_s, R"({"preset": "thirds"})", 400), u"preset"_s);
    QCOMPARE(parameterOf(u"partition"_s, R"({"preset": "isolate"})", 400), u"node"_s);
    QCOMPARE(parameterOf(u"clock-skew"_s, R"({"node": "A", "ms": 1.5})", 400), u"ms"_s);
    QCOMPARE(parameterOf(u"heal"_s, R"({"node": "A"})", 400), u"node"_s);
    QVERIFY(m_herd->node(u"A"_s)->isRunning());
}

void TestMonitor::controlOfANodeElsewhereConflicts()
{
    // A process that runs only A of a herd A-B: B runs elsewhere.
    HerdConfig config = HerdFixture::config({u"A"_s, u"B"_s}, {{u"A"_s, u"B"_s}});
    Cluster cluster(config, m_herd->places());
    QString error;
    QVERIFY2(cluster.start({u"A"_s}, &error), qPrintable(error));
    MonitorServer monitor(cluster);
    monitor.setToken(Token);
    QVERIFY(monitor.listen({QHostAddress::LocalHost, 0}, &error));
    const auto status = [&](const QString &action, const QByteArray &body) {
        const std::optional<HttpReply> reply =
            m_http.request("POST", monitor.url() + u"/control/"_s + action, body, bearer());
        return reply ? reply->status : 0;
    };
    QCOMPARE(status(u"kill"_s, R"({"node": "B"})"), 409);
    QCOMPARE(status(u"clock-skew"_s, R"({"node": "B", "ms": 10})"), 409);
    QCOMPARE(status(u"cut"_s, R"({"from": "B", "to": "A", "oneWay": true})"), 409);
    QCOMPARE(status(u"cut"_s, R"({"from": "B", "to": "A"})"), 200); // A's direction is here
    QVERIFY(cluster.isLinkCut(u"A"_s, u"B"_s));
    const std::optional<HttpReply> state = m_http.request("GET", monitor.url() + u"/state"_s);
    QVERIFY(state);
    const QJsonObject b = state->json().value("nodes"_L1).toArray().at(1).toObject();
    QCOMPARE(b.value("name"_L1).toString(), u"B"_s);
    QCOMPARE(b.value("inProcess"_L1).toBool(true), false);
}

void TestMonitor::beyondLoopbackNeedsTheToken()
{
    MonitorServer open(*m_herd->cluster());
    QString error;
    QVERIFY(!open.listen({QHostAddress::AnyIPv4, 0}, &error));
    QVERIFY2(error.contains(u"tokenEnv"), qPrintable(error));

    MonitorServer guarded(*m_herd->cluster());
    guarded.setToken(Token);
    QVERIFY2(guarded.listen({QHostAddress::AnyIPv4, 0}, &error), qPrintable(error));
    const QString state = u"http://127.0.0.1:%1/state"_s.arg(guarded.port());
    std::optional<HttpReply> reply = m_http.request("GET", state);
    QVERIFY(reply);
    QCOMPARE(reply->status, 401);
    reply = m_http.request("GET", state, {}, bearer());
    QVERIFY(reply);
    QCOMPARE(reply->status, 200);
    QCOMPARE(m_herd->events(EventKind::Refused, u"monitor"_s).size(), 1);

    // On loopback with no token: reads open, control off.
    MonitorServer readOnly(*m_herd->cluster());
    QVERIFY(readOnly.listen({QHostAddress::LocalHost, 0}, &error));
    reply = m_http.request("POST", readOnly.url() + u"/control/heal"_s, {}, bearer());
    QVERIFY(reply);
    QCOMPARE(reply->status, 403);
    QVERIFY(reply->json().value("error"_L1).toString().contains(u"no monitor token"));
}

void TestMonitor::badRequestsAreAnsweredAndServingGoesOn()
{
    std::optional<HttpReply> reply = m_http.request("GET", url(u"/nope"_s));
    QVERIFY(reply);
    QCOMPARE(reply->status, 404);
    QVERIFY(reply->json().value("error"_L1).toString().contains(u"/metrics"));
    reply = m_http.request("POST", url(u"/control/explode"_s), {}, bearer());
    QVERIFY(reply);
    QCOMPARE(reply->status, 404);
    reply = m_http.request("POST", url(u"/metrics"_s), {}, bearer());
    QVERIFY(reply);
    QCOMPARE(reply->status, 405);
    reply = m_http.request("GET", url(u"/control/kill"_s), {}, bearer());
    QVERIFY(reply);
    QCOMPARE(reply->status, 405);
    reply = m_http.request("GET", url(u"/events?kind=nonsense"_s));
    QVERIFY(reply);
    QCOMPARE(reply->status, 400);
    QCOMPARE(reply->json().value("parameter"_L1).toString(), u"kind"_s);
    reply = m_http.request("GET", url(u"/metrics"_s));
    QVERIFY(reply && reply->status == 200);
    QVERIFY(reply->body.contains("# TYPE herd_lines_received_total counter"));
}

QTEST_GUILESS_MAIN(TestMonitor)
#include "tst_monitor.moc"
