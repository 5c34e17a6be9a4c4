// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/wire/clock.h"

#include <ctime>

namespace Herd {

qint64 wallClockNs()
{
    timespec now {};
    ::clock_gettime(CLOCK_REALTIME, &now);
    return qint64(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

} // namespace Herd
