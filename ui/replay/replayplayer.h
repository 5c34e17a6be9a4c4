// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace Herd {
class ReplayHerd;
}

namespace HerdUi {

// Plays a recording: a timer moves the replay's cursor forward by the time
// passed since the last frame, times the speed, so its events reach the
// views as a running herd's would. Pauses by itself at the end.
class ReplayPlayer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReplayPlayer)

public:
    static constexpr int FrameMs = 40;
    static constexpr double MinSpeed = 0.1;
    static constexpr double MaxSpeed = 100;

    // `herd` is borrowed and must outlive the player.
    explicit ReplayPlayer(Herd::ReplayHerd *herd, QObject *parent = nullptr);

    bool isPlaying() const { return m_timer.isActive(); }
    double speed() const { return m_speed; }

public slots:
    void setPlaying(bool playing);
    void setSpeed(double speed); // clamped to MinSpeed .. MaxSpeed
    // Pauses, then moves the cursor: a jump to a time, or one message on.
    void seekTime(qint64 timeNs);
    void stepToNextMessage();

signals:
    void playingChanged(bool playing);

private:
    void onFrame();

    QPointer<Herd::ReplayHerd> m_herd;
    QTimer m_timer;
    QElapsedTimer m_sinceFrame;
    double m_speed = 1;
};

} // namespace HerdUi
