// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "herd/config/herdconfig.h"
#include "herd/record/herdmoment.h"
#include "herd/record/inflight.h"

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
// each line `inFlight` names (inFlightAt()) goes from its sender to its
// receiver as the flood it was, once their link is up and after what was
// left of its hold, resync compares the nodes, and the user may heal, kill
// or send traffic. A line whose link is cut is reported skipped, as a flood
// on a cut link is; one whose sender or receiver was down is dropped.
void restoreMoment(Cluster &cluster, const HerdMoment &moment, const QList<InFlightLine> &inFlight = {});

} // namespace Herd
