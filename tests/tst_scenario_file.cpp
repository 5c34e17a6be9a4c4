// SPDX-License-Identifier: GPL-3.0-or-later
// The scenario file format (docs/scenarios.md): every step kind, timing,
// partition presets worked out on the herd, where the herd comes from, every
// bad file with the exact message naming its step and field, and the labs.

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "herd/partition.h"
#include "herd/scenario/scenario.h"
#include "tests/scenariosupport.h"

using namespace Herd;
using namespace ScenarioSupport;
using namespace Qt::StringLiterals;

using Kind = ScenarioStep::Kind;

class tst_ScenarioFile : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void parsesEveryStepKind();
    void timing();
    void partitionPresets();
    void herdSources();
    void badFiles_data();
    void badFiles();
    void labsParse();

private:
    QTemporaryDir m_dir;
};

void tst_ScenarioFile::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void tst_ScenarioFile::parsesEveryStepKind()
{
    QString error;
    const std::optional<Scenario> scenario = Scenario::fromJson(onAlford(R"(
        {"do": "iamat", "node": "Alford", "client": "kiwi.cs.ucla.edu", "position": "+34.068930-118.445127", "note": "first"},
        {"do": "iamat", "node": "Bolden", "client": "kiwi.cs.ucla.edu", "position": "-33.8688+151.2093", "time": "1621464830.1"},
        {"do": "whatsat", "node": "Parker", "client": "kiwi.cs.ucla.edu", "radius": 10.5, "bound": 5},
        {"do": "whatsat", "node": "Parker", "client": "kiwi.cs.ucla.edu", "radius": 10, "bound": 5, "expect": {"contains": "Bel Air"}},
        {"do": "whatsat", "node": "Parker", "client": "nobody", "radius": 60, "bound": 5, "expect": {"invalid": true}},
        {"do": "kill", "node": "Hamilton"},
        {"do": "restart", "node": "Hamilton"},
        {"do": "cut", "from": "Alford", "to": "Parker"},
        {"do": "restore", "from": "Parker", "to": "Alford", "oneWay": true},
        {"do": "delay", "from": "Bolden", "to": "Powell", "ms": 400, "jitterMs": 100, "oneWay": true},
        {"do": "flaky", "from": "Bolden", "to": "Parker", "meanMs": 500},
        {"do": "skew", "node": "Powell", "ms": -1500},
        {"do": "partition", "preset": "isolate", "node": "Hamilton"},
        {"do": "partition", "groups": [["Alford", "Powell"], ["Bolden", "Parker", "Hamilton"]]},
        {"do": "heal"},
        {"do": "clear"},
        {"do": "wait", "ms": 250},
        {"do": "expect", "holds": {"node": "Powell", "client": "kiwi.cs.ucla.edu"}, "withinMs": 2000},
        {"do": "expect", "holds": {"node": "Powell", "client": "lime", "time": "1700000000"}, "withinMs": 0},
        {"do": "expect", "agree": true, "withinMs": 3000},
        {"do": "expect", "stale": {"node": "Hamilton", "client": "kiwi.cs.ucla.edu"}, "forMs": 1000}
    )"),
                                                                NoDir, &error);
    QVERIFY2(scenario, qPrintable(error));
    QCOMPARE(scenario->name, u"t"_s);
    QCOMPARE(scenario->herdSource, u"built-in \"alford\""_s);
    QCOMPARE(scenario->herd.nodeNames().size(), 5);
    QCOMPARE(scenario->steps.size(), 21);
    QStringList kinds;
    for (const ScenarioStep &step : scenario->steps) {
        if (!kinds.contains(ScenarioStep::kindName(step.kind)))
            kinds.append(ScenarioStep::kindName(step.kind));
    }
    QCOMPARE(kinds, ScenarioStep::kindNames());

    const QList<ScenarioStep> &s = scenario->steps;
    QCOMPARE(s[0].kind, Kind::Iamat);
    QCOMPARE(s[0].node, u"Alford"_s);
    QCOMPARE(s[0].client, QByteArray("kiwi.cs.ucla.edu"));
    QCOMPARE(s[0].position, QByteArray("+34.068930-118.445127"));
    QVERIFY(s[0].time.isEmpty()); // now
    QCOMPARE(s[0].note, u"first"_s);
    QCOMPARE(s[1].time, QByteArray("1621464830.1"));
    QCOMPARE(s[1].timeNs, 1'621'464'830'100'000'000LL);
    QCOMPARE(s[2].radius, QByteArray("10.5"));
    QCOMPARE(s[2].bound, QByteArray("5"));
    QCOMPARE(s[2].reply, ScenarioStep::Reply::Any);
    QVERIFY(!s[2].isCheck());
    QCOMPARE(s[3].reply, ScenarioStep::Reply::Contains);
    QCOMPARE(s[3].replyText, u"Bel Air"_s);
    QVERIFY(s[3].isCheck());
    QCOMPARE(s[4].reply, ScenarioStep::Reply::Invalid);
    QCOMPARE(s[4].radius, QByteArray("60")); // not range-checked: the node's "?" is the point
    QCOMPARE(s[5].kind, Kind::Kill);
    QCOMPARE(s[6].kind, Kind::Restart);
    QCOMPARE(s[7].kind, Kind::Cut);
    QCOMPARE(s[7].from, u"Alford"_s);
    QCOMPARE(s[7].to, u"Parker"_s);
    QVERIFY(!s[7].oneWay);
    QCOMPARE(s[8].kind, Kind::Restore);
    QVERIFY(s[8].oneWay);
    QCOMPARE(s[9].kind, Kind::Delay);
    QCOMPARE(s[9].ms, 400);
    QCOMPARE(s[9].jitterMs, 100);
    QCOMPARE(s[10].kind, Kind::Flaky);
    QCOMPARE(s[10].meanMs, 500);
    QCOMPARE(s[11].kind, Kind::Skew);
    QCOMPARE(s[11].ms, -1500);
    QCOMPARE(s[12].preset, u"isolate"_s);
    QCOMPARE(s[12].node, u"Hamilton"_s);
    QCOMPARE(s[12].links, (QList<std::pair<QString, QString>> {{u"Hamilton"_s, u"Parker"_s}}));
    QCOMPARE(s[13].groups.size(), 2);
    QCOMPARE(s[13].links,
             (QList<std::pair<QString, QString>> {{u"Alford"_s, u"Parker"_s}, {u"Bolden"_s, u"Powell"_s}}));
    QCOMPARE(s[14].kind, Kind::Heal);
    QCOMPARE(s[15].kind, Kind::Clear);
    QCOMPARE(s[16].ms, 250);
    QCOMPARE(s[17].check, ScenarioStep::Check::Holds);
    QVERIFY(s[17].time.isEmpty()); // the newest sent
    QCOMPARE(s[17].windowMs, 2000);
    QCOMPARE(s[18].timeNs, 1'700'000'000'000'000'000LL);
    QCOMPARE(s[18].windowMs, 0);
    QCOMPARE(s[19].check, ScenarioStep::Check::Agree);
    QCOMPARE(s[20].check, ScenarioStep::Check::Stale);
    QCOMPARE(s[20].windowMs, 1000);
    QCOMPARE(scenario->clients(), QList<QByteArray> {"kiwi.cs.ucla.edu"});
}

void tst_ScenarioFile::timing()
{
    const Scenario scenario = parsed(onAlford(R"(
        {"do": "heal"}, {"do": "heal", "at": 500}, {"do": "heal", "after": 250}, {"do": "heal", "at": 500})"));
    QCOMPARE(scenario.steps.size(), 4);
    QCOMPARE(scenario.steps[0].timing, ScenarioStep::Timing::Next);
    QCOMPARE(scenario.steps[1].timing, ScenarioStep::Timing::At);
    QCOMPARE(scenario.steps[1].timingMs, 500);
    QCOMPARE(scenario.steps[2].timing, ScenarioStep::Timing::After);
    QCOMPARE(scenario.steps[2].timingMs, 250);
    QCOMPARE(scenario.steps[3].timingMs, 500);
}

void tst_ScenarioFile::partitionPresets()
{
    // Each preset is worked out on the scenario's herd when the file is read.
    using Links = QList<std::pair<QString, QString>>;
    const Scenario scenario = parsed(onAlford(R"(
        {"do": "partition", "preset": "bridge"},
        {"do": "partition", "preset": "halves"},
        {"do": "partition", "preset": "majorities-ring"})"));
    QCOMPARE(scenario.steps.size(), 3);
    // Parker is the one node whose loss splits Alford's herd.
    QCOMPARE(scenario.steps[0].links,
             (Links {{u"Alford"_s, u"Parker"_s}, {u"Bolden"_s, u"Parker"_s}, {u"Hamilton"_s, u"Parker"_s}}));
    // Hamilton and Parker against the rest.
    QCOMPARE(scenario.steps[1].links, (Links {{u"Alford"_s, u"Parker"_s}, {u"Bolden"_s, u"Parker"_s}}));
    QCOMPARE(scenario.steps[2].links, Partition::majoritiesRing(scenario.herd));
}

void tst_ScenarioFile::herdSources()
{
    // Inline, with the scenario's resync overriding the herd's own switch.
    Scenario inlineHerd =
        parsed(R"({"name": "i", "resync": false, "herd": {"nodes": {"X": {"port": 0}}, "resync": true},
                                     "steps": [{"do": "kill", "node": "X"}]})");
    QCOMPARE(inlineHerd.herdSource, u"inline"_s);
    QCOMPARE(inlineHerd.herd.nodeNames(), QStringList {u"X"_s});
    QCOMPARE(inlineHerd.resync, std::optional<bool>(false));
    QVERIFY(!inlineHerd.herd.resync);

    // A herd file next to the scenario file, found relative to it.
    QVERIFY(QDir(m_dir.path()).mkpath(u"labs/herds"_s));
    QFile herdFile(m_dir.filePath(u"labs/herds/two.json"_s));
    QVERIFY(herdFile.open(QIODevice::WriteOnly));
    herdFile.write(R"({"nodes": {"P": {"port": 0}, "Q": {"port": 0}}, "links": [["P", "Q"]]})");
    herdFile.close();
    QFile scenarioFile(m_dir.filePath(u"labs/s.json"_s));
    QVERIFY(scenarioFile.open(QIODevice::WriteOnly));
    scenarioFile.write(
        R"({"name": "f", "herdFile": "herds/two.json", "steps": [{"do": "cut", "from": "P", "to": "Q"}]})");
    scenarioFile.close();
    QString error;
    const std::optional<Scenario> fromFile = Scenario::fromFile(scenarioFile.fileName(), &error);
    QVERIFY2(fromFile, qPrintable(error));
    QCOMPARE(fromFile->herdSource, u"herds/two.json"_s);
    QCOMPARE(fromFile->herd.links.size(), 1);
    QVERIFY(!fromFile->resync);
    QVERIFY(fromFile->herd.resync); // the herd's own default

    // A file that cannot be read names itself.
    QVERIFY(!Scenario::fromFile(m_dir.filePath(u"none.json"_s), &error));
    QCOMPARE(error, m_dir.filePath(u"none.json"_s) + u": cannot read: No such file or directory"_s);
    // An error inside names the file, then the step.
    QFile bad(m_dir.filePath(u"bad.json"_s));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write(onAlford(R"({"do": "kill", "node": "Hamiltn"})"));
    bad.close();
    QVERIFY(!Scenario::fromFile(bad.fileName(), &error));
    QCOMPARE(
        error,
        bad.fileName()
            + u": step 1 (kill): \"node\": unknown node \"Hamiltn\" (nodes: Alford, Bolden, Hamilton, Parker, Powell)"_s);
}

void tst_ScenarioFile::badFiles_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    const QString nodes = u"(nodes: Alford, Bolden, Hamilton, Parker, Powell)"_s;
    const QString kinds =
        u"iamat, whatsat, kill, restart, cut, restore, delay, flaky, skew, partition, heal, clear, wait, expect"_s;
    const QByteArray kiwi =
        R"({"do": "iamat", "node": "Alford", "client": "kiwi", "position": "+34.068930-118.445127"}, )";
    auto row = [](const char *name, const QByteArray &json, const QString &error) {
        QTest::newRow(name) << json << error;
    };

    // The file as a whole
    row("not JSON", R"({"name": "t",)", u"not valid JSON at line 1, column 14: unterminated object"_s);
    row("not an object", "[]", u"a scenario file must hold a JSON object"_s);
    row("a key twice", R"({"name": "t", "name": "u", "herd": "alford", "steps": [{"do": "heal"}]})",
        u"\"name\": duplicate key at line 1, column 15 (first at line 1, column 2)"_s);
    row("a step's key twice", onAlford(R"({"do": "kill", "node": "Alford", "node": "Parker"})"),
        u"\"steps[0].node\": duplicate key at line 1, column 76 (first at line 1, column 58)"_s);
    row("a node twice in the herd",
        R"({"name": "t", "herd": {"nodes": {"A": {"port": 0}, "A": {"port": 0}}}, "steps": [{"do": "heal"}]})",
        u"\"herd.nodes.A\": duplicate key at line 1, column 52 (first at line 1, column 34)"_s);
    row("unknown top-level key", R"({"name": "t", "herd": "alford", "steps": [{"do": "heal"}], "step": []})",
        u"\"step\": unknown key (expected one of: name, description, herd, herdFile, resync, steps)"_s);
    row("no name", R"({"herd": "alford", "steps": [{"do": "heal"}]})",
        u"\"name\": must be a non-empty string"_s);
    row("description not text",
        R"({"name": "t", "description": 5, "herd": "alford", "steps": [{"do": "heal"}]})",
        u"\"description\": must be a string"_s);
    row("no herd", R"({"name": "t", "steps": [{"do": "heal"}]})",
        u"missing \"herd\" (a built-in herd's name or a herd object) or \"herdFile\""_s);
    row("herd and herdFile",
        R"({"name": "t", "herd": "alford", "herdFile": "h.json", "steps": [{"do": "heal"}]})",
        u"give \"herd\" or \"herdFile\", not both"_s);
    row("unknown built-in herd", R"({"name": "t", "herd": "nosuch", "steps": [{"do": "heal"}]})",
        u"\"herd\": no built-in herd named \"nosuch\" (built-in: alford, blake, goloman, riley)"_s);
    row("herd a number", R"({"name": "t", "herd": 5, "steps": [{"do": "heal"}]})",
        u"\"herd\": must be a built-in herd's name (alford, blake, goloman, riley) or a herd object"_s);
    row("bad inline herd",
        R"({"name": "t", "herd": {"nodes": {"A": {"port": 0, "prot": 1}}}, "steps": [{"do": "heal"}]})",
        u"\"herd\": nodes.A.prot: unknown key (expected one of: host, port, x, y, protocol, run, monitor)"_s);
    row("missing herd file", R"({"name": "t", "herdFile": "nope.json", "steps": [{"do": "heal"}]})",
        u"\"herdFile\": /nonexistent/nope.json: cannot read: No such file or directory"_s);
    row("resync not a switch",
        R"({"name": "t", "herd": "alford", "resync": "yes", "steps": [{"do": "heal"}]})",
        u"\"resync\": must be true or false"_s);
    row("no steps", R"({"name": "t", "herd": "alford", "steps": []})",
        u"\"steps\": must be a non-empty array of steps like {\"do\": \"kill\", \"node\": \"Alford\"}"_s);

    // Any step
    row("step not an object", onAlford(R"("kill")"),
        u"step 1: must be an object like {\"do\": \"kill\", \"node\": \"Alford\"}"_s);
    row("no do", onAlford(R"({"node": "Alford"})"), u"step 1: missing \"do\" (one of: "_s + kinds + u')');
    row("unknown do", onAlford(R"({"do": "heal"}, {"do": "explode"})"),
        u"step 2: \"do\": unknown step kind \"explode\" (expected one of: "_s + kinds + u')');
    row("unknown key", onAlford(R"({"do": "kill", "nod": "Alford"})"),
        u"step 1 (kill): \"nod\": unknown key (expected one of: do, node, at, after, note)"_s);
    row("at and after", onAlford(R"({"do": "heal", "at": 5, "after": 5})"),
        u"step 1 (heal): give \"at\" or \"after\", not both"_s);
    row("at going back", onAlford(R"({"do": "heal", "at": 500}, {"do": "heal", "at": 100})"),
        u"step 2 (heal): \"at\": 100 ms is before an earlier step's \"at\" (500 ms)"_s);
    row("negative after", onAlford(R"({"do": "heal", "after": -1})"),
        u"step 1 (heal): \"after\": must be a whole number from 0 to 3600000"_s);
    row("note not text", onAlford(R"({"do": "heal", "note": 5})"),
        u"step 1 (heal): \"note\": must be a non-empty string (text for the report)"_s);

    // Nodes and links
    row("unknown node", onAlford(R"({"do": "kill", "node": "Hamiltn"})"),
        u"step 1 (kill): \"node\": unknown node \"Hamiltn\" "_s + nodes);
    row("missing node", onAlford(R"({"do": "restart"})"),
        u"step 1 (restart): \"node\": missing (a node name)"_s);
    row("node not text", onAlford(R"({"do": "kill", "node": 3})"),
        u"step 1 (kill): \"node\": must be a non-empty string (a node name)"_s);
    row("cut to unknown node",
        onAlford(
            R"({"do": "heal"}, {"do": "heal"}, {"do": "heal"}, {"do": "cut", "from": "Alford", "to": "Hamiltn"})"),
        u"step 4 (cut): \"to\": unknown node \"Hamiltn\" "_s + nodes);
    row("cut without a link", onAlford(R"({"do": "cut", "from": "Alford", "to": "Hamilton"})"),
        u"step 1 (cut): \"to\": Alford and Hamilton are not linked (Alford's neighbours: Parker, Powell)"_s);
    row("restore without from", onAlford(R"({"do": "restore", "to": "Parker"})"),
        u"step 1 (restore): \"from\": missing (a node name)"_s);
    row("oneWay not a switch",
        onAlford(R"({"do": "cut", "from": "Alford", "to": "Parker", "oneWay": "yes"})"),
        u"step 1 (cut): \"oneWay\": must be true or false"_s);
    row("delay too long", onAlford(R"({"do": "delay", "from": "Alford", "to": "Parker", "ms": 70000})"),
        u"step 1 (delay): \"ms\": must be a whole number from 0 to 60000"_s);
    row("delay without ms", onAlford(R"({"do": "delay", "from": "Alford", "to": "Parker"})"),
        u"step 1 (delay): \"ms\": missing (a whole number from 0 to 60000)"_s);
    row("jitter fractional",
        onAlford(R"({"do": "delay", "from": "Alford", "to": "Parker", "ms": 10, "jitterMs": 2.5})"),
        u"step 1 (delay): \"jitterMs\": must be a whole number from 0 to 60000"_s);
    row("flaky without meanMs", onAlford(R"({"do": "flaky", "from": "Alford", "to": "Parker"})"),
        u"step 1 (flaky): \"meanMs\": missing (a whole number from 0 to 3600000)"_s);
    row("skew without ms", onAlford(R"({"do": "skew", "node": "Alford"})"),
        u"step 1 (skew): \"ms\": missing (a whole number from -86400000 to 86400000)"_s);
    row("wait as text", onAlford(R"({"do": "wait", "ms": "500"})"),
        u"step 1 (wait): \"ms\": must be a whole number from 0 to 3600000"_s);
    row("heal with a node", onAlford(R"({"do": "heal", "node": "Alford"})"),
        u"step 1 (heal): \"node\": unknown key (expected one of: do, at, after, note)"_s);

    // Partitions
    row("partition unknown preset", onAlford(R"({"do": "partition", "preset": "thirds"})"),
        u"step 1 (partition): \"preset\": unknown preset \"thirds\" (expected one of: isolate, halves, bridge, majorities-ring)"_s);
    row("isolate without node", onAlford(R"({"do": "partition", "preset": "isolate"})"),
        u"step 1 (partition): \"node\": missing (a node name)"_s);
    row("halves with a node", onAlford(R"({"do": "partition", "preset": "halves", "node": "Alford"})"),
        u"step 1 (partition): \"node\": goes with \"preset\": \"isolate\" only"_s);
    row("bridge without a bridge node",
        R"({"name": "t", "herd": {"name": "ring", "nodes": {"A": {"port": 0}, "B": {"port": 0}, "C": {"port": 0}},
            "links": [["A", "B"], ["B", "C"], ["C", "A"]]}, "steps": [{"do": "partition", "preset": "bridge"}]})",
        u"step 1 (partition): \"preset\": partition \"bridge\": herd \"ring\" has no bridge node: removing any one node leaves the others connected"_s);
    row("isolate unknown node", onAlford(R"({"do": "partition", "preset": "isolate", "node": "Nobody"})"),
        u"step 1 (partition): \"node\": unknown node \"Nobody\" "_s + nodes);
    row("preset and groups", onAlford(R"({"do": "partition", "preset": "halves", "groups": [["Alford"]]})"),
        u"step 1 (partition): give \"preset\" (isolate, halves, bridge, majorities-ring) or \"groups\", not both"_s);
    row("groups with node", onAlford(R"({"do": "partition", "groups": [["Alford"]], "node": "Alford"})"),
        u"step 1 (partition): \"node\": goes with \"preset\": \"isolate\", not \"groups\""_s);
    row("groups empty", onAlford(R"({"do": "partition", "groups": []})"),
        u"step 1 (partition): \"groups\": must be an array of groups of node names, like [[\"Alford\", \"Parker\"], [\"Bolden\"]]"_s);
    row("group empty", onAlford(R"({"do": "partition", "groups": [["Alford"], []]})"),
        u"step 1 (partition): \"groups[1]\": must be a non-empty array of node names"_s);
    row("group unknown node", onAlford(R"({"do": "partition", "groups": [["Alford"], ["Nobody"]]})"),
        u"step 1 (partition): \"groups[1][0]\": unknown node \"Nobody\" "_s + nodes);
    row("node in two groups",
        onAlford(R"({"do": "partition", "groups": [["Alford", "Parker"], ["Parker"]]})"),
        u"step 1 (partition): \"groups[1][0]\": \"Parker\" is in groups[0] already"_s);

    // Clients
    row("position out of range",
        onAlford(R"({"do": "iamat", "node": "Alford", "client": "kiwi", "position": "+34.0-200.0"})"),
        u"step 1 (iamat): \"position\": \"+34.0-200.0\" is not an ISO 6709 position like \"+34.068930-118.445127\" (longitude out of -180..180)"_s);
    row("position without signs",
        onAlford(R"({"do": "iamat", "node": "Alford", "client": "kiwi", "position": "34.0,118.0"})"),
        u"step 1 (iamat): \"position\": \"34.0,118.0\" is not an ISO 6709 position like \"+34.068930-118.445127\""_s);
    row("bad time",
        onAlford(
            R"({"do": "iamat", "node": "Alford", "client": "kiwi", "position": "+34-118", "time": "yesterday"})"),
        u"step 1 (iamat): \"time\": \"yesterday\" is not POSIX seconds like \"1621464827.959498503\""_s);
    row("client with a space",
        onAlford(R"({"do": "iamat", "node": "Alford", "client": "kiwi fruit", "position": "+34-118"})"),
        u"step 1 (iamat): \"client\": \"kiwi fruit\" contains white space, which would split it into two fields"_s);
    row("iamat without position", onAlford(R"({"do": "iamat", "node": "Alford", "client": "kiwi"})"),
        u"step 1 (iamat): \"position\": missing (ISO 6709, like \"+34.068930-118.445127\")"_s);
    row("radius as text",
        onAlford(R"({"do": "whatsat", "node": "Alford", "client": "kiwi", "radius": "10", "bound": 5})"),
        u"step 1 (whatsat): \"radius\": must be a number (kilometres, like 10)"_s);
    row("whatsat without bound",
        onAlford(R"({"do": "whatsat", "node": "Alford", "client": "kiwi", "radius": 10})"),
        u"step 1 (whatsat): \"bound\": missing (at most this many places, like 5)"_s);
    row("whatsat expect both",
        onAlford(
            R"({"do": "whatsat", "node": "Alford", "client": "kiwi", "radius": 10, "bound": 5, "expect": {"contains": "x", "invalid": true}})"),
        u"step 1 (whatsat): \"expect\": give one of \"contains\" or \"invalid\""_s);
    row("whatsat expect unknown key",
        onAlford(
            R"({"do": "whatsat", "node": "Alford", "client": "kiwi", "radius": 10, "bound": 5, "expect": {"contain": "x"}})"),
        u"step 1 (whatsat): \"expect.contain\": unknown key (expected one of: contains, invalid)"_s);
    row("whatsat invalid false",
        onAlford(
            R"({"do": "whatsat", "node": "Alford", "client": "kiwi", "radius": 10, "bound": 5, "expect": {"invalid": false}})"),
        u"step 1 (whatsat): \"expect.invalid\": must be true (the node answers \"? ...\")"_s);

    // Expectations
    row("expect nothing", onAlford(kiwi + R"({"do": "expect", "withinMs": 5})"),
        u"step 2 (expect): give exactly one of \"holds\", \"agree\" or \"stale\""_s);
    row("expect two things",
        onAlford(
            kiwi
            + R"({"do": "expect", "agree": true, "holds": {"node": "Alford", "client": "kiwi"}, "withinMs": 5})"),
        u"step 2 (expect): give exactly one of \"holds\", \"agree\" or \"stale\""_s);
    row("holds unknown node",
        onAlford(kiwi + R"({"do": "expect", "holds": {"node": "Nobody", "client": "kiwi"}, "withinMs": 5})"),
        u"step 2 (expect): \"holds.node\": unknown node \"Nobody\" "_s + nodes);
    row("holds unknown key",
        onAlford(
            kiwi
            + R"({"do": "expect", "holds": {"node": "Alford", "client": "kiwi", "tme": "1"}, "withinMs": 5})"),
        u"step 2 (expect): \"holds.tme\": unknown key (expected one of: node, client, time)"_s);
    row("holds not an object", onAlford(kiwi + R"({"do": "expect", "holds": "Alford", "withinMs": 5})"),
        u"step 2 (expect): \"holds\": must be an object like {\"node\": \"Bolden\", \"client\": \"kiwi.cs.ucla.edu\"}"_s);
    row("holds a client never sent",
        onAlford(R"({"do": "expect", "holds": {"node": "Alford", "client": "kiwi"}, "withinMs": 5})"),
        u"step 1 (expect): \"holds.client\": no earlier iamat step reports \"kiwi\", so it has no newest time (give \"time\")"_s);
    row("holds a bad time",
        onAlford(
            kiwi
            + R"({"do": "expect", "holds": {"node": "Alford", "client": "kiwi", "time": "soon"}, "withinMs": 5})"),
        u"step 2 (expect): \"holds.time\": \"soon\" is not POSIX seconds like \"1621464827.959498503\""_s);
    row("holds without withinMs",
        onAlford(kiwi + R"({"do": "expect", "holds": {"node": "Alford", "client": "kiwi"}})"),
        u"step 2 (expect): \"withinMs\": missing (a whole number from 0 to 3600000)"_s);
    row("holds with forMs",
        onAlford(kiwi + R"({"do": "expect", "holds": {"node": "Alford", "client": "kiwi"}, "forMs": 5})"),
        u"step 2 (expect): \"forMs\": goes with \"stale\"; \"holds\" and \"agree\" wait \"withinMs\""_s);
    row("agree false", onAlford(kiwi + R"({"do": "expect", "agree": false, "withinMs": 5})"),
        u"step 2 (expect): \"agree\": must be true"_s);
    row("agree on nothing", onAlford(R"({"do": "expect", "agree": true, "withinMs": 5})"),
        u"step 1 (expect): \"agree\": no earlier iamat step reports a client, so there is nothing to agree on"_s);
    row("stale with withinMs",
        onAlford(kiwi + R"({"do": "expect", "stale": {"node": "Alford", "client": "kiwi"}, "withinMs": 5})"),
        u"step 2 (expect): \"withinMs\": goes with \"holds\" and \"agree\"; \"stale\" lasts \"forMs\""_s);
    row("stale with time",
        onAlford(
            kiwi
            + R"({"do": "expect", "stale": {"node": "Alford", "client": "kiwi", "time": "1"}, "forMs": 5})"),
        u"step 2 (expect): \"stale.time\": unknown key (expected one of: node, client)"_s);
    row("stale a client never sent",
        onAlford(kiwi + R"({"do": "expect", "stale": {"node": "Alford", "client": "lime"}, "forMs": 5})"),
        u"step 2 (expect): \"stale.client\": no earlier iamat step reports \"lime\", so it has no newest time"_s);
    row("stale for zero",
        onAlford(kiwi + R"({"do": "expect", "stale": {"node": "Alford", "client": "kiwi"}, "forMs": 0})"),
        u"step 2 (expect): \"forMs\": must be a whole number from 1 to 3600000"_s);
}

void tst_ScenarioFile::badFiles()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    QString message;
    QVERIFY(!Scenario::fromJson(json, u"/nonexistent"_s, &message));
    QCOMPARE(message, error);
}

void tst_ScenarioFile::labsParse()
{
    const QStringList labs = Scenario::labNames();
    for (const char *name : {"flood-path", "node-down-and-back", "partition-without-resync",
                             "partition-with-resync", "flood-storm"})
        QVERIFY2(labs.contains(QString::fromLatin1(name)), name);
    for (const QString &name : labs) {
        QString error;
        const std::optional<Scenario> lab = Scenario::lab(name, &error);
        QVERIFY2(lab, qPrintable(error));
        QCOMPARE(lab->name, name);
        QVERIFY2(lab->description.size() > 100, qPrintable(name)); // a lab teaches
        bool checks = false;
        for (const ScenarioStep &step : lab->steps)
            checks = checks || step.isCheck();
        QVERIFY2(checks, qPrintable(name));
    }
    QCOMPARE(Scenario::lab(u"partition-without-resync"_s, nullptr)->herd.resync, false);
    QCOMPARE(Scenario::lab(u"partition-with-resync"_s, nullptr)->herd.resync, true);
    QString error;
    QVERIFY(!Scenario::lab(u"nosuch"_s, &error));
    QVERIFY2(error.startsWith(u"no lab named \"nosuch\" (labs: "_s), qPrintable(error));
}

QTEST_GUILESS_MAIN(tst_ScenarioFile)
#include "tst_scenario_file.moc"
