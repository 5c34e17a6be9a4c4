// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <vector>

#include "bench/load/config.h"
#include "bench/loadstats.h"

namespace HerdLoad {

struct FloodResult
{
    LatencySamples farthest;
    std::vector<LatencySamples> perPort;
    int failed = 0;
};

// Method: for each sample, a client id never used before gets one IAMAT at
// the first port; at the same moment every other port is polled with
// WHATSAT for that id, one in flight per port, a new one as soon as the
// previous answer comes back. "? WHATSAT ..." means the record has not
// arrived; an AT line means it has. A node's figure is the time from sending
// the IAMAT to receiving its first AT answer: an upper bound on the flood
// time that exceeds it by less than one poll round trip (the previous poll
// was answered without the record). The sample is the largest over the nodes.
FloodResult floodCheck(const Config &config);

} // namespace HerdLoad
