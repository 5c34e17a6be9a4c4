// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArrayView>
#include <QList>
#include <QString>

#include <functional>

#include "herd/event.h"

namespace Herd {

// What the event lines of one file gave.
struct ParsedLines
{
    QList<Event> events; // in file order
    // The first line that is not an event: its number in the text given
    // (from 1) and why. 0 when every line was one.
    qsizetype badLine = 0;
    QString reason;
    // The text's last line has no "\n" and is not an event: a file cut off
    // while it was written. It is left out, and is not a bad line.
    bool cutOff = false;
    qsizetype cutOffLine = 0; // its number, when cutOff
};

enum class LineFormat { JsonLines, TextLog };

// Parses `text`, lines of events (eventFromJsonLine or eventFromLogLine),
// on up to one thread per core: the text is cut at line ends into equal
// chunks parsed side by side, so a long recording opens in a fraction of
// the time one thread takes. Names, peers, details and clients that repeat
// share one copy per chunk, so the events take about the memory of their
// lines.
//
// `progress`, if given, is called on the calling thread with the bytes
// parsed so far (of text.size()), now and then.
ParsedLines parseEventLines(QByteArrayView text, LineFormat format,
                            const std::function<void(qsizetype done)> &progress = {});

} // namespace Herd
