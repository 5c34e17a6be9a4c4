// SPDX-License-Identifier: GPL-3.0-or-later
// The plots and the space-time diagram of a replay (docs/recording.md): a
// recording made up here, so its times are known to the millisecond. The
// plots sample the recording's time, not the wall clock's; a seek shows the
// history before the cursor, sampled as playing would have; a line marks
// the cursor; Fit spans the events up to it.
#include <QTemporaryDir>
#include <QtTest>

#include <qcustomplot.h>

#include "herd/config/herdconfig.h"
#include "herd/record/recorder.h"
#include "herd/record/replayherd.h"
#include "ui/plots/herdstats.h"
#include "ui/plots/plotsview.h"
#include "ui/spacetime/spacetimeview.h"

using namespace Herd;
using namespace HerdUi;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 Ms = 1'000'000;
constexpr qint64 Second = 1000 * Ms;

// What the plots draw, to compare two ways of reaching a moment.
struct Plotted
{
    QList<double> times;
    QMap<QString, QList<double>> rates;
    QMap<QString, QList<double>> clients;
    QStringList updates;
    QStringList windows;
};

Plotted plotted(const HerdStats &stats)
{
    Plotted result;
    result.times = stats.sampleTimes();
    for (const QString &node : stats.nodes()) {
        result.rates.insert(node, stats.messageRates(node));
        result.clients.insert(node, stats.knownClients(node));
    }
    for (const HerdStats::Update &update : stats.updates())
        result.updates.append(u"%1 at %2 s took %3 ms"_s.arg(QString::fromUtf8(update.client))
                                  .arg(update.startSeconds)
                                  .arg(update.convergenceMs()));
    for (const HerdStats::FaultWindow &window : stats.faultWindows())
        result.windows.append(u"%1 %2..%3%4"_s.arg(window.label)
                                  .arg(window.startSeconds)
                                  .arg(window.endSeconds)
                                  .arg(window.open ? u" open"_s : QString()));
    return result;
}

void compare(const Plotted &actual, const Plotted &expected, bool withHistory = true)
{
    QCOMPARE(actual.times, expected.times);
    QCOMPARE(actual.rates, expected.rates);
    QCOMPARE(actual.clients, expected.clients);
    if (withHistory) {
        QCOMPARE(actual.updates, expected.updates);
        QCOMPARE(actual.windows, expected.windows);
    }
}

// Plays to `target` in frames of `stepNs` of recorded time, as the player
// does at some speed.
void playInSteps(ReplayHerd &replay, qint64 target, qint64 stepNs)
{
    while (replay.cursorNs() < target)
        replay.playTo(std::min(target, replay.cursorNs() + stepNs));
}

} // namespace

class tst_ReplayPlots : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void seekShowsTheHistoryBeforeTheCursor();
    void samplesFollowRecordedTimeAtAnySpeed();
    void boundedHistorySeeksAsPlayingWould();
    void plotsDrawTheCursor();
    void fitInReplaySpansTheEventsToTheCursor();
    void liveFitReachesNow();

private:
    QTemporaryDir m_dir;
    QString m_path;
    HerdConfig m_config;
    QString m_x, m_y, m_z; // x and y linked; z another node
    qint64 m_startNs = 0;
    std::unique_ptr<ReplayHerd> m_replay;
};

// Forty-five seconds: x sends y a line every 200 ms for 30 s; an update
// every 3 s reaches x, y and z; x-y cut from 12 s to 18 s; z down from
// 20 s to 24 s; nothing from 30 s but one last line at 45 s.
void tst_ReplayPlots::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(u"made.jsonl"_s);
    m_config = *HerdConfig::preset(u"alford"_s, nullptr);
    m_x = m_config.links.constFirst().first;
    m_y = m_config.links.constFirst().second;
    for (const QString &node : m_config.nodeNames()) {
        if (node != m_x && node != m_y) {
            m_z = node;
            break;
        }
    }
    Recorder recorder(m_path);
    QString error;
    const RecordingHeader header = RecordingHeader::now(m_config, u"test"_s, m_config.nodeNames());
    QVERIFY2(recorder.open(header, &error), qPrintable(error));
    m_startNs = header.startNs;
    QList<Event> events;
    auto add = [&](qint64 ms, const QString &node, EventKind kind, const QString &peer = {},
                   const QString &detail = {}) -> Event & {
        Event event;
        event.timeNs = m_startNs + ms * Ms;
        event.node = node;
        event.kind = kind;
        event.peer = peer;
        event.detail = detail;
        events.append(event);
        return events.last();
    };
    for (const QString &node : m_config.nodeNames())
        add(0, node, EventKind::NodeStarted, {}, u"listening on 127.0.0.1:0"_s);
    // A line from x to y (an AT line: the diagram draws only those), and
    // its arrival.
    auto send = [&](qint64 ms, bool arrives) {
        const QByteArray line =
            "AT " + m_x.toUtf8() + " +0.000001 m" + QByteArray::number(ms) + " +34.06-118.44 1700000000.5";
        add(ms, m_x, EventKind::LineSent, m_y);
        if (arrives)
            add(ms + 5, m_y, EventKind::LineReceived, m_x);
        for (qsizetype i = events.size() - (arrives ? 2 : 1); i < events.size(); ++i) {
            events[i].viaPeerLink = true;
            events[i].line = line;
        }
    };
    for (qint64 ms = 100; ms < 30'000; ms += 200) {
        send(ms, true);
        if (ms % 3000 == 100) {
            const QByteArray client = "c" + QByteArray::number(ms / 1000);
            const QByteArray line = "AT " + m_x.toUtf8() + " +0.000001 " + client + " +34.06-118.44 "
                + QByteArray::number(1'700'000'000 + ms) + ".5";
            const bool zDown = ms > 20'000 && ms < 24'000;
            qint64 at = ms + 10;
            for (const QString &node : {m_x, m_y, m_z}) {
                if (node == m_z && zDown)
                    continue;
                Event &stored = add(at, node, EventKind::RecordStored);
                stored.client = client;
                stored.line = line;
                at += 30;
            }
        }
        if (ms == 11'900)
            add(12'000, m_x, EventKind::LinkChanged, m_y, u"cut"_s);
        if (ms == 17'900)
            add(18'000, m_x, EventKind::LinkChanged, m_y, u"restored"_s);
        if (ms == 19'900)
            add(20'000, m_z, EventKind::NodeStopped, {}, u"killed"_s);
        if (ms == 23'900)
            add(24'000, m_z, EventKind::NodeStarted, {}, u"listening on 127.0.0.1:0"_s);
    }
    send(45'000, false);
    std::stable_sort(events.begin(), events.end(),
                     [](const Event &a, const Event &b) { return a.timeNs < b.timeNs; });
    for (const Event &event : std::as_const(events))
        recorder.write(event);
    recorder.flush();
    QVERIFY(!recorder.failed());
}

void tst_ReplayPlots::init()
{
    QString error;
    m_replay = ReplayHerd::open({m_path}, &error);
    QVERIFY2(m_replay, qPrintable(error));
    QCOMPARE(m_replay->startNs(), m_startNs);
    QCOMPARE(m_replay->endNs(), m_startNs + 45 * Second);
}

void tst_ReplayPlots::seekShowsTheHistoryBeforeTheCursor()
{
    HerdStats stats(m_replay.get());
    QVERIFY(stats.followsHerdTime());
    QVERIFY(!stats.autoSample());
    m_replay->seekTime(m_startNs + 28'500 * Ms);
    QCOMPARE(stats.startTimeNs(), m_startNs);
    QCOMPARE(stats.nowSeconds(), 28.5);
    // A sample every second of the recording up to the cursor.
    QCOMPARE(stats.sampleCount(), 28);
    QCOMPARE(stats.sampleTimes().constFirst(), 1.0);
    QCOMPARE(stats.latestSeconds(), 28.0);
    const QList<double> rates = stats.messageRates(m_x);
    QCOMPARE(rates.size(), 28);
    QCOMPARE(rates.at(4), 5.0); // one line each 200 ms
    // z is down from 20 s to 24 s, and forgot what it held.
    QCOMPARE(stats.knownClients(m_z).at(18), 7.0); // c0 .. c18, at 19 s
    QCOMPARE(stats.knownClients(m_z).at(21), 0.0);
    QCOMPARE(stats.knownClients(m_z).at(27), 2.0); // c24, c27
    QCOMPARE(stats.knownClients(m_x).at(27), 10.0);
    QCOMPARE(stats.updateCount(), 10);
    const Plotted seen = plotted(stats);
    QVERIFY2(seen.windows.contains(m_x < m_y ? u"%1\u2013%2 cut 12..18"_s.arg(m_x, m_y)
                                             : u"%1\u2013%2 cut 12..18"_s.arg(m_y, m_x)),
             qPrintable(seen.windows.join(u"; ")));
    QVERIFY2(seen.windows.contains(u"%1 down 20..24"_s.arg(m_z)), qPrintable(seen.windows.join(u"; ")));
    // A fault in force at the cursor is shaded up to it.
    m_replay->seekTime(m_startNs + 14'500 * Ms);
    const QStringList open = plotted(stats).windows;
    QVERIFY2(open.size() == 1 && open.constFirst().endsWith(u" cut 12..14.5 open"_s),
             qPrintable(open.join(u"; ")));
}

void tst_ReplayPlots::samplesFollowRecordedTimeAtAnySpeed()
{
    HerdStats stats(m_replay.get());
    const qint64 target = m_startNs + 28'500 * Ms;
    m_replay->seekTime(target);
    const Plotted seeked = plotted(stats);
    // Played from the start at 1x (40 ms frames) and at 10x.
    for (const qint64 frame : {40 * Ms, 400 * Ms}) {
        m_replay->seekTime(m_startNs);
        QCOMPARE(stats.sampleCount(), 0);
        playInSteps(*m_replay, target, frame);
        compare(plotted(stats), seeked);
        if (QTest::currentTestFailed())
            return;
    }
    // Paused: the cursor stays, and so do the samples.
    m_replay->playTo(target);
    QCOMPARE(stats.sampleCount(), 28);
    // On through the quiet stretch: samples of nothing, then the end.
    m_replay->playTo(m_replay->endNs());
    QCOMPARE(stats.sampleCount(), 45);
    QCOMPARE(stats.messageRates(m_x).constLast(), 1.0);
    QCOMPARE(stats.messageRates(m_x).at(40), 0.0);
}

void tst_ReplayPlots::boundedHistorySeeksAsPlayingWould()
{
    HerdStats stats(m_replay.get());
    stats.setHistoryCapacity(10);
    for (const qint64 at : {28'500 * Ms, 44'500 * Ms}) {
        m_replay->seekTime(m_startNs + at);
        const Plotted seeked = plotted(stats);
        QCOMPARE(seeked.times.size(), 10);
        QCOMPARE(seeked.times.constLast(), double(at / Second));
        m_replay->seekTime(m_startNs);
        // In two frames: the second crosses the quiet stretch at once.
        m_replay->playTo(m_startNs + 28'500 * Ms);
        m_replay->playTo(m_startNs + at);
        // The updates and fault windows before the ten seconds stay when
        // played, and are not read back by a seek: compare the samples.
        compare(plotted(stats), seeked, false);
        if (QTest::currentTestFailed())
            return;
    }
}

void tst_ReplayPlots::plotsDrawTheCursor()
{
    HerdStats stats(m_replay.get());
    PlotsView view(&stats);
    view.resize(700, 800);
    m_replay->seekTime(m_startNs + 1'200 * Ms);
    // Following, a replay shows the recording up to the cursor: at least
    // a few seconds, at most the window's length.
    QCOMPARE(view.messagesPlot()->xAxis->range(), QCPRange(0, PlotsView::MinReplaySeconds));
    m_replay->seekTime(m_startNs + 28'500 * Ms);
    QCOMPARE(view.messagesPlot()->xAxis->range(), QCPRange(0, 28.5));
    view.setWindowSeconds(10);
    for (QCustomPlot *plot : {view.messagesPlot(), view.convergencePlot(), view.clientsPlot()}) {
        QCPItemStraightLine *line = view.cursorLine(plot);
        QVERIFY(line);
        QVERIFY(line->visible());
        QCOMPARE(line->point1->coords().x(), 28.5);
        QCOMPARE(line->point2->coords().x(), 28.5);
        QCOMPARE(plot->xAxis->range().upper, 28.5); // following: the cursor at the right edge
    }
    // The series end at the last sample before the cursor.
    QCPGraph *rates = view.messagesPlot()->graph(0);
    QVERIFY(rates);
    QCOMPARE(rates->data()->size(), 28);
    QCOMPARE((rates->data()->constEnd() - 1)->key, 28.0);
    QVERIFY(view.faultShadeCount() >= 2);
    // Played a little, not past a sample: the line moves, the series wait.
    m_replay->playTo(m_startNs + 28'800 * Ms);
    QCOMPARE(view.cursorLine(view.clientsPlot())->point1->coords().x(), 28.8);
    QCOMPARE(rates->data()->size(), 28);
}

void tst_ReplayPlots::fitInReplaySpansTheEventsToTheCursor()
{
    SpaceTimeView view(m_config.nodeNames());
    view.resize(900, 300);
    ReplayHerd *replay = m_replay.get();
    view.setClock([replay] { return replay->nowNs(); });
    connect(replay, &HerdSource::eventOccurred, &view, &SpaceTimeView::onEvent);
    connect(replay, &HerdSource::jumped, &view, &SpaceTimeView::restart);
    // Eight quiet seconds before the cursor: the lead-up's events end at 30 s.
    const qint64 cursor = m_startNs + 38 * Second;
    replay->seekTime(cursor);
    QVERIFY(!view.history().messages().empty());
    QVERIFY(view.isLive());
    view.zoom(0.1); // a span that shows none of them
    view.showAll();
    const SpaceTimeCanvas *canvas = view.canvas();
    const double start = canvas->windowEnd() - canvas->windowSpan();
    QVERIFY2(start <= double(view.history().earliestNs()),
             qPrintable(u"window starts %1 ms after the first event"_s.arg(
                 (start - double(view.history().earliestNs())) / 1e6)));
    QVERIFY(canvas->windowEnd() >= double(cursor)); // live: the right edge is the cursor
    QVERIFY(view.history().latestNs() <= cursor);
    // Paused, Fit ends at the last event instead.
    view.setLive(false);
    view.showAll();
    QVERIFY(canvas->windowEnd() - canvas->windowSpan() <= double(view.history().earliestNs()));
    QVERIFY(canvas->windowEnd() >= double(view.history().latestNs()));
    QVERIFY(canvas->windowEnd() < double(cursor));
}

// A live diagram whose events stopped a while ago: Fit keeps now at the
// right edge and reaches back to the first event.
void tst_ReplayPlots::liveFitReachesNow()
{
    SpaceTimeView view(m_config.nodeNames());
    view.resize(900, 300);
    qint64 now = m_startNs;
    view.setClock([&now] { return now; });
    for (const Event &event : m_replay->recording().events()) {
        if (event.timeNs <= m_startNs + 5 * Second)
            view.onEvent(event);
    }
    now = m_startNs + 5 * Second;
    view.showAll();
    const SpaceTimeCanvas *canvas = view.canvas();
    const double earliest = double(view.history().earliestNs());
    QVERIFY(canvas->windowEnd() - canvas->windowSpan() <= earliest);
    QVERIFY(canvas->windowEnd() >= double(now));
    // Most of the window is history, not margin.
    QVERIFY(canvas->windowSpan() < 1.2 * double(now - view.history().earliestNs()));
    now += 60 * Second;
    view.showAll();
    QVERIFY(canvas->windowEnd() - canvas->windowSpan() <= earliest);
    QVERIFY(canvas->windowEnd() >= double(now));
}

QTEST_MAIN(tst_ReplayPlots)
#include "tst_replayplots.moc"
