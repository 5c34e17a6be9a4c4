// SPDX-License-Identifier: GPL-3.0-or-later
// The checker against Herd itself: every built-in herd, one process per
// node. Nothing may fail; a rule may be "not run" only for a reason the
// herd file explains (no listener named).
//
// The default herd takes every rule. The others take the rules whose
// outcome depends on the herd's shape (floods and faults): the rest ask
// one node at a time, the same on any herd, and the rule suites test them.
#include <QTemporaryDir>
#include <QTest>

#include "check/rule.h"
#include "herd/config/herdconfig.h"
#include "tests/checksupport.h"

using namespace Herd::Check;
using namespace CheckSupport;

class TestCheckPresets : public QObject
{
    Q_OBJECT

private slots:
    void everyRulePasses_data();
    void everyRulePasses();
};

void TestCheckPresets::everyRulePasses_data()
{
    QTest::addColumn<QString>("preset");
    for (const QString &name : Herd::HerdConfig::presetNames())
        QTest::newRow(qPrintable(name)) << name;
}

void TestCheckPresets::everyRulePasses()
{
    QFETCH(QString, preset);
    QString error;
    const std::optional<Herd::HerdConfig> config = Herd::HerdConfig::preset(preset, &error);
    QVERIFY2(config, qPrintable(error));
    QTemporaryDir dir;
    const QString target = writeTarget(dir.path(), config->nodeNames(), config->links, herdCommand());
    QVERIFY(!target.isEmpty());
    const QStringList rules = preset == Herd::HerdConfig::defaultPreset()
        ? QStringList()
        : QStringList {QStringLiteral("flood.*"), QStringLiteral("fault.*")};
    const QList<RuleResult> results = runCheck(target, rules, {}, &error);
    QVERIFY2(!results.isEmpty(), qPrintable(error));
    for (const RuleResult &result : results) {
        QVERIFY2(!result.verdict.isFailed(), qPrintable(describe(&result)));
        // Every node has a run block, so only the rules that need a
        // listener the herd file does not name may stay not run.
        if (result.verdict.outcome == Verdict::Outcome::NotRun)
            QVERIFY2(result.verdict.why.contains(u"--listener"), qPrintable(describe(&result)));
    }
}

QTEST_GUILESS_MAIN(TestCheckPresets)
#include "tst_check_presets.moc"
