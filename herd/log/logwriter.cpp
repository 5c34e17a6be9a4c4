// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/log/logwriter.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QStringDecoder>

#include <array>
#include <cerrno>
#include <cstring>
#include <limits>
#include <optional>

#include <fcntl.h>
#include <unistd.h>

namespace Herd {

namespace {

constexpr int FlushIntervalMs = 200;
// A node's buffer goes to its file in one write once it holds this much.
constexpr qsizetype WriteOutBytes = 64 * 1024;

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

// Appends the event's line, with its "\n", to `out`. `escapedNode`, when
// given, is the node field already escaped.
void appendLine(QByteArray &out, const Event &event, QByteArrayView escapedNode = {})
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

} // namespace

struct LogWriter::NodeLog
{
    NodeLog() = default;
    Q_DISABLE_COPY_MOVE(NodeLog)
    ~NodeLog()
    {
        if (fd >= 0)
            ::close(fd);
    }

    QString node;
    QByteArray escapedNode;
    QString path;
    // The open log, appended to; -1 if it could not be opened or a write
    // failed, and the node's events are dropped.
    int fd = -1;
    QString openError;  // the system's reason, when the open failed
    QByteArray pending; // formatted lines not yet written to `fd`
};

LogWriter::LogWriter(const QString &directory, QObject *parent)
    : QObject(parent)
    , m_directory(directory)
{
    m_flushTimer.setInterval(FlushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &LogWriter::flush);
}

LogWriter::~LogWriter()
{
    // Whoever would hear of a failure is going away too.
    blockSignals(true);
    flush();
}

bool LogWriter::open(const QStringList &nodes, QString *error)
{
    if (!QDir().mkpath(m_directory)) {
        if (error)
            *error = QStringLiteral("cannot create log directory %1").arg(m_directory);
        return false;
    }
    for (const QString &node : nodes) {
        const NodeLog &log = logFor(node);
        if (log.fd < 0) {
            if (error)
                *error = QStringLiteral("cannot write log %1: %2").arg(log.path, log.openError);
            return false;
        }
    }
    m_opened = true;
    m_flushTimer.start();
    return true;
}

QString LogWriter::pathFor(const QString &node) const
{
    return QDir(m_directory).filePath(node + u".log");
}

LogWriter::NodeLog &LogWriter::logFor(const QString &node)
{
    // Events carry their node's own (implicitly shared) name, so the same
    // node is mostly recognised by its data pointer alone.
    if (m_last && (m_last->node.constData() == node.constData() || m_last->node == node))
        return *m_last;
    std::shared_ptr<NodeLog> &log = m_logs[node];
    if (!log) {
        log = std::make_shared<NodeLog>();
        log->node = node;
        log->escapedNode = escapeField(node.toUtf8());
        log->pending.reserve(WriteOutBytes + 4096);
        log->path = pathFor(node);
        // Unbuffered: `pending` is the buffer, written in one piece.
        log->fd =
            ::open(QFile::encodeName(log->path).constData(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (log->fd < 0) {
            log->openError = qt_error_string(errno);
            if (m_opened) // open() has returned, so no one else will say so
                fail(*log, log->openError);
        }
    }
    m_last = log.get();
    return *log;
}

void LogWriter::write(const Event &event)
{
    if (m_detail == Detail::Changes
        && (event.kind == EventKind::LineReceived || event.kind == EventKind::LineSent))
        return;
    NodeLog &log = logFor(event.node);
    if (log.fd < 0)
        return;
    appendLine(log.pending, event, log.escapedNode);
    if (log.pending.size() >= WriteOutBytes)
        writeOut(log);
}

void LogWriter::writeOut(NodeLog &log)
{
    if (log.pending.isEmpty())
        return;
    const char *data = log.pending.constData();
    qsizetype left = log.pending.size();
    while (log.fd >= 0 && left > 0) {
        const ssize_t written = ::write(log.fd, data, size_t(left));
        if (written > 0) {
            data += written;
            left -= written;
        } else if (written < 0 && errno == EINTR) {
            continue;
        } else {
            fail(log, written < 0 ? qt_error_string(errno) : QStringLiteral("nothing was written"));
        }
    }
    log.pending.resize(0); // keeps its capacity
}

void LogWriter::fail(NodeLog &log, const QString &reason)
{
    if (log.fd >= 0) {
        ::close(log.fd);
        log.fd = -1;
    }
    m_failed = true;
    emit writeFailed(
        log.node,
        QStringLiteral("cannot write log %1: %2; its events are no longer logged").arg(log.path, reason));
}

void LogWriter::flush()
{
    for (const auto &log : std::as_const(m_logs))
        writeOut(*log);
}

QByteArray LogWriter::escapeField(QByteArrayView field)
{
    if (field.isEmpty())
        return {};
    QByteArray out(4 * field.size(), Qt::Uninitialized);
    out.resize(appendEscaped(out.data(), field) - out.constData());
    return out;
}

QByteArray LogWriter::formatLine(const Event &event)
{
    QByteArray out;
    appendLine(out, event);
    return out;
}

} // namespace Herd
