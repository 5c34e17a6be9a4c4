// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/wire/syncline_p.h"

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
    if (kind == "SUM") {
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
            QStringLiteral("unknown SYNC kind \"%1\" (expected SUM, HAVE, DONE, WANT, ROOT or DIFFER)")
                .arg(QString::fromUtf8(kind.left(40))));
    }
    return sync;
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
