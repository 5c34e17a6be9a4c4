// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace Herd {

class Cluster;

// The monitor's control requests (POST /control/ACTION, docs/monitor.md):
// the faults the window offers, as JSON parameters, applied to the nodes of
// this process through the cluster. Nothing here knows HTTP but the status
// numbers, so it is tested without a server.
struct ControlOutcome
{
    // 200 done; 400 a bad or missing parameter (`parameter` names it); 404
    // a node or link not in the herd; 409 a node or link end not run by this
    // process, or a node not in the state the action needs.
    int status = 200;
    // {"ok": true, "done": "..."}, or {"error": "...", "parameter": "..."}.
    QJsonObject body;
};

// kill, restart, cut, restore, delay, jitter, flaky, clock-skew,
// partition, heal, clear.
QStringList controlActions();
// `body` is a JSON object (empty: {}); `action` one of controlActions().
ControlOutcome applyControl(Cluster &cluster, const QString &action, const QByteArray &body);

} // namespace Herd
