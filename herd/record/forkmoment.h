// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "herd/config/herdconfig.h"
#include "herd/record/herdmoment.h"

namespace Herd {

class Cluster;

// Fork Here (docs/recording.md): a live herd that goes on from a moment of a
// recording.

// The recording's herd on loopback, every node on a port the system picks,
// so a fork never clashes with a herd already running.
HerdConfig forkConfig(const HerdConfig &recorded);

// Puts a cluster just started from forkConfig() in the moment's state,
// before its links first connect: every running node holds exactly the
// records it held then (Node::preload: nothing floods), every link fault
// and clock skew is set again, and the nodes that were down are killed.
// What follows is what the herd would have done from there: links connect,
// resync compares the nodes, and the user may heal, kill or send traffic.
void restoreMoment(Cluster &cluster, const HerdMoment &moment);

} // namespace Herd
