// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace Herd::Check {

// The invalid lines the input.invalid-* rules send (docs/protocol.md,
// "Invalid input"), each answered "? <line>" by a correct node.
struct InvalidLine
{
    QByteArray line; // without its "\n"
    QString why;
};

enum class InvalidFamily {
    Command, // unknown, lower-case or empty commands, bad AT lines
    Iamat,   // IAMAT with wrong field counts, positions or times
    Whatsat, // WHATSAT with wrong field counts, radius or bound, or an unknown client
    Bytes,   // lines that are not text: NUL, control bytes, bad UTF-8
};

// A family's lines about `client`: for Whatsat a client the node holds,
// so that only the field named is wrong; for the others a client it
// does not know, so that a line taken by mistake stores nothing that
// matters.
QList<InvalidLine> invalidLines(InvalidFamily family, const QByteArray &client);

} // namespace Herd::Check
