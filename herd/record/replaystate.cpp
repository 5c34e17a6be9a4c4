// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/record/replaystate.h"

#include <algorithm>

namespace Herd {

ReplayState::ReplayState(const Recording &recording, qsizetype interval)
    : m_recording(recording)
    , m_interval(std::max<qsizetype>(1, interval))
{
    for (const QString &node : recording.nodes())
        m_current.nodes.insert(node, {});
    const qsizetype total = recording.events().size();
    m_checkpoints.reserve(total / m_interval + 1);
    m_checkpoints.append(m_current);
    while (m_current.eventCount + m_interval <= total) {
        applyUpTo(m_current.eventCount + m_interval);
        m_checkpoints.append(m_current);
    }
    applyUpTo(total);
}

const HerdMoment &ReplayState::seek(qsizetype eventCount)
{
    const qsizetype target = std::clamp<qsizetype>(eventCount, 0, m_recording.events().size());
    const qsizetype ahead = target - m_current.eventCount;
    if (ahead < 0 || ahead > m_interval)
        m_current = m_checkpoints.at(target / m_interval);
    applyUpTo(target);
    return m_current;
}

const HerdMoment &ReplayState::seekTime(qint64 timeNs)
{
    return seek(m_recording.countUpTo(timeNs));
}

void ReplayState::applyUpTo(qsizetype eventCount)
{
    const QList<Event> &events = m_recording.events();
    while (m_current.eventCount < eventCount)
        m_current.apply(events.at(m_current.eventCount));
}

} // namespace Herd
