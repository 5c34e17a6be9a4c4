// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/record/eventchunks.h"

#include <QSet>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "herd/record/eventlines.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

// Below this a chunk costs more to start than it saves.
constexpr qsizetype MinChunkBytes = 1 << 20;
// How often a chunk reports the bytes it has parsed.
constexpr qsizetype ProgressBytes = 1 << 18;

struct Chunk
{
    QByteArrayView text; // whole lines, but for the last chunk's last
    bool last = false;
    ParsedLines parsed;
    qsizetype lineCount = 0;
};

// `report`, when given, is called after each progress step (on this thread).
void parseChunk(Chunk &chunk, LineFormat format, std::atomic<qsizetype> &done,
                const std::function<void()> &report = {})
{
    QSet<QString> texts;
    QSet<QByteArray> clients;
    const QByteArrayView text = chunk.text;
    // One event a line: counting them first (a fast scan) saves growing the
    // list, and moving every event, twenty times over.
    chunk.parsed.events.reserve(text.count('\n') + 1);
    qsizetype reported = 0;
    qsizetype pos = 0;
    while (pos < text.size()) {
        const qsizetype end = text.indexOf('\n', pos);
        const bool complete = end >= 0;
        const QByteArrayView line = text.sliced(pos, (complete ? end : text.size()) - pos);
        pos = complete ? end + 1 : text.size();
        ++chunk.lineCount;
        if (pos - reported >= ProgressBytes) {
            done += pos - reported;
            reported = pos;
            if (report)
                report();
        }
        if (line.isEmpty() && complete) {
            chunk.parsed.badLine = chunk.lineCount;
            chunk.parsed.reason = u"empty line"_s;
            break;
        }
        QString reason;
        std::optional<Event> event = format == LineFormat::JsonLines ? eventFromJsonLine(line, &reason)
                                                                     : eventFromLogLine(line, &reason);
        if (!event) {
            if (!complete && chunk.last) {
                chunk.parsed.cutOff = true;
                chunk.parsed.cutOffLine = chunk.lineCount;
            } else {
                chunk.parsed.badLine = chunk.lineCount;
                chunk.parsed.reason = reason;
            }
            break;
        }
        event->node = *texts.insert(event->node);
        event->peer = *texts.insert(event->peer);
        event->detail = *texts.insert(event->detail);
        event->client = *clients.insert(event->client);
        chunk.parsed.events.append(std::move(*event));
    }
    done += text.size() - reported;
}

// `text` cut into about `count` pieces, each ending just after a "\n" (the
// last one where the text ends).
std::vector<Chunk> cutAtLines(QByteArrayView text, qsizetype count)
{
    std::vector<Chunk> chunks;
    qsizetype start = 0;
    for (qsizetype i = 1; i <= count && start < text.size(); ++i) {
        qsizetype end = text.size();
        if (i < count) {
            const qsizetype newline = text.indexOf('\n', std::max(start, text.size() * i / count - 1));
            end = newline < 0 ? text.size() : newline + 1;
        }
        chunks.push_back({text.sliced(start, end - start), end == text.size(), {}, 0});
        start = end;
    }
    return chunks;
}

} // namespace

ParsedLines parseEventLines(QByteArrayView text, LineFormat format,
                            const std::function<void(qsizetype done)> &progress)
{
    const qsizetype threads =
        std::clamp<qsizetype>(text.size() / MinChunkBytes, 1, std::max(1, QThread::idealThreadCount()));
    std::vector<Chunk> chunks = cutAtLines(text, threads);
    std::atomic<qsizetype> done = 0;
    {
        std::vector<std::jthread> workers;
        for (size_t i = 1; i < chunks.size(); ++i)
            workers.emplace_back([&, i] { parseChunk(chunks[i], format, done); });
        // The calling thread takes the first chunk and reports for all:
        // the chunks are of a size, so they end at about the same time.
        if (!chunks.empty()) {
            std::function<void()> report;
            if (progress)
                report = [&] { progress(done); };
            parseChunk(chunks[0], format, done, report);
        }
    } // the workers join here

    ParsedLines all;
    qsizetype total = 0;
    for (const Chunk &chunk : chunks)
        total += chunk.parsed.events.size();
    all.events.reserve(total);
    qsizetype linesBefore = 0;
    for (Chunk &chunk : chunks) {
        all.events.append(std::move(chunk.parsed.events));
        if (chunk.parsed.badLine > 0) {
            all.badLine = linesBefore + chunk.parsed.badLine;
            all.reason = chunk.parsed.reason;
            break;
        }
        if (chunk.parsed.cutOff) {
            all.cutOff = true;
            all.cutOffLine = linesBefore + chunk.parsed.cutOffLine;
        }
        linesBefore += chunk.lineCount;
    }
    if (progress)
        progress(text.size());
    return all;
}

} // namespace Herd
