// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QObject>
#include <QString>

// The suite of a rule area whose rules each node answers alone (iamat,
// whatsat, input): every rule passes against Herd and against a correct
// herd-double, on three nodes in a line, and each defect of the double
// fails its rule, on one node (enough for one node's rules, and faster).
// A suite's main() gives the area's pattern and its defects.
class RuleSuite : public QObject
{
    Q_OBJECT

public:
    struct Defect
    {
        QString defect; // herd-double --defect NAME
        QString rule;   // the rule it must fail
    };

    RuleSuite(QString pattern, QList<Defect> defects);

private slots:
    void passesAgainstHerd();
    void passesAgainstCorrectDouble();
    void failsAgainstDefect_data();
    void failsAgainstDefect();

private:
    QString m_pattern;
    QList<Defect> m_defects;
};

// The main() of such a suite.
int runRuleSuite(int argc, char **argv, const QString &pattern, const QList<RuleSuite::Defect> &defects);
