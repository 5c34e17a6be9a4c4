// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QMutex>
#include <QString>

namespace Herd::Check {

// The bytes a rule sent and received, on every connection it opened, with
// times from the rule's start: what a report shows so that a failure can be
// checked by hand. Long runs are capped: past MaxBytes only a count of what
// was left out is kept. Safe to append to from several threads.
class Transcript
{
public:
    enum class Direction { Sent, Received, Note };
    struct Entry
    {
        qint64 atUs = 0;
        Direction direction = Direction::Note;
        QString connection; // "c1", or empty for a note
        QByteArray bytes;
    };

    static constexpr qsizetype MaxBytes = 64 * 1024;
    static constexpr qsizetype MaxEntryBytes = 4096;

    Transcript();
    Transcript(const Transcript &other);
    Transcript &operator=(const Transcript &other);

    void sent(const QString &connection, const QByteArray &bytes);
    void received(const QString &connection, const QByteArray &bytes);
    void note(const QString &text);

    QList<Entry> entries() const;
    qsizetype omittedBytes() const;
    bool isEmpty() const;
    // One line per entry: "   12.345 ms  c1 > IAMAT kiwi ...\n" ('>' sent,
    // '<' received, '#' a note), bytes escaped as escaped() does.
    QString text() const;

    // Printable ASCII as is; "\n" kept as "\n" then a line break, "\r" and
    // "\t" as written, anything else as "\xHH".
    static QString escaped(const QByteArray &bytes);

private:
    void add(Direction direction, const QString &connection, const QByteArray &bytes);

    mutable QMutex m_mutex;
    QElapsedTimer m_clock;
    QList<Entry> m_entries;
    qsizetype m_bytes = 0;
    qsizetype m_omitted = 0;
};

} // namespace Herd::Check
