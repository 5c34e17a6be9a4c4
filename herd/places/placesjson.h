// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>

namespace Herd {

// Text helpers for the body of a WHATSAT reply (docs/protocol.md). Pure
// functions, so the exact bytes a client sees can be tested without a node.

// Serialises `response` the way Google's servers pretty-print a Nearby
// Search answer: 3-space indent, `"key" : value`, one array element or
// object member per line, `[]` and `{}` for empty containers, keys in
// alphabetical order (QJsonObject's order, and Google's for legacy answers),
// numbers in the shortest form that round-trips (whole numbers without
// ".0"), strings JSON-escaped with non-ASCII kept as UTF-8. The result is
// already as squeezeNewlines() would leave it; the caller appends "\n\n".
QByteArray formatPlacesJson(const QJsonObject &response);

// The protocol's rule for the body: every run of two or more '\n' becomes
// one, and trailing '\n' are removed. Separate from the formatter because a
// body may come from elsewhere (a stored or upstream text).
QByteArray squeezeNewlines(QByteArray text);

// Keeps at most `bound` entries of "results" (a negative bound keeps none);
// every other member is left as it came.
QJsonObject trimResults(QJsonObject response, int bound);

} // namespace Herd
