// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

namespace Herd::Check {

// What every report says about a run besides its verdicts.
struct RunInfo
{
    QString targetPath; // the herd file checked
    QString herdName;   // its "name", if it has one
    QStringList nodes;  // the nodes whose own rules ran
    QDateTime startedAt;
    qint64 elapsedMs = 0;
    bool cancelled = false;
};

} // namespace Herd::Check
