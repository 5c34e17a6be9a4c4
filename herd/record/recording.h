// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>
#include <utility>

#include "herd/event.h"
#include "herd/record/recordingheader.h"

namespace Herd {

// A recorded run, read back: the events of one or more files, merged by time.
// Each file is a recording (Recorder; one per process of a herd spread over
// processes) or a node's text log from --log-dir with --log all, which has no
// header: what ran and each process's clock are missing, and so is each
// event's viaPeerLink.
//
// A file cut off mid-line (a process killed while it wrote) opens, with a
// note saying where it ends; a line that is not an event anywhere else, or a
// file that is neither kind, fails the open with the file and line named.
class Recording final
{
public:
    struct Source
    {
        QString path;
        std::optional<RecordingHeader> header; // null for a text log
        qsizetype eventCount = 0;
    };

    // Called now and then while files are read, with the share read so far
    // (0 to 1), on the thread that opens: a window can show it.
    using Progress = std::function<void(double fraction)>;

    static std::optional<Recording> open(const QStringList &paths, QString *error,
                                         const Progress &progress = {});

    // Every event, in time order (a tie keeps the order the files were given).
    const QList<Event> &events() const { return m_events; }
    const QList<Source> &sources() const { return m_sources; }
    // What a reader should know: a file cut off, a text log's gaps.
    const QStringList &notes() const { return m_notes; }

    // The earliest start a header gives (or the first event's time), and the
    // last event's time: "seconds from the recording's start" count from startNs().
    qint64 startNs() const { return m_startNs; }
    qint64 endNs() const { return m_endNs; }
    // The herd file as run, from the first header that has one; empty for text logs alone.
    QByteArray herdJson() const;
    // Every node a header or an event names, sorted.
    QStringList nodes() const;

    // How many events happened at or before `timeNs`.
    qsizetype countUpTo(qint64 timeNs) const;
    // The events with fromNs <= time <= toNs, as [first, last) indices into events().
    std::pair<qsizetype, qsizetype> eventsBetween(qint64 fromNs, qint64 toNs) const;

private:
    bool read(const QString &path, QString *error, const std::function<void(qint64 done)> &progress);

    QList<Event> m_events;
    QList<Source> m_sources;
    QStringList m_notes;
    qint64 m_startNs = 0;
    qint64 m_endNs = 0;
};

} // namespace Herd
