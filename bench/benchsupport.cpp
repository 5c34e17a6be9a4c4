// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/benchsupport.h"

#include <QCoreApplication>
#include <QFile>

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace Bench {

namespace {

std::int64_t clockNs(clockid_t clock)
{
    timespec ts {};
    clock_gettime(clock, &ts);
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

} // namespace

std::int64_t monoNs()
{
    return clockNs(CLOCK_MONOTONIC);
}

std::int64_t realNs()
{
    return clockNs(CLOCK_REALTIME);
}

std::int64_t residentKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').constFirst().toLongLong();
    }
    return -1;
}

CommandLine::CommandLine(const char *name, const QString &description)
    : m_name(QString::fromLatin1(name))
{
    QCoreApplication::setApplicationName(m_name);
    setApplicationDescription(description);
    addHelpOption();
}

QCommandLineOption CommandLine::option(const char *name, const char *help, const char *value,
                                       const char *defaultValue)
{
    QCommandLineOption option(QString::fromLatin1(name), QString::fromLatin1(help));
    if (value)
        option.setValueName(QString::fromLatin1(value));
    if (defaultValue)
        option.setDefaultValue(QString::fromLatin1(defaultValue));
    addOption(option);
    return option;
}

int CommandLine::fail(const QString &what) const
{
    std::fprintf(stderr, "%s: %s (see --help)\n", qPrintable(m_name), qPrintable(what));
    return 2;
}

rlim_t raiseFileLimit(rlim_t wanted)
{
    rlimit limit {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 0;
    if (limit.rlim_cur >= wanted)
        return limit.rlim_cur;
    const rlim_t before = limit.rlim_cur;
    limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(limit.rlim_max, wanted);
    return ::setrlimit(RLIMIT_NOFILE, &limit) == 0 ? limit.rlim_cur : before;
}

} // namespace Bench
