// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/framecounter.h"

#include <QEvent>
#include <QWidget>

#include <algorithm>
#include <limits>
#include <numeric>

FrameCounter::FrameCounter(QWidget *widget)
    : QObject(widget)
{
    widget->installEventFilter(this);
}

void FrameCounter::start()
{
    m_perSecond.clear();
    m_clock.start();
    m_counting = true;
}

void FrameCounter::stop()
{
    m_elapsedMs = m_clock.elapsed();
    m_counting = false;
}

double FrameCounter::perSecond() const
{
    const int total = std::accumulate(m_perSecond.cbegin(), m_perSecond.cend(), 0);
    return m_elapsedMs > 0 ? total * 1000.0 / double(m_elapsedMs) : 0.0;
}

int FrameCounter::slowestSecond() const
{
    // Only whole seconds: the last, cut short by stop(), would look slow.
    const auto whole = size_t(m_elapsedMs / 1000);
    if (whole == 0)
        return 0;
    int slowest = std::numeric_limits<int>::max();
    for (size_t second = 0; second < whole; ++second)
        slowest = std::min(slowest, second < m_perSecond.size() ? m_perSecond[second] : 0);
    return slowest;
}

bool FrameCounter::eventFilter(QObject *watched, QEvent *event)
{
    if (m_counting && event->type() == QEvent::Paint) {
        const auto second = size_t(m_clock.elapsed() / 1000);
        if (m_perSecond.size() <= second)
            m_perSecond.resize(second + 1, 0);
        ++m_perSecond[second];
    }
    return QObject::eventFilter(watched, event);
}
