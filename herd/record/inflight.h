// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include "herd/inflightline.h"
#include "herd/record/herdmoment.h"

namespace Herd {

class Recording;

// The flood lines in flight at `moment` (the recording after its first
// moment.eventCount events), with the cursor at `atNs`, oldest first.
//
// A node floods a record to each neighbour whose link is up as it stores it
// (RecordStored); the line is gone from the wire once the neighbour reports
// it received (LineReceived), or dropped once the sender reports it skipped
// (SendSkipped: link down, cut, or replaced by a newer record while held),
// or when either node stops. A held line has no event of its own until it
// leaves, so in flight is "stored and flooded, not yet received nor dropped".
//
// Bounded cost: only the events of the last InFlightMarginMs plus the
// longest hold a link of the moment has (delay + jitter) are read, not the
// recording from its start: a line older than that has arrived or been
// dropped. A line held under a longer delay that was shortened while it
// waited (it keeps its first due time), or stuck longer behind a neighbour
// that does not read, is missed.
QList<InFlightLine> inFlightAt(const Recording &recording, const HerdMoment &moment, qint64 atNs);

// Past the longest hold, how long a flood line may still be on its way.
inline constexpr qint64 InFlightMarginMs = 2000;

} // namespace Herd
