// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/rulesuite.h"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QTest>

#include "tests/checksupport.h"

using namespace CheckSupport;

RuleSuite::RuleSuite(QString pattern, QList<Defect> defects)
    : m_pattern(std::move(pattern))
    , m_defects(std::move(defects))
{}

void RuleSuite::passesAgainstHerd()
{
    QTemporaryDir dir;
    expectAllPassed(writeLine3(dir.path(), herdCommand()), {m_pattern}, 3);
}

void RuleSuite::passesAgainstCorrectDouble()
{
    QTemporaryDir dir;
    expectAllPassed(writeLine3(dir.path(), doubleCommand()), {m_pattern}, 3);
}

void RuleSuite::failsAgainstDefect_data()
{
    QTest::addColumn<QString>("defect");
    QTest::addColumn<QString>("rule");
    for (const Defect &defect : m_defects)
        QTest::newRow(qPrintable(defect.defect)) << defect.defect << defect.rule;
}

void RuleSuite::failsAgainstDefect()
{
    QFETCH(QString, defect);
    QFETCH(QString, rule);
    QTemporaryDir dir;
    expectFailsAt(writeTarget(dir.path(), {QStringLiteral("A")}, {}, doubleCommand({defect})), rule);
}

int runRuleSuite(int argc, char **argv, const QString &pattern, const QList<RuleSuite::Defect> &defects)
{
    QCoreApplication app(argc, argv);
    RuleSuite suite(pattern, defects);
    return QTest::qExec(&suite, argc, argv);
}
