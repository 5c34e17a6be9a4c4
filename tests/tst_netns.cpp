// SPDX-License-Identifier: GPL-3.0-or-later
// The default herd's five nodes as five processes in five network
// namespaces (tools/netns-herd.sh, 198.18.0.0/15), checked from the root
// namespace over HTTP and TCP as an operator would: every link up in
// /metrics, an update reaching all five, a partition made in the kernel (a
// veth set down) seen as links down and as two halves that learn apart, and
// the herd agreeing again once the veth is up. The window's view is checked
// alongside: an AttachedHerd (what `herd --attach` shows, and the one
// interface every view reads) attached from the root namespace sees the
// same links, the cut node out of sight while its veth is down, and the
// records agree after the mend; the suite prints each process's clock
// offset as the window estimates it. Skips where namespaces cannot
// be made (not root, no CAP_NET_ADMIN, no ip). Every wait is bounded by the
// wall clock (QTest::qWaitFor: a poll of another process's state costs
// requests, so QTRY_*'s count of polls would stretch its bound); none sleeps.

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTest>

#include <memory>
#include <optional>

#include "herd/attach/attachedherd.h"
#include "herd/attach/monitorclient.h"
#include "herd/config/herdconfig.h"
#include "herd/node/store.h"
#include "tests/httpclient.h"
#include "tests/monitorsupport.h"
#include "tests/netnssupport.h"

using namespace Herd::Test;
using namespace NetnsSupport;
using namespace Qt::StringLiterals;
using MonitorSupport::sample;

namespace {

// Bounds, not expectations: a cut shows once what a link sent goes
// unacknowledged for 10 s (PeerLink), a mend once a reconnect attempt gets
// through; both measured in the suite's output.
constexpr int UpTimeoutMs = 20'000;
constexpr int CutTimeoutMs = 40'000;
constexpr int FloodTimeoutMs = 10'000;
constexpr int MendTimeoutMs = 40'000;

const QString CutNode = u"Powell"_s;

using Records = QMap<QString, QString>; // client -> its AT line

// The records of the one node a monitor's /state runs.
Records recordsIn(const QByteArray &state)
{
    Records records;
    for (const QJsonValue &node : QJsonDocument::fromJson(state).object().value(u"nodes").toArray()) {
        if (!node.toObject().value(u"inProcess").toBool())
            continue;
        for (const QJsonValue &record : node.toObject().value(u"records").toArray())
            records.insert(record.toObject().value(u"client").toString(),
                           record.toObject().value(u"atLine").toString());
    }
    return records;
}

// herd_peer_link_up's samples, "node>peer" -> value: read at every poll,
// where running the Prometheus parser each time would make the polls slow.
QMap<QString, double> linkUpSamples(const QByteArray &metrics)
{
    static const QRegularExpression sampleLine(
        uR"re(^herd_peer_link_up\{node="([^"]+)",peer="([^"]+)"\} (\S+)$)re"_s,
        QRegularExpression::MultilineOption);
    QMap<QString, double> up;
    for (const QRegularExpressionMatch &match : sampleLine.globalMatch(QString::fromUtf8(metrics)))
        up.insert(match.captured(1) + u'>' + match.captured(2), match.captured(3).toDouble());
    return up;
}

QString describe(const QMap<QString, double> &links)
{
    QStringList parts;
    for (auto it = links.cbegin(); it != links.cend(); ++it)
        parts << it.key() + u'=' + QString::number(it.value());
    return parts.join(u' ');
}

QByteArray iamat(const QString &client)
{
    return "IAMAT " + client.toUtf8() + " +34.068930-118.445127 "
        + QByteArray::number(double(QDateTime::currentMSecsSinceEpoch()) / 1000, 'f', 3);
}

} // namespace

class TestNetns : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void everyMonitorAnswersAndEveryLinkComesUp();
    void anUpdateReachesAllFive();
    void aKernelCutDividesTheHerd();
    void aMendBringsItTogetherAgain();

private:
    std::optional<QByteArray> monitorGet(const NetnsNode &node, const QString &path);
    // Every neighbour link's herd_peer_link_up, "node>peer" -> value, from
    // the monitors of `nodes`; null if one did not answer.
    std::optional<QMap<QString, double>> linksUp(const QList<NetnsNode> &nodes);
    bool allLinksUp();
    std::optional<Records> recordsOf(const NetnsNode &node);
    // The first line a node answers to `line`, sent over TCP from here.
    QByteArray ask(const NetnsNode &node, const QByteArray &line);
    QList<NetnsNode> nodesBut(const QString &name) const;
    bool allAgreeOn(const QStringList &clients);
    // Whether the attached view sees every link it can see connected but
    // those into `downTo` (none if empty), which it must see not connected.
    bool windowSeesLinks(const QString &downTo = {}) const;

    std::unique_ptr<NetnsHerd> m_herd;
    std::unique_ptr<Herd::AttachedHerd> m_window;
    HttpClient m_http;
    QStringList m_links; // "node>peer", both directions of every link in the herd file
    QString m_lastLinks; // what linksUp() last saw, for a failure's message
    const QString m_run = QString::number(QCoreApplication::applicationPid());
};

void TestNetns::initTestCase()
{
    m_herd = std::make_unique<NetnsHerd>();
    QString error;
    bool unavailable = false;
    if (!m_herd->start(&error, &unavailable)) {
        if (unavailable)
            QSKIP(qPrintable(u"cannot make network namespaces here: "_s + error));
        QFAIL(qPrintable(error));
    }
    QFile herdFile(m_herd->herdFile());
    QVERIFY(herdFile.open(QIODevice::ReadOnly));
    for (const QJsonValue &link :
         QJsonDocument::fromJson(herdFile.readAll()).object().value(u"links").toArray()) {
        const QString a = link.toArray().at(0).toString();
        const QString b = link.toArray().at(1).toString();
        m_links << a + u'>' + b << b + u'>' + a;
    }
    m_links.sort();
    QCOMPARE(m_links.size(), 10);

    // The window's view, as `herd --attach` makes it: the monitors' token
    // from the variable the herd file names.
    qputenv("HERD_MONITOR_TOKEN", m_herd->token());
    const std::optional<Herd::HerdConfig> config = Herd::HerdConfig::fromFile(m_herd->herdFile(), &error);
    QVERIFY2(config, qPrintable(error));
    QVERIFY(Herd::AttachedHerd::missingMonitors(*config).isEmpty());
    m_window = std::make_unique<Herd::AttachedHerd>(*config);
    m_window->start();
}

void TestNetns::cleanupTestCase()
{
    m_window.reset();
    m_herd.reset(); // the nodes, namespaces, veths and bridge, even after a failed check
}

std::optional<QByteArray> TestNetns::monitorGet(const NetnsNode &node, const QString &path)
{
    const std::optional<HttpReply> reply =
        m_http.request("GET", node.monitorUrl + path, {}, {{"Authorization", "Bearer " + m_herd->token()}});
    if (!reply || reply->status != 200)
        return std::nullopt;
    return reply->body;
}

std::optional<QMap<QString, double>> TestNetns::linksUp(const QList<NetnsNode> &nodes)
{
    QMap<QString, double> up;
    for (const NetnsNode &node : nodes) {
        const std::optional<QByteArray> text = monitorGet(node, u"/metrics"_s);
        if (!text)
            return std::nullopt;
        up.insert(linkUpSamples(*text));
    }
    m_lastLinks = describe(up);
    return up;
}

bool TestNetns::allLinksUp()
{
    const std::optional<QMap<QString, double>> up = linksUp(m_herd->nodes());
    return up && up->keys() == m_links && !up->values().contains(0);
}

std::optional<Records> TestNetns::recordsOf(const NetnsNode &node)
{
    const std::optional<QByteArray> state = monitorGet(node, u"/state"_s);
    if (!state)
        return std::nullopt;
    return recordsIn(*state);
}

QByteArray TestNetns::ask(const NetnsNode &node, const QByteArray &line)
{
    QTcpSocket socket;
    socket.connectToHost(node.host, node.port);
    if (!socket.waitForConnected(5000))
        return {};
    socket.write(line + '\n');
    QElapsedTimer clock;
    clock.start();
    while (!socket.canReadLine() && clock.elapsed() < 5000)
        socket.waitForReadyRead(int(5000 - clock.elapsed()));
    return socket.readLine().trimmed();
}

QList<NetnsNode> TestNetns::nodesBut(const QString &name) const
{
    QList<NetnsNode> nodes = m_herd->nodes();
    nodes.removeIf([&](const NetnsNode &node) { return node.name == name; });
    return nodes;
}

bool TestNetns::allAgreeOn(const QStringList &clients)
{
    std::optional<Records> first;
    for (const NetnsNode &node : m_herd->nodes()) {
        const std::optional<Records> records = recordsOf(node);
        if (!records)
            return false;
        for (const QString &client : clients) {
            if (!records->contains(client))
                return false;
        }
        if (first && *records != *first)
            return false;
        first = records;
    }
    return true;
}

bool TestNetns::windowSeesLinks(const QString &downTo) const
{
    for (const QString &link : m_links) {
        const QStringList ends = link.split(u'>');
        if (ends[0] == downTo)
            continue; // out of sight: no state to read
        const std::optional<Herd::LinkState> state = m_window->linkState(ends[0], ends[1]);
        if (!state || (state->state == Herd::LinkState::State::Connected) == (ends[1] == downTo))
            return false;
    }
    return true;
}

void TestNetns::everyMonitorAnswersAndEveryLinkComesUp()
{
    for (const NetnsNode &node : m_herd->nodes()) {
        QVERIFY2(node.host.startsWith(u"198.18."_s) || node.host.startsWith(u"198.19."_s),
                 qPrintable(node.host));
        QVERIFY2(monitorGet(node, u"/state"_s), qPrintable(node.monitorUrl));
    }
    QVERIFY2(QTest::qWaitFor([&] { return allLinksUp(); }, UpTimeoutMs), qPrintable(m_lastLinks));
    // What a real Prometheus parser reads agrees.
    for (const NetnsNode &node : m_herd->nodes()) {
        QString error;
        const auto samples =
            MonitorSupport::parsePrometheus(monitorGet(node, u"/metrics"_s).value_or(""), &error);
        QVERIFY2(samples, qPrintable(error));
        for (const QString &link : m_links) {
            const QStringList ends = link.split(u'>');
            if (ends[0] == node.name)
                QCOMPARE(
                    samples->value(
                        sample(u"herd_peer_link_up"_s, {{u"node"_s, ends[0]}, {u"peer"_s, ends[1]}}), -1),
                    1.0);
        }
    }
    // The window sees the same, and has each process's clock.
    QVERIFY(QTest::qWaitFor([&] { return windowSeesLinks(); }, UpTimeoutMs));
    for (const Herd::MonitorClient *monitor : m_window->monitors()) {
        QVERIFY(QTest::qWaitFor([&] { return monitor->clock().isKnown(); }, UpTimeoutMs));
        qInfo("clock of the process at %s: offset %+.3f ms, uncertain by %.3f ms",
              qPrintable(monitor->address()), double(monitor->clock().offsetNs()) / 1e6,
              double(monitor->clock().uncertaintyNs()) / 1e6);
    }
}

void TestNetns::anUpdateReachesAllFive()
{
    const QString client = u"everywhere-"_s + m_run;
    const NetnsNode hamilton = *m_herd->node(u"Hamilton"_s);
    QVERIFY(ask(hamilton, iamat(client)).startsWith("AT Hamilton "));
    QVERIFY(QTest::qWaitFor([&] { return allAgreeOn({client}); }, FloodTimeoutMs));
    // WHATSAT answers from the farthest node (Powell: Hamilton, Parker,
    // Alford or Bolden, Powell) with the same AT line.
    const std::optional<Records> atPowell = recordsOf(*m_herd->node(CutNode));
    QVERIFY(atPowell);
    QCOMPARE(QString::fromUtf8(ask(*m_herd->node(CutNode), "WHATSAT " + client.toUtf8() + " 10 1")),
             atPowell->value(client));
}

void TestNetns::aKernelCutDividesTheHerd()
{
    QString error;
    QElapsedTimer clock;
    clock.start();
    QVERIFY2(m_herd->cut(CutNode, &error), qPrintable(error));
    // Powell's neighbours see their links to it down; the rest stay up.
    const QList<NetnsNode> others = nodesBut(CutNode);
    const auto downOnlyToCut = [&] {
        const std::optional<QMap<QString, double>> up = linksUp(others);
        if (!up || up->isEmpty())
            return false;
        for (auto it = up->cbegin(); it != up->cend(); ++it) {
            if (it.value() != (it.key().endsWith(u'>' + CutNode) ? 0 : 1))
                return false;
        }
        return true;
    };
    if (!QTest::qWaitFor(downOnlyToCut, CutTimeoutMs)) {
        // What the neighbours' links to the cut node did, but their SYNCs.
        for (const QString &neighbour : {u"Alford"_s, u"Bolden"_s}) {
            QByteArrayList lines;
            for (const QByteArray &line : m_herd->logOf(neighbour).split('\n')) {
                if (line.contains(CutNode.toUtf8()) && !line.contains("SYNC"))
                    lines << line;
            }
            qWarning("%s", lines.mid(qMax(0, int(lines.size()) - 12)).join('\n').constData());
        }
        QFAIL(qPrintable(u"links seen: "_s + m_lastLinks));
    }
    qInfo("cut %s: its neighbours' links down in /metrics after %lld ms", qPrintable(CutNode),
          clock.elapsed());
    // The window: the cut node's monitor is out of reach, so it is not
    // monitored (not killed), and its neighbours' links to it are down.
    QVERIFY(QTest::qWaitFor([&] { return m_window->isOutOfSight(CutNode) && windowSeesLinks(CutNode); },
                            CutTimeoutMs));
    QVERIFY(!m_window->nodeStatus(CutNode));

    // An update on each side: neither crosses.
    const QString inside = u"inside-"_s + m_run;
    const QString outside = u"outside-"_s + m_run;
    const std::optional<QByteArray> insideReply = m_herd->send(CutNode, iamat(inside));
    QVERIFY(insideReply && insideReply->startsWith(QByteArray("AT " + CutNode.toUtf8())));
    QVERIFY(ask(*m_herd->node(u"Alford"_s), iamat(outside)).startsWith("AT Alford "));
    const auto othersHold = [&](const QString &client) {
        for (const NetnsNode &node : others) {
            const std::optional<Records> records = recordsOf(node);
            if (!records || !records->contains(client))
                return false;
        }
        return true;
    };
    QVERIFY(QTest::qWaitFor([&] { return othersHold(outside); }, FloodTimeoutMs));
    for (const NetnsNode &node : others)
        QVERIFY2(!recordsOf(node).value_or(Records {}).contains(inside), qPrintable(node.name));
    // The cut node's monitor is out of reach from here: read from inside.
    const std::optional<QByteArray> cutState = m_herd->get(CutNode, u"/state"_s);
    QVERIFY(cutState);
    const Records atCut = recordsIn(*cutState);
    QVERIFY(atCut.contains(inside));
    QVERIFY(!atCut.contains(outside));
}

void TestNetns::aMendBringsItTogetherAgain()
{
    QString error;
    QElapsedTimer clock;
    clock.start();
    QVERIFY2(m_herd->mend(CutNode, &error), qPrintable(error));
    const QStringList clients = {u"inside-"_s + m_run, u"outside-"_s + m_run};
    QVERIFY(QTest::qWaitFor([&] { return allAgreeOn(clients); }, MendTimeoutMs));
    qInfo("mend %s: all five hold the same records after %lld ms", qPrintable(CutNode), clock.elapsed());
    QVERIFY2(QTest::qWaitFor([&] { return allLinksUp(); }, MendTimeoutMs), qPrintable(m_lastLinks));
    qInfo("mend %s: every link up after %lld ms", qPrintable(CutNode), clock.elapsed());
    // The window follows the cut node again and sees what it learned.
    const auto windowAgrees = [&] {
        if (m_window->isOutOfSight(CutNode) || !windowSeesLinks())
            return false;
        for (const NetnsNode &node : m_herd->nodes()) {
            const Herd::Store *store = m_window->store(node.name);
            for (const QString &client : clients) {
                if (!store || !store->find(client.toUtf8()))
                    return false;
            }
        }
        return true;
    };
    if (!QTest::qWaitFor(windowAgrees, MendTimeoutMs)) {
        QStringList seen;
        for (const NetnsNode &node : m_herd->nodes()) {
            const Herd::Store *store = m_window->store(node.name);
            seen << node.name + (m_window->isOutOfSight(node.name) ? u" out of sight"_s : QString()) + u": "_s
                    + QString::number(store ? store->size() : -1) + u" records"_s;
        }
        QFAIL(qPrintable(u"the window sees links "_s + (windowSeesLinks() ? u"up"_s : u"not all up"_s)
                         + u"; "_s + seen.join(u", "_s)));
    }
}

QTEST_GUILESS_MAIN(TestNetns)
#include "tst_netns.moc"
