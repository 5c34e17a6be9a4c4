// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <memory>
#include <optional>

#include "check/verdict.h"

namespace Herd {
struct NodeConfig;
}

namespace Herd::Check {

class CheckContext;
class Probe;

// What every rule area shares: building lines, reading replies, asking a
// node what it holds. Each blocks for at most the settings' timeouts.

// The docs/protocol.md sections rules cite, spelt once.
namespace Section {
inline const QString Lines = QStringLiteral("Lines and white space");
inline const QString Iamat = QStringLiteral("IAMAT: a client says where it is");
inline const QString IamatReply = QStringLiteral("The reply: an AT line");
inline const QString IamatStore = QStringLiteral("What the node does with it");
inline const QString Whatsat = QStringLiteral("WHATSAT: what is near a client");
inline const QString WhatsatReply = QStringLiteral("The reply");
inline const QString Invalid = QStringLiteral("Invalid input");
inline const QString LongLines = QStringLiteral("Long lines");
inline const QString Order = QStringLiteral("Several lines at once, and reply order");
inline const QString HalfClose = QStringLiteral("Half-close");
inline const QString Flooding = QStringLiteral("Between nodes: flooding");
inline const QString Reconnecting = QStringLiteral("Reconnecting");
} // namespace Section

// Nanoseconds since the epoch, from the checker's clock.
qint64 nowNs();
// "IAMAT <client> <position> <time>" with no line ending; `timeNs` as
// formatTime() writes it.
QByteArray iamatLine(const QString &client, const QByteArray &position, qint64 timeNs);

// An AT line's six fields, as received.
struct AtLine
{
    QByteArray node, diff, client, position, time;
};
// The fields of `line` (no "\n") if it is "AT" and five fields separated by
// single spaces; nothing otherwise.
std::optional<AtLine> splitAtLine(const QByteArray &line);

// The first line of `bytes` without its "\n" (all of it if there is none).
QByteArray firstLine(const QByteArray &bytes);
// `bytes` shown for a report: escaped, cut to about 300 characters.
QString shown(const QByteArray &bytes);

// A probe connected to `node`; null, with the failure (a verdict to
// return) in *failure, if it could not connect.
std::unique_ptr<Probe> connectProbe(CheckContext &context, const NodeConfig &node, Verdict *failure);
// Sends `line` + "\n" on a new connection to `node` and reads one reply
// line. Null, with what went wrong in *failure (a verdict to return), if
// no connection or no full line came in time.
std::optional<QByteArray> askOneLine(CheckContext &context, const NodeConfig &node, const QByteArray &line,
                                     Verdict *failure);
// The same for "WHATSAT client radius bound": the whole reply, up to and
// including its "\n\n" when it starts with an AT line.
std::optional<QByteArray> askWhatsat(CheckContext &context, const NodeConfig &node, const QString &client,
                                     const QByteArray &radius, const QByteArray &bound, Verdict *failure);
// Reports `client`'s record at `node` by WHATSAT: the AT line it holds, an
// empty array when it answers "?" (no record), or nothing when it does not
// answer.
std::optional<QByteArray> storedAtLine(CheckContext &context, const NodeConfig &node, const QString &client);
// Polls `node` until it holds `client` at time `timeText` (the AT line's
// last field), for at most `timeoutMs`. The milliseconds it took, or
// nothing.
std::optional<qint64> waitForRecord(CheckContext &context, const NodeConfig &node, const QString &client,
                                    const QByteArray &timeText, int timeoutMs);

} // namespace Herd::Check
