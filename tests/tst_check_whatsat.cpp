// SPDX-License-Identifier: GPL-3.0-or-later
// The whatsat.* rules: each passes against Herd and against a correct
// herd-double, and fails against the double with its defect.
#include <QTemporaryDir>
#include <QTest>

#include "check/rule.h"
#include "tests/checksupport.h"

using namespace Herd::Check;
using namespace CheckSupport;

class TestCheckWhatsat : public QObject
{
    Q_OBJECT

private slots:
    void passesAgainstHerd();
    void passesAgainstCorrectDouble();
    void failsAgainstDefect_data();
    void failsAgainstDefect();
};

namespace {

const QStringList Rules = {QStringLiteral("whatsat.*")};

} // namespace

void TestCheckWhatsat::passesAgainstHerd()
{
    QTemporaryDir dir;
    expectAllPassed(writeLine3(dir.path(), herdCommand()), Rules, 3);
}

void TestCheckWhatsat::passesAgainstCorrectDouble()
{
    QTemporaryDir dir;
    expectAllPassed(writeLine3(dir.path(), doubleCommand()), Rules, 3);
}

void TestCheckWhatsat::failsAgainstDefect_data()
{
    QTest::addColumn<QString>("defect");
    QTest::addColumn<QString>("rule");
    QTest::newRow("whatsat-fresh-at") << "whatsat-fresh-at"
                                      << "whatsat.at-line";
    QTest::newRow("whatsat-list") << "whatsat-list"
                                  << "whatsat.json";
    QTest::newRow("whatsat-swapped") << "whatsat-swapped"
                                     << "whatsat.places";
    QTest::newRow("whatsat-whole-radius") << "whatsat-whole-radius"
                                          << "whatsat.radius";
    QTest::newRow("whatsat-unbounded") << "whatsat-unbounded"
                                       << "whatsat.bound";
    QTest::newRow("whatsat-no-blank") << "whatsat-no-blank"
                                      << "whatsat.ending";
    QTest::newRow("last-wins") << "last-wins"
                               << "whatsat.newest";
}

void TestCheckWhatsat::failsAgainstDefect()
{
    QFETCH(QString, defect);
    QFETCH(QString, rule);
    // One node is enough for one node's rules, and starts faster.
    QTemporaryDir dir;
    expectFailsAt(writeTarget(dir.path(), {QStringLiteral("A")}, {}, doubleCommand({defect})), rule);
}

QTEST_GUILESS_MAIN(TestCheckWhatsat)
#include "tst_check_whatsat.moc"
