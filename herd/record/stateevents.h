// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>

#include "herd/event.h"

namespace Herd {

class HerdSource;

// The herd as it stands, told as the events that would have made it: a
// recording begun on a herd already running (the window's File > Record)
// opens with these, so a replay knows which nodes ran, which links were up
// and what each node held. Every event has time `timeNs`; nodes the herd
// cannot see, and nodes down, get none.
//
//   started (each running node), link (its clock skew, each fault of each
//   direction, as Cluster's setters word them, one way), peer-up (each
//   link connected), stored (each record held)
QList<Event> eventsOfState(const HerdSource &herd, qint64 timeNs);

} // namespace Herd
