// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/torture/herdlines.h"

#include <cstdio>
#include <limits>

namespace HerdTorture {

QString msText(qint64 ns)
{
    return QString::number(double(ns) / 1e6, 'f', 1);
}

QByteArray timeText(qint64 ns)
{
    char buffer[32];
    const int n =
        std::snprintf(buffer, sizeof buffer, "%lld.%09lld", static_cast<long long>(ns / 1'000'000'000),
                      static_cast<long long>(ns % 1'000'000'000));
    return QByteArray(buffer, n);
}

qint64 parseTime(QByteArrayView text)
{
    const qsizetype dot = text.indexOf('.');
    const qsizetype whole = dot < 0 ? text.size() : dot;
    const qsizetype digits = dot < 0 ? 0 : text.size() - dot - 1;
    if (whole < 1 || whole > 10 || (dot >= 0 && (digits < 1 || digits > 9)))
        return -1;
    qint64 seconds = 0, fraction = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (i == dot)
            continue;
        const char c = text[i];
        if (c < '0' || c > '9')
            return -1;
        qint64 &part = i < whole ? seconds : fraction;
        part = part * 10 + (c - '0');
    }
    if (seconds > std::numeric_limits<qint64>::max() / 1'000'000'000 - 1)
        return -1;
    for (qsizetype k = digits; k < 9; ++k)
        fraction *= 10;
    return seconds * 1'000'000'000 + fraction;
}

qint64 atLineTime(const QByteArray &line)
{
    return parseTime(QByteArrayView(line).sliced(line.lastIndexOf(' ') + 1));
}

} // namespace HerdTorture
