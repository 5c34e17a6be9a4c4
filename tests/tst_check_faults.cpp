// SPDX-License-Identifier: GPL-3.0-or-later
// The fault.* rules: each passes against Herd and against a correct
// herd-double, and fails against the double with its defect. The checker
// kills B, the middle of A - B - C, and starts it again.
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "check/rule.h"
#include "tests/checksupport.h"

using namespace Herd::Check;
using namespace CheckSupport;

class TestCheckFaults : public QObject
{
    Q_OBJECT

private slots:
    void passesAgainstHerdThatResyncs();
    void passesAgainstCorrectDouble();
    void herdWithoutResyncForgets();
    void doubleFailsExpectResync();
    void failsAgainstDefect_data();
    void failsAgainstDefect();
};

namespace {

const QStringList Rules = {QStringLiteral("fault.*")};

CheckSettings settings(bool expectResync = false)
{
    CheckSettings settings;
    settings.floodBoundMs = 1000;
    settings.expectResync = expectResync;
    return settings;
}

QString writeLine(const QString &dir, const QStringList &command, std::optional<bool> resync = std::nullopt)
{
    const QString path = writeLine3(dir, command);
    if (resync && !editTarget(path, [&](QJsonObject &root) { root.insert(u"resync", *resync); }))
        return {};
    return path;
}

const RuleResult *missed(const QList<RuleResult> &results)
{
    return find(results, QStringLiteral("fault.missed"));
}

} // namespace

void TestCheckFaults::passesAgainstHerdThatResyncs()
{
    // Every rule in one run: each finds B back up after the one before.
    QTemporaryDir dir;
    QString error;
    const QList<RuleResult> results =
        runCheck(writeLine(dir.path(), herdCommand(), true), Rules, settings(true), &error);
    verifyAllPassed(results, error, selectRules(Rules).size());
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(missed(results)->verdict.why.startsWith(QStringLiteral("B learned the 3 updates")),
             qPrintable(describe(missed(results))));
}

void TestCheckFaults::passesAgainstCorrectDouble()
{
    QTemporaryDir dir;
    QString error;
    const QList<RuleResult> results =
        runCheck(writeLine(dir.path(), doubleCommand()), Rules, settings(), &error);
    verifyAllPassed(results, error, selectRules(Rules).size());
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(missed(results)->verdict.why.startsWith(QStringLiteral("B did not learn 3 of the 3 updates")),
             qPrintable(describe(missed(results))));
}

void TestCheckFaults::herdWithoutResyncForgets()
{
    // The course's herd: what B missed is reported, not failed.
    QTemporaryDir dir;
    QString error;
    const QList<RuleResult> results = runCheck(writeLine(dir.path(), herdCommand(), false),
                                               {QStringLiteral("fault.missed")}, settings(), &error);
    QVERIFY2(!results.isEmpty(), qPrintable(error));
    QVERIFY2(missed(results)->verdict.isPassed()
                 && missed(results)->verdict.why.contains(QStringLiteral("forgets")),
             qPrintable(describe(missed(results))));
}

void TestCheckFaults::doubleFailsExpectResync()
{
    // The double forgets, as the course's herd does: --expect-resync fails it.
    QTemporaryDir dir;
    QString error;
    const QList<RuleResult> results = runCheck(writeLine(dir.path(), doubleCommand()),
                                               {QStringLiteral("fault.missed")}, settings(true), &error);
    verifyFailed(results, error, QStringLiteral("fault.missed"));
    if (QTest::currentTestFailed())
        return;
    QVERIFY(missed(results)->verdict.expected.contains(QStringLiteral("--expect-resync")));
}

void TestCheckFaults::failsAgainstDefect_data()
{
    QTest::addColumn<QString>("defect");
    QTest::addColumn<QString>("rule");
    QTest::newRow("exit-on-peer-down") << "exit-on-peer-down"
                                       << "fault.survive";
    QTest::newRow("no-reconnect") << "no-reconnect"
                                  << "fault.rejoin";
}

void TestCheckFaults::failsAgainstDefect()
{
    QFETCH(QString, defect);
    QFETCH(QString, rule);
    QTemporaryDir dir;
    QString error;
    verifyFailed(runCheck(writeLine(dir.path(), doubleCommand({defect})), {rule}, settings(), &error), error,
                 rule);
}

QTEST_GUILESS_MAIN(TestCheckFaults)
#include "tst_check_faults.moc"
