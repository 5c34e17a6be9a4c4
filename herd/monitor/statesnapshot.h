// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>

namespace Herd {

class Cluster;

// The answer of GET /state (docs/monitor.md has its members): every node of
// the herd (those this process runs with their records), every outgoing link
// of this process's nodes with its state and faults, and the faults in
// force, as the cluster stands now.
QJsonObject stateSnapshot(const Cluster &cluster);

} // namespace Herd
