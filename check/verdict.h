// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>

#include <optional>

namespace Herd::Check {

// One figure a speed rule measured, with the same figure for Herd's own
// nodes on the same topology in the same run when it could be measured.
struct Figure
{
    QString name; // "IAMAT/s, 100 connections"
    double value = 0;
    QString unit; // "/s", "ms"
    std::optional<double> reference;
};

// What one rule found at one node (or at the herd).
struct Verdict
{
    enum class Outcome { Passed, Failed, NotRun };
    Outcome outcome = Outcome::Passed;
    QString expected; // Failed: what the protocol asks for
    QString actual;   // Failed: what came back
    QString why;      // NotRun: what was missing; Passed: an optional remark
    QList<Figure> figures;

    static Verdict passed(const QString &remark = {}) { return {Outcome::Passed, {}, {}, remark, {}}; }
    static Verdict failed(const QString &expected, const QString &actual)
    {
        return {Outcome::Failed, expected, actual, {}, {}};
    }
    static Verdict notRun(const QString &why) { return {Outcome::NotRun, {}, {}, why, {}}; }
    bool isPassed() const { return outcome == Outcome::Passed; }
    bool isFailed() const { return outcome == Outcome::Failed; }
};

QString outcomeName(Verdict::Outcome outcome); // "passed", "failed", "not run"

} // namespace Herd::Check
