// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/record/recording.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>

#include <algorithm>
#include <limits>

#include "herd/record/eventchunks.h"
#include "herd/record/eventlines.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

bool earlier(const Event &a, const Event &b)
{
    return a.timeNs < b.timeNs;
}

} // namespace

std::optional<Recording> Recording::open(const QStringList &paths, QString *error, const Progress &progress)
{
    Recording recording;
    if (paths.isEmpty()) {
        if (error)
            *error = u"no recording named"_s;
        return std::nullopt;
    }
    qint64 totalBytes = 0;
    for (const QString &path : paths)
        totalBytes += std::max<qint64>(QFileInfo(path).size(), 0);
    qint64 bytesBefore = 0;
    for (const QString &path : paths) {
        const auto fileProgress = [&](qint64 done) {
            if (progress && totalBytes > 0)
                progress(double(bytesBefore + done) / double(totalBytes));
        };
        if (!recording.read(path, error, fileProgress))
            return std::nullopt;
        bytesBefore += std::max<qint64>(QFileInfo(path).size(), 0);
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

bool Recording::read(const QString &path, QString *error, const std::function<void(qint64)> &progress)
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
    // Mapped, not read: a recording may be hundreds of megabytes, and its
    // events are copied out of it as they are parsed.
    QByteArray contents;
    QByteArrayView text;
    if (file.size() > 0) {
        if (const uchar *mapped = file.map(0, file.size()))
            text = QByteArrayView(mapped, file.size());
        else
            text = contents = file.readAll(); // not a regular file: a pipe, say
    }
    if (text.isEmpty())
        return fail(0, u"empty: not a Herd recording or node log"_s);
    Source source;
    source.path = path;
    const qsizetype firstEnd = text.indexOf('\n');
    const QByteArrayView firstLine = text.first(firstEnd < 0 ? text.size() : firstEnd);
    const bool isRecording = firstLine.startsWith('{');
    QByteArrayView body = text;
    if (isRecording) {
        QString reason;
        source.header = RecordingHeader::fromLine(firstLine, &reason);
        if (!source.header)
            return fail(1, reason);
        body = text.sliced(firstEnd < 0 ? text.size() : firstEnd + 1);
    } else {
        QString reason;
        if (!eventFromLogLine(firstLine, &reason))
            return fail(1, u"not a Herd recording or node log: "_s + reason);
        m_notes.append(u"%1 is a node's text log: it has no header (neither the herd as run nor the "
                       "process's clock) and no viaPeerLink"_s.arg(name));
    }
    const qsizetype headerLines = isRecording ? 1 : 0;
    const qint64 headerBytes = text.size() - body.size();
    ParsedLines parsed = parseEventLines(body, isRecording ? LineFormat::JsonLines : LineFormat::TextLog,
                                         [&](qsizetype done) { progress(headerBytes + done); });
    if (parsed.badLine > 0)
        return fail(headerLines + parsed.badLine, parsed.reason);
    if (parsed.cutOff) {
        const qsizetype lineNumber = headerLines + parsed.cutOffLine;
        m_notes.append(u"%1 ends mid-line at line %2 (cut off while it was written?): read up to "
                       "line %3"_s.arg(name)
                           .arg(lineNumber)
                           .arg(lineNumber - 1));
    }
    source.eventCount = parsed.events.size();
    m_events.append(std::move(parsed.events));
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
