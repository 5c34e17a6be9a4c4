// SPDX-License-Identifier: GPL-3.0-or-later
#include "check/transcript.h"

#include <QMutexLocker>

namespace Herd::Check {

Transcript::Transcript()
{
    m_clock.start();
}

Transcript::Transcript(const Transcript &other)
{
    *this = other;
}

Transcript &Transcript::operator=(const Transcript &other)
{
    if (this == &other)
        return *this;
    QMutexLocker theirs(&other.m_mutex);
    QMutexLocker mine(&m_mutex);
    m_clock = other.m_clock;
    m_entries = other.m_entries;
    m_bytes = other.m_bytes;
    m_omitted = other.m_omitted;
    return *this;
}

void Transcript::sent(const QString &connection, const QByteArray &bytes)
{
    add(Direction::Sent, connection, bytes);
}

void Transcript::received(const QString &connection, const QByteArray &bytes)
{
    add(Direction::Received, connection, bytes);
}

void Transcript::note(const QString &text)
{
    add(Direction::Note, {}, text.toUtf8());
}

void Transcript::add(Direction direction, const QString &connection, const QByteArray &bytes)
{
    QMutexLocker lock(&m_mutex);
    const qint64 at = m_clock.nsecsElapsed() / 1000;
    // Consecutive reads on one connection read better as one entry.
    if (direction == Direction::Received && !m_entries.isEmpty()) {
        Entry &last = m_entries.last();
        if (last.direction == direction && last.connection == connection
            && last.bytes.size() + bytes.size() <= MaxEntryBytes && m_bytes + bytes.size() <= MaxBytes
            && !last.bytes.endsWith('\n')) {
            last.bytes += bytes;
            m_bytes += bytes.size();
            return;
        }
    }
    qsizetype keep = qMin(bytes.size(), MaxEntryBytes);
    if (m_bytes + keep > MaxBytes)
        keep = qMax<qsizetype>(0, MaxBytes - m_bytes);
    m_omitted += bytes.size() - keep;
    if (keep == 0 && !bytes.isEmpty())
        return;
    m_entries.append({at, direction, connection, bytes.left(keep)});
    m_bytes += keep;
}

QList<Transcript::Entry> Transcript::entries() const
{
    QMutexLocker lock(&m_mutex);
    return m_entries;
}

qsizetype Transcript::omittedBytes() const
{
    QMutexLocker lock(&m_mutex);
    return m_omitted;
}

bool Transcript::isEmpty() const
{
    QMutexLocker lock(&m_mutex);
    return m_entries.isEmpty();
}

QString Transcript::text() const
{
    QMutexLocker lock(&m_mutex);
    QString out;
    for (const Entry &entry : m_entries) {
        const QString time = QStringLiteral("%1 ms").arg(double(entry.atUs) / 1000.0, 10, 'f', 3);
        if (entry.direction == Direction::Note) {
            out += time + u"  # " + QString::fromUtf8(entry.bytes) + u'\n';
            continue;
        }
        const QChar arrow = entry.direction == Direction::Sent ? u'>' : u'<';
        QString body = escaped(entry.bytes);
        // One transcript line per wire line, each with the header's indent.
        const QString indent = QString(time.size() + 2 + entry.connection.size() + 3, u' ');
        body.replace(QStringLiteral("\\n\n"), u"\\n\n" + indent);
        if (body.endsWith(indent))
            body.chop(indent.size());
        if (!body.endsWith(u'\n'))
            body += u'\n';
        out += time + u"  " + entry.connection + u' ' + arrow + u' ' + body;
    }
    if (m_omitted > 0)
        out += QStringLiteral("(%1 more bytes not kept)\n").arg(m_omitted);
    return out;
}

QString Transcript::escaped(const QByteArray &bytes)
{
    QString out;
    out.reserve(bytes.size());
    for (const char c : bytes) {
        const auto u = static_cast<unsigned char>(c);
        if (u == '\n')
            out += u"\\n\n";
        else if (u == '\r')
            out += u"\\r";
        else if (u == '\t')
            out += u"\\t";
        else if (u == '\\')
            out += u"\\\\";
        else if (u >= 0x20 && u < 0x7f)
            out += QLatin1Char(char(u));
        else
            out += QStringLiteral("\\x%1").arg(u, 2, 16, QChar(u'0'));
    }
    return out;
}

} // namespace Herd::Check
