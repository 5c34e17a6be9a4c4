// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/attach/clockestimate.h"

#include <algorithm>

namespace Herd {

void ClockEstimate::addProbe(qint64 sentNs, qint64 serverNs, qint64 receivedNs)
{
    if (receivedNs < sentNs)
        return; // our clock stepped back mid-probe: the trip means nothing
    // Halved separately so that times near the epoch's far end cannot overflow.
    const qint64 middle = sentNs / 2 + receivedNs / 2 + (sentNs % 2 + receivedNs % 2) / 2;
    m_samples.push_back({serverNs - middle, receivedNs - sentNs});
    while (m_samples.size() > size_t(std::max(1, m_window)))
        m_samples.pop_front();
}

const ClockEstimate::Sample *ClockEstimate::best() const
{
    if (m_samples.empty())
        return nullptr;
    return &*std::min_element(m_samples.cbegin(), m_samples.cend(),
                              [](const Sample &a, const Sample &b) { return a.roundTripNs < b.roundTripNs; });
}

qint64 ClockEstimate::offsetNs() const
{
    const Sample *sample = best();
    return sample ? sample->offsetNs : 0;
}

qint64 ClockEstimate::uncertaintyNs() const
{
    const Sample *sample = best();
    return sample ? (sample->roundTripNs + 1) / 2 : 0;
}

} // namespace Herd
