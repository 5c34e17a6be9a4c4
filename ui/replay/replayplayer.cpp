// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/replay/replayplayer.h"

#include <algorithm>

#include "herd/record/replayherd.h"

namespace HerdUi {

ReplayPlayer::ReplayPlayer(Herd::ReplayHerd *herd, QObject *parent)
    : QObject(parent)
    , m_herd(herd)
{
    m_timer.setInterval(FrameMs);
    connect(&m_timer, &QTimer::timeout, this, &ReplayPlayer::onFrame);
}

void ReplayPlayer::setPlaying(bool playing)
{
    if (playing == isPlaying() || !m_herd)
        return;
    if (playing) {
        // Play at the end: from the start again.
        if (m_herd->atEnd())
            m_herd->seekTime(m_herd->startNs());
        m_sinceFrame.start();
        m_timer.start();
    } else {
        m_timer.stop();
    }
    emit playingChanged(playing);
}

void ReplayPlayer::setSpeed(double speed)
{
    m_speed = std::clamp(speed, MinSpeed, MaxSpeed);
}

void ReplayPlayer::seekTime(qint64 timeNs)
{
    setPlaying(false);
    if (m_herd)
        m_herd->seekTime(timeNs);
}

void ReplayPlayer::stepToNextMessage()
{
    setPlaying(false);
    if (m_herd)
        m_herd->stepToNextMessage();
}

void ReplayPlayer::onFrame()
{
    if (!m_herd) {
        setPlaying(false);
        return;
    }
    // The time really passed, not the interval asked for: a slow frame
    // does not slow the replay down.
    const qint64 passedNs = m_sinceFrame.restart() * 1'000'000;
    m_herd->playTo(m_herd->cursorNs() + qint64(double(passedNs) * m_speed));
    if (m_herd->atEnd())
        setPlaying(false);
}

} // namespace HerdUi
