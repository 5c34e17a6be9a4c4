// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

#include "herd/event.h"

// Events as a herd reports them, made by hand for the suites of the
// window's statistics and views (tst_herdstats, tst_knowledgemodel,
// tst_plotsview): nodes starting and stopping, records stored, links cut.
namespace HerdEvents {

constexpr qint64 T0 = 1'700'000'000'000'000'000; // ns
constexpr qint64 Ms = 1'000'000;
constexpr qint64 S = 1'000'000'000;

Herd::Event nodeEvent(Herd::EventKind kind, const QString &node, qint64 timeNs = T0);

// `node` stored the AT line `origin` made for `client` at client time
// `clientSeconds` (from the IAMAT when node is origin, else flooded).
Herd::Event stored(const QString &node, const QByteArray &origin, const QByteArray &client,
                   const QByteArray &clientSeconds, qint64 timeNs = T0);

// `from`'s link to `to` changed: `what` is "cut", "restored", ...
Herd::Event linkChanged(const QString &from, const QString &to, const QString &what, qint64 timeNs);

} // namespace HerdEvents
