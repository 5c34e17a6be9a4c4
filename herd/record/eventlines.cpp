// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/record/eventlines.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

constexpr qint64 NsPerSecond = 1'000'000'000;

// "lineBase64" when the export had to replace bytes that were not UTF-8:
// the exact bytes.
QByteArray bytesMember(const QJsonObject &object, QLatin1StringView name)
{
    const QJsonValue exact = object.value(name + "Base64"_L1);
    if (exact.isString())
        return QByteArray::fromBase64(exact.toString().toLatin1());
    return object.value(name).toString().toUtf8();
}

// "2024-05-01T12:34:56.123456789Z" -> ns since the epoch; false if not so.
bool parseIsoTimeNs(QByteArrayView text, qint64 *ns)
{
    if (text.size() != 30 || text[19] != '.' || text[29] != 'Z')
        return false;
    thread_local QByteArray cachedText;
    thread_local qint64 cachedSeconds = 0;
    const QByteArrayView secondsText = text.first(19);
    if (secondsText != cachedText) {
        const QDateTime time =
            QDateTime::fromString(QString::fromLatin1(secondsText), u"yyyy-MM-ddTHH:mm:ss"_s);
        if (!time.isValid())
            return false;
        cachedText = secondsText.toByteArray();
        cachedSeconds = QDateTime(time.date(), time.time(), Qt::UTC).toSecsSinceEpoch();
    }
    bool ok = false;
    const qint64 nanos = text.sliced(20, 9).toLongLong(&ok);
    if (!ok || nanos < 0)
        return false;
    *ns = cachedSeconds * NsPerSecond + nanos;
    return true;
}

int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Undoes LogWriter::escapeField(); false for an escape it never writes.
bool unescapeField(QByteArrayView field, QByteArray *out)
{
    out->clear();
    out->reserve(field.size());
    for (qsizetype i = 0; i < field.size(); ++i) {
        const char c = field[i];
        if (c != '\\') {
            out->append(c);
            continue;
        }
        if (++i == field.size())
            return false;
        switch (field[i]) {
        case 't':
            out->append('\t');
            break;
        case 'n':
            out->append('\n');
            break;
        case 'r':
            out->append('\r');
            break;
        case '\\':
            out->append('\\');
            break;
        case 'x': {
            if (i + 2 >= field.size())
                return false;
            const int high = hexDigit(field[i + 1]);
            const int low = hexDigit(field[i + 2]);
            if (high < 0 || low < 0)
                return false;
            out->append(char(high * 16 + low));
            i += 2;
            break;
        }
        default:
            return false;
        }
    }
    return true;
}

} // namespace

std::optional<EventKind> eventKindFromName(QByteArrayView name)
{
    for (int kind = int(EventKind::NodeStarted); kind <= int(EventKind::Error); ++kind) {
        if (name == eventKindName(EventKind(kind)))
            return EventKind(kind);
    }
    return std::nullopt;
}

std::optional<Event> eventFromJsonLine(QByteArrayView line, QString *error)
{
    auto fail = [error](const QString &reason) -> std::optional<Event> {
        if (error)
            *error = reason;
        return std::nullopt;
    };
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(u"not JSON (%1 at column %2)"_s.arg(parseError.errorString()).arg(parseError.offset + 1));
    if (!document.isObject())
        return fail(u"not a JSON object"_s);
    const QJsonObject object = document.object();
    const QJsonValue time = object.value("timeNs"_L1);
    const QString kindName = object.value("kind"_L1).toString();
    const std::optional<EventKind> kind = eventKindFromName(kindName.toLatin1());
    if (!time.isDouble() || !object.value("node"_L1).isString() || !kind)
        return fail(u"not an event (an event has \"timeNs\", \"node\" and a known \"kind\")"_s);
    Event event;
    event.timeNs = time.toInteger();
    event.node = object.value("node"_L1).toString();
    event.kind = *kind;
    event.peer = object.value("peer"_L1).toString();
    event.client = bytesMember(object, "client"_L1);
    event.line = bytesMember(object, "line"_L1);
    event.detail = object.value("detail"_L1).toString();
    event.viaPeerLink = object.value("viaPeerLink"_L1).toBool();
    return event;
}

std::optional<Event> eventFromLogLine(QByteArrayView line, QString *error)
{
    auto fail = [error](const QString &reason) -> std::optional<Event> {
        if (error)
            *error = reason;
        return std::nullopt;
    };
    QList<QByteArrayView> fields;
    qsizetype start = 0;
    for (qsizetype tab = line.indexOf('\t'); tab >= 0; tab = line.indexOf('\t', start)) {
        fields.append(line.sliced(start, tab - start));
        start = tab + 1;
    }
    fields.append(line.sliced(start));
    if (fields.size() != 7)
        return fail(u"not a log line (%1 tab-separated fields, not 7)"_s.arg(fields.size()));
    Event event;
    if (!parseIsoTimeNs(fields[0], &event.timeNs))
        return fail(u"not a log line (no time such as 2024-05-01T12:34:56.123456789Z first)"_s);
    const std::optional<EventKind> kind = eventKindFromName(fields[2]);
    if (!kind)
        return fail(u"unknown event kind \"%1\""_s.arg(QString::fromUtf8(fields[2])));
    event.kind = *kind;
    QByteArray node, peer, detail;
    if (!unescapeField(fields[1], &node) || !unescapeField(fields[3], &peer)
        || !unescapeField(fields[4], &event.client) || !unescapeField(fields[5], &event.line)
        || !unescapeField(fields[6], &detail))
        return fail(u"a field holds an escape the log never writes"_s);
    event.node = QString::fromUtf8(node);
    event.peer = QString::fromUtf8(peer);
    event.detail = QString::fromUtf8(detail);
    return event;
}

} // namespace Herd
