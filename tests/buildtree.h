// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QString>

// Where the build put what the suites run, found at run time: a suite runs
// from <build>/tests, the herd from <build>/bin. Compiled in as absolute
// paths, they made every object of these suites differ between two clones
// of the repository, so a fresh clone (as CI makes) recompiled them all
// instead of taking them from ccache. Call once the QCoreApplication
// exists (in a test function, not a static initialiser).
namespace BuildTree {

inline QString testsDir()
{
    return QCoreApplication::applicationDirPath();
}

inline QString herdBinary()
{
    return QDir::cleanPath(testsDir() + QStringLiteral("/../bin/herd"));
}

inline QString herdDouble()
{
    return testsDir() + QStringLiteral("/herd-double");
}

// The sources the build was configured from, as its CMake cache names
// them; empty if the cache cannot be read.
inline QString sourceDir()
{
    QFile cache(QDir::cleanPath(testsDir() + QStringLiteral("/../CMakeCache.txt")));
    if (!cache.open(QIODevice::ReadOnly))
        return {};
    const QByteArray key = "Herd_SOURCE_DIR:STATIC=";
    while (!cache.atEnd()) {
        const QByteArray line = cache.readLine().trimmed();
        if (line.startsWith(key))
            return QString::fromLocal8Bit(line.mid(key.size()));
    }
    return {};
}

} // namespace BuildTree
