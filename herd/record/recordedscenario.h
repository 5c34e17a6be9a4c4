// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

#include "herd/record/recording.h"

namespace Herd {

// A scenario file (docs/scenarios.md) that runs a recording again: its herd
// (from the header), every report a node took (an `iamat` step with the
// client's own position and time) and every fault, kill and restart, each
// at the moment it happened, counted from when every link was first up (as
// a scenario's clock is). Then expectations for how the run ended: `agree`
// if every running node held every client's newest report, otherwise a
// `holds` or `stale` for each running node and client, so the divergence
// the run showed is reproduced and checked.
//
// Null, with a reason, for a recording without a herd (text logs alone).
std::optional<QByteArray> scenarioFromRecording(const Recording &recording, const QString &name,
                                                QString *error);

} // namespace Herd
