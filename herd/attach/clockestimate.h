// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

#include <deque>

namespace Herd {

// How far another process's clock is from ours, estimated as NTP does from
// round trips: we send at t0 (our clock), the process stamps ts (its
// clock), we receive at t1 (ours). If the answer was stamped anywhere
// inside the round trip, the offset ts - (t0 + t1) / 2 is off by at most
// half the round trip. Of the last few probes the one with the shortest
// round trip is kept: queueing only ever lengthens a trip, so the shortest
// is the least disturbed.
class ClockEstimate
{
public:
    explicit ClockEstimate(int window = 8)
        : m_window(window)
    {}

    // A probe's three times, ns since the epoch.
    void addProbe(qint64 sentNs, qint64 serverNs, qint64 receivedNs);
    bool isKnown() const { return !m_samples.empty(); }
    // Their clock minus ours; 0 before any probe.
    qint64 offsetNs() const;
    // How wrong offsetNs() may be: half the kept probe's round trip.
    qint64 uncertaintyNs() const;
    // A time of their clock on ours.
    qint64 toLocal(qint64 theirNs) const { return theirNs - offsetNs(); }

private:
    struct Sample
    {
        qint64 offsetNs;
        qint64 roundTripNs;
    };
    const Sample *best() const;

    int m_window;
    std::deque<Sample> m_samples; // the newest last
};

} // namespace Herd
