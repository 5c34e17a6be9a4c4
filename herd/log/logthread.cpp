// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/log/logthread_p.h"

#include <cerrno>
#include <chrono>

#include <unistd.h>

namespace Herd {

namespace {

// A file's buffer goes out in one write once it holds this much.
constexpr qsizetype WriteOutBytes = 64 * 1024;

} // namespace

LogFile::~LogFile()
{
    if (fd >= 0)
        ::close(fd);
}

LogThread::LogThread(int limit, std::function<void()> failed)
    : m_limit(limit)
    , m_failed(std::move(failed))
    , m_thread([this] { run(); })
{}

LogThread::~LogThread()
{
    {
        const std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_one();
    m_thread.join();
}

void LogThread::setLimit(int batches)
{
    const std::lock_guard lock(m_mutex);
    m_limit = qMax(1, batches);
}

bool LogThread::push(LogBatch &batch, bool writeOut, int waitMs)
{
    std::unique_lock lock(m_mutex);
    if (!m_written.wait_for(lock, std::chrono::milliseconds(waitMs),
                            [this] { return qsizetype(m_queue.size()) < m_limit; }))
        return false;
    m_queue.push_back({std::exchange(batch, {}), writeOut, ++m_pushed});
    lock.unlock();
    m_wake.notify_one();
    return true;
}

bool LogThread::waitWritten(int waitMs)
{
    std::unique_lock lock(m_mutex);
    const quint64 target = m_pushed;
    return m_written.wait_for(lock, std::chrono::milliseconds(waitMs), [&] { return m_done >= target; });
}

QList<LogThread::Failure> LogThread::takeFailures()
{
    const std::lock_guard lock(m_mutex);
    return std::exchange(m_failures, {});
}

void LogThread::run()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] { return !m_queue.empty() || m_stopping; });
        if (m_queue.empty())
            break; // stopping, with everything formatted
        Item item = std::move(m_queue.front());
        m_queue.pop_front();
        lock.unlock();
        m_written.notify_all(); // room
        format(item.batch);
        if (item.writeOut)
            writeOutAll();
        const quint64 number = item.number;
        item = {}; // the batch's memory freed outside the lock
        lock.lock();
        m_done = number;
        m_written.notify_all();
    }
    lock.unlock();
    writeOutAll();
}

void LogThread::writeOutAll()
{
    for (LogFile *file : std::exchange(m_unwritten, {})) {
        file->listed = false;
        writeOut(*file);
    }
}

void LogThread::format(const LogBatch &batch)
{
    batch.forEach([this](LogFile *file, const LogFields &fields, LogBatch::Origin) {
        if (file->fd < 0)
            return;
        if (!file->listed) {
            file->listed = true;
            m_unwritten.push_back(file);
        }
        appendLogLine(file->pending, fields, file->escapedNode);
        if (file->pending.size() >= WriteOutBytes)
            writeOut(*file); // stays listed: an empty buffer writes nothing
    });
}

void LogThread::writeOut(LogFile &file)
{
    const char *data = file.pending.constData();
    qsizetype left = file.pending.size();
    while (file.fd >= 0 && left > 0) {
        const ssize_t written = ::write(file.fd, data, size_t(left));
        if (written > 0) {
            data += written;
            left -= written;
        } else if (written < 0 && errno == EINTR) {
            continue;
        } else {
            const QString reason =
                written < 0 ? qt_error_string(errno) : QStringLiteral("nothing was written");
            ::close(file.fd);
            file.fd = -1;
            {
                const std::lock_guard lock(m_mutex);
                m_failures.append({file.node,
                                   QStringLiteral("cannot write log %1: %2; its events are no longer logged")
                                       .arg(file.path, reason)});
            }
            m_failed();
        }
    }
    file.pending.resize(0); // keeps its capacity
}

} // namespace Herd
