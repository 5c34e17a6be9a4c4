// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "herd/config/herdconfig.h"

namespace Herd {

// A random connected herd for load and for big-herd pictures: `nodes` nodes
// named N000, N001, ... on 127.0.0.1 with ports the OS picks (0), joined by
// a random spanning tree (each node to one earlier node), then random extra
// links until the average degree is about `degree`. No positions: the
// window lays it out. The same arguments always give the same herd.
HerdConfig randomHerd(int nodes, double degree, quint64 seed);

} // namespace Herd
