// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

#include <optional>
#include <utility>

#include "herd/herdsource.h"
#include "herd/linkstate.h"
#include "herd/node/store.h"

namespace Herd {

// One node of a process, as its monitor's GET /state showed it.
struct ProcessNode
{
    NodeStatus status;
    Store store;
};

// What one process's monitor answered to GET /state (docs/monitor.md):
// the nodes it runs, their outgoing links, and its clock when it answered.
struct ProcessState
{
    using LinkKey = std::pair<QString, QString>; // from, to

    QString herd;
    qint64 timeNs = 0;                 // the process's wall clock as it wrote the answer
    QHash<QString, ProcessNode> nodes; // only those with "inProcess": true
    QHash<LinkKey, LinkState> links;

    // Null, with the field at fault named in *error, for an answer that is
    // not such a snapshot.
    static std::optional<ProcessState> fromJson(const QByteArray &json, QString *error);
};

// "connected" (as /state writes it) -> LinkState::State::Connected; null for another word.
std::optional<LinkState::State> linkStateFromName(const QString &name);

} // namespace Herd
