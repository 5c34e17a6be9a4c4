// Scenarios: the file format (every step kind, and every bad file with the
// exact message naming its step and field), the runner against a real herd
// on loopback (passing, failing, paused and stepped), the report, and the
// `herd --scenario` command with its exit codes. Waits are bounded and on
// signals; none is a sleep.

#include <QtTest>

#include <QJsonDocument>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>

#include "herd/wire/clock.h"
#include "herd/cluster.h"
#include "tests/herdfixture.h"
#include "herd/node/node.h"
#include "herd/partition.h"
#include "tests/processsupport.h"
#include "herd/wire/protocol.h"
#include "herd/scenario/scenario.h"
#include "herd/scenario/scenarioreport.h"
#include "herd/scenario/scenariorunner.h"

using namespace Herd;
using namespace Herd::Test;
using namespace Qt::StringLiterals;

namespace {

constexpr int Timeout = 15'000; // ms, for any one wait

using Kind = ScenarioStep::Kind;

// A scenario on the built-in Alford herd with these steps (JSON text).
QByteArray onAlford(const QByteArray &steps)
{
    return R"({"name": "t", "herd": "alford", "steps": [)" + steps + "]}";
}

// The three-node chain A - B - C, inline, as the fixture runs it.
constexpr auto ChainHerd = R"({"nodes": {"A": {"port": 0}, "B": {"port": 0}, "C": {"port": 0}},
                              "links": [["A", "B"], ["B", "C"]], "reconnect": {"initialMs": 10, "maxMs": 100}})";

QByteArray onChain(const QByteArray &steps)
{
    return R"({"name": "chain", "description": "A test.", "herd": )" + QByteArray(ChainHerd)
        + R"(, "steps": [)" + steps + "]}";
}

Scenario parsed(const QByteArray &json)
{
    QString error;
    std::optional<Scenario> scenario = Scenario::fromJson(json, QDir::tempPath(), &error);
    if (!scenario)
        qWarning("%s", qPrintable(error));
    return scenario.value_or(Scenario{});
}

struct Run
{
    bool finished = false;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run runHerd(const QStringList &arguments,
            const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(ProcessSupport::herdBinary(), arguments);
    Run run;
    if (!process.waitForStarted(Timeout))
        return run;
    run.finished = process.waitForFinished(Timeout);
    if (!run.finished) {
        process.kill();
        process.waitForFinished(Timeout);
    }
    run.exitCode = process.exitCode();
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

// Records what a runner announces, in order.
class Recorder final : public QObject
{
    Q_OBJECT

public:
    explicit Recorder(ScenarioRunner *runner)
    {
        connect(runner, &ScenarioRunner::stepStarted, this,
                [this](int i) { order.append(u"S"_s + QString::number(i)); });
        connect(runner, &ScenarioRunner::stepFinished, this, [this](int i, const StepResult &result) {
            order.append(u"F"_s + QString::number(i));
            results.append(result);
        });
        connect(runner, &ScenarioRunner::pausedChanged, this, [this](bool paused) { pauses.append(paused); });
        connect(runner, &ScenarioRunner::finished, this, [this](bool passed) { verdict = passed; });
    }

    QStringList order;
    QList<StepResult> results;
    QList<bool> pauses;
    std::optional<bool> verdict;
};

} // namespace

class TestScenario : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    // The format
    void parsesEveryStepKind();
    void timing();
    void partitionPresets();
    void herdSources();
    void badFiles_data();
    void badFiles();
    void labsParse();

    // The runner
    void runnerPasses();
    void falseExpectationFails();
    void staleExpectationBroken();
    void actionThatCannotBeDoneFails();
    void stepPausesAndResumes();
    void pauseHoldsTheNextStep();

    // The report
    void report();

    // herd --scenario
    void cliExitCodes();
    void cliNeverOpensAWindow();
    void cliLogsAndVerbose();

private:
    std::unique_ptr<HerdFixture> startChain();
    QTemporaryDir m_dir;
};

void TestScenario::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFileInfo(ProcessSupport::herdBinary()).isExecutable(), qPrintable(ProcessSupport::herdBinary()));
}

void TestScenario::parsesEveryStepKind()
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
                                                                QDir::tempPath(), &error);
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
    QCOMPARE(s[12].links, (QList<std::pair<QString, QString>>{{u"Hamilton"_s, u"Parker"_s}}));
    QCOMPARE(s[13].groups.size(), 2);
    QCOMPARE(s[13].links,
             (QList<std::pair<QString, QString>>{{u"Alford"_s, u"Parker"_s}, {u"Bolden"_s, u"Powell"_s}}));
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
    QCOMPARE(scenario->clients(), QList<QByteArray>{"kiwi.cs.ucla.edu"});
}

void TestScenario::timing()
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

void TestScenario::partitionPresets()
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
             (Links{{u"Alford"_s, u"Parker"_s}, {u"Bolden"_s, u"Parker"_s}, {u"Hamilton"_s, u"Parker"_s}}));
    // Hamilton and Parker against the rest.
    QCOMPARE(scenario.steps[1].links, (Links{{u"Alford"_s, u"Parker"_s}, {u"Bolden"_s, u"Parker"_s}}));
    QCOMPARE(scenario.steps[2].links, Partition::majoritiesRing(scenario.herd));
}

void TestScenario::herdSources()
{
    // Inline, with the scenario's resync overriding the herd's own switch.
    Scenario inlineHerd
        = parsed(R"({"name": "i", "resync": false, "herd": {"nodes": {"X": {"port": 0}}, "resync": true},
                                     "steps": [{"do": "kill", "node": "X"}]})");
    QCOMPARE(inlineHerd.herdSource, u"inline"_s);
    QCOMPARE(inlineHerd.herd.nodeNames(), QStringList{u"X"_s});
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

void TestScenario::badFiles_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    const QString nodes = u"(nodes: Alford, Bolden, Hamilton, Parker, Powell)"_s;
    const QString kinds
        = u"iamat, whatsat, kill, restart, cut, restore, delay, flaky, skew, partition, heal, clear, wait, expect"_s;
    const QByteArray kiwi
        = R"({"do": "iamat", "node": "Alford", "client": "kiwi", "position": "+34.068930-118.445127"}, )";
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
        u"\"herd\": nodes.A.prot: unknown key (expected one of: host, port, x, y, protocol)"_s);
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

void TestScenario::badFiles()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    QString message;
    QVERIFY(!Scenario::fromJson(json, u"/nonexistent"_s, &message));
    QCOMPARE(message, error);
}

void TestScenario::labsParse()
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

std::unique_ptr<HerdFixture> TestScenario::startChain()
{
    auto herd = std::make_unique<HerdFixture>();
    std::optional<HerdConfig> config = HerdConfig::fromJson(ChainHerd, nullptr);
    QString error;
    if (!config || !herd->start(*config, &error)) {
        qWarning("%s", qPrintable(error));
        return nullptr;
    }
    return herd;
}

void TestScenario::runnerPasses()
{
    const std::unique_ptr<HerdFixture> herd = startChain();
    QVERIFY(herd);
    const Scenario scenario = parsed(onChain(R"(
        {"do": "iamat", "node": "A", "client": "kiwi", "position": "+34.068930-118.445127"},
        {"do": "expect", "holds": {"node": "C", "client": "kiwi"}, "withinMs": 5000},
        {"do": "whatsat", "node": "C", "client": "kiwi", "radius": 10, "bound": 2, "expect": {"contains": "AT A "}},
        {"do": "whatsat", "node": "B", "client": "nobody", "radius": 10, "bound": 2, "expect": {"invalid": true}},
        {"do": "whatsat", "node": "A", "client": "kiwi", "radius": 60, "bound": 2, "expect": {"invalid": true}},
        {"do": "cut", "from": "A", "to": "B"},
        {"do": "iamat", "node": "A", "client": "kiwi", "position": "+34.1-118.4", "time": "1999999999.5"},
        {"do": "expect", "stale": {"node": "B", "client": "kiwi"}, "forMs": 200},
        {"do": "restore", "from": "A", "to": "B"},
        {"do": "iamat", "node": "B", "client": "kiwi", "position": "+34.2-118.4", "time": "2000000000"},
        {"do": "expect", "agree": true, "withinMs": 5000},
        {"do": "kill", "node": "C"},
        {"do": "restart", "node": "C", "after": 20},
        {"do": "partition", "groups": [["A"], ["B", "C"]]},
        {"do": "heal"},
        {"do": "delay", "from": "A", "to": "B", "ms": 30, "oneWay": true},
        {"do": "clear"},
        {"do": "wait", "ms": 30},
        {"do": "skew", "node": "A", "ms": 5000},
        {"do": "iamat", "node": "A", "client": "lime", "position": "+34-118"},
        {"do": "iamat", "node": "B", "client": "lime", "position": "+35-118"},
        {"do": "expect", "holds": {"node": "C", "client": "lime"}, "withinMs": 5000},
        {"do": "flaky", "from": "B", "to": "C", "meanMs": 1000},
        {"do": "delay", "from": "B", "to": "C", "ms": 10, "jitterMs": 5},
        {"do": "partition", "preset": "bridge"},
        {"do": "clear"}
    )"));
    QCOMPARE(scenario.steps.size(), 26);
    QVERIFY(herd->waitForLinks());

    ScenarioRunner runner(scenario, herd->cluster());
    Recorder recorder(&runner);
    QSignalSpy started(&runner, &ScenarioRunner::started);
    QSignalSpy finished(&runner, &ScenarioRunner::finished);
    runner.start();
    QCOMPARE(recorder.order.size(), 0); // nothing happens inside start()
    QVERIFY(finished.wait(Timeout * 2));
    QCOMPARE(started.size(), 1);
    QCOMPARE(started.constFirst().constFirst().toStringList(), QStringList()); // every link was up
    QStringList report;
    for (int i = 0; i < recorder.results.size(); ++i)
        report.append(QString::number(i + 1) + u": "_s
                      + (recorder.results[i].passed ? u"ok "_s : u"FAILED "_s) + recorder.results[i].outcome);
    QVERIFY2(recorder.verdict == true, qPrintable(report.join(u'\n')));
    QVERIFY(runner.passed());
    QVERIFY(runner.isFinished());
    QCOMPARE(recorder.results.size(), 26);
    QCOMPARE(recorder.order.size(), 52);
    for (int i = 0; i < 26; ++i) {
        QCOMPARE(recorder.order[2 * i], u"S"_s + QString::number(i));
        QCOMPARE(recorder.order[2 * i + 1], u"F"_s + QString::number(i));
    }

    const QList<StepResult> &r = recorder.results;
    QVERIFY2(QRegularExpression(
                 u"^answered AT A [+-]\\d+\\.\\d{9} kiwi \\+34\\.068930-118\\.445127 \\d+\\.\\d{9}$"_s)
                 .match(r[0].outcome)
                 .hasMatch(),
             qPrintable(r[0].outcome));
    QVERIFY2(QRegularExpression(u"^held after \\d+ ms$"_s).match(r[1].outcome).hasMatch(),
             qPrintable(r[1].outcome));
    QVERIFY2(r[2].outcome.startsWith(u"the reply contains \"AT A \": answered AT A "_s),
             qPrintable(r[2].outcome));
    QVERIFY2(r[2].outcome.contains(u"bytes of places JSON"_s), qPrintable(r[2].outcome));
    QCOMPARE(r[3].outcome, u"answered ? WHATSAT nobody 10 2"_s);
    QCOMPARE(r[4].outcome, u"answered ? WHATSAT kiwi 60 2"_s);
    QCOMPARE(r[5].outcome, u"cut"_s);
    QVERIFY2(r[6].outcome.endsWith(u" kiwi +34.1-118.4 1999999999.5"_s), qPrintable(r[6].outcome));
    QVERIFY2(r[7].outcome.startsWith(u"stale for "_s), qPrintable(r[7].outcome));
    QVERIFY2(r[7].outcome.contains(u", not the newest 1999999999.5"_s), qPrintable(r[7].outcome));
    QVERIFY(r[7].elapsedMs >= 200);
    QCOMPARE(r[8].outcome, u"restored"_s);
    QVERIFY2(r[10].outcome.startsWith(u"held after "_s), qPrintable(r[10].outcome));
    QCOMPARE(r[11].outcome, u"killed"_s);
    QCOMPARE(r[12].outcome, u"listening again on 127.0.0.1:"_s + QString::number(herd->port(u"C"_s)));
    QVERIFY(r[12].startedMs >= r[11].startedMs + 20); // "after": 20
    QCOMPARE(r[13].outcome, u"cut A-B"_s);
    QCOMPARE(r[14].outcome, u"every cut link restored"_s);
    QCOMPARE(r[15].outcome, u"delayed 30 ms"_s);
    QCOMPARE(r[16].outcome, u"every fault cleared"_s);
    QVERIFY(r[17].elapsedMs >= 30);
    QCOMPARE(r[18].outcome, u"A's clock is +5000 ms off"_s);
    // "now" is the node's own clock: A's AT diff is tiny although its clock
    // runs 5 s ahead, and B's later report is older by client time, so the
    // herd keeps A's.
    const QRegularExpressionMatch skewed
        = QRegularExpression(u"^answered AT A \\+0\\.\\d{9} lime \\+34-118 (\\d+\\.\\d{9})$"_s)
              .match(r[19].outcome);
    QVERIFY2(skewed.hasMatch(), qPrintable(r[19].outcome));
    qint64 sentNs = 0;
    QVERIFY(parseTime(skewed.captured(1).toLatin1(), &sentNs));
    QVERIFY2(sentNs > wallClockNs() + 2'000'000'000LL, qPrintable(skewed.captured(1))); // about 5 s ahead
    qint64 laterNs = 0;
    QVERIFY(parseTime(r[20].outcome.section(u' ', -1).toLatin1(), &laterNs));
    QVERIFY2(laterNs < sentNs, qPrintable(r[20].outcome));
    QVERIFY2(r[21].outcome.startsWith(u"held after "_s), qPrintable(r[21].outcome));
    for (const QString &name : {u"A"_s, u"B"_s, u"C"_s})
        QCOMPARE(herd->node(name)->store().find("lime")->timeNs, sentNs);
    QCOMPARE(r[22].outcome, u"flaky, about 1000 ms up at a time"_s);
    QCOMPARE(r[23].outcome, u"delayed 10 ms +-5 ms"_s);
    QCOMPARE(r[24].outcome, u"cut A-B, B-C"_s);
    QCOMPARE(r[25].outcome, u"every fault cleared"_s);

    // The herd really went through it: B holds the newest, the restarted C
    // came back empty, and no fault is left.
    QCOMPARE(herd->node(u"B"_s)->store().find("kiwi")->timeNs, 2'000'000'000'000'000'000LL);
    QVERIFY(herd->node(u"C"_s)->isRunning());
    for (const auto &[from, to] :
         {std::pair{u"A"_s, u"B"_s}, std::pair{u"B"_s, u"C"_s}, std::pair{u"C"_s, u"B"_s}}) {
        QVERIFY(!herd->cluster()->isLinkCut(from, to));
        QCOMPARE(herd->cluster()->linkDelay(from, to), 0);
        QCOMPARE(herd->cluster()->linkJitter(from, to), 0);
        QCOMPARE(herd->cluster()->linkFlaky(from, to), 0);
    }
    QCOMPARE(herd->cluster()->clockSkew(u"A"_s), 0);
}

void TestScenario::falseExpectationFails()
{
    const std::unique_ptr<HerdFixture> herd = startChain();
    QVERIFY(herd);
    const Scenario scenario = parsed(onChain(R"(
        {"do": "iamat", "node": "A", "client": "kiwi", "position": "+34-118", "time": "1700000000.5"},
        {"do": "expect", "holds": {"node": "B", "client": "kiwi", "time": "1700000000.25"}, "withinMs": 300},
        {"do": "expect", "agree": true, "withinMs": 5000},
        {"do": "expect", "holds": {"node": "C", "client": "lime", "time": "1700000000"}, "withinMs": 0}
    )"));
    ScenarioRunner runner(scenario, herd->cluster());
    Recorder recorder(&runner);
    QSignalSpy finished(&runner, &ScenarioRunner::finished);
    runner.start();
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(finished.constFirst().constFirst().toBool(), false);
    QVERIFY(!runner.passed());
    QCOMPARE(recorder.results.size(), 4);
    QVERIFY(recorder.results[0].passed);
    const StepResult &wrong = recorder.results[1];
    QVERIFY(!wrong.passed);
    QVERIFY2(QRegularExpression(
                 u"^B holds kiwi from 1700000000\\.5 \\(expected 1700000000\\.25\\) after \\d+ ms$"_s)
                 .match(wrong.outcome)
                 .hasMatch(),
             qPrintable(wrong.outcome));
    QVERIFY2(wrong.elapsedMs >= 300, qPrintable(QString::number(wrong.elapsedMs)));
    QVERIFY(recorder.results[2].passed); // a failure does not stop the run
    QCOMPARE(recorder.results[3].outcome, u"C holds nothing for lime (expected 1700000000) after 0 ms"_s);

    ScenarioReport report(scenario, herd->cluster()->config());
    for (int i = 0; i < recorder.results.size(); ++i)
        report.stepLine(i, recorder.results[i]);
    const QString summary = report.summary(runner.clockMs());
    QVERIFY2(summary.contains(u"; 1 of 3 expectation(s) held, 2 failed; every action done.\nFailed:\n"_s),
             qPrintable(summary));
    QVERIFY2(
        summary.contains(
            u"2. expect B holds kiwi from 1700000000.25 within 300 ms: FAILED: B holds kiwi from 1700000000.5 (expected 1700000000.25) after "_s),
        qPrintable(summary));
    QVERIFY2(summary.contains(
                 u"4. expect C holds lime from 1700000000 within 0 ms: FAILED: C holds nothing for lime"_s),
             qPrintable(summary));
    QVERIFY(summary.endsWith(u"\nFAILED\n"_s));
    QVERIFY(!report.passed());
}

void TestScenario::staleExpectationBroken()
{
    const std::unique_ptr<HerdFixture> herd = startChain();
    QVERIFY(herd);
    const Scenario scenario = parsed(onChain(R"(
        {"do": "delay", "from": "B", "to": "C", "ms": 150},
        {"do": "iamat", "node": "A", "client": "kiwi", "position": "+34-118"},
        {"do": "expect", "stale": {"node": "C", "client": "kiwi"}, "forMs": 5000},
        {"do": "expect", "stale": {"node": "A", "client": "kiwi"}, "forMs": 100}
    )"));
    ScenarioRunner runner(scenario, herd->cluster());
    Recorder recorder(&runner);
    QSignalSpy finished(&runner, &ScenarioRunner::finished);
    runner.start();
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(recorder.results.size(), 4);
    // C learns it once the delayed line arrives: the expectation fails then,
    // not at the end of its window.
    const StepResult &learned = recorder.results[2];
    QVERIFY(!learned.passed);
    QVERIFY2(QRegularExpression(u"^C holds kiwi from \\d+\\.\\d+ after \\d+ ms$"_s)
                 .match(learned.outcome)
                 .hasMatch(),
             qPrintable(learned.outcome));
    QVERIFY2(learned.elapsedMs < 4000, qPrintable(QString::number(learned.elapsedMs)));
    QVERIFY2(recorder.results[3].outcome.startsWith(u"A holds kiwi from "_s),
             qPrintable(recorder.results[3].outcome));
    QVERIFY(recorder.results[3].outcome.endsWith(u" already"_s));
}

void TestScenario::actionThatCannotBeDoneFails()
{
    const std::unique_ptr<HerdFixture> herd = startChain();
    QVERIFY(herd);
    const Scenario scenario = parsed(onChain(R"(
        {"do": "kill", "node": "C"},
        {"do": "kill", "node": "C"},
        {"do": "iamat", "node": "C", "client": "kiwi", "position": "+34-118"},
        {"do": "restart", "node": "C"},
        {"do": "restart", "node": "C"}
    )"));
    ScenarioRunner runner(scenario, herd->cluster());
    Recorder recorder(&runner);
    QSignalSpy finished(&runner, &ScenarioRunner::finished);
    runner.start();
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(finished.constFirst().constFirst().toBool(), false);
    QCOMPARE(recorder.results.size(), 5);
    QCOMPARE(recorder.results[0].outcome, u"killed"_s);
    QCOMPARE(recorder.results[1].outcome, u"C was not running"_s);
    QVERIFY(!recorder.results[1].passed);
    QCOMPARE(recorder.results[2].outcome, u"C is down: the IAMAT was not sent"_s);
    QVERIFY(recorder.results[3].passed);
    QCOMPARE(recorder.results[4].outcome, u"C is running already"_s);
}

void TestScenario::stepPausesAndResumes()
{
    const std::unique_ptr<HerdFixture> herd = startChain();
    QVERIFY(herd);
    const Scenario scenario = parsed(onChain(R"(
        {"do": "heal"}, {"do": "heal", "at": 300}, {"do": "heal"}, {"do": "wait", "ms": 10})"));
    ScenarioRunner runner(scenario, herd->cluster());
    Recorder recorder(&runner);
    QSignalSpy stepFinished(&runner, &ScenarioRunner::stepFinished);
    QSignalSpy stepStarted(&runner, &ScenarioRunner::stepStarted);
    QSignalSpy finished(&runner, &ScenarioRunner::finished);

    runner.step(); // from idle: start, run step 1, pause
    QVERIFY(runner.isPaused());
    QVERIFY(stepFinished.wait(Timeout));
    QCOMPARE(recorder.order, (QStringList{u"S0"_s, u"F0"_s}));
    QVERIFY(runner.isPaused());
    QCOMPARE(runner.currentStep(), -1);
    QCOMPARE(runner.nextStep(), 1);
    // Paused: the next step does not start on its own, and the clock stands.
    const qint64 clock = runner.clockMs();
    QVERIFY(!stepStarted.wait(400));
    QCOMPARE(runner.clockMs(), clock);

    runner.step(); // step 2 at once, although it is due at 300 ms
    QVERIFY(stepFinished.wait(Timeout));
    QCOMPARE(recorder.order, (QStringList{u"S0"_s, u"F0"_s, u"S1"_s, u"F1"_s}));
    QVERIFY(runner.isPaused());
    // The clock jumped to the step's own time, so later "at"s keep their meaning.
    QVERIFY2(recorder.results[1].startedMs >= 300 && recorder.results[1].startedMs < 300 + 1000,
             qPrintable(QString::number(recorder.results[1].startedMs)));

    runner.resume();
    QVERIFY(!runner.isPaused());
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(recorder.order,
             (QStringList{u"S0"_s, u"F0"_s, u"S1"_s, u"F1"_s, u"S2"_s, u"F2"_s, u"S3"_s, u"F3"_s}));
    QCOMPARE(recorder.pauses, (QList<bool>{true, false}));
    QCOMPARE(recorder.verdict, std::optional<bool>(true));
    // Finished: stepping and resuming do nothing more.
    runner.step();
    runner.resume();
    QVERIFY(!stepStarted.wait(100));
}

void TestScenario::pauseHoldsTheNextStep()
{
    const std::unique_ptr<HerdFixture> herd = startChain();
    QVERIFY(herd);
    const Scenario scenario = parsed(onChain(R"({"do": "wait", "ms": 100}, {"do": "heal"}, {"do": "heal"})"));
    ScenarioRunner runner(scenario, herd->cluster());
    Recorder recorder(&runner);
    QSignalSpy stepStarted(&runner, &ScenarioRunner::stepStarted);
    QSignalSpy finished(&runner, &ScenarioRunner::finished);
    // Pausing during a step: the live herd cannot pause, so the step ends,
    // and then nothing more runs until resume().
    connect(&runner, &ScenarioRunner::stepStarted, &runner, [&runner](int index) {
        if (index == 0)
            runner.pause();
    });
    runner.start();
    QVERIFY(stepStarted.wait(Timeout));
    QVERIFY(runner.isPaused());
    QTRY_COMPARE_WITH_TIMEOUT(recorder.order, (QStringList{u"S0"_s, u"F0"_s}), Timeout);
    QVERIFY(recorder.results[0].elapsedMs >= 100); // the wait ran its course
    QVERIFY(!stepStarted.wait(300));
    runner.resume();
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(recorder.order.size(), 6);
}

void TestScenario::report()
{
    const Scenario scenario = parsed(
        R"({"name": "demo", "description": "Line one of the lesson.\nLine two.", "herd": "alford", "resync": false,
        "steps": [{"do": "iamat", "node": "Alford", "client": "kiwi", "position": "+34-118", "note": "Why we do this."},
                  {"do": "cut", "from": "Alford", "to": "Parker", "oneWay": true, "at": 1500},
                  {"do": "expect", "holds": {"node": "Bolden", "client": "kiwi"}, "withinMs": 2000},
                  {"do": "partition", "preset": "isolate", "node": "Hamilton"}]})");
    ScenarioReport report(scenario, scenario.herd);
    QCOMPARE(
        report.header(),
        u"Scenario: demo\n  Line one of the lesson.\n  Line two.\n"
        "Herd: built-in \"alford\": Alford, Bolden, Hamilton, Parker, Powell; 5 link(s); resync off\n"_s);
    QCOMPARE(report.startedLine({}), u"Links up; the scenario clock starts.\n"_s);
    QCOMPARE(report.startedLine({u"A>B"_s}), u"Links still down after 10 s: A>B; starting anyway.\n"_s);
    QCOMPARE(report.stepLine(
                 0, {true, u"answered AT Alford +0.000100000 kiwi +34-118 1700000000.000000000"_s, 0, 1}),
             u"   +0.000s   1. iamat kiwi at Alford (+34-118, time Alford's clock): answered AT Alford "
             u"+0.000100000 kiwi +34-118 1700000000.000000000\n"
             "                note: Why we do this.\n"_s);
    QCOMPARE(report.stepLine(1, {true, u"cut"_s, 1500, 0}),
             u"   +1.500s   2. cut Alford -> Parker (one way): cut\n"_s);
    QCOMPARE(report.stepLine(2,
                             {false,
                              u"Bolden holds kiwi from 1621464827.9 (expected 1621464830.1) after 2000 ms"_s,
                              1500, 2000}),
             u"   +1.500s   3. expect Bolden holds kiwi from the newest sent within 2000 ms: FAILED: Bolden "
             u"holds kiwi from "
             "1621464827.9 (expected 1621464830.1) after 2000 ms\n"_s);
    QCOMPARE(report.summary(3500),
             u"Summary: 3 step(s) in 3.500 s; 0 of 1 expectation(s) held, 1 failed; every action done; 1 "
             u"step(s) not run.\n"
             "Failed:\n"
             "   +1.500s   3. expect Bolden holds kiwi from the newest sent within 2000 ms: FAILED: Bolden "
             "holds kiwi from "
             "1621464827.9 (expected 1621464830.1) after 2000 ms\n"
             "FAILED\n"_s);
    QCOMPARE(report.stepLine(3, {true, u"cut Hamilton-Parker"_s, 3500, 0}),
             u"   +3.500s   4. partition isolate Hamilton: cut Hamilton-Parker\n"_s);
    QVERIFY(!report.passed());

    // Each kind describes itself.
    const Scenario kinds = parsed(onAlford(R"(
        {"do": "iamat", "node": "Alford", "client": "kiwi", "position": "+34-118", "time": "1700000000.5"},
        {"do": "whatsat", "node": "Parker", "client": "kiwi", "radius": 10, "bound": 5, "expect": {"contains": "Bel Air"}},
        {"do": "whatsat", "node": "Parker", "client": "kiwi", "radius": 60, "bound": 5, "expect": {"invalid": true}},
        {"do": "kill", "node": "Hamilton"},
        {"do": "restore", "from": "Alford", "to": "Parker"},
        {"do": "delay", "from": "Alford", "to": "Parker", "ms": 400, "jitterMs": 50},
        {"do": "flaky", "from": "Alford", "to": "Parker", "meanMs": 500},
        {"do": "skew", "node": "Powell", "ms": 1500},
        {"do": "partition", "groups": [["Alford", "Parker"], ["Bolden"]]},
        {"do": "heal"}, {"do": "clear"}, {"do": "wait", "ms": 5},
        {"do": "expect", "agree": true, "withinMs": 3000},
        {"do": "expect", "stale": {"node": "Hamilton", "client": "kiwi"}, "forMs": 1000})"));
    QStringList described;
    for (const ScenarioStep &step : kinds.steps)
        described.append(ScenarioReport::describe(step));
    QCOMPARE(described,
             (QStringList{
                 u"iamat kiwi at Alford (+34-118, time 1700000000.5)"_s,
                 u"whatsat kiwi 10 5 at Parker (expect \"Bel Air\" in the reply)"_s,
                 u"whatsat kiwi 60 5 at Parker (expect \"? ...\")"_s,
                 u"kill Hamilton"_s,
                 u"restore Alford - Parker"_s,
                 u"delay Alford - Parker by 400 ms +-50 ms"_s,
                 u"flaky Alford - Parker (about 500 ms between drops)"_s,
                 u"skew Powell's clock by +1500 ms"_s,
                 u"partition [Alford, Parker] | [Bolden]"_s,
                 u"heal every cut link"_s,
                 u"clear every fault"_s,
                 u"wait 5 ms"_s,
                 u"expect every running node to agree within 3000 ms"_s,
                 u"expect Hamilton to lack kiwi's newest for 1000 ms"_s,
             }));
}

void TestScenario::cliExitCodes()
{
    auto write = [this](const QString &name, const QByteArray &json) {
        QFile file(m_dir.filePath(name));
        if (!file.open(QIODevice::WriteOnly))
            return QString();
        file.write(json);
        return file.fileName();
    };
    const QString logs = m_dir.filePath(u"cli-logs"_s);
    const QString good = write(u"good.json"_s, onChain(R"(
        {"do": "iamat", "node": "A", "client": "kiwi", "position": "+34-118"},
        {"do": "expect", "holds": {"node": "C", "client": "kiwi"}, "withinMs": 5000})"));
    const QString wrong = write(u"wrong.json"_s, onChain(R"(
        {"do": "iamat", "node": "A", "client": "kiwi", "position": "+34-118", "time": "1700000000.5"},
        {"do": "expect", "holds": {"node": "C", "client": "kiwi", "time": "1700000001"}, "withinMs": 200})"));
    const QString bad
        = write(u"bad.json"_s, onChain(R"({"do": "heal"}, {"do": "cut", "from": "A", "to": "Bee"})"));

    Run run = runHerd({u"--scenario"_s, good, u"--log-dir"_s, logs});
    QVERIFY(run.finished);
    QVERIFY2(run.err.isEmpty(), run.err.constData());
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.startsWith("Scenario: chain\n  A test.\nHerd: inline: A, B, C; 2 link(s); resync on\n"),
             run.out.constData());
    QVERIFY2(run.out.contains("   2. expect C holds kiwi from the newest sent within 5000 ms: held after "),
             run.out.constData());
    QVERIFY2(run.out.endsWith("all 1 expectation(s) held; every action done.\nPASSED\n"),
             run.out.constData());

    run = runHerd({u"--scenario"_s, wrong, u"--log-dir"_s, logs});
    QVERIFY(run.finished);
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.out.contains("FAILED: C holds kiwi from 1700000000.5 (expected 1700000001) after "),
             run.out.constData());
    QVERIFY2(run.out.endsWith("\nFAILED\n"), run.out.constData());
    QVERIFY2(run.err.isEmpty(), run.err.constData());

    run = runHerd({u"--scenario"_s, bad, u"--log-dir"_s, logs});
    QVERIFY(run.finished);
    QCOMPARE(run.exitCode, 2);
    QCOMPARE(QString::fromLocal8Bit(run.err),
             u"herd: "_s + bad + u": step 2 (cut): \"to\": unknown node \"Bee\" (nodes: A, B, C)\n"_s);
    QVERIFY(run.out.isEmpty());

    // A bad command line is 2 as well, with one line naming the problem.
    for (const QStringList &arguments : {QStringList{u"--scenario"_s, good, u"--server"_s},
                                         QStringList{u"--scenario"_s, good, u"--preset"_s, u"blake"_s},
                                         QStringList{u"--scenario"_s, good, u"--node"_s, u"A"_s},
                                         QStringList{u"--scenario"_s, good, u"--scenario"_s, good},
                                         QStringList{u"--scenario"_s, m_dir.filePath(u"missing.json"_s)}}) {
        run = runHerd(arguments);
        QVERIFY(run.finished);
        QCOMPARE(run.exitCode, 2);
        QCOMPARE(run.err.count('\n'), 1);
        QVERIFY2(run.err.contains("--server") || run.err.contains("--preset") || run.err.contains("--node")
                     || run.err.contains("--scenario") || run.err.contains("missing.json"),
                 run.err.constData());
    }
}

void TestScenario::cliNeverOpensAWindow()
{
    // With a display (or a platform chosen on purpose) plain `herd` opens the
    // window; `herd --scenario` must still run headless and exit, which it
    // could not do with a window open.
    QFile file(m_dir.filePath(u"window.json"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(onChain(R"({"do": "iamat", "node": "B", "client": "kiwi", "position": "+34-118"})"));
    file.close();
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    environment.insert(u"DISPLAY"_s, u":0"_s);
    const Run run = runHerd(
        {u"--scenario"_s, file.fileName(), u"--log-dir"_s, m_dir.filePath(u"window-logs"_s)}, environment);
    QVERIFY2(run.finished, "herd --scenario did not exit");
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.endsWith("PASSED\n"), run.out.constData());
}

void TestScenario::cliLogsAndVerbose()
{
    QFile file(m_dir.filePath(u"verbose.json"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(onChain(R"({"do": "iamat", "node": "A", "client": "kiwi", "position": "+34-118"},
                          {"do": "expect", "agree": true, "withinMs": 5000})"));
    file.close();
    const QString logs = m_dir.filePath(u"verbose-logs"_s);
    const Run run = runHerd({u"--scenario"_s, file.fileName(), u"--log-dir"_s, logs, u"--verbose"_s});
    QVERIFY(run.finished);
    QCOMPARE(run.exitCode, 0);
    // Every event, as the server mode prints it, between the report's lines.
    QVERIFY2(run.out.contains("\tA\tstored\t"), run.out.constData());
    QVERIFY2(run.out.contains("\tC\tstored\t"), run.out.constData());
    QVERIFY2(run.out.contains(QByteArray("Logs: " + logs.toLocal8Bit() + "/<node>.log\n")),
             run.out.constData());
    for (const char *node : {"A", "B", "C"}) {
        QFile log(logs + u'/' + QString::fromLatin1(node) + u".log"_s);
        QVERIFY2(log.open(QIODevice::ReadOnly), qPrintable(log.fileName()));
        const QByteArray text = log.readAll();
        QVERIFY2(text.contains("\tstored\t") && text.contains("\tkiwi\t"), text.constData());
    }
}

QTEST_GUILESS_MAIN(TestScenario)
#include "tst_scenario.moc"
