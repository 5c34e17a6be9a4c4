// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace Herd {

// Pure functions for the line protocol of docs/protocol.md: no sockets, no event
// loop, so tests can feed them tables of lines. Times are integer
// nanoseconds since the POSIX epoch; positions keep their original text so
// replies copy the client's bytes exactly.

enum class Command { Iamat, Whatsat, At, Invalid };

// Why a line is not a valid message. Only logs and tests read this: the
// client always gets "? <line>".
enum class Problem {
    None,
    Empty,
    NotText,
    UnknownCommand,
    FieldCount,
    BadPosition,
    LatitudeRange,
    LongitudeRange,
    BadTime,
    BadRadius,
    RadiusRange,
    BadBound,
    BoundRange,
    BadDiff,
    UnknownClient, // set by the node, not the parser: the parser knows no clients
    TooLong,       // set by the connection: the line passed the node's limit
};

const char *problemName(Problem problem);

// What parseLine() read. The views point into the line it was given and
// hold only while that line does; the client id is the one field copied,
// as every reader keeps it (a store's key, an event's client).
struct Message
{
    Command command = Command::Invalid;
    Problem problem = Problem::None;

    // IAMAT and AT
    QByteArray clientId;
    QByteArrayView position; // "+34.068930-118.445127", as received
    QByteArrayView time;     // "1621464827.959498503", as received
    qint64 timeNs = 0;

    // AT only
    QByteArrayView server;
    QByteArrayView diff;

    // WHATSAT only (clientId above)
    double radiusKm = 0;
    int bound = 0;
};

// `line` excludes its "\n" (a trailing "\r" is white space and ignored).
// A position is checked digit by digit, its degrees not computed: most
// lines parsed are floods that need them only if a WHATSAT comes
// (parsePosition() computes them).
Message parseLine(QByteArrayView line);
// The message would point into a line gone at the end of the statement.
Message parseLine(QByteArray &&line) = delete;

// The client an IAMAT or AT line is about (its second or fourth field), or
// empty for any other line and for one too short to name a time. Only the
// shape is looked at: the line may still be invalid.
QByteArray updateClient(QByteArrayView line);

// An AT line's server (its second field) and client time (its sixth), read
// from those fields alone, for readers of many stored lines, which are
// valid AT lines: a full parseLine() of each costs several times more.
// False for a line of another shape.
bool atServerAndTime(QByteArrayView line, QByteArrayView *server, qint64 *timeNs);

// Splits on the protocol's white space (space, \t, \r, \n, \f, \v).
// Inline: the parser asks it for every byte of every line.
constexpr bool isProtocolSpace(char c)
{
    // \t \n \v \f \r are 9 to 13.
    return c == ' ' || static_cast<unsigned char>(c - '\t') <= '\r' - '\t';
}

// Each parses one field exactly as docs/protocol.md defines it; false if invalid.
bool parsePosition(QByteArrayView text, double *latitude, double *longitude, Problem *problem);
bool parseTime(QByteArrayView text, qint64 *ns);

// "1621464827.959498503": POSIX seconds and exactly nine fraction digits,
// as an IAMAT's time. Protocol times are never negative.
QByteArray formatTime(qint64 ns);

// "+0.263873386": always signed, exactly nine fraction digits.
QByteArray formatDiff(qint64 diffNs);

// "AT server diff client position time": the fields of an AT line, one
// space between them, as every node writes it.
QByteArray joinAt(QByteArrayView server, QByteArrayView diff, QByteArrayView client, QByteArrayView position,
                  QByteArrayView time);
// The AT reply to an IAMAT received at `receivedNs` by node `server`.
QByteArray formatAt(QByteArrayView server, qint64 receivedNs, const Message &iamat);
// Field `index` (0 the command) of a line with one space between fields,
// as a node stores its AT lines; empty if it has fewer. For readers of
// many stored lines: it parses nothing.
QByteArrayView normalField(QByteArrayView line, int index);

// "? <line>" for an invalid line; `line` is as received, without its line ending.
QByteArray invalidReply(QByteArrayView line);

} // namespace Herd
