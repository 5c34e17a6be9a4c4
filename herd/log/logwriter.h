// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <memory>

#include "herd/event.h"

namespace Herd {

class LogBatch;
class LogThread;
struct LogFile;

// Characters a client id or line may hold that the logs (and the JSON
// export) escape although they are valid text: the C1 controls
// U+0080-U+009F (NEL, U+0085, among them) and the line and paragraph
// separators U+2028, U+2029, which some readers take for line ends, and the
// bidi embeddings and overrides U+202A-U+202E and isolates U+2066-U+2069,
// which reorder what a terminal or editor shows ("kiwi\u202Egpj.exe" reads
// "kiwiexe.jpg").
constexpr bool isEscapedCharacter(char32_t c)
{
    return (c >= 0x80 && c <= 0x9f) || (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

// Writes each node's events to DIR/<node>.log, one line per event:
//
//   time <TAB> node <TAB> kind <TAB> peer <TAB> client <TAB> line <TAB> detail
//
// time is UTC ISO 8601 with nanoseconds; kind is eventKindName(); empty
// fields stay empty. Tabs, newlines and backslashes inside fields are
// escaped as \t, \n, \r and \\, other control bytes and bytes that are not
// UTF-8 as \xNN, so one event is always one line: `grep -P '\tin\t'` finds
// every line received, and splitting on tabs parses it. The characters of
// isEscapedCharacter() are valid UTF-8 but break a line for some readers or
// reorder it on screen, so they are escaped too, each byte of their UTF-8 as
// \xNN: U+0085 is \xc2\x85, U+202E is \xe2\x80\xae.
//
// Every line in and out of every node is logged, so write() is on the hot
// path of every request, and does little there: it copies the event's
// fields into a batch (LogBatch), which goes to a writer thread of its own
// (LogThread) when it holds 64 KiB, on a short timer, on flush() and in the
// destructor. That thread formats the lines, in the order they came, into
// each node's buffer, which reaches its file in one write when it passes
// 64 KiB or a batch asks for it. flush() returns when everything written
// before it is in the files, so a clean shutdown loses nothing.
//
// The batches waiting for the thread are bounded (32 of them, 2 MiB). When
// they are all waiting, the disk is behind: write() waits for room, at most
// a second, so the herd slows to the disk's pace rather than lose lines.
// Only if the disk has taken nothing for that long is the batch dropped; its
// events are counted (droppedEvents()) and each node's log gets an `error`
// line saying how many of its events were not logged; until a batch is
// taken again, full queues drop without waiting.
//
// A log that cannot be written is never ignored. open() opens the log of
// every node the process runs, so one that cannot be opened fails the start
// before any node listens. A write that fails later (a full disk) is
// reported once per node by writeFailed(), that node's events are dropped
// from then on (its log ends where the failed write began), and failed()
// stays true, for the process to exit non-zero when it stops.
class LogWriter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogWriter)

public:
    // What goes into the logs: every event, or all but the lines each node
    // receives and sends (LineReceived, LineSent), which are most of them:
    // an IAMAT flooded through a 5-node herd makes about 41 events and some
    // 2.7 KB of log, about half of it lines.
    enum class Detail { All, Changes };

    explicit LogWriter(const QString &directory, QObject *parent = nullptr);
    ~LogWriter() override;

    // Creates the directory and opens (appends to) the log of each of
    // `nodes`; false, with "cannot write log PATH: REASON" (the system's
    // reason), if any cannot be. A node not named here gets its log opened
    // at its first event, and a failure then is reported by writeFailed().
    bool open(const QStringList &nodes, QString *error);
    QString pathFor(const QString &node) const;
    // Whether any node's log could not be written since open().
    bool failed() const { return m_failed; }

    void setDetail(Detail detail) { m_detail = detail; }
    Detail detail() const { return m_detail; }

    // How many batches may wait for the writer thread, and how long write()
    // waits for room when they all do (the defaults: 32, 1000 ms).
    void setQueueLimit(int batches, int waitMs);
    // Events not logged because the writer thread was behind, since the start.
    qint64 droppedEvents() const { return m_droppedEvents; }

    void write(const Herd::Event &event);
    // Returns once every event written before is in its file (waiting at
    // most 10 s for the disk, even when behind), and reports any write that
    // failed meanwhile.
    void flush();

    static QByteArray formatLine(const Event &event);
    // One field escaped as formatLine() does it.
    static QByteArray escapeField(QByteArrayView field);

signals:
    // `node`'s log lost events: "cannot write log PATH: REASON; ...".
    // Once per node; its later events are dropped.
    void writeFailed(const QString &node, const QString &message);

private:
    LogFile &logFor(const QString &node);
    void handOff(bool writeOut, int waitMs);
    void startBatch();
    void reportFailures();

    QString m_directory;
    QHash<QString, std::shared_ptr<LogFile>> m_logs;
    LogFile *m_last = nullptr; // the node of the previous event: usually the next one's too
    std::unique_ptr<LogBatch> m_batch;
    QList<LogFile *> m_noted; // whose loss the batch notes
    QTimer m_flushTimer;
    Detail m_detail = Detail::All;
    int m_waitMs;
    qint64 m_droppedEvents = 0;
    bool m_behind = false;        // the last batch was dropped
    bool m_sinceWriteOut = false; // events handed off since the writer last wrote out
    bool m_opened = false;
    bool m_failed = false;
    std::unique_ptr<LogThread> m_thread; // last: stopped before the files close
};

} // namespace Herd
