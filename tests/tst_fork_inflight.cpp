// SPDX-License-Identifier: GPL-3.0-or-later
// Fork Here carries the flood lines in flight at its moment (inflight.h,
// forkmoment.h): a live herd with a slow link is recorded while a flood is
// held on it; a fork between the send and the receive delivers the line to
// the receiver with no new client traffic, a fork before the send has
// nothing to deliver, and a cut link drops the line, as a flood on it is.
// Resync is off in these herds, so only the carried line can bring the
// record.

#include <QTemporaryDir>
#include <QTest>

#include <optional>

#include "herd/cluster.h"
#include "herd/node/node.h"
#include "herd/record/forkmoment.h"
#include "herd/record/inflight.h"
#include "herd/record/recorder.h"
#include "herd/record/recording.h"
#include "herd/record/replaystate.h"
#include "tests/herdevents.h"
#include "tests/herdfixture.h"
#include "tests/lineclient.h"

using namespace Herd;
using namespace Herd::Test;
using namespace Qt::StringLiterals;

namespace {

constexpr int DelayMs = 1500;
constexpr int TimeoutMs = 10'000; // more than the delay, with room for a loaded machine
constexpr int HeldForMs = 500;    // the moment forked: this long after the send, well before the receipt

const QString A = u"A"_s;
const QString B = u"B"_s;

HerdConfig twoNodes()
{
    HerdConfig config = HerdFixture::config({A, B}, {{A, B}});
    config.resync = false;
    return config;
}

bool iamat(HerdFixture &herd, const QByteArray &client, const QByteArray &time)
{
    LineClient phone;
    if (!phone.connectTo(herd.port(A)))
        return false;
    phone.send("IAMAT " + client + " +34.068930-118.445127 " + time + '\n');
    return phone.waitForLines(1);
}

const Event *find(const QList<Event> &events, const QString &node, EventKind kind, const QByteArray &client)
{
    for (const Event &event : events) {
        if (event.node == node && event.kind == kind && event.client == client)
            return &event;
    }
    return nullptr;
}

// `node`'s event of `kind` about `line`, to or from `peer`, at T0 + `ms`.
Event lineEvent(qint64 ms, const QString &node, EventKind kind, const QString &peer,
                const QByteArray &line = {})
{
    Event e = HerdEvents::nodeEvent(kind, node, HerdEvents::T0 + ms * HerdEvents::Ms);
    e.peer = peer;
    e.line = line;
    return e;
}

// `node` stored `client`'s record made by `origin`, flooded from `peer` (or a client's IAMAT).
Event stored(qint64 ms, const QString &node, const QByteArray &origin, const QByteArray &client,
             const QString &peer = {})
{
    Event e = HerdEvents::stored(node, origin, client, "1700000000.0", HerdEvents::T0 + ms * HerdEvents::Ms);
    e.peer = peer;
    return e;
}

} // namespace

class tst_ForkInFlight : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void lineInFlightArrivesInTheFork();
    void forkBeforeTheSendHasNothingInFlight();
    void cutLinkDropsTheLineInFlight();
    void whatEndsAFlight();

private:
    QTemporaryDir m_dir;
    std::optional<Recording> m_recording;
    QByteArray m_kiwi;       // the AT line A flooded to B over the slow link
    qint64 m_storedNs = 0;   // when A stored it
    qint64 m_receivedNs = 0; // when B received it
};

// A -> B held 1500 ms; kiwi is flooded and arrives; then lime is flooded and
// the link cut while it is held, so lime never arrives.
void tst_ForkInFlight::initTestCase()
{
    QVERIFY(m_dir.isValid());
    HerdFixture herd;
    QString error;
    QVERIFY2(herd.start(twoNodes(), &error), qPrintable(error));
    const QString path = m_dir.filePath(u"slow.jsonl"_s);
    Recorder recorder(path);
    QVERIFY2(recorder.open(RecordingHeader::now(herd.cluster()->config(), u"test"_s, {A, B}), &error),
             qPrintable(error));
    for (const Event &event : herd.events())
        recorder.write(event);
    connect(herd.cluster(), &Cluster::eventOccurred, &recorder, &Recorder::write);
    QVERIFY(herd.waitForLinks());
    QVERIFY(herd.cluster()->setLinkDelay(A, B, DelayMs, HerdSource::Direction::OneWay));

    QVERIFY(iamat(herd, "kiwi", "1700000000"));
    QTRY_VERIFY_WITH_TIMEOUT(herd.node(B)->store().find("kiwi"), TimeoutMs);
    QVERIFY(iamat(herd, "lime", "1700000001"));
    QVERIFY(herd.cluster()->setLinkCut(A, B, true, HerdSource::Direction::OneWay));
    QVERIFY(find(herd.events(), A, EventKind::SendSkipped, "lime"));
    recorder.flush();
    QVERIFY(!recorder.failed());

    m_recording = Recording::open({path}, &error);
    QVERIFY2(m_recording, qPrintable(error));
    const Event *stored = find(m_recording->events(), A, EventKind::RecordStored, "kiwi");
    const Event *received = find(m_recording->events(), B, EventKind::LineReceived, "kiwi");
    QVERIFY(stored && received);
    m_kiwi = stored->line;
    m_storedNs = stored->timeNs;
    m_receivedNs = received->timeNs;
    // The link held it: the moment forked is one when only A has it. (On the
    // events' wall clock, which a time service may step, not the link's.)
    QVERIFY2(m_receivedNs - m_storedNs > qint64(HeldForMs) * 1'000'000 * 2,
             qPrintable(u"held %1 ns"_s.arg(m_receivedNs - m_storedNs)));
}

void tst_ForkInFlight::lineInFlightArrivesInTheFork()
{
    ReplayState replay(*m_recording);
    const qint64 whileHeldNs = m_storedNs + HeldForMs * 1'000'000;
    const HerdMoment moment = replay.seekTime(whileHeldNs);
    QVERIFY(moment.nodes[A].records.contains("kiwi"));
    QVERIFY(!moment.nodes[B].records.contains("kiwi"));
    const QList<InFlightLine> inFlight = inFlightAt(*m_recording, moment, whileHeldNs);
    QCOMPARE(inFlight.size(), 1);
    QCOMPARE(inFlight[0].from, A);
    QCOMPARE(inFlight[0].to, B);
    QCOMPARE(inFlight[0].line, m_kiwi);
    QCOMPARE(inFlight[0].sentNs, m_storedNs);
    QCOMPARE(inFlight[0].holdLeftMs, DelayMs - HeldForMs);

    HerdFixture fork;
    QString error;
    QVERIFY2(fork.start(forkConfig(twoNodes()), &error), qPrintable(error));
    restoreMoment(*fork.cluster(), moment, inFlight);
    QCOMPARE(fork.cluster()->linkDelay(A, B), DelayMs);
    QVERIFY(!fork.node(B)->store().find("kiwi"));
    // No client speaks to the fork: only the carried line can bring it.
    QTRY_VERIFY_WITH_TIMEOUT(fork.node(B)->store().find("kiwi"), TimeoutMs);
    QCOMPARE(fork.node(B)->store().find("kiwi")->atLine, m_kiwi);
    const Event *sent = find(fork.events(), A, EventKind::LineSent, "kiwi");
    QVERIFY(sent);
    QCOMPARE(sent->peer, B);
    QCOMPARE(sent->detail, u"in flight at the fork"_s);
    QVERIFY(find(fork.events(), B, EventKind::RecordStored, "kiwi"));
}

void tst_ForkInFlight::forkBeforeTheSendHasNothingInFlight()
{
    ReplayState replay(*m_recording);
    const qint64 beforeNs = m_storedNs - 1;
    const HerdMoment moment = replay.seekTime(beforeNs);
    QVERIFY(!moment.nodes[A].records.contains("kiwi"));
    QVERIFY(inFlightAt(*m_recording, moment, beforeNs).isEmpty());

    HerdFixture fork;
    QString error;
    QVERIFY2(fork.start(forkConfig(twoNodes()), &error), qPrintable(error));
    restoreMoment(*fork.cluster(), moment, inFlightAt(*m_recording, moment, beforeNs));
    QVERIFY(fork.waitForLinks());
    // A later flood on the same link arrives after anything held ahead of it.
    QVERIFY(iamat(fork, "marker", "1700000002"));
    QTRY_VERIFY_WITH_TIMEOUT(fork.node(B)->store().find("marker"), TimeoutMs);
    QVERIFY(!fork.node(B)->store().find("kiwi"));
}

void tst_ForkInFlight::cutLinkDropsTheLineInFlight()
{
    // Recorded: lime was held when the link was cut, which dropped it.
    ReplayState replay(*m_recording);
    const HerdMoment end = replay.seek(m_recording->events().size());
    QVERIFY(end.nodes[A].records.contains("lime"));
    QVERIFY(!end.nodes[B].records.contains("lime"));
    QVERIFY(end.links.value({A, B}).cut);
    QVERIFY(inFlightAt(*m_recording, end, m_recording->endNs()).isEmpty());

    // Kiwi in flight, and the link cut in the moment forked: the fork's A
    // drops it as it drops any flood on a cut link, and B never has it.
    const qint64 whileHeldNs = m_storedNs + HeldForMs * 1'000'000;
    HerdMoment moment = replay.seekTime(whileHeldNs);
    const QList<InFlightLine> inFlight = inFlightAt(*m_recording, moment, whileHeldNs);
    QCOMPARE(inFlight.size(), 1);
    moment.links[{A, B}].cut = true;
    HerdFixture fork;
    QString error;
    QVERIFY2(fork.start(forkConfig(twoNodes()), &error), qPrintable(error));
    restoreMoment(*fork.cluster(), moment, inFlight);
    const Event *skipped = find(fork.events(), A, EventKind::SendSkipped, "kiwi");
    QVERIFY(skipped);
    QCOMPARE(skipped->peer, B);
    QCOMPARE(skipped->detail, u"link cut"_s);
    QVERIFY(!find(fork.events(), A, EventKind::LineSent, "kiwi"));
    QVERIFY(!fork.node(B)->store().find("kiwi"));
}

// Made-up events of a line A - B - C: which floods are still on their way.
void tst_ForkInFlight::whatEndsAFlight()
{
    const QString C = u"C"_s;
    Event held = stored(1, A, "A", "held");
    held.detail = u"held when recording began"_s; // never flooded
    const Event kiwi = stored(2, A, "A", "kiwi");
    const Event lime = stored(3, A, "A", "lime");
    const Event plum = stored(5, B, "C", "plum", C); // flooded on to A, not back to C
    const Event fig = stored(6, A, "A", "fig");
    const QList<Event> events {
        lineEvent(0, A, EventKind::PeerConnected, B),
        lineEvent(0, B, EventKind::PeerConnected, A),
        lineEvent(0, B, EventKind::PeerConnected, C),
        lineEvent(0, C, EventKind::PeerConnected, B),
        held,
        kiwi,
        lime,
        lineEvent(4, A, EventKind::SendSkipped, B, lime.line),
        plum,
        fig,
        lineEvent(7, B, EventKind::LineReceived, A, fig.line),
        // B floods fig on to C, and C stops before it arrives.
        stored(8, B, "A", "fig", A),
        lineEvent(9, C, EventKind::NodeStopped, {}),
    };
    const QString path = m_dir.filePath(u"made-up.jsonl"_s);
    {
        Recorder recorder(path);
        QString error;
        QVERIFY2(recorder.open(RecordingHeader::now(twoNodes(), u"test"_s, {A, B, C}), &error),
                 qPrintable(error));
        for (const Event &e : events)
            recorder.write(e);
        recorder.flush();
        QVERIFY(!recorder.failed());
    }
    QString error;
    const std::optional<Recording> recording = Recording::open({path}, &error);
    QVERIFY2(recording, qPrintable(error));
    ReplayState replay(*recording);
    const HerdMoment &end = replay.seek(recording->events().size());
    const QList<InFlightLine> inFlight = inFlightAt(*recording, end, end.timeNs);
    QCOMPARE(inFlight.size(), 2);
    QCOMPARE(inFlight[0].line, kiwi.line);
    QCOMPARE(inFlight[0].from, A);
    QCOMPARE(inFlight[0].to, B);
    QCOMPARE(inFlight[1].line, plum.line);
    QCOMPARE(inFlight[1].from, B);
    QCOMPARE(inFlight[1].to, A);
    QCOMPARE(inFlight[1].holdLeftMs, 0); // no delay: on the wire
}

QTEST_GUILESS_MAIN(tst_ForkInFlight)
#include "tst_fork_inflight.moc"
