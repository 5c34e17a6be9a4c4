// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/log/logexport.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QSaveFile>
#include <QStringDecoder>

#include <array>
#include <charconv>
#include <cstring>
#include <limits>

#include "herd/log/logwriter.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

constexpr qint64 NsPerSecond = 1'000'000'000;

bool isAscii(QByteArrayView bytes)
{
    // Eight bytes at a time: a recording looks at every line.
    qsizetype i = 0;
    for (; i + 8 <= bytes.size(); i += 8) {
        quint64 word;
        std::memcpy(&word, bytes.data() + i, 8);
        if (word & 0x8080808080808080)
            return false;
    }
    for (; i < bytes.size(); ++i) {
        if (static_cast<unsigned char>(bytes[i]) >= 0x80)
            return false;
    }
    return true;
}

void appendNumber(QByteArray &out, qint64 number)
{
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, number).ptr;
    out.append(digits, end - digits);
}

// `bytes` if they are valid UTF-8 (exact = true); otherwise their decoding
// with each invalid byte replaced by U+FFFD, re-encoded (exact = false).
struct ValidUtf8
{
    QByteArray text;
    bool exact = true;
};

ValidUtf8 validUtf8(const QByteArray &bytes)
{
    if (isAscii(bytes))
        return {bytes, true};
    // ConvertInitialBom: a leading U+FEFF is data here, not a byte-order mark.
    QStringDecoder decoder(QStringDecoder::Utf8,
                           QStringDecoder::Flag::Stateless | QStringDecoder::Flag::ConvertInitialBom);
    const QString decoded = decoder.decode(bytes);
    if (!decoder.hasError())
        return {bytes, true};
    return {decoded.toUtf8(), false};
}

// Bytes a JSON string holds as they are: printable ASCII but '"' and '\\',
// and every byte of UTF-8 beyond ASCII but the lead bytes 0xc2 and 0xe2,
// with which every character isEscapedCharacter() names begins.
constexpr std::array<bool, 256> JsonPlainBytes = [] {
    std::array<bool, 256> plain {};
    for (int c = 0x20; c < 0x100; ++c)
        plain[size_t(c)] = c != '"' && c != '\\' && c != 0xc2 && c != 0xe2;
    return plain;
}();

// A JSON string literal for valid UTF-8 text (RFC 8259 section 7). The
// characters the logs escape (isEscapedCharacter()) become \uXXXX here, which
// keeps the text exact. A recording writes every event through here, so runs
// of plain bytes are copied whole.
void appendJsonString(QByteArray &out, QByteArrayView utf8)
{
    out.append('"');
    qsizetype plainFrom = 0;
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        const char c = utf8[i];
        const auto byte = static_cast<unsigned char>(c);
        if (JsonPlainBytes[byte])
            continue;
        out.append(utf8.sliced(plainFrom, i - plainFrom));
        plainFrom = i + 1;
        switch (c) {
        case '"':
            out.append("\\\"");
            continue;
        case '\\':
            out.append("\\\\");
            continue;
        case '\b':
            out.append("\\b");
            continue;
        case '\f':
            out.append("\\f");
            continue;
        case '\n':
            out.append("\\n");
            continue;
        case '\r':
            out.append("\\r");
            continue;
        case '\t':
            out.append("\\t");
            continue;
        default:
            break;
        }
        if (byte < 0x20) {
            out.append("\\u00").append(QByteArray::number(byte, 16).rightJustified(2, '0'));
            continue;
        }
        // All of them are two bytes from 0xc2 or three from 0xe2.
        const qsizetype length = byte == 0xc2 ? 2 : 3;
        if (i + length <= utf8.size()) {
            const QString text = QString::fromUtf8(utf8.sliced(i, length));
            if (text.size() == 1 && isEscapedCharacter(text.at(0).unicode())) {
                out.append("\\u").append(QByteArray::number(text.at(0).unicode(), 16).rightJustified(4, '0'));
                i += length - 1;
                plainFrom = i + 1;
                continue;
            }
        }
        plainFrom = i; // another character: copied with the run it starts
    }
    out.append(utf8.sliced(plainFrom));
    out.append('"');
}

void appendJsonMember(QByteArray &out, const char *name, QByteArrayView utf8)
{
    out.append(",\"").append(name).append("\":");
    appendJsonString(out, utf8);
}

// Bytes off the wire: the text, and the exact bytes too when the text had
// to lose some.
void appendJsonBytesMember(QByteArray &out, const char *name, const QByteArray &bytes)
{
    const ValidUtf8 valid = validUtf8(bytes);
    appendJsonMember(out, name, valid.text);
    if (!valid.exact) {
        out.append(",\"").append(name).append("Base64\":\"").append(bytes.toBase64()).append('"');
    }
}

// RFC 4180 section 2: quote a field holding a quote, a comma, CR or LF,
// doubling inner quotes.
void appendCsvField(QByteArray &out, QByteArrayView field)
{
    bool needsQuotes = false;
    for (const char c : field) {
        if (c == '"' || c == ',' || c == '\n' || c == '\r') {
            needsQuotes = true;
            break;
        }
    }
    if (!needsQuotes) {
        out.append(field);
        return;
    }
    out.append('"');
    for (const char c : field) {
        if (c == '"')
            out.append('"');
        out.append(c);
    }
    out.append('"');
}

QByteArray csvRecord(const Event &event)
{
    QByteArray out;
    out.reserve(120 + event.line.size() + event.detail.size());
    out.append(isoTimeNs(event.timeNs)).append(',');
    out.append(QByteArray::number(event.timeNs)).append(',');
    appendCsvField(out, event.node.toUtf8());
    out.append(',').append(eventKindName(event.kind)).append(',');
    appendCsvField(out, event.peer.toUtf8());
    out.append(',');
    appendCsvField(out, validUtf8(event.client).text);
    out.append(',');
    appendCsvField(out, validUtf8(event.line).text);
    out.append(',');
    appendCsvField(out, event.detail.toUtf8());
    out.append(',').append(event.viaPeerLink ? "true" : "false");
    out.append("\r\n");
    return out;
}

QString failure(const QString &path, const QString &reason)
{
    return u"cannot export to %1: %2"_s.arg(QDir::toNativeSeparators(path), reason);
}

} // namespace

void appendJsonLinesRecord(QByteArray &out, const Event &event)
{
    out.reserve(out.size() + 160 + event.line.size() + event.detail.size());
    out.append("{\"time\":\"").append(isoTimeNs(event.timeNs)).append('"');
    out.append(",\"timeNs\":");
    appendNumber(out, event.timeNs);
    appendJsonMember(out, "node", event.node.toUtf8());
    appendJsonMember(out, "kind", eventKindName(event.kind));
    appendJsonMember(out, "peer", event.peer.toUtf8());
    appendJsonBytesMember(out, "client", event.client);
    appendJsonBytesMember(out, "line", event.line);
    appendJsonMember(out, "detail", event.detail.toUtf8());
    out.append(",\"viaPeerLink\":").append(event.viaPeerLink ? "true" : "false");
    out.append("}\n");
}

ExportFormat formatForPath(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == "jsonl"_L1 || suffix == "ndjson"_L1 || suffix == "json"_L1)
        return ExportFormat::JsonLines;
    if (suffix == "csv"_L1)
        return ExportFormat::Csv;
    return ExportFormat::Text;
}

QString suffixForFormat(ExportFormat format)
{
    switch (format) {
    case ExportFormat::JsonLines:
        return u"jsonl"_s;
    case ExportFormat::Csv:
        return u"csv"_s;
    case ExportFormat::Text:
        return u"log"_s;
    }
    return u"log"_s;
}

QByteArray isoTimeNs(qint64 timeNs)
{
    // Floor division, so times before the epoch still print a valid clock.
    qint64 seconds = timeNs / NsPerSecond;
    qint64 nanos = timeNs % NsPerSecond;
    if (nanos < 0) {
        nanos += NsPerSecond;
        --seconds;
    }
    // The date is made once per second: a recording stamps every event.
    thread_local qint64 cachedSeconds = std::numeric_limits<qint64>::min();
    thread_local QByteArray cachedText;
    if (seconds != cachedSeconds) {
        cachedSeconds = seconds;
        cachedText =
            QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC).toString(u"yyyy-MM-ddTHH:mm:ss"_s).toLatin1();
    }
    QByteArray out;
    out.reserve(30);
    out.append(cachedText).append('.');
    char nanoDigits[9];
    for (int i = 8; i >= 0; --i, nanos /= 10)
        nanoDigits[i] = char('0' + nanos % 10);
    out.append(nanoDigits, 9).append('Z');
    return out;
}

QByteArray exportHeader(ExportFormat format)
{
    if (format == ExportFormat::Csv)
        return "time,timeNs,node,kind,peer,client,line,detail,viaPeerLink\r\n";
    return {};
}

QByteArray exportRecord(const Event &event, ExportFormat format)
{
    switch (format) {
    case ExportFormat::JsonLines: {
        QByteArray out;
        appendJsonLinesRecord(out, event);
        return out;
    }
    case ExportFormat::Csv:
        return csvRecord(event);
    case ExportFormat::Text:
        return LogWriter::formatLine(event);
    }
    return {};
}

bool exportEvents(const QList<Event> &events, ExportFormat format, const QString &path, QString *error)
{
    if (path.isEmpty()) {
        if (error)
            *error = u"cannot export: no file name given"_s;
        return false;
    }
    if (QFileInfo(path).isDir()) {
        if (error)
            *error = failure(path, u"it is a directory"_s);
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = failure(path, file.errorString());
        return false;
    }
    // Records are gathered into chunks so a 100,000-event export makes a
    // few hundred writes, not 100,000.
    constexpr qsizetype ChunkBytes = 256 * 1024;
    QByteArray chunk = exportHeader(format);
    chunk.reserve(ChunkBytes + 4096);
    auto writeChunk = [&] {
        if (chunk.isEmpty())
            return true;
        const bool ok = file.write(chunk) == chunk.size();
        chunk.truncate(0); // keeps the capacity
        return ok;
    };
    for (const Event &event : events) {
        chunk.append(exportRecord(event, format));
        if (chunk.size() >= ChunkBytes && !writeChunk())
            break;
    }
    if (!writeChunk() || file.error() != QFileDevice::NoError) {
        const QString reason = file.errorString();
        file.cancelWriting();
        if (error)
            *error = failure(path, reason);
        return false;
    }
    if (!file.commit()) {
        if (error)
            *error = failure(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace Herd
