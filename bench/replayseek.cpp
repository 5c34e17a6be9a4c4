// SPDX-License-Identifier: GPL-3.0-or-later
// herd-replay: what seeking in a long recording costs. Writes a synthetic
// recording (the Alford herd's five nodes flooding updates from many
// clients, with cuts, heals and a kill now and then, through Recorder, so
// in the real format), opens it, builds the replay's checkpoints, then
// seeks to random moments and reports the median, 90th percentile and
// slowest seek, the memory the events and the checkpoints take, and the
// bytes per event; then the window's seek, a ReplayHerd's, alone and with
// the past the plots read after it (HerdSource::past). docs/recording.md describes the format;
// bench/README.md has the numbers.

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "bench/benchsupport.h"
#include "herd/config/herdconfig.h"
#include "herd/record/recorder.h"
#include "herd/record/recording.h"
#include "herd/record/replayherd.h"
#include "herd/record/replaystate.h"

using namespace Herd;
using namespace Qt::StringLiterals;

namespace {

// The Alford herd: who floods to whom.
const QHash<QString, QStringList> Neighbours = {
    {u"Alford"_s, {u"Parker"_s, u"Powell"_s}},
    {u"Bolden"_s, {u"Parker"_s, u"Powell"_s}},
    {u"Hamilton"_s, {u"Parker"_s}},
    {u"Parker"_s, {u"Alford"_s, u"Bolden"_s, u"Hamilton"_s}},
    {u"Powell"_s, {u"Alford"_s, u"Bolden"_s}},
};

// Writes about `total` events of a busy herd to `recorder`.
class Generator
{
public:
    // Events from `startNs` on: a recording's time starts at its header's.
    Generator(Recorder &recorder, int clients, qint64 startNs)
        : m_recorder(recorder)
        , m_clients(clients)
        , m_timeNs(startNs)
    {}

    void run(qint64 total)
    {
        for (const QString &node : Neighbours.keys())
            emitEvent(node, EventKind::NodeStarted);
        for (auto it = Neighbours.cbegin(); it != Neighbours.cend(); ++it) {
            for (const QString &peer : *it)
                emitEvent(it.key(), EventKind::PeerConnected, peer);
        }
        const QStringList nodes = Neighbours.keys();
        while (m_count < total) {
            const QString &origin = nodes.at(int(m_random.bounded(qint64(nodes.size()))));
            update(origin, "phone-" + QByteArray::number(m_random.bounded(m_clients)) + ".example.org");
            if (m_count / 20'000 != m_faultsDone) {
                ++m_faultsDone;
                const bool cut = m_faultsDone % 2;
                emitEvent(u"Parker"_s, EventKind::LinkChanged, u"Alford"_s, {}, {},
                          cut ? u"cut"_s : u"restored"_s);
            }
            if (m_count / 100'000 != m_killsDone) {
                ++m_killsDone;
                const QString &victim = nodes.at(int(m_killsDone % nodes.size()));
                emitEvent(victim, EventKind::NodeStopped, {}, {}, {}, u"killed"_s);
                emitEvent(victim, EventKind::NodeStarted);
            }
        }
    }
    qint64 count() const { return m_count; }

private:
    void emitEvent(const QString &node, EventKind kind, const QString &peer = {},
                   const QByteArray &client = {}, const QByteArray &line = {}, const QString &detail = {},
                   bool viaPeerLink = false)
    {
        Event event;
        m_timeNs += 40'000 + qint64(m_random.bounded(20'000));
        event.timeNs = m_timeNs;
        event.node = node;
        event.kind = kind;
        event.peer = peer;
        event.client = client;
        event.line = line;
        event.detail = detail;
        event.viaPeerLink = viaPeerLink;
        m_recorder.write(event);
        ++m_count;
    }

    // One IAMAT at `origin`, its reply, and its flood to every node (echoes dropped).
    void update(const QString &origin, const QByteArray &client)
    {
        ++m_clientTime;
        const QByteArray time = QByteArray::number(m_clientTime) + ".000000000";
        const QByteArray iamat = "IAMAT " + client + " +34.068930-118.445127 " + time;
        const QByteArray at =
            "AT " + origin.toUtf8() + " +0.000123456 " + client + " +34.068930-118.445127 " + time;
        emitEvent(origin, EventKind::LineReceived, u"127.0.0.1:40000"_s, client, iamat);
        emitEvent(origin, EventKind::RecordStored, {}, client, at, u"iamat"_s);
        QStringList frontier {origin};
        QSet<QString> holding {origin};
        while (!frontier.isEmpty()) {
            const QString from = frontier.takeFirst();
            for (const QString &to : Neighbours.value(from)) {
                emitEvent(from, EventKind::LineSent, to, client, at, {}, true);
                emitEvent(to, EventKind::LineReceived, from, client, at, {}, true);
                if (holding.contains(to)) {
                    emitEvent(to, EventKind::RecordDropped, from, client, at,
                              u"not newer than the record held"_s);
                    continue;
                }
                holding.insert(to);
                emitEvent(to, EventKind::RecordStored, from, client, at, u"flood"_s);
                frontier.append(to);
            }
        }
        emitEvent(origin, EventKind::LineSent, u"127.0.0.1:40000"_s, client, at);
    }

    Recorder &m_recorder;
    int m_clients;
    QRandomGenerator m_random {131};
    qint64 m_timeNs;
    qint64 m_clientTime = 1'800'000'000;
    qint64 m_count = 0;
    qint64 m_faultsDone = 0;
    qint64 m_killsDone = 0;
};

double percentile(QList<qint64> sorted, double p)
{
    if (sorted.isEmpty())
        return 0;
    return double(sorted.at(std::min(sorted.size() - 1, qsizetype(p * double(sorted.size()))))) / 1e6;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    Bench::CommandLine cli("herd-replay", u"Seek times in a long synthetic recording."_s);
    const auto events = cli.option("events", "events to record (default 1000000)", "N", "1000000");
    const auto clients = cli.option("clients", "distinct clients (default 10000)", "N", "10000");
    const auto interval = cli.option("interval", "events between checkpoints (default 16384)", "N", "16384");
    const auto seeks = cli.option("seeks", "random seeks to time (default 200)", "N", "200");
    cli.process(app);
    const qint64 total = cli.value(events).toLongLong();
    const int clientCount = cli.value(clients).toInt();
    const qsizetype every = cli.value(interval).toLongLong();
    const int seekCount = cli.value(seeks).toInt();
    if (total < 1 || clientCount < 1 || every < 1 || seekCount < 1)
        return cli.fail("--events, --clients, --interval and --seeks must be 1 or more");

    QTemporaryDir dir;
    const QString path = dir.filePath(u"synthetic.jsonl"_s);
    qint64 written = 0;
    {
        Recorder recorder(path);
        QString error;
        const HerdConfig alford = *HerdConfig::preset(u"alford"_s, nullptr);
        const RecordingHeader header = RecordingHeader::now(alford, u"bench"_s, Neighbours.keys());
        if (!recorder.open(header, &error)) {
            std::fprintf(stderr, "herd-replay: %s\n", qPrintable(error));
            return 1;
        }
        Generator generator(recorder, clientCount, header.startNs);
        generator.run(total);
        written = generator.count();
    }
    const qint64 bytes = QFileInfo(path).size();
    const qint64 rssStart = Bench::residentKiB();
    QElapsedTimer timer;
    timer.start();
    QString error;
    const std::optional<Recording> recording = Recording::open({path}, &error);
    if (!recording) {
        std::fprintf(stderr, "herd-replay: %s\n", qPrintable(error));
        return 1;
    }
    const qint64 openMs = timer.elapsed();
    const qint64 rssEvents = Bench::residentKiB();
    timer.restart();
    ReplayState replay(*recording, every);
    const qint64 buildMs = timer.elapsed();
    const qint64 rssCheckpoints = Bench::residentKiB();

    QRandomGenerator random(7);
    QList<qint64> times;
    for (int i = 0; i < seekCount; ++i) {
        const qsizetype target = qsizetype(random.bounded(qint64(recording->events().size()) + 1));
        const qint64 start = Bench::monoNs();
        const HerdMoment &moment = replay.seek(target);
        times.append(Bench::monoNs() - start);
        if (moment.eventCount != target)
            return 1;
    }
    std::sort(times.begin(), times.end());
    std::printf("events %lld, file %.1f MB, %.1f bytes/event\n", written, double(bytes) / 1e6,
                double(bytes) / double(written));
    std::printf("open %lld ms (events in memory: %lld MB)\n", openMs, (rssEvents - rssStart) / 1024);
    std::printf("checkpoints every %lld events: %lld of them, built in %lld ms, %lld MB\n", qint64(every),
                qint64(replay.checkpointCount()), buildMs, (rssCheckpoints - rssEvents) / 1024);
    std::printf("seek (%d random): median %.2f ms, p90 %.2f ms, max %.2f ms\n", seekCount,
                percentile(times, 0.5), percentile(times, 0.9), double(times.constLast()) / 1e6);

    // The window's seek: the moment, the stores and the lead-up; then the
    // plots' past, their ten minutes before the cursor.
    const std::unique_ptr<ReplayHerd> herd = ReplayHerd::open({path}, &error);
    if (!herd) {
        std::fprintf(stderr, "herd-replay: %s\n", qPrintable(error));
        return 1;
    }
    QList<qint64> seekTimes;
    QList<qint64> pastTimes;
    qsizetype longestPast = 0;
    for (int i = 0; i < seekCount; ++i) {
        const qint64 at = herd->startNs() + random.bounded(herd->endNs() - herd->startNs() + 1);
        const qint64 start = Bench::monoNs();
        herd->seekTime(at);
        const qint64 seeked = Bench::monoNs();
        const std::optional<HerdPast> past = herd->past(at - 600'000'000'000);
        pastTimes.append(Bench::monoNs() - seeked);
        seekTimes.append(seeked - start);
        longestPast = std::max(longestPast, past ? past->events.size() : 0);
    }
    std::sort(seekTimes.begin(), seekTimes.end());
    std::sort(pastTimes.begin(), pastTimes.end());
    std::printf("window seek (%d random): median %.2f ms, p90 %.2f ms, max %.2f ms\n", seekCount,
                percentile(seekTimes, 0.5), percentile(seekTimes, 0.9), double(seekTimes.constLast()) / 1e6);
    std::printf("its plots' past (up to %lld events): median %.2f ms, p90 %.2f ms, max %.2f ms\n",
                qint64(longestPast), percentile(pastTimes, 0.5), percentile(pastTimes, 0.9),
                double(pastTimes.constLast()) / 1e6);
    return 0;
}
