// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QSlider;
class QToolButton;

namespace Herd {
class ReplayHerd;
}

namespace HerdUi {

class ReplayPlayer;

// The timeline under the views while a recording is replayed: back to the
// start, play and pause (P), the next message (N), the speed (0.1x to
// 100x), a slider to drag through the run, Fork Here, and where the cursor
// is: seconds from the start and events counted.
//
// It drives a ReplayPlayer of its own and follows the replay's cursor.
// The replay is borrowed and must outlive the timeline.
class Timeline final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Timeline)

public:
    static constexpr double Speeds[] = {0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 50, 100};

    // `fork` is the window's Fork Here action, shown as a button here.
    Timeline(Herd::ReplayHerd *herd, QAction *fork, QWidget *parent = nullptr);

    ReplayPlayer *player() const { return m_player; }
    QSlider *slider() const { return m_slider; }
    // "12.345 s of 60.000 s · event 1,234 of 5,678"
    QString positionText() const;

private:
    void onCursorMoved();
    void onSliderMoved(int ms);

    QPointer<Herd::ReplayHerd> m_herd;
    ReplayPlayer *m_player; // owned (child)
    QToolButton *m_play;    // owned (children, in the layout), like the rest
    QComboBox *m_speed;
    QSlider *m_slider;
    QLabel *m_position;
};

} // namespace HerdUi
