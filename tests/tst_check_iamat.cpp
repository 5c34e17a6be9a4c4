// SPDX-License-Identifier: GPL-3.0-or-later
// The iamat.* rules: each passes against Herd and against a correct
// herd-double, and fails against the double with its defect.
#include <QTemporaryDir>
#include <QTest>

#include "check/rule.h"
#include "tests/checksupport.h"

using namespace Herd::Check;
using namespace CheckSupport;

class TestCheckIamat : public QObject
{
    Q_OBJECT

private slots:
    void passesAgainstHerd();
    void passesAgainstCorrectDouble();
    void failsAgainstDefect_data();
    void failsAgainstDefect();
};

namespace {

const QStringList Rules = {QStringLiteral("iamat.*")};

} // namespace

void TestCheckIamat::passesAgainstHerd()
{
    QTemporaryDir dir;
    expectAllPassed(writeLine3(dir.path(), herdCommand()), Rules, 3);
}

void TestCheckIamat::passesAgainstCorrectDouble()
{
    QTemporaryDir dir;
    expectAllPassed(writeLine3(dir.path(), doubleCommand()), Rules, 3);
}

void TestCheckIamat::failsAgainstDefect_data()
{
    QTest::addColumn<QString>("defect");
    QTest::addColumn<QString>("rule");
    QTest::newRow("wrong-name") << "wrong-name"
                                << "iamat.reply";
    QTest::newRow("no-echo") << "no-echo"
                             << "iamat.echo";
    QTest::newRow("unsigned-diff") << "unsigned-diff"
                                   << "iamat.diff-format";
    QTest::newRow("clock-ahead") << "clock-ahead"
                                 << "iamat.diff-clock";
    QTest::newRow("round-diff") << "round-diff"
                                << "iamat.diff-exact";
    QTest::newRow("space-only") << "space-only"
                                << "iamat.white-space";
}

void TestCheckIamat::failsAgainstDefect()
{
    QFETCH(QString, defect);
    QFETCH(QString, rule);
    QTemporaryDir dir;
    expectFailsAt(writeLine3(dir.path(), doubleCommand({defect})), rule);
}

QTEST_GUILESS_MAIN(TestCheckIamat)
#include "tst_check_iamat.moc"
