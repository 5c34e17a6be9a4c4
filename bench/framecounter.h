// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QElapsedTimer>
#include <QObject>

#include <vector>

class QWidget;

// Counts the paint events a widget takes, per second of a clock the caller
// starts: how often a view really redrew, whatever its own timers ask for.
class FrameCounter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FrameCounter)

public:
    explicit FrameCounter(QWidget *widget);

    // Counting starts now; paints before it are not counted.
    void start();
    void stop();

    // Paints a second over the whole run, and in the slowest whole second.
    double perSecond() const;
    int slowestSecond() const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QElapsedTimer m_clock;
    std::vector<int> m_perSecond; // paints in second i since start()
    qint64 m_elapsedMs = 0;       // set by stop()
    bool m_counting = false;
};
