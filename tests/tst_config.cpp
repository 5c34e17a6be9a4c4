// SPDX-License-Identifier: GPL-3.0-or-later
// The herd file (docs/herd-file.md) and the built-in presets: what
// loads, what fails and how the error names the key, node or link at fault.

#include <QSet>
#include <QTest>

#include "herd/config/herdconfig.h"
#include "tests/configsupport.h"

using Herd::HerdConfig;
using Herd::PlacesSettings;
using namespace Qt::StringLiterals;
using namespace ConfigSupport;

namespace {

using LinkSet = QSet<QString>;

LinkSet linkSet(const QList<std::pair<QString, QString>> &links)
{
    LinkSet set;
    for (const auto &[a, b] : links)
        set.insert(a < b ? a + u'-' + b : b + u'-' + a);
    return set;
}

LinkSet linkSet(const QStringList &pairs)
{
    LinkSet set;
    for (const QString &pair : pairs) {
        const QStringList ends = pair.split(u'-');
        set.insert(ends[0] < ends[1] ? ends[0] + u'-' + ends[1] : ends[1] + u'-' + ends[0]);
    }
    return set;
}

bool sameConfig(const HerdConfig &a, const HerdConfig &b, QString *why)
{
    auto differ = [why](const QString &what) {
        *why = what;
        return false;
    };
    if (a.name != b.name)
        return differ(u"name"_s);
    if (a.nodes.size() != b.nodes.size())
        return differ(u"node count"_s);
    for (const Herd::NodeConfig &node : a.nodes) {
        const Herd::NodeConfig *other = b.node(node.name);
        if (!other)
            return differ(u"node "_s + node.name);
        if (other->host != node.host || other->port != node.port || other->position != node.position
            || other->monitor != node.monitor)
            return differ(u"node "_s + node.name + u" host, port, position or monitor"_s);
    }
    if (linkSet(a.links) != linkSet(b.links) || a.links.size() != b.links.size())
        return differ(u"links"_s);
    if (a.places.source != b.places.source || a.places.url != b.places.url || a.places.file != b.places.file
        || a.places.timeoutMs != b.places.timeoutMs)
        return differ(u"places"_s);
    if (a.maxLineBytes != b.maxLineBytes || a.maxConnections != b.maxConnections
        || a.idleTimeoutMs != b.idleTimeoutMs || a.maxPendingReplyBytes != b.maxPendingReplyBytes
        || a.maxWhatsatPerConnection != b.maxWhatsatPerConnection
        || a.maxWhatsatPerNode != b.maxWhatsatPerNode || a.maxClientTimeAheadMs != b.maxClientTimeAheadMs)
        return differ(u"limits"_s);
    if (a.reconnectInitialMs != b.reconnectInitialMs || a.reconnectMaxMs != b.reconnectMaxMs)
        return differ(u"reconnect"_s);
    if (a.antiEntropyMs != b.antiEntropyMs)
        return differ(u"antiEntropyMs"_s);
    return true;
}

} // namespace

class TestConfig : public QObject
{
    Q_OBJECT

private slots:
    void loads_data();
    void loads();
    void fails_data();
    void fails();
    void presetNames();
    void presets_data();
    void presets();
    void unknownPreset();
    void roundTrip_data();
    void roundTrip();
    void neighboursAndSettings();
    void clientTimeAheadLimit_data();
    void clientTimeAheadLimit();
    void antiEntropyPeriod_data();
    void antiEntropyPeriod();
};

void TestConfig::loads_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QStringList>("nodes");
    QTest::addColumn<int>("links");

    QTest::newRow("one node, no links") << herd(R"("A": {"port": 13000})") << QStringList {u"A"_s} << 0;
    QTest::newRow("two nodes, one link")
        << herd(TwoNodes, R"(, "links": [["A", "B"]])") << QStringList {u"A"_s, u"B"_s} << 1;
    QTest::newRow("name and places") << herd(
        TwoNodes, R"(, "name": "Mine", "links": [["B", "A"]], "places": {"source": "offline"})")
                                     << QStringList {u"A"_s, u"B"_s} << 1;
    QTest::newRow("localhost") << herd(R"("A": {"host": "localhost", "port": 1})") << QStringList {u"A"_s}
                               << 0;
    QTest::newRow("IPv6") << herd(R"("A": {"host": "::1", "port": 65535})") << QStringList {u"A"_s} << 0;
    QTest::newRow("port 0 twice (the OS picks)")
        << herd(R"("A": {"port": 0}, "B": {"port": 0})") << QStringList {u"A"_s, u"B"_s} << 0;
    QTest::newRow("same port, other hosts")
        << herd(R"("A": {"host": "127.0.0.1", "port": 13000}, "B": {"host": "127.0.0.2", "port": 13000})")
        << QStringList {u"A"_s, u"B"_s} << 0;
    QTest::newRow("positions") << herd(R"("A": {"port": 1, "x": -1.5, "y": 20})") << QStringList {u"A"_s}
                               << 0;
    QTest::newRow("google places") << herd(
        R"("A": {"port": 1})",
        R"(, "places": {"source": "google", "url": "http://127.0.0.1:1/x", "timeoutMs": 500})")
                                   << QStringList {u"A"_s} << 0;
    QTest::newRow("google-new places")
        << herd(R"("A": {"port": 1})", R"(, "places": {"source": "google-new"})") << QStringList {u"A"_s}
        << 0;
    QTest::newRow("geojson places") << herd(R"("A": {"port": 1})",
                                            R"(, "places": {"source": "geojson", "file": "p.geojson"})")
                                    << QStringList {u"A"_s} << 0;
    QTest::newRow("limits and reconnect")
        << herd(R"("A": {"port": 1})",
                R"(, "limits": {"maxLineBytes": 1024}, "reconnect": {"initialMs": 10, "maxMs": 10})")
        << QStringList {u"A"_s} << 0;
    QTest::newRow("every limit") << herd(
        R"("A": {"port": 1})",
        R"(, "limits": {"maxLineBytes": 1024, "maxConnections": 5, "idleTimeoutMs": 30000,
                "maxPendingReplyBytes": 65536, "maxWhatsatPerConnection": 2, "maxWhatsatPerNode": 3})")
                                 << QStringList {u"A"_s} << 0;
    QTest::newRow("client time ahead limit")
        << herd(R"("A": {"port": 1})", R"(, "limits": {"maxClientTimeAheadMs": 5000})")
        << QStringList {u"A"_s} << 0;
    QTest::newRow("unicode node name") << herd(R"("Zoë": {"port": 1})") << QStringList {u"Zoë"_s} << 0;
    QTest::newRow("node's monitor") << herd(R"("A": {"port": 1, "monitor": "[::1]:9100"})")
                                    << QStringList {u"A"_s} << 0;
}

void TestConfig::loads()
{
    QFETCH(QByteArray, json);
    QFETCH(QStringList, nodes);
    QFETCH(int, links);
    QString error;
    const std::optional<HerdConfig> config = HerdConfig::fromJson(json, &error);
    QVERIFY2(config, qPrintable(error));
    QVERIFY(error.isEmpty());
    QCOMPARE(config->nodeNames(), nodes);
    QCOMPARE(int(config->links.size()), links);
}

void TestConfig::fails_data()
{
    // Every fragment must appear in the error.
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QStringList>("fragments");

    QTest::newRow("unknown top-level key")
        << herd(TwoNodes, R"(, "colour": "blue")") << QStringList {u"colour"_s, u"unknown key"_s};
    QTest::newRow("auth short secret") << herd(TwoNodes, R"(, "auth": {"secret": "short"})")
                                       << QStringList {u"auth.secret"_s, u"at least 16 characters"_s};
    QTest::newRow("auth two keys") << herd(TwoNodes,
                                           R"(, "auth": {"secret": "0123456789abcdef", "secretEnv": "X"})")
                                   << QStringList {u"auth"_s, u"secretEnv"_s};
    QTest::newRow("auth env unset") << herd(TwoNodes, R"(, "auth": {"secretEnv": "HERD_TEST_SURELY_UNSET"})")
                                    << QStringList {u"auth.secretEnv"_s, u"HERD_TEST_SURELY_UNSET"_s,
                                                    u"not set"_s};
    QTest::newRow("monitor env unset")
        << herd(TwoNodes, R"(, "monitor": {"tokenEnv": "HERD_TEST_SURELY_UNSET"})")
        << QStringList {u"monitor.tokenEnv"_s, u"a token of at least 16 characters"_s, u"not set"_s};
    QTest::newRow("monitor token inline") << herd(TwoNodes, R"(, "monitor": {"token": "0123456789abcdef"})")
                                          << QStringList {u"monitor.token"_s, u"unknown key"_s};
    QTest::newRow("node's monitor not ADDR:PORT") << herd(R"("A": {"port": 1, "monitor": "localhost:9100"})")
                                                  << QStringList {u"nodes.A.monitor"_s, u"ADDR:PORT"_s};
    QTest::newRow("resync not a bool")
        << herd(TwoNodes, R"(, "resync": "yes")") << QStringList {u"resync"_s, u"true or false"_s};
    QTest::newRow("antiEntropyMs -1") << herd(TwoNodes, R"(, "antiEntropyMs": -1)")
                                      << QStringList {u"antiEntropyMs: must be between 0 and 86400000"_s};
    QTest::newRow("antiEntropyMs over a day")
        << herd(TwoNodes, R"(, "antiEntropyMs": 86400001)")
        << QStringList {u"antiEntropyMs: must be between 0 and 86400000"_s};
    QTest::newRow("antiEntropyMs 1.5") << herd(TwoNodes, R"(, "antiEntropyMs": 1.5)")
                                       << QStringList {u"antiEntropyMs: must be a whole number"_s};
    QTest::newRow("antiEntropyMs text") << herd(TwoNodes, R"(, "antiEntropyMs": "5s")")
                                        << QStringList {u"antiEntropyMs: must be a whole number"_s};
    QTest::newRow("unknown protocol")
        << herd(R"("A": {"port": 1, "protocol": "http"})") << QStringList {u"nodes.A.protocol"_s, u"plain"_s};
    QTest::newRow("unknown node key")
        << herd(R"("A": {"port": 1, "colour": 3})") << QStringList {u"nodes.A.colour"_s};
    QTest::newRow("node not an object") << herd(R"("A": 13000)") << QStringList {u"nodes.A"_s};
    QTest::newRow("missing port") << herd(R"("A": {"host": "127.0.0.1"})")
                                  << QStringList {u"nodes.A"_s, u"port"_s};
    QTest::newRow("port 70000") << herd(R"("A": {"port": 70000})")
                                << QStringList {u"nodes.A.port"_s, u"65535"_s};
    QTest::newRow("port -1") << herd(R"("A": {"port": -1})") << QStringList {u"nodes.A.port"_s};
    QTest::newRow("port 'x'") << herd(R"("A": {"port": "x"})") << QStringList {u"nodes.A.port"_s};
    QTest::newRow("port '13000' as text")
        << herd(R"("A": {"port": "13000"})") << QStringList {u"nodes.A.port"_s};
    QTest::newRow("port 1.5") << herd(R"("A": {"port": 1.5})") << QStringList {u"nodes.A.port"_s, u"whole"_s};
    QTest::newRow("host not an IP") << herd(R"("A": {"host": "example.com", "port": 1})")
                                    << QStringList {u"nodes.A.host"_s, u"example.com"_s};
    QTest::newRow("host a number") << herd(R"("A": {"host": 127, "port": 1})")
                                   << QStringList {u"nodes.A.host"_s};
    QTest::newRow("node name with a space")
        << herd(R"("Al ford": {"port": 1})") << QStringList {u"nodes.Al ford"_s};
    QTest::newRow("empty node name") << herd(R"("": {"port": 1})") << QStringList {u"nodes."_s, u"name"_s};
    QTest::newRow("x without y") << herd(R"("A": {"port": 1, "x": 3})")
                                 << QStringList {u"nodes.A"_s, u"\"y\""_s};
    QTest::newRow("empty nodes") << herd("") << QStringList {u"nodes"_s};
    QTest::newRow("no nodes") << QByteArray(R"({"links": []})") << QStringList {u"nodes"_s};
    QTest::newRow("nodes an array") << QByteArray(R"({"nodes": [{"port": 1}]})") << QStringList {u"nodes"_s};
    QTest::newRow("links not an array")
        << herd(TwoNodes, R"(, "links": {"A": "B"})") << QStringList {u"links"_s, u"array"_s};
    QTest::newRow("link not a pair") << herd(TwoNodes, R"(, "links": [["A", "B", "A"]])")
                                     << QStringList {u"links[0]"_s};
    QTest::newRow("link a string") << herd(TwoNodes, R"(, "links": ["A-B"])") << QStringList {u"links[0]"_s};
    QTest::newRow("link to an unknown node") << herd(TwoNodes, R"(, "links": [["A", "B"], ["A", "Zed"]])")
                                             << QStringList {u"links[1]"_s, u"Zed"_s};
    QTest::newRow("self link") << herd(TwoNodes, R"(, "links": [["B", "B"]])")
                               << QStringList {u"links[0]"_s, u"\"B\""_s, u"itself"_s};
    QTest::newRow("duplicate link") << herd(TwoNodes, R"(, "links": [["A", "B"], ["A", "B"]])")
                                    << QStringList {u"links[1]"_s, u"twice"_s};
    QTest::newRow("duplicate link, other order") << herd(TwoNodes, R"(, "links": [["A", "B"], ["B", "A"]])")
                                                 << QStringList {u"links[1]"_s, u"twice"_s};
    QTest::newRow("duplicate host:port")
        << herd(R"("A": {"host": "127.0.0.1", "port": 13000}, "B": {"host": "127.0.0.1", "port": 13000})")
        << QStringList {u"nodes.B"_s, u"127.0.0.1:13000"_s, u"\"A\""_s};
    QTest::newRow("places not an object")
        << herd(TwoNodes, R"(, "places": "offline")") << QStringList {u"places"_s};
    QTest::newRow("bad places source")
        << herd(TwoNodes, R"(, "places": {"source": "bing"})") << QStringList {u"places.source"_s, u"bing"_s};
    QTest::newRow("unknown places key")
        << herd(TwoNodes, R"(, "places": {"source": "offline", "key": "secret"})")
        << QStringList {u"places.key"_s};
    QTest::newRow("geojson without file")
        << herd(TwoNodes, R"(, "places": {"source": "geojson"})") << QStringList {u"places.file"_s};
    QTest::newRow("places url not a string")
        << herd(TwoNodes, R"(, "places": {"source": "google", "url": 5})") << QStringList {u"places.url"_s};
    QTest::newRow("places timeout 0")
        << herd(TwoNodes, R"(, "places": {"timeoutMs": 0})") << QStringList {u"places.timeoutMs"_s};
    QTest::newRow("reconnect initialMs 0")
        << herd(TwoNodes, R"(, "reconnect": {"initialMs": 0})") << QStringList {u"reconnect.initialMs"_s};
    QTest::newRow("reconnect initialMs text") << herd(TwoNodes, R"(, "reconnect": {"initialMs": "fast"})")
                                              << QStringList {u"reconnect.initialMs"_s};
    QTest::newRow("reconnect maxMs below initialMs")
        << herd(TwoNodes, R"(, "reconnect": {"initialMs": 500, "maxMs": 100})")
        << QStringList {u"reconnect.maxMs"_s, u"initialMs"_s};
    QTest::newRow("reconnect maxMs huge")
        << herd(TwoNodes, R"(, "reconnect": {"maxMs": 100000000})") << QStringList {u"reconnect.maxMs"_s};
    QTest::newRow("reconnect unknown key")
        << herd(TwoNodes, R"(, "reconnect": {"delay": 5})") << QStringList {u"reconnect.delay"_s};
    QTest::newRow("reconnect not an object")
        << herd(TwoNodes, R"(, "reconnect": 5)") << QStringList {u"reconnect"_s};
    QTest::newRow("limits maxLineBytes tiny")
        << herd(TwoNodes, R"(, "limits": {"maxLineBytes": 10})") << QStringList {u"limits.maxLineBytes"_s};
    for (const char *bad :
         {R"("maxConnections": 0)", R"("maxConnections": 2.5)", R"("idleTimeoutMs": -1)",
          R"("idleTimeoutMs": "soon")", R"("maxPendingReplyBytes": 10)", R"("maxWhatsatPerConnection": 0)",
          R"("maxWhatsatPerNode": 0)", R"("maxWhatsatPerNode": 1e9)", R"("maxClientTimeAheadMs": -1)",
          R"("maxClientTimeAheadMs": 1.5)", R"("maxClientTimeAheadMs": "5s")",
          R"("maxClientTimeAheadMs": 86400001)"}) {
        const QByteArray entry(bad);
        const QString key = QString::fromLatin1(entry.mid(1, entry.indexOf('"', 1) - 1));
        const QByteArray rest = ", \"limits\": {" + entry + "}";
        // "must be": refused for its value, not as an unknown key.
        QTest::newRow(bad) << herd(TwoNodes, rest.constData())
                           << QStringList {u"limits."_s + key + u": must be"_s};
    }
    QTest::newRow("limits unknown key") << herd(TwoNodes, R"(, "limits": {"maxClients": 5})")
                                        << QStringList {u"limits.maxClients"_s, u"maxConnections"_s};
    // QJsonDocument keeps the last of two equal keys; a herd file may not
    // have any, at any depth.
    QTest::newRow("nodes twice")
        << QByteArray(R"({"nodes": {"A": {"port": 1}}, "nodes": {"B": {"port": 2}}})")
        << QStringList {u"nodes: duplicate key at line 1, column 31 (first at line 1, column 2)"_s};
    QTest::newRow("a node twice") << herd(R"("Alford": {"port": 1}, "Alford": {"port": 2})")
                                  << QStringList {u"nodes.Alford: duplicate key"_s};
    QTest::newRow("a node's key twice")
        << herd(R"("A": {"port": 1, "port": 2})") << QStringList {u"nodes.A.port: duplicate key"_s};
    QTest::newRow("a key twice, one escaped")
        << herd(R"("A": {"port": 1, "p\u006frt": 2})") << QStringList {u"nodes.A.port: duplicate key"_s};
    QTest::newRow("a limit twice") << herd(TwoNodes,
                                           R"(, "limits": {"maxLineBytes": 1024, "maxLineBytes": 2048})")
                                   << QStringList {u"limits.maxLineBytes: duplicate key"_s};
    QTest::newRow("the secret twice")
        << herd(TwoNodes, R"(, "auth": {"secret": "0123456789abcdef", "secret": "fedcba9876543210"})")
        << QStringList {u"auth.secret: duplicate key"_s};
    QTest::newRow("name not a string") << herd(TwoNodes, R"(, "name": 5)") << QStringList {u"name"_s};
    QTest::newRow("not an object") << QByteArray("[1, 2]") << QStringList {u"object"_s};
    QTest::newRow("empty file") << QByteArray("") << QStringList {u"JSON"_s};
}

void TestConfig::fails()
{
    QFETCH(QByteArray, json);
    QFETCH(QStringList, fragments);
    QString error;
    const std::optional<HerdConfig> config = HerdConfig::fromJson(json, &error);
    QVERIFY2(!config, json.constData());
    QVERIFY(!error.isEmpty());
    QVERIFY2(!error.contains(u'\n'), qPrintable(error));
    for (const QString &fragment : fragments)
        QVERIFY2(error.contains(fragment), qPrintable(u"\""_s + fragment + u"\" not in: "_s + error));
    // The null error pointer is allowed.
    QVERIFY(!HerdConfig::fromJson(json, nullptr));
}

void TestConfig::presetNames()
{
    QCOMPARE(HerdConfig::presetNames(), (QStringList {u"alford"_s, u"blake"_s, u"goloman"_s, u"riley"_s}));
    QCOMPARE(HerdConfig::defaultPreset(), u"alford"_s);
    QVERIFY(HerdConfig::presetNames().contains(HerdConfig::defaultPreset()));
}

void TestConfig::presets_data()
{
    QTest::addColumn<QString>("preset");
    QTest::addColumn<QStringList>("nodes");
    QTest::addColumn<QStringList>("links");
    QTest::addColumn<QList<int>>("ports"); // in the order of `nodes`; empty: not fixed by the spec

    QTest::newRow("alford") << u"alford"_s
                            << QStringList {u"Alford"_s, u"Bolden"_s, u"Hamilton"_s, u"Parker"_s, u"Powell"_s}
                            << QStringList {u"Alford-Parker"_s, u"Alford-Powell"_s, u"Bolden-Parker"_s,
                                            u"Bolden-Powell"_s, u"Hamilton-Parker"_s}
                            << QList<int> {13000, 13001, 13002, 13003, 13004};
    QTest::newRow("blake") << u"blake"_s
                           << QStringList {u"Blake"_s, u"Bryant"_s, u"Gasol"_s, u"Howard"_s, u"Metta"_s}
                           << QStringList {u"Blake-Bryant"_s, u"Blake-Howard"_s, u"Gasol-Bryant"_s,
                                           u"Gasol-Howard"_s, u"Metta-Bryant"_s}
                           << QList<int> {};
    QTest::newRow("goloman") << u"goloman"_s
                             << QStringList {u"Goloman"_s, u"Hands"_s, u"Holiday"_s, u"Welsh"_s, u"Wilkes"_s}
                             << QStringList {u"Goloman-Hands"_s, u"Goloman-Holiday"_s, u"Goloman-Wilkes"_s,
                                             u"Hands-Wilkes"_s,  u"Holiday-Welsh"_s,   u"Holiday-Wilkes"_s}
                             << QList<int> {};
    QTest::newRow("riley") << u"riley"_s
                           << QStringList {u"Riley"_s, u"Jaquez"_s, u"Juzang"_s, u"Campbell"_s, u"Bernard"_s}
                           << QStringList {u"Riley-Jaquez"_s,   u"Riley-Juzang"_s,     u"Bernard-Jaquez"_s,
                                           u"Bernard-Juzang"_s, u"Bernard-Campbell"_s, u"Juzang-Campbell"_s}
                           << QList<int> {};
}

void TestConfig::presets()
{
    QFETCH(QString, preset);
    QFETCH(QStringList, nodes);
    QFETCH(QStringList, links);
    QFETCH(QList<int>, ports);
    QString error;
    const std::optional<HerdConfig> config = HerdConfig::preset(preset, &error);
    QVERIFY2(config, qPrintable(error));
    QVERIFY(!config->name.isEmpty());

    QStringList names = config->nodeNames();
    names.sort();
    QStringList expected = nodes;
    expected.sort();
    QCOMPARE(names, expected);
    QCOMPARE(int(config->links.size()), int(links.size()));
    QCOMPARE(linkSet(config->links), linkSet(links));

    QSet<quint16> used;
    for (qsizetype i = 0; i < nodes.size(); ++i) {
        const Herd::NodeConfig *node = config->node(nodes.at(i));
        QVERIFY(node);
        QCOMPARE(node->host, u"127.0.0.1"_s);
        QVERIFY(node->port >= 1024);
        QVERIFY2(!used.contains(node->port), "two nodes share a port");
        used.insert(node->port);
        if (!ports.isEmpty())
            QCOMPARE(int(node->port), ports.at(i));
        QVERIFY2(node->position, "a preset places every node for the GUI");
    }
    // The course's herds all run offline places by default.
    QCOMPARE(config->places.source, PlacesSettings::Source::Offline);
    // Every node can reach every other (the herd is connected).
    QSet<QString> reached {nodes.constFirst()};
    QStringList frontier {nodes.constFirst()};
    while (!frontier.isEmpty()) {
        for (const QString &next : config->neighboursOf(frontier.takeFirst())) {
            if (!reached.contains(next)) {
                reached.insert(next);
                frontier.append(next);
            }
        }
    }
    QCOMPARE(reached.size(), nodes.size());
}

void TestConfig::unknownPreset()
{
    QString error;
    QVERIFY(!HerdConfig::preset(u"nosuch"_s, &error));
    QVERIFY2(error.contains(u"nosuch"_s) && error.contains(u"alford"_s), qPrintable(error));
    QVERIFY(!HerdConfig::preset(u"Alford"_s, &error)); // names are lower case
}

void TestConfig::roundTrip_data()
{
    QTest::addColumn<QByteArray>("json");
    for (const QString &preset : HerdConfig::presetNames()) {
        QFile file(u":/herds/"_s + preset + u".json"_s);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QTest::addRow("preset %s", qPrintable(preset)) << file.readAll();
    }
    QTest::newRow("everything set") << herd(
        R"("A": {"host": "::1", "port": 1, "x": 1.25, "y": -3, "monitor": "[::1]:9100"}, "B": {"host": "localhost", "port": 0}, "C": {"port": 65535})",
        R"(, "name": "Full", "links": [["A", "B"], ["C", "B"]],
                   "places": {"source": "google-new", "url": "http://127.0.0.1:9/p", "timeoutMs": 1234},
                   "limits": {"maxLineBytes": 4096, "maxConnections": 9, "idleTimeoutMs": 500,
                              "maxPendingReplyBytes": 2048, "maxWhatsatPerConnection": 4,
                              "maxWhatsatPerNode": 8, "maxClientTimeAheadMs": 2500},
                   "reconnect": {"initialMs": 7, "maxMs": 70}, "antiEntropyMs": 2500)");
    QTest::newRow("geojson") << herd(R"("A": {"port": 5})",
                                     R"(, "places": {"source": "geojson", "file": "/tmp/p.geojson"})");
    QTest::newRow("auth secret") << herd(R"("A": {"port": 5})",
                                         R"(, "auth": {"secret": "0123456789abcdef"})");
    QTest::newRow("resync off, a plain node")
        << herd(R"("A": {"port": 5}, "B": {"port": 6, "protocol": "plain"})",
                R"(, "links": [["A", "B"]], "resync": false)");
    QTest::newRow("minimal") << herd(R"("A": {"port": 5})");
}

void TestConfig::roundTrip()
{
    QFETCH(QByteArray, json);
    QString error;
    const std::optional<HerdConfig> original = HerdConfig::fromJson(json, &error);
    QVERIFY2(original, qPrintable(error));
    const QByteArray written = original->toJson();
    const std::optional<HerdConfig> again = HerdConfig::fromJson(written, &error);
    QVERIFY2(again, qPrintable(error + u"\n"_s + QString::fromUtf8(written)));
    QString why;
    QVERIFY2(sameConfig(*original, *again, &why),
             qPrintable(why + u" differs in\n"_s + QString::fromUtf8(written)));
    // Writing is stable: a second round gives the same text.
    QCOMPARE(again->toJson(), written);
}

void TestConfig::neighboursAndSettings()
{
    {
        // A secret from the environment is read at load; a save names the
        // variable, never the secret.
        qputenv("HERD_TEST_SECRET", "from the environment, long enough");
        QString why;
        const std::optional<HerdConfig> secured = HerdConfig::fromJson(
            R"({"nodes": {"A": {"port": 1}}, "auth": {"secretEnv": "HERD_TEST_SECRET"}})", &why);
        QVERIFY2(secured, qPrintable(why));
        QCOMPARE(secured->settingsFor(secured->nodes[0]).peerSecret,
                 QByteArray("from the environment, long enough"));
        QVERIFY(!secured->toJson().contains("long enough"));
        QVERIFY(secured->toJson().contains("HERD_TEST_SECRET"));
        qunsetenv("HERD_TEST_SECRET");
        // The monitor's token likewise.
        qputenv("HERD_TEST_TOKEN", "a monitor token, long enough");
        const std::optional<HerdConfig> monitored = HerdConfig::fromJson(
            R"({"nodes": {"A": {"port": 1}}, "monitor": {"tokenEnv": "HERD_TEST_TOKEN"}})", &why);
        QVERIFY2(monitored, qPrintable(why));
        QCOMPARE(monitored->monitorToken, QByteArray("a monitor token, long enough"));
        QVERIFY(!monitored->toJson().contains("long enough"));
        QCOMPARE(HerdConfig::fromJson(monitored->toJson(), &why)->monitorTokenEnv, u"HERD_TEST_TOKEN"_s);
        qunsetenv("HERD_TEST_TOKEN");
    }
    QString error;
    const std::optional<HerdConfig> config = HerdConfig::preset(u"alford"_s, &error);
    QVERIFY2(config, qPrintable(error));
    QStringList parker = config->neighboursOf(u"Parker"_s);
    parker.sort();
    QCOMPARE(parker, (QStringList {u"Alford"_s, u"Bolden"_s, u"Hamilton"_s}));
    QCOMPARE(config->neighboursOf(u"Hamilton"_s), QStringList {u"Parker"_s});
    QVERIFY(config->neighboursOf(u"Nobody"_s).isEmpty());
    QVERIFY(!config->node(u"Nobody"_s));

    HerdConfig tuned = *config;
    tuned.reconnectInitialMs = 20;
    tuned.reconnectMaxMs = 200;
    tuned.maxLineBytes = 999;
    tuned.maxConnections = 7;
    tuned.idleTimeoutMs = 1234;
    tuned.maxPendingReplyBytes = 5555;
    tuned.maxWhatsatPerConnection = 3;
    tuned.maxWhatsatPerNode = 9;
    QCOMPARE(tuned.maxClientTimeAheadMs, qint64(0)); // off unless the herd file says otherwise
    tuned.maxClientTimeAheadMs = 750;
    QVERIFY(tuned.resync); // on unless the herd file says otherwise
    tuned.resync = false;
    tuned.antiEntropyMs = 250;
    const Herd::NodeSettings settings = tuned.settingsFor(*tuned.node(u"Powell"_s));
    QCOMPARE(settings.name, u"Powell"_s);
    QCOMPARE(settings.port, quint16(13004));
    QCOMPARE(settings.host, u"127.0.0.1"_s);
    QCOMPARE(settings.reconnectInitialMs, 20);
    QCOMPARE(settings.reconnectMaxMs, 200);
    QVERIFY(!settings.resync);
    QCOMPARE(settings.antiEntropyMs, 250);
    QCOMPARE(settings.maxLineBytes, qsizetype(999));
    QCOMPARE(settings.maxConnections, 7);
    QCOMPARE(settings.idleTimeoutMs, 1234);
    QCOMPARE(settings.maxPendingReplyBytes, qsizetype(5555));
    QCOMPARE(settings.maxWhatsatPerConnection, 3);
    QCOMPARE(settings.maxWhatsatPerNode, 9);
    QCOMPARE(settings.maxClientTimeAheadMs, qint64(750));
}

void TestConfig::clientTimeAheadLimit_data()
{
    QTest::addColumn<QByteArray>("limits"); // the "limits" object, or empty for none
    QTest::addColumn<qint64>("aheadMs");
    QTest::newRow("absent") << QByteArray() << qint64(0);
    QTest::newRow("other limits only") << QByteArray(R"({"maxLineBytes": 1024})") << qint64(0);
    QTest::newRow("0: off") << QByteArray(R"({"maxClientTimeAheadMs": 0})") << qint64(0);
    QTest::newRow("5 s") << QByteArray(R"({"maxClientTimeAheadMs": 5000})") << qint64(5000);
    QTest::newRow("a day, the most") << QByteArray(R"({"maxClientTimeAheadMs": 86400000})")
                                     << qint64(86'400'000);
}

void TestConfig::clientTimeAheadLimit()
{
    QFETCH(QByteArray, limits);
    QFETCH(qint64, aheadMs);
    const QByteArray rest = limits.isEmpty() ? QByteArray() : ", \"limits\": " + limits;
    QString error;
    const std::optional<HerdConfig> config = HerdConfig::fromJson(herd(TwoNodes, rest.constData()), &error);
    QVERIFY2(config, qPrintable(error));
    QCOMPARE(config->maxClientTimeAheadMs, aheadMs);
    QCOMPARE(config->settingsFor(config->nodes[0]).maxClientTimeAheadMs, aheadMs);
    // Written back only when set, so a course herd file stays as it was.
    QCOMPARE(config->toJson().contains("maxClientTimeAheadMs"), aheadMs != 0);
}

void TestConfig::antiEntropyPeriod_data()
{
    QTest::addColumn<QByteArray>("rest"); // after "nodes"
    QTest::addColumn<int>("periodMs");
    QTest::newRow("absent: 5 s") << QByteArray() << 5000;
    QTest::newRow("0: only when a link comes up") << QByteArray(R"(, "antiEntropyMs": 0)") << 0;
    QTest::newRow("250 ms") << QByteArray(R"(, "antiEntropyMs": 250)") << 250;
    QTest::newRow("a day, the most") << QByteArray(R"(, "antiEntropyMs": 86400000)") << 86'400'000;
}

void TestConfig::antiEntropyPeriod()
{
    QFETCH(QByteArray, rest);
    QFETCH(int, periodMs);
    QString error;
    const std::optional<HerdConfig> config = HerdConfig::fromJson(herd(TwoNodes, rest.constData()), &error);
    QVERIFY2(config, qPrintable(error));
    QCOMPARE(config->antiEntropyMs, periodMs);
    QCOMPARE(config->settingsFor(config->nodes[0]).antiEntropyMs, periodMs);
    // Written back only when not the default.
    QCOMPARE(config->toJson().contains("antiEntropyMs"), periodMs != 5000);
}

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
