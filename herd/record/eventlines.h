// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArrayView>
#include <QString>

#include <optional>

#include "herd/event.h"

namespace Herd {

// Reading back one event from a line written by exportRecord(): the JSON
// Lines export (a recording's events), or LogWriter's per-node text log. A
// line is given without its "\n". Null, with a reason (not naming the file
// or line; the caller knows those), if the line is not such an event.
std::optional<Event> eventFromJsonLine(QByteArrayView line, QString *error);
// The text log has no `viaPeerLink` (it is false here) and no header: what
// ran, and where each process's clock stood, are not in it.
std::optional<Event> eventFromLogLine(QByteArrayView line, QString *error);

// The kind eventKindName() names; null for another name.
std::optional<EventKind> eventKindFromName(QByteArrayView name);

} // namespace Herd
