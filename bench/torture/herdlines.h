// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

// Herd's lines as herd-torture reads them from outside: client times, AT
// lines, and a byte stream cut into lines.
namespace HerdTorture {

// Nanoseconds as milliseconds with one decimal, for messages.
QString msText(qint64 ns);
// Nanoseconds since the epoch as a client time, "<seconds>.<9 digits>".
QByteArray timeText(qint64 ns);
// A client time as the protocol writes it, "<seconds>[.<1 to 9 digits>]",
// in nanoseconds; -1 if it is not one.
qint64 parseTime(QByteArrayView text);
// The last field of an AT line: its client time.
qint64 atLineTime(const QByteArray &line);

// Cuts a byte stream into lines, whatever the reads.
class LineScan
{
public:
    template <typename F> void feed(const QByteArray &data, F &&onLine)
    {
        qsizetype start = 0;
        for (qsizetype nl = data.indexOf('\n'); nl >= 0; nl = data.indexOf('\n', start)) {
            if (m_partial.isEmpty()) {
                onLine(QByteArrayView(data).sliced(start, nl - start));
            } else {
                m_partial.append(data.constData() + start, nl - start);
                onLine(QByteArrayView(m_partial));
                m_partial.clear();
            }
            start = nl + 1;
        }
        // Herd lines are short; a runaway line is not worth keeping.
        if (m_partial.size() + (data.size() - start) <= 1 << 20)
            m_partial.append(data.constData() + start, data.size() - start);
        else
            m_partial.clear();
    }

private:
    QByteArray m_partial;
};

} // namespace HerdTorture
