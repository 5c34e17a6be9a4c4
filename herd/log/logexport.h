// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include "herd/event.h"

namespace Herd {

// Writing a list of events to a file for other tools: a spreadsheet, jq,
// grep. Pure functions over Event values, so the headless mode, the GUI and
// the tests share them; no widgets.
//
// Formats (every file is UTF-8):
//
//  - JsonLines: one JSON object per line, members in this order:
//      {"time":"2024-05-01T12:34:56.123456789Z","timeNs":1714566896123456789,
//       "node":"Hill","kind":"in","peer":"127.0.0.1:5000","client":"kiwi",
//       "line":"IAMAT kiwi ...","detail":"","viaPeerLink":false}
//    time is UTC ISO 8601 with nanoseconds; timeNs is an exact 64-bit
//    integer (readers with only doubles, like JavaScript, should use `time`).
//    `line` and `client` are bytes off the wire: when they are valid UTF-8
//    they appear as they are (but for the characters of isEscapedCharacter(),
//    C1 controls, line separators and bidi controls, written \uXXXX in every
//    string); otherwise every invalid byte becomes U+FFFD in
//    the string, and an extra member "lineBase64" / "clientBase64" carries
//    the exact bytes, so the file is always valid JSON and nothing is lost.
//
//  - Csv: RFC 4180. A header row (time,timeNs,node,kind,peer,client,line,
//    detail,viaPeerLink), CRLF record ends, and fields holding a quote, a
//    comma, CR or LF are quoted with inner quotes doubled. Invalid UTF-8 in
//    `line` and `client` becomes U+FFFD (CSV has no room for the exact
//    bytes; use JSON Lines or Text for that). CSV has no escapes, so the
//    characters the other formats escape appear as they are.
//
//  - Text: exactly LogWriter's per-node log format (LogWriter::formatLine),
//    tabs between fields and \t \n \r \\ \xNN escapes inside them, so the
//    exact bytes survive and the files grep like the node logs do.
enum class ExportFormat { JsonLines, Csv, Text };

// By suffix, case-insensitively: .jsonl, .ndjson and .json are JSON Lines,
// .csv is CSV, anything else is Text.
ExportFormat formatForPath(const QString &path);
// The usual suffix without the dot: "jsonl", "csv", "log".
QString suffixForFormat(ExportFormat format);

// Writes `events` in order to `path`, atomically (QSaveFile): either the
// whole new file appears or the old one is left untouched. False, with a
// reason naming the path, if it cannot.
bool exportEvents(const QList<Event> &events, ExportFormat format, const QString &path, QString *error);

// The pieces, for callers that stream or test. Each ends with its line end.
QByteArray exportHeader(ExportFormat format); // the CSV header row; empty for the others
QByteArray exportRecord(const Event &event, ExportFormat format);
// exportRecord(event, ExportFormat::JsonLines) appended to `out`, with no
// array of its own: for a caller that writes every event (a recording).
void appendJsonLinesRecord(QByteArray &out, const Event &event);

// `timeNs` as UTC ISO 8601 with nanoseconds: "2024-05-01T12:34:56.123456789Z".
QByteArray isoTimeNs(qint64 timeNs);

} // namespace Herd
