// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

namespace Herd {

// Wall-clock time in integer nanoseconds since the POSIX epoch: the AT
// reply's time difference needs all nine digits.
qint64 wallClockNs();

} // namespace Herd
