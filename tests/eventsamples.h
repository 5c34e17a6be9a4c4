// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

#include "herd/event.h"

// Numbered events for the log suites (tst_eventlogmodel, tst_logview): event
// i's time and line carry i, so order is checkable, and its node, kind,
// peer and client cycle through small sets, so filters have work to do.
namespace EventSamples {

constexpr qint64 BaseNs = 1'714'566'896'000'000'000;
inline const QStringList Nodes {QStringLiteral("Bailey"), QStringLiteral("Bona"), QStringLiteral("Campbell"),
                                QStringLiteral("Clark"), QStringLiteral("Jaquez")};

// Event number `i`.
Herd::Event makeEvent(int i);
// The number of an event makeEvent() made.
int numberOf(const Herd::Event &event);

} // namespace EventSamples
