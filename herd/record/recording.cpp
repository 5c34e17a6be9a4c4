// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/record/recording.h"

#include <QDir>
#include <QFile>
#include <QSet>

#include <algorithm>
#include <limits>

#include "herd/record/eventlines.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

bool earlier(const Event &a, const Event &b)
{
    return a.timeNs < b.timeNs;
}

} // namespace

std::optional<Recording> Recording::open(const QStringList &paths, QString *error)
{
    Recording recording;
    if (paths.isEmpty()) {
        if (error)
            *error = u"no recording named"_s;
        return std::nullopt;
    }
    for (const QString &path : paths) {
        if (!recording.read(path, error))
            return std::nullopt;
    }
    std::stable_sort(recording.m_events.begin(), recording.m_events.end(), earlier);
    qint64 start = std::numeric_limits<qint64>::max();
    for (const Source &source : std::as_const(recording.m_sources)) {
        if (source.header)
            start = std::min(start, source.header->startNs);
    }
    if (!recording.m_events.isEmpty())
        start = std::min(start, recording.m_events.constFirst().timeNs);
    recording.m_startNs = start == std::numeric_limits<qint64>::max() ? 0 : start;
    recording.m_endNs =
        recording.m_events.isEmpty() ? recording.m_startNs : recording.m_events.constLast().timeNs;
    return recording;
}

bool Recording::read(const QString &path, QString *error)
{
    const QString name = QDir::toNativeSeparators(path);
    auto fail = [&](qsizetype lineNumber, const QString &reason) {
        if (error)
            *error = lineNumber > 0 ? u"%1 line %2: %3"_s.arg(name).arg(lineNumber).arg(reason)
                                    : u"%1: %2"_s.arg(name, reason);
        return false;
    };
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(0, u"cannot open: "_s + file.errorString());
    Source source;
    source.path = path;
    QByteArray line = file.readLine();
    if (line.isEmpty())
        return fail(0, u"empty: not a Herd recording or node log"_s);
    const bool isRecording = line.startsWith('{');
    if (isRecording) {
        QString reason;
        source.header =
            RecordingHeader::fromLine(QByteArrayView(line).chopped(line.endsWith('\n') ? 1 : 0), &reason);
        if (!source.header)
            return fail(1, reason);
    } else {
        QString reason;
        if (!eventFromLogLine(QByteArrayView(line).chopped(line.endsWith('\n') ? 1 : 0), &reason))
            return fail(1, u"not a Herd recording or node log: "_s + reason);
        m_notes.append(u"%1 is a node's text log: it has no header (neither the herd as run nor the "
                       "process's clock) and no viaPeerLink"_s.arg(name));
    }
    // Names, peers, details and clients repeat from line to line: one shared
    // copy of each keeps a long recording's memory to about its lines.
    QSet<QString> texts;
    QSet<QByteArray> clients;
    qsizetype lineNumber = isRecording ? 1 : 0;
    if (!isRecording)
        file.seek(0);
    while (!file.atEnd()) {
        line = file.readLine();
        ++lineNumber;
        const bool complete = line.endsWith('\n');
        if (complete)
            line.chop(1);
        if (line.isEmpty() && complete)
            return fail(lineNumber, u"empty line"_s);
        QString reason;
        std::optional<Event> event =
            isRecording ? eventFromJsonLine(line, &reason) : eventFromLogLine(line, &reason);
        if (!event) {
            if (complete || !file.atEnd())
                return fail(lineNumber, reason);
            m_notes.append(u"%1 ends mid-line at line %2 (cut off while it was written?): read up to "
                           "line %3"_s.arg(name)
                               .arg(lineNumber)
                               .arg(lineNumber - 1));
            break;
        }
        event->node = *texts.insert(event->node);
        event->peer = *texts.insert(event->peer);
        event->detail = *texts.insert(event->detail);
        event->client = *clients.insert(event->client);
        m_events.append(std::move(*event));
        ++source.eventCount;
    }
    m_sources.append(source);
    return true;
}

QByteArray Recording::herdJson() const
{
    for (const Source &source : m_sources) {
        if (source.header && !source.header->herdJson.isEmpty())
            return source.header->herdJson;
    }
    return {};
}

QStringList Recording::nodes() const
{
    QSet<QString> names;
    for (const Source &source : m_sources) {
        if (source.header)
            names.unite(QSet<QString>(source.header->nodes.cbegin(), source.header->nodes.cend()));
    }
    for (const Event &event : m_events)
        names.insert(event.node);
    QStringList sorted = names.values();
    sorted.sort();
    return sorted;
}

qsizetype Recording::countUpTo(qint64 timeNs) const
{
    Event probe;
    probe.timeNs = timeNs;
    return std::upper_bound(m_events.cbegin(), m_events.cend(), probe, earlier) - m_events.cbegin();
}

std::pair<qsizetype, qsizetype> Recording::eventsBetween(qint64 fromNs, qint64 toNs) const
{
    Event probe;
    probe.timeNs = fromNs;
    const qsizetype first =
        std::lower_bound(m_events.cbegin(), m_events.cend(), probe, earlier) - m_events.cbegin();
    return {first, std::max(first, countUpTo(toNs))};
}

} // namespace Herd
