// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/log/logwriter.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>

#include <cerrno>

#include <fcntl.h>

#include "herd/log/logbatch_p.h"
#include "herd/log/logformat_p.h"
#include "herd/log/logthread_p.h"
#include "herd/wire/clock.h"

namespace Herd {

namespace {

constexpr int FlushIntervalMs = 200;
// A batch goes to the writer thread once it holds this much.
constexpr qsizetype BatchBytes = 64 * 1024;
constexpr int QueueBatches = 32;
constexpr int QueueWaitMs = 1000;
constexpr int FlushWaitMs = 10'000;

} // namespace

LogWriter::LogWriter(const QString &directory, QObject *parent)
    : QObject(parent)
    , m_directory(directory)
    , m_batch(std::make_unique<LogBatch>())
    , m_waitMs(QueueWaitMs)
    , m_thread(std::make_unique<LogThread>(QueueBatches, [this] {
        // On the writer thread: the signal goes out on the loop.
        QMetaObject::invokeMethod(this, &LogWriter::reportFailures, Qt::QueuedConnection);
    }))
{
    startBatch();
    m_flushTimer.setInterval(FlushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, [this] {
        if (m_sinceWriteOut)
            handOff(true, m_behind ? 0 : m_waitMs);
    });
}

LogWriter::~LogWriter()
{
    // Whoever would hear of a failure is going away too.
    blockSignals(true);
    flush();
    m_thread.reset();
}

bool LogWriter::open(const QStringList &nodes, QString *error)
{
    if (!QDir().mkpath(m_directory)) {
        if (error)
            *error = QStringLiteral("cannot create log directory %1").arg(m_directory);
        return false;
    }
    for (const QString &node : nodes) {
        const LogFile &log = logFor(node);
        if (log.openFailed) {
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

LogFile &LogWriter::logFor(const QString &node)
{
    // Events carry their node's own (implicitly shared) name, so the same
    // node is mostly recognised by its data pointer alone.
    if (m_last && (m_last->node.constData() == node.constData() || m_last->node == node))
        return *m_last;
    std::shared_ptr<LogFile> &log = m_logs[node];
    if (!log) {
        log = std::make_shared<LogFile>();
        log->node = node;
        log->escapedNode = escapeField(node.toUtf8());
        log->pending.reserve(64 * 1024 + 4096);
        log->path = pathFor(node);
        // Unbuffered: `pending` is the buffer, written in one piece.
        log->fd =
            ::open(QFile::encodeName(log->path).constData(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (log->fd < 0) {
            log->openFailed = true;
            log->openError = qt_error_string(errno);
            if (m_opened) { // open() has returned, so no one else will say so
                m_failed = true;
                emit writeFailed(node,
                                 QStringLiteral("cannot write log %1: %2; its events are no longer logged")
                                     .arg(log->path, log->openError));
            }
        }
    }
    m_last = log.get();
    return *log;
}

void LogWriter::setQueueLimit(int batches, int waitMs)
{
    m_thread->setLimit(batches);
    m_waitMs = qMax(0, waitMs);
}

void LogWriter::write(const Event &event)
{
    if (m_detail == Detail::Changes
        && (event.kind == EventKind::LineReceived || event.kind == EventKind::LineSent))
        return;
    LogFile &log = logFor(event.node);
    if (log.openFailed)
        return;
    m_batch->append(&log, event);
    m_sinceWriteOut = true;
    if (m_batch->bytes() >= BatchBytes)
        handOff(false, m_behind ? 0 : m_waitMs);
}

void LogWriter::handOff(bool writeOut, int waitMs)
{
    if (m_thread->push(*m_batch, writeOut, waitMs)) {
        m_behind = false;
        if (writeOut)
            m_sinceWriteOut = false;
        for (LogFile *log : std::exchange(m_noted, {}))
            log->dropped = 0;
    } else {
        // The disk took nothing for the wait: this batch is lost, and said so.
        m_behind = true;
        m_droppedEvents += m_batch->events();
        m_batch->forEach([](LogFile *log, const LogFields &, LogBatch::Origin origin) {
            if (origin == LogBatch::Origin::Event)
                ++log->dropped;
        });
        *m_batch = {};
        m_noted.clear();
    }
    startBatch();
}

void LogWriter::startBatch()
{
    m_batch->reserve(BatchBytes + 4096);
    for (const auto &log : std::as_const(m_logs)) {
        if (log->dropped == 0)
            continue;
        // Each note gives the whole loss since the last note that reached
        // the writer, as its count is cleared only when this batch does.
        Event note;
        note.timeNs = wallClockNs();
        note.node = log->node;
        note.detail = QStringLiteral("the log writer fell behind the disk: %1 events were not logged")
                          .arg(log->dropped);
        m_batch->append(log.get(), note, LogBatch::Origin::Note);
        m_noted.append(log.get());
    }
}

void LogWriter::reportFailures()
{
    for (const LogThread::Failure &failure : m_thread->takeFailures()) {
        m_failed = true;
        emit writeFailed(failure.node, failure.message);
    }
}

void LogWriter::flush()
{
    // A stop waits for the disk even when it is behind: a shutdown that
    // dropped its last batch would lose the note of what was lost.
    QElapsedTimer waited;
    waited.start();
    handOff(true, FlushWaitMs);
    m_thread->waitWritten(int(qMax<qint64>(0, FlushWaitMs - waited.elapsed())));
    reportFailures();
}

QByteArray LogWriter::escapeField(QByteArrayView field)
{
    return escapeLogField(field);
}

QByteArray LogWriter::formatLine(const Event &event)
{
    QByteArray out;
    appendLogLine(out, LogFields::of(event));
    return out;
}

} // namespace Herd
