// SPDX-License-Identifier: GPL-3.0-or-later
// Replay in the window (docs/recording.md): a live herd recorded with
// File > Record, opened again as a ReplayHerd with its timeline; seeks,
// the same picture of a moment however it was reached, nothing live, and
// Fork Here restoring every record and fault of a moment.
#include <QAction>
#include <QDir>
#include <QImage>
#include <QSlider>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

#include <qcustomplot.h>

#include "herd/cluster.h"
#include "herd/node/store.h"
#include "herd/config/herdconfig.h"
#include "herd/record/recorder.h"
#include "herd/record/recordingheader.h"
#include "herd/record/recording.h"
#include "herd/record/replayherd.h"
#include "herd/record/replaystate.h"
#include "herd/wire/clock.h"
#include "herd/wire/protocol.h"
#include "tests/herdfixture.h"
#include "tests/lineclient.h"
#include "tests/windowtest.h"
#include "ui/faults/faultactions.h"
#include "ui/knowledge/knowledgemodel.h"
#include "ui/knowledge/knowledgeview.h"
#include "ui/plots/herdstats.h"
#include "ui/plots/plotsview.h"
#include "ui/replay/replayactions.h"
#include "ui/replay/replayplayer.h"
#include "ui/replay/timeline.h"
#include "ui/spacetime/spacetimeview.h"
#include "ui/topology/nodeitem.h"
#include "ui/topology/topologylegend.h"
#include "ui/topology/topologystyle.h"
#include "ui/topology/topologyview.h"

using namespace Herd;
using namespace HerdUi;
using namespace Qt::StringLiterals;

namespace {

using Holdings = QMap<QString, QSet<QByteArray>>; // node -> the AT lines it holds

Holdings holdings(const HerdSource &herd)
{
    Holdings result;
    for (const QString &node : herd.config().nodeNames()) {
        if (!herd.isRunning(node))
            continue;
        QSet<QByteArray> lines;
        if (const Store *store = herd.store(node)) {
            for (const Record &record : store->records())
                lines.insert(record.atLine);
        }
        result.insert(node, lines);
    }
    return result;
}

Holdings holdings(const HerdMoment &moment)
{
    Holdings result;
    for (auto node = moment.nodes.cbegin(); node != moment.nodes.cend(); ++node) {
        if (!node->running)
            continue;
        QSet<QByteArray> lines;
        for (const ReplayRecord &record : node->records)
            lines.insert(record.atLine);
        result.insert(node.key(), lines);
    }
    return result;
}

// Sockets this process holds open.
int openSockets()
{
    int count = 0;
    for (const QString &fd : QDir(u"/proc/self/fd"_s).entryList(QDir::System | QDir::NoDotAndDotDot)) {
        char target[64] = {};
        const QByteArray path = "/proc/self/fd/" + fd.toLatin1();
        if (::readlink(path.constData(), target, sizeof target - 1) > 0
            && QByteArrayView(target).startsWith("socket:"))
            ++count;
    }
    return count;
}

} // namespace

class tst_ReplayWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void recordWritesWhatWasSeen();
    void seeksGiveTheMomentsStores();
    void replayNamesTheLivePorts();
    void replayIsNotLive();
    void aMomentLooksTheSameByTwoPaths();
    void aMomentShowsItsLinesInFlight();
    void theEndKnowsWhatTheLiveRunKnew();
    void timelineFollowsTheCursor();
    void aNodeNotStartedYetIsNotKilled();
    void forkRestoresEveryRecordAndFault();

private:
    bool report(const QString &node, const QByteArray &client, int second);
    bool openReplay();

    QTemporaryDir m_dir;
    QString m_path;
    std::unique_ptr<MainWindow> m_window;
    Holdings m_liveEnd;                 // what the live nodes held when the recording stopped
    QMap<QString, quint16> m_livePorts; // each node's port in the live run
    qint64 m_partedNs = 0;              // a moment with Hamilton cut off, Powell killed, a delay set
    int m_clock = 1'700'000'000;
};

bool tst_ReplayWindow::report(const QString &node, const QByteArray &client, int second)
{
    Test::LineClient phone;
    const std::optional<NodeStatus> status = m_window->herd()->nodeStatus(node);
    if (!status || !phone.connectTo(status->port))
        return false;
    phone.send("IAMAT " + client + " +34.068930-118.445127 " + QByteArray::number(second) + ".5\n");
    return phone.waitForText("AT ");
}

void tst_ReplayWindow::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(u"run.jsonl"_s);
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1400, 900);
    m_window->show();
    QString error;
    QVERIFY2(m_window->openHerd(WindowTest::freePortHerd(), &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(Test::allLinksConnected(*m_window->cluster()), WindowTest::Timeout);
    ReplayActions *replay = m_window->replayActions();
    QVERIFY(replay->recordAction()->isEnabled());
    QVERIFY2(replay->startRecording(m_path, &error), qPrintable(error));
    QVERIFY(replay->recordAction()->isChecked());

    HerdSource *herd = m_window->herd();
    const QStringList everyone = herd->config().nodeNames();
    for (const QString &node : everyone)
        m_livePorts.insert(node, herd->nodeStatus(node)->port);
    auto holdCount = [herd](const QStringList &nodes, qsizetype count) {
        return std::all_of(nodes.cbegin(), nodes.cend(),
                           [herd, count](const QString &node) { return herd->recordCount(node) == count; });
    };
    QVERIFY(report(u"Alford"_s, "kiwi", ++m_clock));
    QTRY_VERIFY_WITH_TIMEOUT(holdCount(everyone, 1), WindowTest::Timeout);

    herd->setLinkCut(u"Hamilton"_s, u"Parker"_s, true);
    QVERIFY(report(u"Alford"_s, "ant", ++m_clock));
    QTRY_VERIFY_WITH_TIMEOUT(holdCount({u"Alford"_s, u"Bolden"_s, u"Parker"_s, u"Powell"_s}, 2),
                             WindowTest::Timeout);
    QVERIFY(herd->kill(u"Powell"_s));
    QVERIFY(herd->setLinkDelay(u"Alford"_s, u"Parker"_s, 300));
    m_partedNs = wallClockNs();

    herd->heal(); // resync brings Hamilton the ant
    QTRY_VERIFY_WITH_TIMEOUT(herd->recordCount(u"Hamilton"_s) == 2, WindowTest::Timeout);
    QVERIFY(report(u"Bolden"_s, "bee", ++m_clock));
    QTRY_VERIFY_WITH_TIMEOUT(holdCount({u"Alford"_s, u"Bolden"_s, u"Parker"_s, u"Hamilton"_s}, 3),
                             WindowTest::Timeout);
    m_liveEnd = holdings(*herd);
    replay->recordAction()->trigger(); // unchecked: the recording ends
    QVERIFY(!replay->recorder());
}

bool tst_ReplayWindow::openReplay()
{
    QString error;
    if (!m_window->replayActions()->openRecording({m_path}, &error)) {
        qWarning("%s", qPrintable(error));
        return false;
    }
    return m_window->replayActions()->replay() != nullptr;
}

void tst_ReplayWindow::recordWritesWhatWasSeen()
{
    QString error;
    const std::optional<Recording> recording = Recording::open({m_path}, &error);
    QVERIFY2(recording, qPrintable(error));
    QVERIFY(recording->notes().isEmpty());
    QCOMPARE(recording->nodes(), m_window->herd()->config().nodeNames());
    int iamats = 0;
    bool cut = false;
    bool killed = false;
    for (const Event &event : recording->events()) {
        iamats += event.kind == EventKind::LineReceived && event.line.startsWith("IAMAT ") ? 1 : 0;
        cut = cut || (event.kind == EventKind::LinkChanged && event.detail == u"cut"_s);
        killed = killed || (event.kind == EventKind::NodeStopped && event.node == u"Powell"_s);
    }
    QCOMPARE(iamats, 3);
    QVERIFY(cut);
    QVERIFY(killed);
    ReplayState state(*recording);
    QCOMPARE(holdings(state.seek(recording->events().size())), m_liveEnd);
}

// The nodes ran before File > Record began: the recording's first events,
// written from the herd's state, still say where each listened.
void tst_ReplayWindow::replayNamesTheLivePorts()
{
    QVERIFY(openReplay());
    for (auto it = m_livePorts.cbegin(); it != m_livePorts.cend(); ++it) {
        const std::optional<NodeStatus> status = m_window->herd()->nodeStatus(it.key());
        QVERIFY2(status, qPrintable(it.key()));
        QCOMPARE(status->port, it.value());
    }
}

void tst_ReplayWindow::seeksGiveTheMomentsStores()
{
    QString error;
    const std::unique_ptr<ReplayHerd> replay = ReplayHerd::open({m_path}, &error);
    QVERIFY2(replay, qPrintable(error));
    const Recording &recording = replay->recording();
    ReplayState expected(recording);
    QSignalSpy jumps(replay.get(), &HerdSource::jumped);
    const qint64 middle = (replay->startNs() + replay->endNs()) / 2;
    for (const qint64 at :
         {replay->endNs(), replay->startNs(), m_partedNs, middle, replay->endNs(), m_partedNs}) {
        replay->seekTime(at);
        const HerdMoment &moment = expected.seekTime(at);
        QCOMPARE(replay->moment(), moment);
        QCOMPARE(holdings(*replay), holdings(moment));
        for (auto node = moment.nodes.cbegin(); node != moment.nodes.cend(); ++node)
            QCOMPARE(replay->isRunning(node.key()), node->running);
    }
    QCOMPARE(jumps.size(), 6);
    // Played forward instead of seeked: the same stores, every event announced.
    replay->seekTime(replay->startNs());
    QSignalSpy events(replay.get(), &HerdSource::eventOccurred);
    replay->playTo(m_partedNs);
    QCOMPARE(events.size(), recording.countUpTo(m_partedNs) - recording.countUpTo(replay->startNs()));
    QCOMPARE(holdings(*replay), holdings(expected.seekTime(m_partedNs)));
    QVERIFY(replay->isLinkCut(u"Hamilton"_s, u"Parker"_s));
    QVERIFY(!replay->isRunning(u"Powell"_s));
    QCOMPARE(replay->linkDelay(u"Parker"_s, u"Alford"_s), 300);
}

void tst_ReplayWindow::replayIsNotLive()
{
    QVERIFY(openReplay());
    ReplayHerd *replay = m_window->replayActions()->replay();
    const int sockets = openSockets();
    QVERIFY(!replay->isLive());
    QVERIFY(!replay->setLinkCut(u"Alford"_s, u"Parker"_s, true));
    QVERIFY(!replay->kill(u"Alford"_s));
    QVERIFY(!replay->setClockSkew(u"Alford"_s, 100));
    QVERIFY(!WindowTest::action(*m_window, u"Simulated Clients"_s)->isEnabled());
    QVERIFY(!m_window->faults()->cutAction()->isEnabled());
    QVERIFY(!m_window->replayActions()->recordAction()->isEnabled());
    QVERIFY(m_window->replayActions()->forkAction()->isEnabled());
    replay->playTo(replay->endNs());
    QVERIFY(m_window->stats()->updateCount() > 0);
    replay->seekTime(m_partedNs);
    QCOMPARE(openSockets(), sockets);
    // The plots show what led to the moment a seek lands on, on the
    // recording's time: kiwi and ant spread before it, bee after.
    const HerdStats *stats = m_window->stats();
    QVERIFY(stats->followsHerdTime());
    QCOMPARE(stats->startTimeNs(), replay->startNs());
    QCOMPARE(stats->updateCount(), 2);
    QCOMPARE(stats->sampleCount(), int((m_partedNs - replay->startNs()) / HerdStats::SampleIntervalNs));
    QCOMPARE(stats->nowSeconds(), stats->secondsSinceStart(m_partedNs));
    QVERIFY(stats->nowSeconds() - stats->latestSeconds() < 1);
    const PlotsView *plots = m_window->plots();
    const QCPItemStraightLine *cursor = plots->cursorLine(plots->clientsPlot());
    QVERIFY(cursor && cursor->visible());
    QCOMPARE(cursor->point1->coords().x(), stats->nowSeconds());
}

void tst_ReplayWindow::aMomentLooksTheSameByTwoPaths()
{
    QVERIFY(openReplay());
    ReplayHerd *replay = m_window->replayActions()->replay();
    TopologyView *topology = m_window->topology();
    SpaceTimeView *spaceTime = m_window->spaceTime();
    auto pictures = [&] {
        QCoreApplication::processEvents();
        spaceTime->refresh();
        return std::pair {topology->grab().toImage(), spaceTime->grab().toImage()};
    };
    replay->seekTime(replay->startNs());
    const auto atStart = pictures();
    replay->seekTime(m_partedNs);
    const auto straight = pictures();
    replay->seekTime(replay->endNs());
    pictures();
    replay->seekTime(replay->startNs());
    replay->seekTime(m_partedNs);
    const auto roundabout = pictures();
    QVERIFY(!straight.first.isNull());
    QVERIFY(straight.first == roundabout.first);
    QVERIFY(straight.second == roundabout.second);
    // And the pictures show the moment: not what the start looked like.
    QVERIFY(straight.first != atStart.first);
    QVERIFY(straight.second != atStart.second);
}

// Parker passed the bee on to Alford over a link that held it 300 ms: half
// way, the replay names that line and the topology draws it as a still
// token, the same however the moment was reached; at the end none is.
void tst_ReplayWindow::aMomentShowsItsLinesInFlight()
{
    QVERIFY(openReplay());
    ReplayHerd *replay = m_window->replayActions()->replay();
    TopologyView *topology = m_window->topology();
    qint64 storedNs = 0;
    for (const Event &event : replay->recording().events()) {
        if (event.kind == EventKind::RecordStored && event.node == u"Parker"_s && event.client == "bee") {
            storedNs = event.timeNs;
            break;
        }
    }
    QVERIFY(storedNs > 0);
    const qint64 halfWay = storedNs + 150'000'000;
    replay->seekTime(halfWay);
    const QList<InFlightLine> lines = replay->linesInFlight();
    const auto held = std::ranges::find_if(lines, [](const InFlightLine &line) {
        return line.from == u"Parker"_s && line.to == u"Alford"_s && updateClient(line.line) == "bee";
    });
    QVERIFY(held != lines.cend());
    QVERIFY2(held->holdLeftMs > 0 && held->holdLeftMs <= 150, qPrintable(QString::number(held->holdLeftMs)));
    QTRY_COMPARE_WITH_TIMEOUT(topology->tokensPlaying(), int(lines.size()), WindowTest::Timeout);
    QCoreApplication::processEvents();
    const QImage straight = topology->grab().toImage();

    replay->seekTime(replay->endNs());
    QVERIFY(replay->linesInFlight().isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(topology->tokensPlaying(), 0, WindowTest::Timeout);
    replay->seekTime(replay->startNs());
    replay->seekTime(halfWay);
    QTRY_COMPARE_WITH_TIMEOUT(topology->tokensPlaying(), int(lines.size()), WindowTest::Timeout);
    QCoreApplication::processEvents();
    QVERIFY(topology->grab().toImage() == straight);
}

void tst_ReplayWindow::theEndKnowsWhatTheLiveRunKnew()
{
    QVERIFY(openReplay());
    ReplayHerd *replay = m_window->replayActions()->replay();
    replay->seekTime(replay->endNs());
    QCOMPARE(holdings(*replay), m_liveEnd);
    KnowledgeModel *knowledge = m_window->knowledge()->model();
    knowledge->flush();
    for (const QByteArray client : {"kiwi", "ant", "bee"})
        QVERIFY2(knowledge->rowOf(client) >= 0, client.constData());
    QVERIFY(!knowledge->isRunning(u"Powell"_s));
}

void tst_ReplayWindow::timelineFollowsTheCursor()
{
    QVERIFY(openReplay());
    ReplayHerd *replay = m_window->replayActions()->replay();
    Timeline *timeline = m_window->replayActions()->timeline();
    QVERIFY(timeline);
    QVERIFY(timeline->isVisible());
    // Dragged to the end: the replay's end, exactly.
    QSlider *slider = timeline->slider();
    slider->setSliderDown(true);
    slider->setSliderPosition(slider->maximum());
    slider->setSliderDown(false);
    QVERIFY(replay->atEnd());
    QCOMPARE(replay->moment().eventCount, replay->recording().events().size());
    replay->seekTime(replay->startNs());
    QCOMPARE(slider->value(), 0);
    replay->seekTime(replay->endNs());
    QCOMPARE(slider->value(), slider->maximum());
    QVERIFY2(
        timeline->positionText().contains(QLocale().toString(qlonglong(replay->recording().events().size()))),
        qPrintable(timeline->positionText()));
    // Playing fast reaches the end and stops there.
    replay->seekTime(replay->startNs());
    timeline->player()->setSpeed(100);
    timeline->player()->setPlaying(true);
    QTRY_VERIFY_WITH_TIMEOUT(replay->atEnd() && !timeline->player()->isPlaying(), WindowTest::Timeout);
    QCOMPARE(holdings(*replay), m_liveEnd);
}

// A recording in which one node starts 2 s in and another is killed 3 s
// in: at the start the first has not started (not "killed", no red badge,
// a row of the legend says what the look means), then it runs; the other
// runs, then is killed.
void tst_ReplayWindow::aNodeNotStartedYetIsNotKilled()
{
    using Look = TopologyStyle::NodeLook;
    constexpr qint64 Second = 1'000'000'000;
    const HerdConfig config = *HerdConfig::preset(u"alford"_s, nullptr);
    const QStringList nodes = config.nodeNames();
    QVERIFY(nodes.size() >= 3);
    const QString late = nodes.at(1);
    const QString killed = nodes.at(2);
    const QString path = m_dir.filePath(u"late.jsonl"_s);
    {
        Recorder recorder(path);
        QString error;
        const RecordingHeader header = RecordingHeader::now(config, u"test"_s, nodes);
        QVERIFY2(recorder.open(header, &error), qPrintable(error));
        auto write = [&](qint64 at, const QString &node, EventKind kind, const QString &detail) {
            Event event;
            event.timeNs = header.startNs + at;
            event.node = node;
            event.kind = kind;
            event.detail = detail;
            recorder.write(event);
        };
        for (const QString &node : nodes) {
            if (node != late)
                write(0, node, EventKind::NodeStarted, u"listening on 127.0.0.1:0"_s);
        }
        write(2 * Second, late, EventKind::NodeStarted, u"listening on 127.0.0.1:0"_s);
        write(3 * Second, killed, EventKind::NodeStopped, u"killed"_s);
        recorder.flush();
        QVERIFY(!recorder.failed());
    }
    QString error;
    QVERIFY2(m_window->replayActions()->openRecording({path}, &error), qPrintable(error));
    ReplayHerd *replay = m_window->replayActions()->replay();
    QVERIFY(replay);
    TopologyView *topology = m_window->topology();
    const TopologyLegend *legend = topology->findChild<TopologyLegend *>();
    QVERIFY(legend);
    auto look = [topology](const QString &node) { return topology->nodeItem(node)->look(); };

    replay->seekTime(replay->startNs());
    QVERIFY(replay->nodeStatus(late) && !replay->nodeStatus(late)->started);
    QVERIFY(!replay->isRunning(late));
    QTRY_COMPARE(look(late), Look::NotStarted);
    QVERIFY(!topology->nodeItem(late)->isKilled());
    QCOMPARE(look(killed), Look::Running);
    QVERIFY(legend->showsNotStarted());
    // No client at the start: the verdict line does not ask for an IAMAT
    // that a replay cannot be sent.
    const QString verdict = m_window->knowledge()->summaryText();
    QVERIFY2(verdict.startsWith(u"No client known yet at the cursor"_s), qPrintable(verdict));
    // The Knowledge table's column says the same.
    KnowledgeModel *knowledge = m_window->knowledge()->model();
    const auto columnTitles = [](const KnowledgeModel *model) {
        QStringList titles;
        for (int column = 0; column < model->columnCount(); ++column)
            titles.append(model->headerData(column, Qt::Horizontal).toString());
        return titles;
    };
    const auto columnTip = [knowledge](const QString &node) {
        for (int column = 0; column < knowledge->columnCount(); ++column) {
            if (knowledge->headerData(column, Qt::Horizontal).toString().startsWith(node))
                return knowledge->headerData(column, Qt::Horizontal, Qt::ToolTipRole).toString();
        }
        return QString();
    };
    QTRY_VERIFY2(columnTip(late).contains(u"has not started yet"_s), qPrintable(columnTip(late)));
    QTRY_VERIFY(columnTitles(knowledge).contains(late + u" (not started)"_s));

    replay->seekTime(replay->startNs() + 2 * Second + Second / 2);
    QTRY_COMPARE(look(late), Look::Running);
    QCOMPARE(look(killed), Look::Running);
    QVERIFY(!legend->showsNotStarted());

    replay->playTo(replay->endNs());
    QTRY_COMPARE(look(killed), Look::Killed);
    QTRY_VERIFY2(columnTip(killed).contains(u"(killed)"_s), qPrintable(columnTip(killed)));
    QVERIFY(columnTitles(knowledge).contains(killed + u" (down)"_s));
    QCOMPARE(look(late), Look::Running);

    // Back to the start by a jump: not started again, not killed.
    replay->seekTime(replay->startNs());
    QTRY_COMPARE(look(late), Look::NotStarted);
    QCOMPARE(look(killed), Look::Running);
}

void tst_ReplayWindow::forkRestoresEveryRecordAndFault()
{
    QVERIFY(openReplay());
    ReplayHerd *replay = m_window->replayActions()->replay();
    replay->seekTime(m_partedNs);
    const HerdMoment moment = replay->moment();
    QString error;
    QVERIFY2(m_window->replayActions()->forkHere(&error), qPrintable(error));
    QVERIFY(!m_window->replayActions()->replay());
    Cluster *fork = m_window->cluster();
    QVERIFY(fork);
    QVERIFY(fork->isLive());
    QVERIFY(!fork->isRunning(u"Powell"_s));
    QVERIFY(fork->isLinkCut(u"Hamilton"_s, u"Parker"_s));
    QVERIFY(fork->isLinkCut(u"Parker"_s, u"Hamilton"_s));
    QCOMPARE(fork->linkDelay(u"Alford"_s, u"Parker"_s), 300);
    QCOMPARE(fork->linkDelay(u"Parker"_s, u"Alford"_s), 300);
    // Every record held then, asked for as a client would.
    for (auto node = moment.nodes.cbegin(); node != moment.nodes.cend(); ++node) {
        if (!node->running)
            continue;
        for (auto record = node->records.cbegin(); record != node->records.cend(); ++record) {
            Test::LineClient phone;
            QVERIFY(phone.connectTo(fork->nodeStatus(node.key())->port));
            phone.send("WHATSAT " + record.key() + " 10 1\n");
            QVERIFY(phone.waitForText("\n\n"));
            QCOMPARE(phone.lines().value(0), record->atLine);
        }
    }
    QCOMPARE(holdings(*fork), holdings(moment));
    // Healed by hand: what would have happened.
    fork->heal();
    QTRY_VERIFY_WITH_TIMEOUT(fork->recordCount(u"Hamilton"_s) == 2, WindowTest::Timeout);
}

QTEST_MAIN(tst_ReplayWindow)
#include "tst_replaywindow.moc"
