// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QtGlobal>

namespace HerdUi {

// How the window writes times and durations, so that every view says them
// alike. Times are ns since the POSIX epoch.

// "2021-05-19 22:53:47.959 UTC": a client's time, to the millisecond.
QString utcText(qint64 ns);
// "22:53:47.959498": a wall-clock time in this machine's time zone, to the
// microsecond.
QString localTimeText(qint64 ns);

// Milliseconds at a glance, without the unit: "0.4", "12", "340" (one
// decimal below 10).
QString msText(double ms);
// A duration at a glance: "0.4 ms", "340 ms", "3.2 s", "4 min", "2 h".
QString durationText(qint64 ns);
// A duration measured between two events: "812 µs", "1.25 ms", "340 ms",
// "3.20 s".
QString preciseDurationText(qint64 ns);

} // namespace HerdUi
