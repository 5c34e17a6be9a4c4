// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/log/logformat_p.h"

#include "herd/log/logwriter.h" // isEscapedCharacter()

#include <QDateTime>
#include <QStringDecoder>

#include <array>
#include <cstring>
#include <limits>
#include <optional>

namespace Herd {

namespace {

// Bytes copied as they are: printable ASCII but the backslash.
constexpr std::array<bool, 256> PlainBytes = [] {
    std::array<bool, 256> plain {};
    for (int c = 0x20; c < 0x7f; ++c)
        plain[size_t(c)] = c != '\\';
    return plain;
}();

bool isPlain(unsigned char c)
{
    return PlainBytes[c];
}

// True if none of the eight bytes of `word` needs escaping: no byte below
// 0x20, none at or above 0x7f, no backslash (the usual SWAR byte tests).
bool allPlain(quint64 word)
{
    constexpr quint64 Ones = 0x0101010101010101;
    constexpr quint64 Highs = 0x8080808080808080;
    const quint64 below20 = (word - Ones * 0x20) & ~word;
    const quint64 above7e = (word + Ones * (0x7f - 0x7e)) | word;
    const quint64 x = word ^ (Ones * '\\');
    const quint64 backslash = (x - Ones) & ~x;
    return ((below20 | above7e | backslash) & Highs) == 0;
}

char *appendHexByte(char *out, unsigned char byte)
{
    static constexpr char Digits[] = "0123456789abcdef";
    *out++ = '\\';
    *out++ = 'x';
    *out++ = Digits[byte >> 4];
    *out++ = Digits[byte & 0xf];
    return out;
}

// Whether the valid UTF-8 sequence `s` of `length` bytes (2 or 3) is a
// character isEscapedCharacter() names. They all start 0xc2 or 0xe2.
bool isEscapedSequence(const unsigned char *s, qsizetype length)
{
    if (length == 2 && s[0] == 0xc2)
        return isEscapedCharacter(char32_t(((s[0] & 0x1f) << 6) | (s[1] & 0x3f)));
    if (length == 3 && s[0] == 0xe2)
        return isEscapedCharacter(char32_t(((s[0] & 0x0f) << 12) | ((s[1] & 0x3f) << 6) | (s[2] & 0x3f)));
    return false;
}

// The escaping of formatLine(), at `out`, which has room for 4 bytes per
// byte of `field` (the worst case, \xNN); returns the end of what it wrote.
// Plain bytes are the common case and cost a table look-up each; only the
// rare special byte is looked at further.
char *appendEscaped(char *out, QByteArrayView field)
{
    const auto *bytes = reinterpret_cast<const unsigned char *>(field.data());
    const qsizetype size = field.size();
    std::optional<QStringDecoder> check; // made only for a field that is not ASCII
    qsizetype i = 0;
    for (;;) {
        // Eight plain bytes at a time, copied whole.
        while (i + 8 <= size) {
            quint64 word;
            std::memcpy(&word, bytes + i, 8);
            if (!allPlain(word))
                break;
            std::memcpy(out, &word, 8);
            out += 8;
            i += 8;
        }
        if (i == size)
            break;
        const unsigned char byte = bytes[i++];
        if (isPlain(byte)) {
            *out++ = char(byte);
            continue;
        }
        switch (byte) {
        case '\t':
            *out++ = '\\';
            *out++ = 't';
            continue;
        case '\n':
            *out++ = '\\';
            *out++ = 'n';
            continue;
        case '\r':
            *out++ = '\\';
            *out++ = 'r';
            continue;
        case '\\':
            *out++ = '\\';
            *out++ = '\\';
            continue;
        default:
            break;
        }
        if (byte >= 0x80) {
            // Keep a valid UTF-8 sequence as it is; escape stray bytes.
            const qsizetype length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
            if (length > 1 && i - 1 + length <= size) {
                if (!check)
                    check.emplace(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
                const QByteArrayView sequence = field.sliced(i - 1, length);
                [[maybe_unused]] const QString decoded = check->decode(sequence);
                if (!check->hasError()) {
                    if (isEscapedSequence(bytes + i - 1, length)) {
                        for (const char c : sequence)
                            out = appendHexByte(out, static_cast<unsigned char>(c));
                    } else {
                        std::memcpy(out, sequence.data(), size_t(length));
                        out += length;
                    }
                    i += length - 1;
                    continue;
                }
                check->resetState();
            }
        }
        out = appendHexByte(out, byte); // control bytes, DEL, stray bytes >= 0x80
    }
    return out;
}

// Room appendEscapedText() may need for a text of `length` UTF-16 units: up
// to 3 bytes of UTF-8 each, each escaped to up to 4.
constexpr qsizetype TextRoom = 12;

// A QString field as formatLine() escapes its UTF-8. ASCII text (node and
// neighbour names, addresses, details) is escaped straight from UTF-16; only
// other text is converted first.
char *appendEscapedText(char *out, QStringView text)
{
    char *const start = out;
    for (const QChar ch : text) {
        const char16_t unit = ch.unicode();
        if (unit >= 0x80)
            return appendEscaped(start, text.toUtf8());
        const auto byte = static_cast<unsigned char>(unit);
        if (isPlain(byte)) {
            *out++ = char(byte);
            continue;
        }
        const char ascii = char(byte);
        out = appendEscaped(out, QByteArrayView(&ascii, 1));
    }
    return out;
}

// "2026-11-23T12:09:10" for a time in ns; the text is made once per second.
QByteArrayView secondsText(qint64 timeNs)
{
    thread_local qint64 cachedSecond = std::numeric_limits<qint64>::min();
    thread_local QByteArray cachedText;
    const qint64 second = timeNs >= 0 ? timeNs / 1'000'000'000 : (timeNs + 1) / 1'000'000'000 - 1;
    if (second != cachedSecond) {
        cachedSecond = second;
        cachedText = QDateTime::fromSecsSinceEpoch(second, Qt::UTC)
                         .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss"))
                         .toLatin1();
    }
    return cachedText;
}

char *appendBytes(char *out, QByteArrayView bytes)
{
    std::memcpy(out, bytes.data(), size_t(bytes.size()));
    return out + bytes.size();
}

} // namespace

void appendLogLine(QByteArray &out, const LogFields &event, QByteArrayView escapedNode)
{
    const QByteArrayView seconds = secondsText(event.timeNs);
    const char *const kind = eventKindName(event.kind);
    const qsizetype kindLength = qsizetype(std::strlen(kind));
    const qsizetype nodeRoom = escapedNode.data() ? escapedNode.size() : TextRoom * event.node.size();
    const qsizetype room = seconds.size() + 11 + 7 + kindLength + nodeRoom
        + TextRoom * (event.peer.size() + event.detail.size())
        + 4 * (event.client.size() + event.line.size());
    const qsizetype start = out.size();
    out.resize(start + room);
    char *const begin = out.data() + start;
    char *p = begin;

    p = appendBytes(p, seconds);
    const qint64 nanos = ((event.timeNs % 1'000'000'000) + 1'000'000'000) % 1'000'000'000;
    *p++ = '.';
    qint64 rest = nanos;
    for (int i = 8; i >= 0; --i, rest /= 10)
        p[i] = char('0' + rest % 10);
    p += 9;
    *p++ = 'Z';
    *p++ = '\t';
    p = escapedNode.data() ? appendBytes(p, escapedNode) : appendEscapedText(p, event.node);
    *p++ = '\t';
    p = appendBytes(p, QByteArrayView(kind, kindLength));
    *p++ = '\t';
    p = appendEscapedText(p, event.peer);
    *p++ = '\t';
    p = appendEscaped(p, event.client);
    *p++ = '\t';
    p = appendEscaped(p, event.line);
    *p++ = '\t';
    p = appendEscapedText(p, event.detail);
    *p++ = '\n';
    out.resize(start + (p - begin));
}

LogFields LogFields::of(const Event &event)
{
    return {event.timeNs, event.kind, event.node, event.peer, event.client, event.line, event.detail};
}

QByteArray escapeLogField(QByteArrayView field)
{
    if (field.isEmpty())
        return {};
    QByteArray out(4 * field.size(), Qt::Uninitialized);
    out.resize(appendEscaped(out.data(), field) - out.constData());
    return out;
}

} // namespace Herd
