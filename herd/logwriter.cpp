#include "logwriter.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QStringDecoder>

#include <limits>

namespace Herd {

namespace {

constexpr int FlushIntervalMs = 200;

bool isPlain(char c)
{
    const auto byte = static_cast<unsigned char>(c);
    return byte >= 0x20 && byte < 0x7f && c != '\\';
}

// Logging every line in and out is on the hot path of every request, so
// plain runs are copied whole and only the rare special byte is looked at.
void appendEscaped(QByteArray &out, QByteArrayView field)
{
    QStringDecoder check(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    for (qsizetype i = 0; i < field.size(); ++i) {
        qsizetype end = i;
        while (end < field.size() && isPlain(field[end]))
            ++end;
        out.append(field.sliced(i, end - i));
        i = end;
        if (i == field.size())
            break;
        const char c = field[i];
        switch (c) {
        case '\t': out.append("\\t"); continue;
        case '\n': out.append("\\n"); continue;
        case '\r': out.append("\\r"); continue;
        case '\\': out.append("\\\\"); continue;
        default: break;
        }
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) {
            out.append("\\x").append(QByteArray::number(byte, 16).rightJustified(2, '0'));
            continue;
        }
        if (byte >= 0x80) {
            // Keep a valid UTF-8 sequence as it is; escape stray bytes.
            qsizetype length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
            if (length > 1 && i + length <= field.size()) {
                const QByteArrayView sequence = field.sliced(i, length);
                [[maybe_unused]] const QString decoded = check.decode(sequence);
                if (!check.hasError()) {
                    out.append(sequence);
                    i += length - 1;
                    continue;
                }
                check.resetState();
            }
            out.append("\\x").append(QByteArray::number(byte, 16));
            continue;
        }
    }
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

} // namespace

LogWriter::LogWriter(const QString &directory, QObject *parent)
    : QObject(parent), m_directory(directory)
{
    m_flushTimer.setInterval(FlushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &LogWriter::flush);
}

LogWriter::~LogWriter()
{
    flush();
}

bool LogWriter::open(QString *error)
{
    if (!QDir().mkpath(m_directory)) {
        if (error)
            *error = QStringLiteral("cannot create log directory %1").arg(m_directory);
        return false;
    }
    m_flushTimer.start();
    return true;
}

QString LogWriter::pathFor(const QString &node) const
{
    return QDir(m_directory).filePath(node + u".log");
}

void LogWriter::write(const Event &event)
{
    std::shared_ptr<QFile> &file = m_files[event.node];
    if (!file) {
        file = std::make_shared<QFile>(pathFor(event.node));
        if (!file->open(QIODevice::Append | QIODevice::WriteOnly)) {
            qWarning("herd: cannot write log %s: %s", qPrintable(file->fileName()),
                     qPrintable(file->errorString()));
        }
    }
    if (file->isOpen())
        file->write(formatLine(event));
}

void LogWriter::flush()
{
    for (const auto &file : std::as_const(m_files)) {
        if (file->isOpen())
            file->flush();
    }
}

QByteArray LogWriter::escapeField(QByteArrayView field)
{
    QByteArray out;
    out.reserve(field.size());
    appendEscaped(out, field);
    return out;
}

QByteArray LogWriter::formatLine(const Event &event)
{
    const qint64 nanos = ((event.timeNs % 1'000'000'000) + 1'000'000'000) % 1'000'000'000;
    char fraction[11] = {'.', 0, 0, 0, 0, 0, 0, 0, 0, 0, 'Z'};
    qint64 rest = nanos;
    for (int i = 9; i >= 1; --i, rest /= 10)
        fraction[i] = char('0' + rest % 10);
    QByteArray out;
    out.reserve(96 + event.line.size() + event.detail.size());
    out.append(secondsText(event.timeNs)).append(QByteArrayView(fraction, sizeof fraction)).append('\t');
    appendEscaped(out, event.node.toUtf8());
    out.append('\t').append(eventKindName(event.kind)).append('\t');
    appendEscaped(out, event.peer.toUtf8());
    out.append('\t');
    appendEscaped(out, event.client);
    out.append('\t');
    appendEscaped(out, event.line);
    out.append('\t');
    appendEscaped(out, event.detail.toUtf8());
    out.append('\n');
    return out;
}

} // namespace Herd
