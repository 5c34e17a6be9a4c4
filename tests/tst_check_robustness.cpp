// SPDX-License-Identifier: GPL-3.0-or-later
// The robust.* rules: each passes against Herd and against a correct
// herd-double, and fails against the double with its defect.
#include <QTemporaryDir>
#include <QTest>

#include "check/rule.h"
#include "tests/checksupport.h"

using namespace Herd::Check;
using namespace CheckSupport;

class TestCheckRobustness : public QObject
{
    Q_OBJECT

private slots:
    void passes_data();
    void passes();
    void failsAgainstDefect_data();
    void failsAgainstDefect();
};

void TestCheckRobustness::passes_data()
{
    QTest::addColumn<QStringList>("command");
    QTest::newRow("Herd") << herdCommand();
    QTest::newRow("correct double") << doubleCommand();
}

void TestCheckRobustness::passes()
{
    QFETCH(QStringList, command);
    const QStringList rules {QStringLiteral("robust.*")};
    QTemporaryDir dir;
    QString error;
    const QList<RuleResult> results = runCheck(writeLine3(dir.path(), command), rules, {}, &error);
    QVERIFY2(!results.isEmpty(), qPrintable(error));
    for (const RuleResult &result : results)
        QVERIFY2(result.verdict.isPassed(), qPrintable(describe(&result)));
    QCOMPARE(results.size(), selectRules(rules).size() * 3);
}

void TestCheckRobustness::failsAgainstDefect_data()
{
    QTest::addColumn<QString>("defect");
    QTest::addColumn<QString>("rule");
    QTest::addColumn<QString>("got"); // a part of what the failure says came back
    QTest::newRow("crash-on-long-line") << "crash-on-long-line"
                                        << "robust.long-line"
                                        << "exited";
    QTest::newRow("max-connections-100") << "max-connections-100"
                                         << "robust.connections"
                                         << "closed";
    QTest::newRow("blocking-send") << "blocking-send"
                                   << "robust.no-read"
                                   << "nothing";
    QTest::newRow("crash-on-junk") << "crash-on-junk"
                                   << "robust.junk"
                                   << "exited";
    QTest::newRow("crash-on-reset") << "crash-on-reset"
                                    << "robust.reset"
                                    << "exited";
}

void TestCheckRobustness::failsAgainstDefect()
{
    QFETCH(QString, defect);
    QFETCH(QString, rule);
    QFETCH(QString, got);
    QTemporaryDir dir;
    QString error;
    CheckSettings settings;
    settings.nodes = {QStringLiteral("A")};
    const QList<RuleResult> results =
        runCheck(writeLine3(dir.path(), doubleCommand({defect})), {rule}, settings, &error);
    QVERIFY2(!results.isEmpty(), qPrintable(error));
    const RuleResult *result = find(results, rule, QStringLiteral("A"));
    QVERIFY2(result && result->verdict.isFailed(), qPrintable(describe(result)));
    QVERIFY(!result->verdict.expected.isEmpty());
    QVERIFY2(result->verdict.actual.contains(got), qPrintable(describe(result)));
    QVERIFY(!result->transcript.isEmpty());
}

QTEST_GUILESS_MAIN(TestCheckRobustness)
#include "tst_check_robustness.moc"
