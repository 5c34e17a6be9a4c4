// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/wire/syncline_p.h"

#include "herd/node/diffestimate_p.h"
#include "herd/node/difftable_p.h"
#include "herd/node/digest_p.h"

namespace Herd {

namespace {

QList<QByteArray> fieldsOf(const QByteArray &line)
{
    QList<QByteArray> fields = line.simplified().split(' ');
    fields.removeAll(QByteArray());
    return fields;
}

// Appends `items` to lines that start with `head`, each at most maxBytes
// long (one item always fits on a line of its own, whatever its size).
// With no items at all, one line with just the head.
template <typename Item, typename Write>
QList<QByteArray> chunked(const QByteArray &head, const QList<Item> &items, qsizetype maxBytes, Write write)
{
    QList<QByteArray> lines;
    QByteArray line = head;
    qsizetype inLine = 0;
    QByteArray item;
    for (const Item &value : items) {
        item.clear();
        write(value, item);
        if (inLine > 0 && line.size() + 1 + item.size() > maxBytes) {
            lines.append(line);
            line = head;
            inLine = 0;
        }
        line.append(' ').append(item);
        ++inLine;
    }
    lines.append(line);
    return lines;
}

bool readBucket(const QByteArray &text, int *bucket)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok || value < 0 || value >= Digest::Buckets)
        return false;
    *bucket = value;
    return true;
}

std::optional<QByteArray> readBase64(const QByteArray &text)
{
    const QByteArray::FromBase64Result decoded =
        QByteArray::fromBase64Encoding(text, QByteArray::AbortOnBase64DecodingErrors);
    return decoded ? std::optional(decoded.decoded) : std::nullopt;
}

bool readCells(const QByteArray &text, qint64 *cells)
{
    bool ok = false;
    *cells = text.toLongLong(&ok);
    return ok && DiffTable::validSize(*cells);
}

// The lines of the difference-table exchange (EST, TABLE, MORE, BUCKETS,
// GET): fills `sync` from `fields` and returns why not, or an empty string.
QString parseDifferenceLine(const QList<QByteArray> &fields, SyncLine &sync)
{
    const QByteArray &kind = fields[1];
    if (kind == "EST") {
        sync.kind = SyncLine::Kind::Est;
        bool ok = false;
        sync.records = fields.size() == 5 ? fields[3].toLongLong(&ok) : -1;
        const std::optional<QByteArray> blob = fields.size() == 5 ? readBase64(fields[4]) : std::nullopt;
        if (!ok || sync.records < 0 || !blob || blob->size() != DiffEstimate::Bytes)
            return QStringLiteral("SYNC EST takes the sender, a record count and %1 bytes in base64")
                .arg(DiffEstimate::Bytes);
        sync.blob = *blob;
    } else if (kind == "TABLE") {
        sync.kind = SyncLine::Kind::Table;
        bool firstOk = false;
        const bool cellsOk = fields.size() == 6 && readCells(fields[3], &sync.cells);
        sync.first = cellsOk ? fields[4].toLongLong(&firstOk) : 0;
        const std::optional<QByteArray> blob = cellsOk ? readBase64(fields[5]) : std::nullopt;
        const qint64 count = blob ? blob->size() / DiffTable::CellBytes : 0;
        if (!cellsOk || !firstOk || !blob || count == 0 || blob->size() % DiffTable::CellBytes != 0
            || sync.first < 0 || sync.first + count > sync.cells)
            return QStringLiteral("SYNC TABLE takes the sender, the table's cells (a multiple of 3, at most "
                                  "%1), the first cell and whole cells in base64 that fit")
                .arg(DiffTable::MaxCells);
        sync.blob = *blob;
    } else if (kind == "MORE") {
        sync.kind = SyncLine::Kind::More;
        if (fields.size() != 4 || !readCells(fields[3], &sync.cells))
            return QStringLiteral("SYNC MORE takes the sender and a table size (a multiple of 3, at most %1)")
                .arg(DiffTable::MaxCells);
    } else if (kind == "BUCKETS") {
        sync.kind = SyncLine::Kind::Buckets;
        if (fields.size() != 3)
            return QStringLiteral("SYNC BUCKETS takes only the sender");
    } else {
        sync.kind = SyncLine::Kind::Get;
        for (qsizetype i = 3; i < fields.size(); ++i) {
            bool ok = false;
            sync.clientHashes.append(fields[i].toULongLong(&ok, 16));
            if (!ok)
                return QStringLiteral("SYNC GET: \"%1\" is not a hex client hash")
                    .arg(QString::fromUtf8(fields[i].left(40)));
        }
    }
    return {};
}

} // namespace

QByteArray SyncLine::senderOf(const QByteArray &line)
{
    const QList<QByteArray> fields = fieldsOf(line);
    return fields.size() >= 3 ? fields[2] : QByteArray();
}

std::optional<SyncLine> SyncLine::parse(const QByteArray &line, QString *error)
{
    auto fail = [error](const QString &why) -> std::optional<SyncLine> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    const QList<QByteArray> fields = fieldsOf(line);
    if (fields.size() < 3 || fields[0] != "SYNC")
        return fail(QStringLiteral("a SYNC line needs a kind and a sender"));
    SyncLine sync;
    sync.from = fields[2];
    const QByteArray &kind = fields[1];
    if (kind == "EST" || kind == "TABLE" || kind == "MORE" || kind == "BUCKETS" || kind == "GET") {
        if (const QString why = parseDifferenceLine(fields, sync); !why.isEmpty())
            return fail(why);
    } else if (kind == "SUM") {
        sync.kind = Kind::Sum;
        const QList<QByteArray> part = fields.size() >= 4 ? fields[3].split('/') : QList<QByteArray>();
        bool partOk = false;
        bool partsOk = false;
        if (part.size() == 2) {
            sync.part = part[0].toInt(&partOk);
            sync.parts = part[1].toInt(&partsOk);
        }
        if (!partOk || !partsOk || sync.part < 1 || sync.part > sync.parts)
            return fail(QStringLiteral("SYNC SUM needs <line>/<lines> after the sender, like 1/3"));
        for (qsizetype i = 4; i < fields.size(); ++i) {
            const qsizetype colon = fields[i].indexOf(':');
            int bucket = 0;
            bool ok = false;
            const quint64 hash = colon > 0 ? fields[i].mid(colon + 1).toULongLong(&ok, 16) : 0;
            if (!ok || !readBucket(fields[i].left(colon), &bucket))
                return fail(QStringLiteral("SYNC SUM: \"%1\" is not <bucket>:<hex hash>")
                                .arg(QString::fromUtf8(fields[i].left(40))));
            sync.buckets.append({bucket, hash});
        }
    } else if (kind == "HAVE") {
        sync.kind = Kind::Have;
        if (fields.size() < 4 || !readBucket(fields[3], &sync.bucket))
            return fail(QStringLiteral("SYNC HAVE needs a bucket number (0-%1) after the sender")
                            .arg(Digest::Buckets - 1));
        if ((fields.size() - 4) % 2 != 0)
            return fail(QStringLiteral("SYNC HAVE: entries come in pairs of client and time"));
        for (qsizetype i = 4; i < fields.size(); i += 2) {
            bool ok = false;
            const qint64 timeNs = fields[i + 1].toLongLong(&ok);
            if (!ok)
                return fail(QStringLiteral("SYNC HAVE: \"%1\" is not a time in nanoseconds")
                                .arg(QString::fromUtf8(fields[i + 1].left(40))));
            sync.entries.append({fields[i], timeNs});
        }
    } else if (kind == "DONE") {
        sync.kind = Kind::Done;
        if (fields.size() != 3)
            return fail(QStringLiteral("SYNC DONE takes only the sender"));
    } else if (kind == "WANT") {
        sync.kind = Kind::Want;
        sync.clients = fields.mid(3);
    } else if (kind == "ROOT") {
        sync.kind = Kind::Root;
        bool countOk = false;
        bool rootOk = false;
        if (fields.size() == 5) {
            sync.records = fields[3].toLongLong(&countOk);
            sync.root = fields[4].toULongLong(&rootOk, 16);
        }
        if (!countOk || !rootOk || sync.records < 0)
            return fail(QStringLiteral("SYNC ROOT takes the sender, a record count and a hex hash"));
    } else if (kind == "DIFFER") {
        sync.kind = Kind::Differ;
        if (fields.size() != 3)
            return fail(QStringLiteral("SYNC DIFFER takes only the sender"));
    } else {
        return fail(
            QStringLiteral("unknown SYNC kind \"%1\" (expected EST, TABLE, MORE, BUCKETS, GET, SUM, HAVE, "
                           "DONE, WANT, ROOT or DIFFER)")
                .arg(QString::fromUtf8(kind.left(40))));
    }
    return sync;
}

QByteArray SyncLine::estimate(const QByteArray &from, qint64 records, const QByteArray &estimatorBytes)
{
    return "SYNC EST " + from + ' ' + QByteArray::number(records) + ' ' + estimatorBytes.toBase64();
}

QList<QByteArray> SyncLine::table(const QByteArray &from, const DiffTable &table, qsizetype maxBytes)
{
    // 21-byte cells are 28 base64 characters each, without padding.
    const QByteArray head = "SYNC TABLE " + from + ' ' + QByteArray::number(table.size()) + ' ';
    const qsizetype perLine = qMax<qsizetype>(1, (maxBytes - head.size() - 12) / 28);
    QList<QByteArray> lines;
    for (qsizetype first = 0; first < table.size(); first += perLine)
        lines.append(head + QByteArray::number(first) + ' ' + table.bytes(first, perLine).toBase64());
    return lines;
}

QByteArray SyncLine::more(const QByteArray &from, qsizetype cells)
{
    return "SYNC MORE " + from + ' ' + QByteArray::number(cells);
}

QByteArray SyncLine::askForBuckets(const QByteArray &from)
{
    return "SYNC BUCKETS " + from;
}

QList<QByteArray> SyncLine::get(const QByteArray &from, const QList<quint64> &clientHashes,
                                qsizetype maxBytes)
{
    return chunked("SYNC GET " + from, clientHashes, maxBytes,
                   [](quint64 hash, QByteArray &out) { out.append(QByteArray::number(hash, 16)); });
}

QList<QByteArray> SyncLine::sum(const QByteArray &from, const QList<std::pair<int, quint64>> &buckets,
                                qsizetype maxBytes)
{
    // Room for "i/n" in the head: it is filled in once the count is known.
    QList<QByteArray> lines = chunked("SYNC SUM " + from + " 99999/99999", buckets, maxBytes,
                                      [](const std::pair<int, quint64> &bucket, QByteArray &out) {
                                          out.append(QByteArray::number(bucket.first))
                                              .append(':')
                                              .append(QByteArray::number(bucket.second, 16));
                                      });
    const qsizetype at = 9 + from.size() + 1;
    for (qsizetype i = 0; i < lines.size(); ++i)
        lines[i].replace(at, 11,
                         QByteArray(QByteArray::number(i + 1) + '/' + QByteArray::number(lines.size())));
    return lines;
}

QList<QByteArray> SyncLine::have(const QByteArray &from, int bucket,
                                 const QList<std::pair<QByteArray, qint64>> &entries, qsizetype maxBytes)
{
    return chunked("SYNC HAVE " + from + ' ' + QByteArray::number(bucket), entries, maxBytes,
                   [](const std::pair<QByteArray, qint64> &entry, QByteArray &out) {
                       out.append(entry.first).append(' ').append(QByteArray::number(entry.second));
                   });
}

QByteArray SyncLine::done(const QByteArray &from)
{
    return "SYNC DONE " + from;
}

QByteArray SyncLine::rootLine(const QByteArray &from, qint64 records, quint64 root)
{
    return "SYNC ROOT " + from + ' ' + QByteArray::number(records) + ' ' + QByteArray::number(root, 16);
}

QByteArray SyncLine::differ(const QByteArray &from)
{
    return "SYNC DIFFER " + from;
}

QList<QByteArray> SyncLine::want(const QByteArray &from, const QList<QByteArray> &clients, qsizetype maxBytes)
{
    return chunked("SYNC WANT " + from, clients, maxBytes,
                   [](const QByteArray &client, QByteArray &out) { out.append(client); });
}

} // namespace Herd
