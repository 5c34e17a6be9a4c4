// SPDX-License-Identifier: GPL-3.0-or-later
#include "check/filelimit.h"

#include <limits>
#include <sys/resource.h>

namespace Herd::Check {

qint64 openFileLimit()
{
    rlimit limit {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 0;
    return limit.rlim_cur == RLIM_INFINITY ? std::numeric_limits<qint64>::max() : qint64(limit.rlim_cur);
}

qint64 raiseOpenFileLimit()
{
    rlimit limit {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        // Refused, the old limit stays, and the rules that need more say so.
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
    return openFileLimit();
}

} // namespace Herd::Check
