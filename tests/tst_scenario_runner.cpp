// SPDX-License-Identifier: GPL-3.0-or-later
// The scenario runner against a real herd on loopback (passing, failing,
// actions that cannot be done, paused and stepped), and the report it
// prints. Waits are bounded and on signals; none is a sleep.

#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <optional>

#include "herd/cluster.h"
#include "herd/node/node.h"
#include "herd/scenario/scenario.h"
#include "herd/scenario/scenarioreport.h"
#include "herd/scenario/scenariorunner.h"
#include "herd/wire/clock.h"
#include "herd/wire/protocol.h"
#include "tests/herdfixture.h"
#include "tests/scenariosupport.h"

using namespace Herd;
using namespace Herd::Test;
using namespace ScenarioSupport;
using namespace Qt::StringLiterals;

namespace {

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

class tst_ScenarioRunner : public QObject
{
    Q_OBJECT

private slots:
    void runnerPasses();
    void falseExpectationFails();
    void staleExpectationBroken();
    void actionThatCannotBeDoneFails();
    void stepPausesAndResumes();
    void pauseHoldsTheNextStep();
    void report();

private:
    std::unique_ptr<HerdFixture> startChain();
};

std::unique_ptr<HerdFixture> tst_ScenarioRunner::startChain()
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

void tst_ScenarioRunner::runnerPasses()
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
    const QRegularExpressionMatch skewed =
        QRegularExpression(u"^answered AT A \\+0\\.\\d{9} lime \\+34-118 (\\d+\\.\\d{9})$"_s)
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
         {std::pair {u"A"_s, u"B"_s}, std::pair {u"B"_s, u"C"_s}, std::pair {u"C"_s, u"B"_s}}) {
        QVERIFY(!herd->cluster()->isLinkCut(from, to));
        QCOMPARE(herd->cluster()->linkDelay(from, to), 0);
        QCOMPARE(herd->cluster()->linkJitter(from, to), 0);
        QCOMPARE(herd->cluster()->linkFlaky(from, to), 0);
    }
    QCOMPARE(herd->cluster()->clockSkew(u"A"_s), 0);
}

void tst_ScenarioRunner::falseExpectationFails()
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

void tst_ScenarioRunner::staleExpectationBroken()
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

void tst_ScenarioRunner::actionThatCannotBeDoneFails()
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

void tst_ScenarioRunner::stepPausesAndResumes()
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
    QCOMPARE(recorder.order, (QStringList {u"S0"_s, u"F0"_s}));
    QVERIFY(runner.isPaused());
    QCOMPARE(runner.currentStep(), -1);
    QCOMPARE(runner.nextStep(), 1);
    // Paused: the next step does not start on its own, and the clock stands.
    const qint64 clock = runner.clockMs();
    QVERIFY(!stepStarted.wait(400));
    QCOMPARE(runner.clockMs(), clock);

    runner.step(); // step 2 at once, although it is due at 300 ms
    QVERIFY(stepFinished.wait(Timeout));
    QCOMPARE(recorder.order, (QStringList {u"S0"_s, u"F0"_s, u"S1"_s, u"F1"_s}));
    QVERIFY(runner.isPaused());
    // The clock jumped to the step's own time, so later "at"s keep their meaning.
    QVERIFY2(recorder.results[1].startedMs >= 300 && recorder.results[1].startedMs < 300 + 1000,
             qPrintable(QString::number(recorder.results[1].startedMs)));

    runner.resume();
    QVERIFY(!runner.isPaused());
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(recorder.order,
             (QStringList {u"S0"_s, u"F0"_s, u"S1"_s, u"F1"_s, u"S2"_s, u"F2"_s, u"S3"_s, u"F3"_s}));
    QCOMPARE(recorder.pauses, (QList<bool> {true, false}));
    QCOMPARE(recorder.verdict, std::optional<bool>(true));
    // Finished: stepping and resuming do nothing more.
    runner.step();
    runner.resume();
    QVERIFY(!stepStarted.wait(100));
}

void tst_ScenarioRunner::pauseHoldsTheNextStep()
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
    QTRY_COMPARE_WITH_TIMEOUT(recorder.order, (QStringList {u"S0"_s, u"F0"_s}), Timeout);
    QVERIFY(recorder.results[0].elapsedMs >= 100); // the wait ran its course
    QVERIFY(!stepStarted.wait(300));
    runner.resume();
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(recorder.order.size(), 6);
}

void tst_ScenarioRunner::report()
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
             (QStringList {
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

QTEST_GUILESS_MAIN(tst_ScenarioRunner)
#include "tst_scenario_runner.moc"
