// SPDX-License-Identifier: GPL-3.0-or-later
// What the protocol suites share: QTest's names for the parser's enums, and
// the time constants their tables use.
#pragma once

#include <QTest>

#include <limits>

#include "herd/wire/protocol.h"

Q_DECLARE_METATYPE(Herd::Problem)
Q_DECLARE_METATYPE(Herd::Command)

namespace Herd {
// Found by QTest through argument-dependent lookup, so failures name the enum values.
inline char *toString(const Problem &problem)
{
    return qstrdup(problemName(problem));
}
inline char *toString(const Command &command)
{
    switch (command) {
    case Command::Iamat:
        return qstrdup("IAMAT");
    case Command::Whatsat:
        return qstrdup("WHATSAT");
    case Command::At:
        return qstrdup("AT");
    case Command::Invalid:
        return qstrdup("Invalid");
    }
    return qstrdup("?");
}
} // namespace Herd

namespace ProtocolSupport {

constexpr qint64 Ns = 1'000'000'000;
constexpr qint64 Max64 = std::numeric_limits<qint64>::max();
constexpr qint64 Min64 = std::numeric_limits<qint64>::min();

} // namespace ProtocolSupport
