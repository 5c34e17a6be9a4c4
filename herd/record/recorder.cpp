// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/record/recorder.h"

#include <QDir>

#include "herd/log/logexport.h"

namespace Herd {

namespace {

constexpr int FlushIntervalMs = 200;
constexpr qsizetype WriteOutBytes = 64 * 1024;

} // namespace

Recorder::Recorder(const QString &path, QObject *parent)
    : QObject(parent)
    , m_file(path)
{
    m_pending.reserve(WriteOutBytes + 4096);
    m_flushTimer.setInterval(FlushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &Recorder::flush);
}

Recorder::~Recorder()
{
    blockSignals(true); // whoever would hear of a failure is going away too
    flush();
}

bool Recorder::open(const RecordingHeader &header, QString *error)
{
    // Unbuffered: m_pending is the buffer, written in one piece.
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Unbuffered)) {
        if (error)
            *error = QStringLiteral("cannot record to %1: %2")
                         .arg(QDir::toNativeSeparators(path()), m_file.errorString());
        return false;
    }
    m_pending = header.toLine();
    flush();
    if (m_failed) {
        if (error)
            *error = QStringLiteral("cannot record to %1: %2")
                         .arg(QDir::toNativeSeparators(path()), m_file.errorString());
        return false;
    }
    m_flushTimer.start();
    return true;
}

void Recorder::write(const Event &event)
{
    if (!m_file.isOpen())
        return;
    appendJsonLinesRecord(m_pending, event);
    if (m_pending.size() >= WriteOutBytes)
        flush();
}

void Recorder::flush()
{
    if (m_pending.isEmpty() || !m_file.isOpen())
        return;
    const bool written = m_file.write(m_pending) == m_pending.size();
    m_pending.resize(0); // keeps its capacity
    if (written)
        return;
    const QString message = QStringLiteral("cannot record to %1: %2; the recording ends here")
                                .arg(QDir::toNativeSeparators(path()), m_file.errorString());
    m_file.close();
    m_flushTimer.stop();
    m_failed = true;
    emit writeFailed(message);
}

} // namespace Herd
