// SPDX-License-Identifier: GPL-3.0-or-later
// The speed.* rules: they measure, beside the same figures for Herd's own
// nodes; they fail only past a threshold the run was given.
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "tests/buildtree.h"
#include "check/rule.h"
#include "tests/checksupport.h"

using namespace Herd::Check;
using namespace CheckSupport;

class TestCheckSpeed : public QObject
{
    Q_OBJECT

private slots:
    void measuresHerdBesideHerd();
    void slowDoubleOnlyMeasured();
    void slowDoubleFailsThresholds();
    void slowFloodFailsThreshold();
    void thresholdFlags();
};

namespace {

// The figure of `result` whose name starts with `name`; null if none.
const Figure *figure(const RuleResult *result, const QString &name)
{
    for (const Figure &figure : result->verdict.figures) {
        if (figure.name.startsWith(name))
            return &figure;
    }
    return nullptr;
}

// Speed rules on the slow double at node A, with no reference herd (its
// program does not exist), and the thresholds in `settings`.
QList<RuleResult> checkSlowDouble(const QString &dir, CheckSettings settings, QString *error)
{
    settings.herdProgram = dir + QStringLiteral("/no-such-herd");
    return runCheck(writeLine3(dir, doubleCommand({QStringLiteral("slow")})),
                    {QStringLiteral("speed.*-latency"), QStringLiteral("speed.iamat-rate")}, settings, error);
}

} // namespace

void TestCheckSpeed::measuresHerdBesideHerd()
{
    QTemporaryDir dir;
    QString error;
    // Thresholds any working node meets: given, they judge, and pass.
    CheckSettings settings;
    settings.maxP99Ms = 1000;
    settings.minIamatRate = 10;
    const QList<RuleResult> results =
        runCheck(writeLine3(dir.path(), herdCommand()), {QStringLiteral("speed.*")}, settings, &error);
    QVERIFY2(!results.isEmpty(), qPrintable(error));
    QCOMPARE(results.size(), selectRules({QStringLiteral("speed.*")}).size());
    for (const RuleResult &result : results) {
        QVERIFY2(result.verdict.isPassed(), qPrintable(describe(&result)));
        QVERIFY2(result.verdict.figures.size() == 2, qPrintable(describe(&result)));
        for (const Figure &figure : result.verdict.figures) {
            QVERIFY2(figure.value > 0 && figure.reference && *figure.reference > 0,
                     qPrintable(describe(&result) + u"\nfigure: " + figure.name));
        }
    }
    const RuleResult *flood = find(results, QStringLiteral("speed.flood"));
    QVERIFY2(flood && figure(flood, QStringLiteral("flood A to C (2 hops)")), qPrintable(describe(flood)));
    const RuleResult *rate = find(results, QStringLiteral("speed.iamat-rate"));
    QVERIFY2(rate && figure(rate, QStringLiteral("IAMAT/s at A, 100 connections")),
             qPrintable(describe(rate)));
}

void TestCheckSpeed::slowDoubleOnlyMeasured()
{
    QTemporaryDir dir;
    QString error;
    const QList<RuleResult> results = checkSlowDouble(dir.path(), {}, &error);
    QVERIFY2(!results.isEmpty(), qPrintable(error));
    const RuleResult *latency = find(results, QStringLiteral("speed.iamat-latency"));
    QVERIFY2(latency && latency->verdict.isPassed(), qPrintable(describe(latency)));
    // No reference: said, and no figure has one.
    QVERIFY2(latency->verdict.why.contains(QStringLiteral("no reference")), qPrintable(describe(latency)));
    const Figure *p50 = figure(latency, QStringLiteral("IAMAT latency p50"));
    QVERIFY2(p50 && !p50->reference, qPrintable(describe(latency)));
    // Each IAMAT is answered 20 ms late: the measure shows it.
    QVERIFY2(p50->value >= 15, qPrintable(describe(latency)));
    const RuleResult *rate = find(results, QStringLiteral("speed.iamat-rate"));
    QVERIFY2(rate && rate->verdict.isPassed(), qPrintable(describe(rate)));
    const Figure *one = figure(rate, QStringLiteral("IAMAT/s at A, 1 connection"));
    QVERIFY2(one && one->value > 0 && one->value <= 70, qPrintable(describe(rate)));
}

void TestCheckSpeed::slowDoubleFailsThresholds()
{
    QTemporaryDir dir;
    QString error;
    CheckSettings settings;
    settings.maxP99Ms = 10;
    settings.minIamatRate = 1000;
    const QList<RuleResult> results = checkSlowDouble(dir.path(), settings, &error);
    QVERIFY2(!results.isEmpty(), qPrintable(error));
    const RuleResult *latency = find(results, QStringLiteral("speed.iamat-latency"));
    QVERIFY2(latency && latency->verdict.isFailed(), qPrintable(describe(latency)));
    QVERIFY2(latency->verdict.expected.contains(QStringLiteral("--max-p99-ms")),
             qPrintable(describe(latency)));
    QVERIFY(!latency->verdict.figures.isEmpty());
    const RuleResult *whatsat = find(results, QStringLiteral("speed.whatsat-latency"));
    QVERIFY2(whatsat && whatsat->verdict.isFailed(), qPrintable(describe(whatsat)));
    const RuleResult *rate = find(results, QStringLiteral("speed.iamat-rate"));
    QVERIFY2(rate && rate->verdict.isFailed(), qPrintable(describe(rate)));
    QVERIFY2(rate->verdict.expected.contains(QStringLiteral("1 connection")), qPrintable(describe(rate)));
}

void TestCheckSpeed::slowFloodFailsThreshold()
{
    QTemporaryDir dir;
    CheckSettings settings;
    settings.herdProgram = dir.path() + QStringLiteral("/no-such-herd");
    const QStringList rule {QStringLiteral("speed.flood")};
    const QString slow = writeLine3(dir.path(), doubleCommand({QStringLiteral("flood-slow")}));
    QString error;
    const QList<RuleResult> measured = runCheck(slow, rule, settings, &error);
    const RuleResult *only = find(measured, rule.first());
    QVERIFY2(only && only->verdict.isPassed() && !only->verdict.figures.isEmpty(),
             qPrintable(describe(only) + error));
    settings.maxFloodMs = 20; // two hops of 30 ms each cannot make it
    const QList<RuleResult> limited = runCheck(slow, rule, settings, &error);
    const RuleResult *failed = find(limited, rule.first());
    QVERIFY2(failed && failed->verdict.isFailed(), qPrintable(describe(failed) + error));
    QVERIFY2(failed->verdict.expected.contains(QStringLiteral("--max-flood-ms")),
             qPrintable(describe(failed)));
}

void TestCheckSpeed::thresholdFlags()
{
    QTemporaryDir dir;
    const QString target = writeLine3(dir.path(), doubleCommand({QStringLiteral("slow")}));
    QProcess bad;
    bad.start(BuildTree::herdBinary(),
              {QStringLiteral("--check"), target, QStringLiteral("--max-p99-ms"), QStringLiteral("zero")});
    QVERIFY(bad.waitForFinished(10'000));
    QCOMPARE(bad.exitCode(), 2);
    QVERIFY2(bad.readAllStandardError().contains("--max-p99-ms must be a number above 0, not \"zero\""),
             "the error names the flag and its value");

    QProcess check;
    check.start(BuildTree::herdBinary(),
                {QStringLiteral("--check"), target, QStringLiteral("--node"), QStringLiteral("A"),
                 QStringLiteral("--rules"), QStringLiteral("speed.iamat-latency"),
                 QStringLiteral("--max-p99-ms"), QStringLiteral("10")});
    QVERIFY(check.waitForFinished(60'000));
    const QByteArray out = check.readAllStandardOutput();
    QVERIFY2(check.exitCode() == 1, out.constData());
    QVERIFY2(out.contains("at most 10.00 ms (--max-p99-ms)"), out.constData());
}

QTEST_GUILESS_MAIN(TestCheckSpeed)
#include "tst_check_speed.moc"
