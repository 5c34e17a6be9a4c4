// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCommandLineParser>
#include <QString>

#include <cstdint>

#include <sys/resource.h>

// What the command-line benchmarks share: their clocks, their command
// line, and room for many sockets.
namespace Bench {

// CLOCK_MONOTONIC and CLOCK_REALTIME, in nanoseconds.
std::int64_t monoNs();
std::int64_t realNs();
// This process's resident memory (VmRSS) in KiB; -1 if it cannot be read.
std::int64_t residentKiB();

// A benchmark's command line: its name and `description` for --help, the
// options added one call each, and the one way to report a bad one.
class CommandLine : public QCommandLineParser
{
public:
    // Names the application too, so it needs the QCoreApplication.
    CommandLine(const char *name, const QString &description);

    // Adds --name: a switch, or with `value` an option taking one, with
    // `defaultValue` if given.
    QCommandLineOption option(const char *name, const char *help, const char *value = nullptr,
                              const char *defaultValue = nullptr);

    // Prints "<name>: <what> (see --help)" on stderr; returns 2, the exit
    // status of a bad command line.
    int fail(const QString &what) const;
    int fail(const char *what) const { return fail(QString::fromUtf8(what)); }

private:
    QString m_name;
};

// Raises the soft open-file limit of this process (and of the children it
// starts later) to `wanted`, within the hard limit. Returns the limit in
// force afterwards (0 if it cannot be read).
rlim_t raiseFileLimit(rlim_t wanted);

} // namespace Bench
