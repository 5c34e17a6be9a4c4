// SPDX-License-Identifier: GPL-3.0-or-later
// Recordings (herd/record): a live herd recorded and replayed to its end
// holds what the live nodes held; seeking by any path gives the same herd
// as applying every event from the start; files cut off, corrupt, foreign,
// from two processes, and per-node text logs.

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

#include "herd/cluster.h"
#include "herd/config/herdconfig.h"
#include "herd/log/logwriter.h"
#include "herd/node/node.h"
#include "herd/record/recorder.h"
#include "herd/record/recording.h"
#include "herd/record/replaystate.h"
#include "tests/herdfixture.h"
#include "tests/lineclient.h"

using namespace Herd;
using namespace Herd::Test;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 BaseNs = 1'700'000'000'000'000'000;

Event event(qint64 offsetMs, const QString &node, EventKind kind, const QString &peer = {},
            const QByteArray &client = {}, const QByteArray &line = {}, const QString &detail = {})
{
    Event e;
    e.timeNs = BaseNs + offsetMs * 1'000'000;
    e.node = node;
    e.kind = kind;
    e.peer = peer;
    e.client = client;
    e.line = line;
    e.detail = detail;
    return e;
}

QByteArray atLine(const QByteArray &origin, const QByteArray &client, int second)
{
    return "AT " + origin + " +0.000100000 " + client + " +34.068930-118.445127 " + QByteArray::number(second)
        + ".000000000";
}

// A made-up run of two nodes: starts, links, records stored, faults, and
// near the end a kill of B.
QList<Event> syntheticRun(int records)
{
    QList<Event> events {event(0, u"A"_s, EventKind::NodeStarted), event(1, u"B"_s, EventKind::NodeStarted),
                         event(2, u"A"_s, EventKind::PeerConnected, u"B"_s),
                         event(3, u"B"_s, EventKind::PeerConnected, u"A"_s)};
    qint64 ms = 10;
    for (int i = 0; i < records; ++i) {
        const QByteArray client = "c" + QByteArray::number(i % 13);
        const QByteArray line = atLine("A", client, 1'700'000'000 + i);
        events.append(event(ms++, u"A"_s, EventKind::LineReceived, {}, client, "IAMAT x"));
        events.append(event(ms++, u"A"_s, EventKind::RecordStored, {}, client, line, u"iamat"_s));
        if (i % 5 != 4)
            events.append(event(ms++, u"B"_s, EventKind::RecordStored, u"A"_s, client, line, u"flood"_s));
        if (i == records / 3)
            events.append(event(ms++, u"A"_s, EventKind::LinkChanged, u"B"_s, {}, {}, u"delay 250 ms"_s));
        if (i == records - 3) {
            events.append(event(ms++, u"B"_s, EventKind::NodeStopped, {}, {}, {}, u"killed"_s));
            events.append(event(ms++, u"B"_s, EventKind::NodeStarted));
            events.append(event(ms++, u"A"_s, EventKind::LinkChanged, u"B"_s, {}, {}, u"cut (one way)"_s));
        }
    }
    return events;
}

bool writeRecording(const QString &path, const QList<Event> &events, const QStringList &nodes)
{
    Recorder recorder(path);
    QString error;
    if (!recorder.open(RecordingHeader::now(HerdConfig {}, u"test"_s, nodes), &error)) {
        qWarning("%s", qPrintable(error));
        return false;
    }
    for (const Event &e : events)
        recorder.write(e);
    recorder.flush();
    return !recorder.failed();
}

QList<QByteArray> fileLines(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll().split('\n');
}

bool writeBytes(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

// The herd after `count` events, the slow way: every event from the start.
HerdMoment fromScratch(const Recording &recording, qsizetype count)
{
    HerdMoment moment;
    for (const QString &node : recording.nodes())
        moment.nodes.insert(node, {});
    for (qsizetype i = 0; i < count; ++i)
        moment.apply(recording.events().at(i));
    return moment;
}

} // namespace

class tst_Record : public QObject
{
    Q_OBJECT

private slots:
    void init() { QVERIFY(m_dir.isValid()); }
    void liveRunReplaysToWhatNodesHeld();
    void seekingAnyWayGivesTheSameHerd();
    void seekingByTime();
    void fileCutOffMidLineOpensWithANote();
    void corruptLineNamesFileAndLine();
    void longRecordingOpensInChunks();
    void foreignFilesAreRefused();
    void filesOfTwoProcessesMerge();
    void textLogsOpen();
    void headerKeepsTheHerdButNoSecret();

private:
    QTemporaryDir m_dir;
};

void tst_Record::liveRunReplaysToWhatNodesHeld()
{
    HerdFixture herd;
    QString error;
    QVERIFY2(herd.start(HerdFixture::config({u"A"_s, u"B"_s, u"C"_s}, {{u"A"_s, u"B"_s}, {u"B"_s, u"C"_s}}),
                        &error),
             qPrintable(error));
    const QString path = m_dir.filePath(u"live.jsonl"_s);
    Recorder recorder(path);
    QVERIFY2(recorder.open(RecordingHeader::now(herd.cluster()->config(), u"test"_s,
                                                herd.cluster()->config().nodeNames()),
                           &error),
             qPrintable(error));
    // What happened before the recorder could listen, then the live stream.
    for (const Event &e : herd.events())
        recorder.write(e);
    connect(herd.cluster(), &Cluster::eventOccurred, &recorder, &Recorder::write);
    QVERIFY(herd.waitForLinks());

    auto iamat = [&herd](const QString &node, const QByteArray &client, const QByteArray &time) {
        LineClient client_;
        if (!client_.connectTo(herd.port(node)))
            return false;
        client_.send("IAMAT " + client + " +34.068930-118.445127 " + time + '\n');
        return client_.waitForLines(1);
    };
    QVERIFY(iamat(u"A"_s, "kiwi", "1700000000"));
    QVERIFY(herd.waitUntilAllStore("kiwi"));
    // C stops hearing from B, then crashes: it comes back empty and stays so.
    QVERIFY(herd.cluster()->setLinkCut(u"B"_s, u"C"_s, true));
    QVERIFY(herd.cluster()->kill(u"C"_s));
    QVERIFY2(herd.cluster()->restart(u"C"_s, &error), qPrintable(error));
    QVERIFY(iamat(u"A"_s, "kiwi", "1700000100"));
    QVERIFY(iamat(u"C"_s, "lemon", "1700000200"));
    QTRY_VERIFY_WITH_TIMEOUT(herd.node(u"B"_s)->store().find("kiwi")
                                 && herd.node(u"B"_s)->store().find("kiwi")->timeNs
                                     == 1'700'000'100'000'000'000,
                             5000);
    LineClient whatsat;
    QVERIFY(whatsat.connectTo(herd.port(u"B"_s)));
    whatsat.send("WHATSAT kiwi 10 1\n");
    QVERIFY(whatsat.waitForLines(1));
    const QByteArray answered = whatsat.lines().constFirst();
    recorder.flush();
    QVERIFY(!recorder.failed());

    const std::optional<Recording> recording = Recording::open({path}, &error);
    QVERIFY2(recording, qPrintable(error));
    QVERIFY(recording->notes().isEmpty());
    ReplayState replay(*recording, 16);
    const HerdMoment &end = replay.seek(recording->events().size());
    QCOMPARE(end.nodes[u"B"_s].records.value("kiwi").atLine, answered);
    for (const Node *node : herd.cluster()->nodes()) {
        const NodeMoment replayed = end.nodes.value(node->name());
        QCOMPARE(replayed.running, node->isRunning());
        QCOMPARE(replayed.records.size(), node->store().size());
        for (const Record &record : node->store().records()) {
            const ReplayRecord held = replayed.records.value(record.clientId);
            QCOMPARE(held.atLine, record.atLine);
            QCOMPARE(held.clientTimeNs, record.timeNs);
            QCOMPARE(held.origin(), record.server());
        }
    }
    QCOMPARE(end.nodes[u"C"_s].records.keys(), QList<QByteArray> {"lemon"});
    QVERIFY(end.links.value({u"B"_s, u"C"_s}).cut);
    QVERIFY(end.links.value({u"C"_s, u"B"_s}).cut);
    QVERIFY(end.links.value({u"A"_s, u"B"_s}).up);
    QVERIFY(!end.links.value({u"A"_s, u"B"_s}).cut);
}

void tst_Record::seekingAnyWayGivesTheSameHerd()
{
    const QString path = m_dir.filePath(u"synthetic.jsonl"_s);
    QVERIFY(writeRecording(path, syntheticRun(120), {u"A"_s, u"B"_s}));
    QString error;
    const std::optional<Recording> recording = Recording::open({path}, &error);
    QVERIFY2(recording, qPrintable(error));
    const qsizetype total = recording->events().size();
    ReplayState replay(*recording, 7);
    QCOMPARE(replay.checkpointCount(), total / 7 + 1);

    // Forwards a step at a time, then backwards, then jumping about.
    QList<qsizetype> targets;
    for (qsizetype i = 0; i <= total; ++i)
        targets.append(i);
    for (qsizetype i = total; i >= 0; --i)
        targets.append(i);
    targets += {0, total, 3, total - 1, total / 2, 5, total / 2 + 9, 1, total};
    for (const qsizetype target : std::as_const(targets)) {
        const HerdMoment &moment = replay.seek(target);
        QCOMPARE(moment.eventCount, target);
        QVERIFY2(moment == fromScratch(*recording, target), qPrintable(u"event %1"_s.arg(target)));
    }
    // Past the ends: clamped.
    QCOMPARE(replay.seek(-5).eventCount, 0);
    QCOMPARE(replay.seek(total + 100).eventCount, total);

    // The kill in the middle emptied B; the one-way cut holds at the end.
    const HerdMoment end = replay.seek(total);
    QVERIFY(end.links.value({u"A"_s, u"B"_s}).cut);
    QVERIFY(!end.links.value({u"B"_s, u"A"_s}).cut);
    QCOMPARE(end.links.value({u"B"_s, u"A"_s}).delayMs, 250);
    QVERIFY(!end.links.value({u"B"_s, u"A"_s}).up); // B's own link went down with B
    QCOMPARE(end.nodes[u"A"_s].records.size(), 13);
    QCOMPARE(end.nodes[u"B"_s].records.size(), 1); // the one report after the kill B heard of
    QCOMPARE(replay.seek(total / 2).nodes[u"B"_s].records.size(), 13);
}

void tst_Record::seekingByTime()
{
    const QString path = m_dir.filePath(u"time.jsonl"_s);
    QVERIFY(writeRecording(path, syntheticRun(20), {u"A"_s, u"B"_s}));
    QString error;
    const std::optional<Recording> recording = Recording::open({path}, &error);
    QVERIFY2(recording, qPrintable(error));
    QCOMPARE(recording->endNs(), recording->events().constLast().timeNs);
    ReplayState replay(*recording, 4);
    // At an event's own time it counts; just before, it does not.
    const Event &tenth = recording->events().at(9);
    QCOMPARE(replay.seekTime(tenth.timeNs).eventCount, 10);
    QCOMPARE(replay.seekTime(tenth.timeNs - 1).eventCount, 9);
    QCOMPARE(replay.seekTime(recording->endNs()).eventCount, recording->events().size());
    const auto [first, last] = recording->eventsBetween(tenth.timeNs, recording->events().at(14).timeNs);
    QCOMPARE(first, 9);
    QCOMPARE(last, 15);
}

void tst_Record::fileCutOffMidLineOpensWithANote()
{
    const QString path = m_dir.filePath(u"cut.jsonl"_s);
    const QList<Event> events = syntheticRun(10);
    QVERIFY(writeRecording(path, events, {u"A"_s, u"B"_s}));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.resize(file.size() - 20)); // inside the last event
    file.close();
    QString error;
    const std::optional<Recording> recording = Recording::open({path}, &error);
    QVERIFY2(recording, qPrintable(error));
    QCOMPARE(recording->events().size(), events.size() - 1);
    QCOMPARE(recording->notes().size(), 1);
    const QString lastLine = QString::number(events.size() + 1); // the header is line 1
    QVERIFY2(recording->notes().constFirst().contains(u"cut.jsonl ends mid-line at line "_s + lastLine),
             qPrintable(recording->notes().constFirst()));
}

void tst_Record::corruptLineNamesFileAndLine()
{
    const QString path = m_dir.filePath(u"corrupt.jsonl"_s);
    QVERIFY(writeRecording(path, syntheticRun(10), {u"A"_s, u"B"_s}));
    QList<QByteArray> lines = fileLines(path);
    lines[3].insert(1, '#');
    QVERIFY(writeBytes(path, lines.join('\n')));
    QString error;
    QVERIFY(!Recording::open({path}, &error));
    QVERIFY2(error.contains(u"corrupt.jsonl line 4: not JSON"_s), qPrintable(error));

    lines = fileLines(m_dir.filePath(u"corrupt.jsonl"_s));
    lines[3] = R"({"timeNs":1,"node":"A","kind":"teleported"})";
    QVERIFY(writeBytes(path, lines.join('\n')));
    QVERIFY(!Recording::open({path}, &error));
    QVERIFY2(error.contains(u"corrupt.jsonl line 4: not an event"_s), qPrintable(error));
}

// Above a megabyte a file is parsed in chunks on several threads: the events
// still come in file order, a bad line far in is named by its number in
// the whole file, and progress only rises, to 1.
void tst_Record::longRecordingOpensInChunks()
{
    const QString path = m_dir.filePath(u"long.jsonl"_s);
    const QList<Event> events = syntheticRun(8000);
    QVERIFY(writeRecording(path, events, {u"A"_s, u"B"_s}));
    QVERIFY(QFileInfo(path).size() > 2 * 1024 * 1024);
    QString error;
    QList<double> progress;
    const std::optional<Recording> recording =
        Recording::open({path}, &error, [&](double fraction) { progress.append(fraction); });
    QVERIFY2(recording, qPrintable(error));
    QCOMPARE(recording->events().size(), events.size());
    for (qsizetype i = 0; i < events.size(); i += 997) {
        QCOMPARE(recording->events().at(i).timeNs, events.at(i).timeNs);
        QCOMPARE(recording->events().at(i).line, events.at(i).line);
    }
    QCOMPARE(recording->events().constLast().line, events.constLast().line);
    QVERIFY(progress.size() >= 2);
    QVERIFY(std::is_sorted(progress.cbegin(), progress.cend()));
    QCOMPARE(progress.constLast(), 1.0);

    QList<QByteArray> lines = fileLines(path);
    const qsizetype bad = lines.size() * 3 / 4; // in the second half, as a 0-based index
    lines[bad] = "{\"timeNs\": 1}";
    QVERIFY(writeBytes(path, lines.join('\n') + '\n'));
    QVERIFY(!Recording::open({path}, &error));
    QVERIFY2(error.contains(u"long.jsonl line %1: "_s.arg(bad + 1)), qPrintable(error));
}

void tst_Record::foreignFilesAreRefused()
{
    const QString text = m_dir.filePath(u"notes.txt"_s);
    QVERIFY(writeBytes(text, "shopping list\nmilk\n"));
    const QString json = m_dir.filePath(u"other.json"_s);
    QVERIFY(writeBytes(json, "{\"name\": \"not a recording\"}\n"));
    const QString future = m_dir.filePath(u"future.jsonl"_s);
    QVERIFY(writeBytes(future, "{\"format\": \"herd-recording\", \"version\": 99}\n"));
    const QString empty = m_dir.filePath(u"empty.jsonl"_s);
    QVERIFY(writeBytes(empty, {}));
    const std::pair<QString, QString> cases[] = {
        {text, u"notes.txt line 1: not a Herd recording or node log"_s},
        {json, u"other.json line 1: not a Herd recording"_s},
        {future, u"future.jsonl line 1: recording format version 99"_s},
        {empty, u"empty.jsonl: empty"_s},
        {m_dir.filePath(u"missing.jsonl"_s), u"missing.jsonl: cannot open"_s},
    };
    for (const auto &[path, expected] : cases) {
        QString error;
        QVERIFY2(!Recording::open({path}, &error), qPrintable(path));
        QVERIFY2(error.contains(expected), qPrintable(error));
    }
}

void tst_Record::filesOfTwoProcessesMerge()
{
    // Process 1 runs A, process 2 runs B; their events interleave in time.
    QList<Event> first, second;
    const QList<Event> all = syntheticRun(30);
    for (const Event &e : all)
        (e.node == u"A" ? first : second).append(e);
    const QString one = m_dir.filePath(u"one.jsonl"_s);
    const QString two = m_dir.filePath(u"two.jsonl"_s);
    QVERIFY(writeRecording(one, first, {u"A"_s}));
    QVERIFY(writeRecording(two, second, {u"B"_s}));
    QString error;
    const std::optional<Recording> merged = Recording::open({two, one}, &error);
    QVERIFY2(merged, qPrintable(error));
    QCOMPARE(merged->sources().size(), 2);
    QCOMPARE(merged->events().size(), all.size());
    for (qsizetype i = 0; i < all.size(); ++i) {
        QCOMPARE(merged->events().at(i).timeNs, all.at(i).timeNs);
        QCOMPARE(merged->events().at(i).node, all.at(i).node);
        QCOMPARE(merged->events().at(i).line, all.at(i).line);
    }
    QCOMPARE(merged->nodes(), (QStringList {u"A"_s, u"B"_s}));
    QVERIFY(writeRecording(m_dir.filePath(u"whole.jsonl"_s), all, {u"A"_s, u"B"_s}));
    const std::optional<Recording> single = Recording::open({m_dir.filePath(u"whole.jsonl"_s)}, &error);
    QVERIFY2(single, qPrintable(error));
    ReplayState fromMerged(*merged);
    ReplayState fromSingle(*single);
    QVERIFY(fromMerged.seek(all.size()) == fromSingle.seek(all.size()));
    QVERIFY(fromMerged.seek(all.size() / 2) == fromSingle.seek(all.size() / 2));
}

void tst_Record::textLogsOpen()
{
    QList<Event> all = syntheticRun(15);
    all[5].line = "IAMAT tab\there \\ and \x01 byte \xff";
    const QString directory = m_dir.filePath(u"logs"_s);
    {
        LogWriter logs(directory);
        QString error;
        QVERIFY2(logs.open({u"A"_s, u"B"_s}, &error), qPrintable(error));
        for (const Event &e : std::as_const(all))
            logs.write(e);
    }
    QString error;
    const std::optional<Recording> recording =
        Recording::open({directory + u"/A.log"_s, directory + u"/B.log"_s}, &error);
    QVERIFY2(recording, qPrintable(error));
    QCOMPARE(recording->events().size(), all.size());
    for (qsizetype i = 0; i < all.size(); ++i) {
        const Event &read = recording->events().at(i);
        QCOMPARE(read.timeNs, all.at(i).timeNs);
        QCOMPARE(read.node, all.at(i).node);
        QCOMPARE(read.kind, all.at(i).kind);
        QCOMPARE(read.peer, all.at(i).peer);
        QCOMPARE(read.client, all.at(i).client);
        QCOMPARE(read.line, all.at(i).line);
        QCOMPARE(read.detail, all.at(i).detail);
    }
    QCOMPARE(recording->notes().size(), 2);
    QVERIFY2(recording->notes().constFirst().contains(u"no header"_s),
             qPrintable(recording->notes().constFirst()));
    QVERIFY(recording->herdJson().isEmpty());
}

void tst_Record::headerKeepsTheHerdButNoSecret()
{
    HerdConfig herd = HerdFixture::config({u"A"_s, u"B"_s}, {{u"A"_s, u"B"_s}});
    herd.peerSecret = "hunter2-sesame";
    const QString path = m_dir.filePath(u"secret.jsonl"_s);
    {
        Recorder recorder(path);
        QString error;
        QVERIFY2(recorder.open(RecordingHeader::now(herd, u"9.9"_s, {u"A"_s}), &error), qPrintable(error));
    }
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(!file.readAll().contains("hunter2-sesame"));
    QString error;
    const std::optional<Recording> recording = Recording::open({path}, &error);
    QVERIFY2(recording, qPrintable(error));
    const std::optional<RecordingHeader> header = recording->sources().constFirst().header;
    QVERIFY(header);
    QCOMPARE(header->herdVersion, u"9.9"_s);
    QCOMPARE(header->nodes, QStringList {u"A"_s});
    const std::optional<HerdConfig> read = HerdConfig::fromJson(recording->herdJson(), &error);
    QVERIFY2(read, qPrintable(error));
    QCOMPARE(read->nodeNames(), herd.nodeNames());
    QCOMPARE(read->links, herd.links);
    QVERIFY(read->peerSecret.isEmpty());
}

QTEST_GUILESS_MAIN(tst_Record)
#include "tst_record.moc"
