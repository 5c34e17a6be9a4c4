// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/timetext.h"

#include <QDateTime>
#include <QTimeZone>

#include <chrono>

using namespace Qt::StringLiterals;

namespace HerdUi {

QString utcText(qint64 ns)
{
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(ns / 1'000'000, QTimeZone::utc());
    return time.toString(u"yyyy-MM-dd hh:mm:ss.zzz"_s) + u" UTC"_s;
}

QString localTimeText(qint64 ns)
{
    using namespace std::chrono;
    // Floored, so that a time before 1970 keeps its digits in order.
    const microseconds micros = floor<microseconds>(nanoseconds(ns));
    const milliseconds ms = floor<milliseconds>(micros);
    return QDateTime::fromMSecsSinceEpoch(ms.count(), Qt::LocalTime).toString(u"HH:mm:ss.zzz"_s)
        + QString::number((micros - ms).count()).rightJustified(3, u'0');
}

QString msText(double ms)
{
    return QString::number(ms, 'f', ms < 10 ? 1 : 0);
}

QString durationText(qint64 ns)
{
    const double ms = double(ns) / 1e6;
    if (ms < 1000)
        return msText(ms) + u" ms"_s;
    if (ms < 60'000)
        return QString::number(ms / 1000, 'f', 1) + u" s"_s;
    if (ms < 3'600'000)
        return QString::number(ms / 60'000, 'f', 0) + u" min"_s;
    return QString::number(ms / 3'600'000, 'f', 0) + u" h"_s;
}

QString preciseDurationText(qint64 ns)
{
    if (ns < 1'000'000)
        return u"%1 µs"_s.arg(double(ns) / 1e3, 0, 'f', 0);
    if (ns < 1'000'000'000)
        return u"%1 ms"_s.arg(double(ns) / 1e6, 0, 'f', ns < 10'000'000 ? 2 : 0);
    return u"%1 s"_s.arg(double(ns) / 1e9, 0, 'f', 2);
}

} // namespace HerdUi
