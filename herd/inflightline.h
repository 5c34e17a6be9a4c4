// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

namespace Herd {

// A flood line a node had sent a neighbour by some moment (a replay's
// cursor, a fork's start) which the neighbour had not received yet: held by
// a slow link, or on the wire.
struct InFlightLine
{
    QString from;
    QString to;
    QByteArray line;       // the AT line
    qint64 sentNs = 0;     // when `from` stored the record and flooded it
    qint64 holdLeftMs = 0; // what the link's delay still had to hold it at the moment
    friend bool operator==(const InFlightLine &, const InFlightLine &) = default;
};

} // namespace Herd
