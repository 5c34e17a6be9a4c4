// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>

#include "herd/record/herdmoment.h"

namespace Herd {

// A moment of a recording as JSON, for scripts (herd --replay --state;
// docs/recording.md): the moment asked for (seconds from the recording's
// start), every node with its records by client id, and every link
// direction with its state and faults.
QJsonObject momentToJson(const HerdMoment &moment, double atSeconds);

} // namespace Herd
