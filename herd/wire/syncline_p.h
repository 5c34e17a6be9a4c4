// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>
#include <utility>

namespace Herd {

class DiffTable;

// The lines Herd nodes add to the course's protocol to resynchronise
// (resyncer.h, docs/protocol.md).
// They are only ever sent to neighbours known to be Herd nodes; a course
// server would answer each with "?".
//
//   SYNC EST <from> <records> <base64>                  the sender's difference estimator
//   SYNC TABLE <from> <cells> <first> <base64>          cells of the answerer's difference table
//   SYNC MORE <from> <cells>                            that did not peel: a table this big, please
//   SYNC BUCKETS <from>                                 too different for a table: send your SUM
//   SYNC GET <from> <client hash hex>...                send me the records of these clients
//   SYNC SUM <from> <i>/<n> <bucket>:<hash hex> ...     line i of n: the sender's non-empty buckets
//   SYNC HAVE <from> <bucket> [<client> <time ns>]...   what the sender holds in a bucket that differs
//   SYNC DONE <from>                                    no more HAVE lines for this summary
//   SYNC WANT <from> <client>...                        send me these records
//   SYNC ROOT <from> <records> <root hash hex>          do we hold the same? (anti-entropy)
//   SYNC DIFFER <from>                                  no: send me your summary
//
// A long list is split over several lines of the same kind, each at most
// `maxBytes` long, so no line passes a neighbour's line limit.
struct SyncLine
{
    enum class Kind { Est, Table, More, Buckets, Get, Sum, Have, Done, Want, Root, Differ };
    Kind kind = Kind::Sum;
    QByteArray from;
    int part = 1; // Sum: line `part` of `parts`
    int parts = 1;
    QList<std::pair<int, quint64>> buckets;       // Sum: bucket, hash
    int bucket = 0;                               // Have
    QList<std::pair<QByteArray, qint64>> entries; // Have: client, time
    QList<QByteArray> clients;                    // Want
    qint64 records = 0;                           // Est, Root: the sender's record count
    QByteArray blob;                              // Est: DiffEstimate bytes; Table: cells' bytes
    qint64 cells = 0;                             // Table, More: the table's size
    qint64 first = 0;                             // Table: the first cell in `blob`
    QList<quint64> clientHashes;                  // Get
    quint64 root = 0;                             // Root: the sender's Store::rootHash()

    static bool looksLikeSync(const QByteArray &line) { return line.startsWith("SYNC "); }
    // The sender's name, or empty if the line is too short to have one.
    static QByteArray senderOf(const QByteArray &line);
    // Nullopt, with the reason, for a malformed line.
    static std::optional<SyncLine> parse(const QByteArray &line, QString *error);

    static QByteArray estimate(const QByteArray &from, qint64 records, const QByteArray &estimatorBytes);
    static QList<QByteArray> table(const QByteArray &from, const DiffTable &table, qsizetype maxBytes);
    static QByteArray more(const QByteArray &from, qsizetype cells);
    static QByteArray askForBuckets(const QByteArray &from);
    static QList<QByteArray> get(const QByteArray &from, const QList<quint64> &clientHashes,
                                 qsizetype maxBytes);
    static QList<QByteArray> sum(const QByteArray &from, const QList<std::pair<int, quint64>> &buckets,
                                 qsizetype maxBytes);
    static QList<QByteArray> have(const QByteArray &from, int bucket,
                                  const QList<std::pair<QByteArray, qint64>> &entries, qsizetype maxBytes);
    static QByteArray done(const QByteArray &from);
    static QByteArray rootLine(const QByteArray &from, qint64 records, quint64 root);
    static QByteArray differ(const QByteArray &from);
    static QList<QByteArray> want(const QByteArray &from, const QList<QByteArray> &clients,
                                  qsizetype maxBytes);
};

} // namespace Herd
