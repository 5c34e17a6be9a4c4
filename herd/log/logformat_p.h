// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QStringView>

#include "herd/event.h"

namespace Herd {

// The fields of one log line, as views: of an Event (LogFields::of), or of
// a record in a LogBatch, read on the log's writer thread.
struct LogFields
{
    qint64 timeNs = 0;
    EventKind kind = EventKind::Error;
    QStringView node;
    QStringView peer;
    QByteArrayView client;
    QByteArrayView line;
    QStringView detail;

    static LogFields of(const Event &event);
};

// Appends the line LogWriter's format gives `event`, with its "\n", to
// `out`. `escapedNode`, when not null, is the node field already escaped
// (and `event.node` is not read).
void appendLogLine(QByteArray &out, const LogFields &event, QByteArrayView escapedNode = {});
// One field escaped as in the log.
QByteArray escapeLogField(QByteArrayView field);

} // namespace Herd
