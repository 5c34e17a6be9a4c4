// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>

#include "herd/record/herdmoment.h"
#include "herd/record/recording.h"

namespace Herd {

// The herd of a recording at any moment, for scripts (herd --replay --at)
// and for a window that scrubs through a run.
//
// Built once: every event is applied in order, and the moment after every
// `interval` events is kept as a checkpoint (a shallow copy: only what
// changed since the previous one costs memory). A seek then starts from the
// nearest checkpoint at or before the target, or goes on from the current
// moment when the target lies a short way ahead (playing), and applies at
// most `interval` events: its cost does not grow with the recording. The
// same target always gives the same moment, whichever way it was reached.
//
// Borrows the recording, which must outlive it.
class ReplayState final
{
public:
    static constexpr qsizetype DefaultInterval = 16384;

    explicit ReplayState(const Recording &recording, qsizetype interval = DefaultInterval);

    // The herd after the first `eventCount` events (clamped to the recording).
    const HerdMoment &seek(qsizetype eventCount);
    // The herd after every event at or before `timeNs`.
    const HerdMoment &seekTime(qint64 timeNs);
    const HerdMoment &current() const { return m_current; }
    // Puts back a moment current() gave earlier, without applying events
    // again: a look back (ReplayHerd::past) returns to where it was.
    void restore(const HerdMoment &moment) { m_current = moment; }

    const Recording &recording() const { return m_recording; }
    qsizetype checkpointCount() const { return m_checkpoints.size(); }

private:
    void applyUpTo(qsizetype eventCount);

    const Recording &m_recording;
    qsizetype m_interval;
    QList<HerdMoment> m_checkpoints; // [i]: the moment after i * m_interval events
    HerdMoment m_current;
};

} // namespace Herd
