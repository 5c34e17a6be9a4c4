// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QList>
#include <QString>

#include <optional>
#include <utility>

#include "herd/herdsource.h"
#include "herd/record/herdmoment.h"

namespace Herd {

class Store;

// A HerdMoment read as a HerdSource answers, for the sources that build
// the herd from its events (ReplayHerd, ThreadedHerd): one reading, so a
// herd looks the same whichever of them shows it. `config` gives each
// node's host and port.
std::optional<NodeStatus> nodeStatusIn(const HerdMoment &moment, const HerdConfig &config,
                                       const QString &node);
std::optional<LinkState> linkStateIn(const HerdMoment &moment, const HerdConfig &config, const QString &from,
                                     const QString &to);
// Brings the store of event.node, in `stores` (by node), past `event`: a
// record stored is offered (read from the event's line alone), a node
// stopped loses all. Other events, most of a busy herd's, look up nothing.
void followInStore(QHash<QString, Store> &stores, const Event &event);
// The links (from, to) whose LinkState `event` may have changed: what a
// running herd announces with linkStateChanged.
QList<std::pair<QString, QString>> linksChangedBy(const Event &event, const HerdConfig &config);

} // namespace Herd
