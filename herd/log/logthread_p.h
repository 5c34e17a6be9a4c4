// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "herd/log/logbatch_p.h"

namespace Herd {

// One node's log file. Made on the event loop (LogWriter::logFor), which
// fills the first block and never changes it afterwards; from its first
// batch on, the writer thread alone uses the second (the queue's lock
// orders the hand-over).
struct LogFile
{
    LogFile() = default;
    Q_DISABLE_COPY_MOVE(LogFile)
    ~LogFile();

    QString node;
    QByteArray escapedNode;
    QString path;
    QString openError; // the system's reason, when the open failed
    bool openFailed = false;
    qint64 dropped = 0; // events not logged since the last note (the loop's)

    // The writer thread's: the open log, appended to (-1 after a failed
    // write: the node's events are dropped), and lines not yet written.
    int fd = -1;
    QByteArray pending;
    bool listed = false; // in LogThread's list of files to write out
};

// The log's writer thread: takes batches of records from the event loop in
// order, formats them into each file's buffer and writes a buffer out in
// one write() when it passes 64 KiB, or when a batch asks for it.
//
// The queue is bounded (`limit` batches). push() on a full queue waits for
// room, at most `waitMs`; if the disk still has not caught up, the batch is
// not queued and the caller counts what it lost (LogWriter notes it in the
// log). So the loop slows to the disk's pace for a moment, never forever.
class LogThread final
{
public:
    struct Failure
    {
        QString node;
        QString message;
    };

    // `failed` is called on the writer thread after a write failed.
    LogThread(int limit, std::function<void()> failed);
    ~LogThread(); // writes everything queued, then stops
    Q_DISABLE_COPY_MOVE(LogThread)

    void setLimit(int batches);
    // Queues `batch` (emptied), and if `writeOut` the writing out of every
    // buffer after it; false if the queue stayed full for `waitMs` (`batch`
    // is left as it was).
    bool push(LogBatch &batch, bool writeOut, int waitMs);
    // Waits, at most `waitMs`, until everything pushed so far is written.
    bool waitWritten(int waitMs);
    // The failures since the last call, each node's once.
    QList<Failure> takeFailures();

private:
    struct Item
    {
        LogBatch batch;
        bool writeOut = false;
        quint64 number = 0;
    };

    void run();
    void format(const LogBatch &batch);
    void writeOut(LogFile &file);
    void writeOutAll();

    std::mutex m_mutex;
    std::condition_variable m_wake;    // the writer: work or stop
    std::condition_variable m_written; // the loop: room, or an item done
    std::deque<Item> m_queue;
    int m_limit;
    quint64 m_pushed = 0;
    quint64 m_done = 0;
    bool m_stopping = false;
    QList<Failure> m_failures;
    std::function<void()> m_failed;
    std::vector<LogFile *> m_unwritten; // the writer's: files with pending lines
    std::thread m_thread;               // last: starts once the rest is made
};

} // namespace Herd
