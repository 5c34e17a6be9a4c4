// SPDX-License-Identifier: GPL-3.0-or-later
// The flood.* rules: each passes against Herd and against a correct
// herd-double, and fails against the double with its defect. The herd is a
// cycle, A - B - C - L - A, where L is the --listener: no "run", the
// checker stands in for it.
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "check/checker.h"
#include "check/rule.h"
#include "tests/checksupport.h"

using namespace Herd::Check;
using namespace CheckSupport;

class TestCheckFlood : public QObject
{
    Q_OBJECT

private slots:
    void passesAgainstHerd();
    void passesAgainstCorrectDouble();
    void failsAgainstDefect_data();
    void failsAgainstDefect();
    void withoutListenerCountsNothing();
    void refusesABadListener_data();
    void refusesABadListener();
};

namespace {

const QStringList Rules = {QStringLiteral("flood.*")};
const QString Listener = QStringLiteral("L");

// The cycle with L in it, L left for the checker.
QString writeCycle(const QString &dir, const QStringList &command)
{
    const QString path =
        writeTarget(dir, {QStringLiteral("A"), QStringLiteral("B"), QStringLiteral("C"), Listener},
                    {{QStringLiteral("A"), QStringLiteral("B")},
                     {QStringLiteral("B"), QStringLiteral("C")},
                     {QStringLiteral("C"), Listener},
                     {Listener, QStringLiteral("A")}},
                    command);
    const bool edited = editTarget(path, [](QJsonObject &root) {
        QJsonObject nodes = root.value(u"nodes").toObject();
        QJsonObject listener = nodes.value(Listener).toObject();
        listener.remove(u"run");
        nodes.insert(Listener, listener);
        root.insert(u"nodes", nodes);
    });
    return edited ? path : QString();
}

// A short bound keeps the waits short; a flood on one machine takes a few ms.
CheckSettings settings(const QString &listener = Listener)
{
    CheckSettings settings;
    settings.floodBoundMs = 1000;
    settings.listenerNode = listener;
    return settings;
}

void expectAllPassed(const QList<RuleResult> &results, const QString &error)
{
    verifyAllPassed(results, error, selectRules(Rules).size());
    if (QTest::currentTestFailed())
        return;
    const RuleResult *reach = find(results, QStringLiteral("flood.reach"));
    QCOMPARE(reach->verdict.figures.size(), 1);
    QVERIFY(reach->verdict.figures.first().value <= 1000);
}

} // namespace

void TestCheckFlood::passesAgainstHerd()
{
    QTemporaryDir dir;
    QString error;
    expectAllPassed(runCheck(writeCycle(dir.path(), herdCommand()), Rules, settings(), &error), error);
}

void TestCheckFlood::passesAgainstCorrectDouble()
{
    QTemporaryDir dir;
    QString error;
    const QList<RuleResult> results =
        runCheck(writeCycle(dir.path(), doubleCommand()), Rules, settings(), &error);
    expectAllPassed(results, error);
    if (QTest::currentTestFailed())
        return;
    // The listener has two links, and a correct node sends on what it
    // stores once: one copy over each.
    const RuleResult *duplicate = find(results, QStringLiteral("flood.no-duplicate"));
    QVERIFY2(duplicate->verdict.why.contains(QStringLiteral("2 time(s) over its 2 link(s)")),
             qPrintable(describe(duplicate)));
}

void TestCheckFlood::failsAgainstDefect_data()
{
    QTest::addColumn<QString>("defect");
    QTest::addColumn<QString>("rule");
    QTest::newRow("no-flood") << "no-flood"
                              << "flood.reach";
    QTest::newRow("flood-late") << "flood-late"
                                << "flood.reach";
    QTest::newRow("flood-own-at") << "flood-own-at"
                                  << "flood.verbatim";
    QTest::newRow("older-wins") << "older-wins"
                                << "flood.newer-wins";
    QTest::newRow("reflood-stale") << "reflood-stale"
                                   << "flood.no-stale";
    QTest::newRow("reflood-all") << "reflood-all"
                                 << "flood.no-duplicate";
}

void TestCheckFlood::failsAgainstDefect()
{
    QFETCH(QString, defect);
    QFETCH(QString, rule);
    QTemporaryDir dir;
    QString error;
    verifyFailed(runCheck(writeCycle(dir.path(), doubleCommand({defect})), {rule}, settings(), &error), error,
                 rule);
}

void TestCheckFlood::withoutListenerCountsNothing()
{
    // What a node floods shows only where it lands: no listener, no count,
    // and the run says how to get one.
    QTemporaryDir dir;
    QString error;
    const QStringList counted = {QStringLiteral("flood.no-stale"), QStringLiteral("flood.no-duplicate")};
    const QList<RuleResult> results =
        runCheck(writeLine3(dir.path(), doubleCommand()), counted, settings({}), &error);
    QCOMPARE(results.size(), 2);
    for (const RuleResult &result : results) {
        QCOMPARE(result.verdict.outcome, Verdict::Outcome::NotRun);
        QVERIFY2(result.verdict.why.contains(QStringLiteral("--listener NAME")),
                 qPrintable(describe(&result)));
    }
}

void TestCheckFlood::refusesABadListener_data()
{
    QTest::addColumn<QString>("listener");
    QTest::addColumn<QStringList>("nodes");
    QTest::addColumn<QString>("error");
    QTest::newRow("unknown") << "Z" << QStringList() << "--listener Z: no such node in";
    QTest::newRow("has run") << "A" << QStringList() << "--listener A: it has a \"run\"";
    QTest::newRow("under test") << "L" << QStringList {QStringLiteral("A"), Listener}
                                << "--node L: it is the --listener";
}

void TestCheckFlood::refusesABadListener()
{
    QFETCH(QString, listener);
    QFETCH(QStringList, nodes);
    QFETCH(QString, error);
    QTemporaryDir dir;
    QString problem;
    const std::optional<CheckTarget> target =
        CheckTarget::load(writeCycle(dir.path(), doubleCommand()), &problem);
    QVERIFY2(target, qPrintable(problem));
    CheckSettings chosen = settings(listener);
    chosen.nodes = nodes;
    Checker checker(*target, chosen);
    QVERIFY(!checker.prepare(&problem));
    QVERIFY2(problem.startsWith(error), qPrintable(problem));
}

QTEST_GUILESS_MAIN(TestCheckFlood)
#include "tst_check_flood.moc"
