// SPDX-License-Identifier: GPL-3.0-or-later
// The input.* rules: each passes against Herd and against a correct
// herd-double, and fails against the double with its defect.
#include <QTemporaryDir>
#include <QTest>

#include "check/rule.h"
#include "tests/checksupport.h"

using namespace Herd::Check;
using namespace CheckSupport;

class TestCheckInput : public QObject
{
    Q_OBJECT

private slots:
    void passesAgainstHerd();
    void passesAgainstCorrectDouble();
    void failsAgainstDefect_data();
    void failsAgainstDefect();
};

namespace {

const QStringList Rules = {QStringLiteral("input.*")};

} // namespace

void TestCheckInput::passesAgainstHerd()
{
    QTemporaryDir dir;
    expectAllPassed(writeLine3(dir.path(), herdCommand()), Rules, 3);
}

void TestCheckInput::passesAgainstCorrectDouble()
{
    QTemporaryDir dir;
    expectAllPassed(writeLine3(dir.path(), doubleCommand()), Rules, 3);
}

void TestCheckInput::failsAgainstDefect_data()
{
    QTest::addColumn<QString>("defect");
    QTest::addColumn<QString>("rule");
    QTest::newRow("any-case") << "any-case"
                              << "input.invalid-command";
    QTest::newRow("lax-iamat") << "lax-iamat"
                               << "input.invalid-iamat";
    QTest::newRow("lax-whatsat") << "lax-whatsat"
                                 << "input.invalid-whatsat";
    QTest::newRow("echo-replaced") << "echo-replaced"
                                   << "input.invalid-bytes";
    QTest::newRow("echo-trimmed") << "echo-trimmed"
                                  << "input.echo-white-space";
    QTest::newRow("keeps-cr") << "keeps-cr"
                              << "input.crlf";
    QTest::newRow("drops-cr") << "drops-cr"
                              << "input.one-cr";
    QTest::newRow("unicode-space") << "unicode-space"
                                   << "input.unicode-space";
    QTest::newRow("no-pipelining") << "no-pipelining"
                                   << "input.pipelined";
    QTest::newRow("no-split") << "no-split"
                              << "input.split";
    QTest::newRow("whatsat-deferred") << "whatsat-deferred"
                                      << "input.order";
    QTest::newRow("no-halfclose") << "no-halfclose"
                                  << "input.half-close";
    QTest::newRow("short-lines") << "short-lines"
                                 << "input.long-line";
}

void TestCheckInput::failsAgainstDefect()
{
    QFETCH(QString, defect);
    QFETCH(QString, rule);
    // One node is enough for one node's rules, and starts faster.
    QTemporaryDir dir;
    expectFailsAt(writeTarget(dir.path(), {QStringLiteral("A")}, {}, doubleCommand({defect})), rule);
}

QTEST_GUILESS_MAIN(TestCheckInput)
#include "tst_check_input.moc"
