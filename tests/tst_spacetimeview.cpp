// SPDX-License-Identifier: GPL-3.0-or-later
// The space-time diagram: arrows matched from sends and receipts (synthetic
// events and a real herd's), their outcomes, Lamport clocks, the bounded
// ring, and picking an arrow with the mouse.

#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <memory>

#include "herd/wire/clock.h"
#include "herd/cluster.h"
#include "herd/wire/protocol.h"
#include "tests/herdfixture.h"
#include "tests/lineclient.h"
#include "ui/spacetime/spacetimecanvas.h"
#include "ui/spacetime/spacetimehistory.h"
#include "ui/spacetime/spacetimeview.h"
#include "ui/elidedlabel.h"

using namespace Qt::StringLiterals;
using Herd::Event;
using Herd::EventKind;
using HerdUi::SpaceTimeHistory;
using HerdUi::SpaceTimeMark;
using HerdUi::SpaceTimeMessage;
using HerdUi::SpaceTimeSelection;
using HerdUi::SpaceTimeView;
using Outcome = SpaceTimeMessage::Outcome;

namespace {

constexpr int Timeout = 10'000;

QByteArray atLine(const QByteArray &origin, const QByteArray &client, int seconds)
{
    return "AT " + origin + " +0.000100000 " + client + " +34.068930-118.445127 "
        + QByteArray::number(seconds) + ".000000000";
}

Event sent(qint64 t, const QString &from, const QString &to, const QByteArray &line)
{
    Event event;
    event.timeNs = t;
    event.node = from;
    event.kind = EventKind::LineSent;
    event.peer = to;
    event.client = Herd::updateClient(line); // as the node reports it
    event.line = line;
    event.viaPeerLink = true;
    return event;
}

Event received(qint64 t, const QString &at, const QString &from, const QByteArray &line)
{
    Event event;
    event.timeNs = t;
    event.node = at;
    event.kind = EventKind::LineReceived;
    event.peer = from;
    event.client = Herd::updateClient(line);
    event.line = line;
    event.viaPeerLink = line.startsWith("AT ");
    return event;
}

Event outcome(qint64 t, const QString &at, const QString &from, const QByteArray &client, bool stored)
{
    Event event;
    event.timeNs = t;
    event.node = at;
    event.kind = stored ? EventKind::RecordStored : EventKind::RecordDropped;
    event.peer = from;
    event.client = client;
    event.detail = stored ? u"flood"_s : u"not newer than the record held"_s;
    return event;
}

Event nodeEvent(qint64 t, const QString &node, EventKind kind)
{
    Event event;
    event.timeNs = t;
    event.node = node;
    event.kind = kind;
    event.detail = kind == EventKind::NodeStopped ? u"killed"_s : u"listening"_s;
    return event;
}

} // namespace

class TestSpaceTimeView : public QObject
{
    Q_OBJECT

private slots:
    void matchesReceiptsToSendsFifo();
    void syncLinesAreResyncArrowsWithoutOutcome();
    void receiptWithoutSenderNameTakesOldestSend();
    void receiptBeforeItsSendIsMatchedWhenTheSendComes();
    void iamatIsAMarkWithItsOutcome();
    void killLosesLinesInFlightAndMarksDowntime();
    void ringIsBounded();
    void realHerdFloodBecomesArrows();
    void clickingAnArrowSelectsItsUpdate();
    void emphasisFollowsNodeAndLink();
    void pickedClientsStandOutInView();
    void busyStreamIsDrawnSimplified();
    void summaryIsElidedNotLaidOut();
    void elidedLabelFollowsItsFont();
    void floodOfMessagesIsSampledByClient();
};

void TestSpaceTimeView::matchesReceiptsToSendsFifo()
{
    SpaceTimeHistory history({u"A"_s, u"B"_s});
    const QByteArray line = atLine("A", "kiwi", 100);
    // The same line twice on one link: TCP keeps order, so the first receipt
    // closes the first send.
    QVERIFY(history.addEvent(sent(1000, u"A"_s, u"B"_s, line)));
    QVERIFY(history.addEvent(sent(2000, u"A"_s, u"B"_s, line)));
    QCOMPARE(history.openSends(), 2);
    QVERIFY(history.addEvent(received(5000, u"B"_s, u"A"_s, line)));
    QVERIFY(history.addEvent(outcome(5001, u"B"_s, u"A"_s, "kiwi", true)));
    QVERIFY(history.addEvent(received(6000, u"B"_s, u"A"_s, line)));
    QVERIFY(history.addEvent(outcome(6001, u"B"_s, u"A"_s, "kiwi", false)));

    QCOMPARE(history.messages().size(), size_t(2));
    QCOMPARE(history.openSends(), 0);
    const SpaceTimeMessage &first = history.messages().at(0);
    const SpaceTimeMessage &second = history.messages().at(1);
    QCOMPARE(first.sentNs, 1000);
    QCOMPARE(first.receivedNs, 5000);
    QCOMPARE(first.outcome, Outcome::Stored);
    QCOMPARE(second.sentNs, 2000);
    QCOMPARE(second.receivedNs, 6000);
    QCOMPARE(second.outcome, Outcome::Dropped);
    QCOMPARE(first.client, QByteArray("kiwi"));
    QCOMPARE(first.update, QByteArray("kiwi 100.000000000"));
    QCOMPARE(first.update, second.update);
    // Lamport: a receipt comes after its send, and after what B did before.
    QVERIFY(first.receivedTick > first.sentTick);
    QVERIFY(second.receivedTick > first.receivedTick);
    QVERIFY(second.receivedTick > second.sentTick);
    QCOMPARE(history.unmatchedReceives(), 0);
    QCOMPARE(first.writtenNs, -1);

    // A line that waited on a delayed link starts when the sender stored
    // the record; one sent for another reason (a resync) starts when sent.
    const QByteArray slow = atLine("A", "pear", 7);
    Event stored = outcome(10'000, u"A"_s, QString(), "pear", true);
    stored.line = slow;
    QVERIFY(history.addEvent(stored));
    Event delayed = sent(410'000, u"A"_s, u"B"_s, slow);
    delayed.detail = u"delayed"_s;
    QVERIFY(history.addEvent(delayed));
    QCOMPARE(history.messages().back().sentNs, 10'000);
    QCOMPARE(history.messages().back().writtenNs, 410'000);
    Event resent = sent(900'000, u"A"_s, u"B"_s, slow);
    resent.detail = u"resync"_s;
    QVERIFY(history.addEvent(resent));
    QCOMPARE(history.messages().back().sentNs, 900'000);
    QCOMPARE(history.messages().back().writtenNs, -1);
    QCOMPARE(history.messages().back().note, u"resync"_s);
}

void TestSpaceTimeView::syncLinesAreResyncArrowsWithoutOutcome()
{
    SpaceTimeHistory history({u"A"_s, u"B"_s});
    const QByteArray summary = "SYNC SUM A 1/1 17:00000000000000ff";
    const QByteArray line = atLine("A", "kiwi", 100);
    QVERIFY(history.addEvent(sent(1000, u"A"_s, u"B"_s, summary)));
    QVERIFY(history.addEvent(sent(1500, u"A"_s, u"B"_s, line)));
    Event summaryIn = received(3000, u"B"_s, u"A"_s, summary);
    summaryIn.viaPeerLink = true;
    QVERIFY(history.addEvent(summaryIn));
    QVERIFY(history.addEvent(received(4000, u"B"_s, u"A"_s, line)));
    QVERIFY(history.addEvent(outcome(4001, u"B"_s, u"A"_s, "kiwi", true)));

    QCOMPARE(history.messages().size(), size_t(2));
    QCOMPARE(history.openSends(), 0);
    const SpaceTimeMessage &sync = history.messages().at(0);
    const SpaceTimeMessage &at = history.messages().at(1);
    QVERIFY(sync.resync);
    QCOMPARE(sync.outcome, Outcome::Received);
    QCOMPARE(sync.receivedNs, 3000);
    QVERIFY(sync.client.isEmpty() && sync.update.isEmpty());
    // The record's outcome goes to the AT line, never to the SYNC line.
    QVERIFY(!at.resync);
    QCOMPARE(at.outcome, Outcome::Stored);

    // A SYNC line the link could not send is drawn as not sent, like an AT line.
    Event skipped = sent(5000, u"A"_s, u"B"_s, "SYNC DONE A");
    skipped.kind = EventKind::SendSkipped;
    skipped.detail = u"link down"_s;
    QVERIFY(history.addEvent(skipped));
    QVERIFY(history.messages().back().resync);
    QCOMPARE(history.messages().back().outcome, Outcome::NotSent);
    // Other lines between nodes (AUTH, ? replies) are not drawn.
    QVERIFY(!history.addEvent(sent(6000, u"A"_s, u"B"_s, "AUTH HELLO A 00ff")));
}

void TestSpaceTimeView::receiptWithoutSenderNameTakesOldestSend()
{
    SpaceTimeHistory history({u"A"_s, u"B"_s, u"C"_s});
    const QByteArray line = atLine("A", "kiwi", 100);
    history.addEvent(sent(1000, u"C"_s, u"B"_s, line));
    history.addEvent(sent(2000, u"A"_s, u"B"_s, line));
    // B could not name the sender (its address only): the oldest open send
    // of this line to B is C's.
    history.addEvent(received(3000, u"B"_s, u"127.0.0.1:40000"_s, line));
    QCOMPARE(history.messages().at(0).receivedNs, 3000);
    QVERIFY(!history.messages().at(1).isReceived());
    QCOMPARE(history.openSends(), 1);

    // A receipt nobody sent here (a sender in another process): an arrival
    // without a send.
    history.addEvent(received(4000, u"A"_s, u"C"_s, atLine("C", "other", 5)));
    QCOMPARE(history.unmatchedReceives(), 1);
    QCOMPARE(history.messages().back().from, u"C"_s);
    QVERIFY(!history.messages().back().sendSeen);
    QVERIFY(history.messages().back().isReceived());
}

void TestSpaceTimeView::receiptBeforeItsSendIsMatchedWhenTheSendComes()
{
    // A herd on threads: B's thread hands its events over first (B received
    // A's line, stored it, flooded it to C); A's thread hands over later
    // what happened before (a client's IAMATs at A, A's send to B).
    SpaceTimeHistory history({u"A"_s, u"B"_s, u"C"_s});
    const QByteArray line = atLine("A", "kiwi", 100);
    const QByteArray forward = atLine("A", "kiwi", 100).replace("+0.000100000", "+0.000200000");
    QVERIFY(history.addEvent(received(5000, u"B"_s, u"A"_s, line)));
    QVERIFY(history.addEvent(outcome(5001, u"B"_s, u"A"_s, "kiwi", true)));
    QVERIFY(history.addEvent(sent(5002, u"B"_s, u"C"_s, forward)));
    QCOMPARE(history.unmatchedReceives(), 1);
    QCOMPARE(history.messages().front().outcome, Outcome::Stored);
    QVERIFY(!history.messages().front().sendSeen);
    const qint64 earlyTick = history.messages().front().receivedTick;

    // A did more before its send than B's receipt could know: its send's
    // tick passes the receipt's, which moves after it.
    for (int i = 0; i < 4; ++i) {
        history.addEvent(received(1000 + i, u"A"_s, u"127.0.0.1:5000"_s,
                                  "IAMAT kiwi +34.068930-118.445127 100." + QByteArray::number(i)));
        history.addEvent(outcome(1000 + i, u"A"_s, QString(), "kiwi", true));
    }
    QVERIFY(history.addEvent(sent(2000, u"A"_s, u"B"_s, line)));
    QVERIFY(history.addEvent(received(6000, u"C"_s, u"B"_s, forward)));
    QVERIFY(history.addEvent(outcome(6001, u"C"_s, u"B"_s, "kiwi", true)));

    QCOMPARE(history.messages().size(), size_t(2));
    QCOMPARE(history.openSends(), 0);
    QCOMPARE(history.unmatchedReceives(), 0);
    const SpaceTimeMessage &toB = history.messages().at(0);
    QCOMPARE(toB.from, u"A"_s);
    QCOMPARE(toB.to, u"B"_s);
    QVERIFY(toB.sendSeen);
    QCOMPARE(toB.sentNs, 2000);
    QCOMPARE(toB.receivedNs, 5000);
    QCOMPARE(toB.outcome, Outcome::Stored);
    QVERIFY(toB.receivedTick > toB.sentTick);
    QVERIFY(toB.receivedTick > earlyTick);
    // After A's four IAMATs.
    QVERIFY(toB.sentTick > history.marks().back().tick);
    const SpaceTimeMessage &toC = history.messages().at(1);
    QVERIFY(toC.sendSeen);
    QCOMPARE(toC.outcome, Outcome::Stored);
    QVERIFY(toC.receivedTick > toC.sentTick);
    // What B does from now on comes after the receipt in logical time.
    QVERIFY(history.addEvent(sent(7000, u"B"_s, u"C"_s, atLine("B", "pear", 1))));
    QVERIFY(history.messages().back().sentTick > toB.receivedTick);
    history.addEvent(received(7100, u"C"_s, u"B"_s, atLine("B", "pear", 1)));

    // Two receipts of one line before its two sends: FIFO, each once.
    const QByteArray twice = atLine("C", "fig", 3);
    history.addEvent(received(8000, u"A"_s, u"C"_s, twice));
    history.addEvent(outcome(8001, u"A"_s, u"C"_s, "fig", true));
    history.addEvent(received(9000, u"A"_s, u"C"_s, twice));
    history.addEvent(outcome(9001, u"A"_s, u"C"_s, "fig", false));
    QCOMPARE(history.unmatchedReceives(), 2);
    history.addEvent(sent(7500, u"C"_s, u"A"_s, twice));
    history.addEvent(sent(8500, u"C"_s, u"A"_s, twice));
    QCOMPARE(history.messages().size(), size_t(5));
    QCOMPARE(history.unmatchedReceives(), 0);
    QCOMPARE(history.openSends(), 0);
    QCOMPARE(history.messages().at(3).sentNs, 7500);
    QCOMPARE(history.messages().at(3).outcome, Outcome::Stored);
    QCOMPARE(history.messages().at(4).sentNs, 8500);
    QCOMPARE(history.messages().at(4).outcome, Outcome::Dropped);
    // A third send of it has no receipt waiting: it is in flight.
    history.addEvent(sent(9500, u"C"_s, u"A"_s, twice));
    QCOMPARE(history.messages().size(), size_t(6));
    QCOMPARE(history.openSends(), 1);

    // A receipt whose send never comes stays an arrival.
    history.addEvent(received(10'000, u"B"_s, u"C"_s, atLine("C", "lime", 4)));
    QCOMPARE(history.unmatchedReceives(), 1);
    QVERIFY(!history.messages().back().sendSeen);
    QVERIFY(history.messages().back().isReceived());

    // A receipt that could not name its sender (a neighbour on another
    // thread, known by address) is kept aside with its outcome, and drawn
    // whole once a send of that line to it names the sender.
    const QByteArray unnamed = atLine("A", "date", 7);
    const size_t before = history.messages().size();
    history.addEvent(received(12'000, u"C"_s, u"127.0.0.1:40000"_s, unnamed));
    history.addEvent(outcome(12'001, u"C"_s, u"127.0.0.1:40000"_s, "date", true));
    QCOMPARE(history.messages().size(), before);
    QCOMPARE(history.unmatchedReceives(), 2);
    history.addEvent(sent(11'500, u"A"_s, u"C"_s, unnamed));
    QCOMPARE(history.messages().size(), before + 1);
    QCOMPARE(history.unmatchedReceives(), 1);
    QCOMPARE(history.openSends(), 1); // the third "fig" still
    const SpaceTimeMessage &whole = history.messages().back();
    QCOMPARE(whole.from, u"A"_s);
    QCOMPARE(whole.to, u"C"_s);
    QVERIFY(whole.sendSeen);
    QCOMPARE(whole.sentNs, 11'500);
    QCOMPARE(whole.receivedNs, 12'000);
    QCOMPARE(whole.outcome, Outcome::Stored);
    QVERIFY(whole.receivedTick > whole.sentTick);

    // Forgetting: once the ring has evicted an early receipt, its send
    // opens a message of its own.
    history.setCapacity(1, 100);
    history.addEvent(received(11'000, u"B"_s, u"A"_s, atLine("A", "plum", 5)));
    history.addEvent(sent(11'100, u"A"_s, u"C"_s, atLine("A", "plum", 6)));
    QCOMPARE(history.messages().size(), size_t(1));
    QVERIFY(history.addEvent(sent(10'500, u"A"_s, u"B"_s, atLine("A", "plum", 5))));
    QCOMPARE(history.messages().back().outcome, Outcome::InFlight);
    // Receipts kept aside are bounded too: past MaxEarlyReceipts the
    // oldest is forgotten.
    for (int i = 0; i <= SpaceTimeHistory::MaxEarlyReceipts; ++i)
        history.addEvent(received(20'000 + i, u"C"_s, u"127.0.0.1:40000"_s, atLine("A", "bulk", i)));
    history.addEvent(sent(19'000, u"A"_s, u"C"_s, atLine("A", "bulk", 0)));
    QCOMPARE(history.messages().back().outcome, Outcome::InFlight);
    history.addEvent(sent(19'001, u"A"_s, u"C"_s, atLine("A", "bulk", 1)));
    QCOMPARE(history.messages().back().outcome, Outcome::Received);
    QCOMPARE(history.messages().back().receivedNs, 20'001);
}

void TestSpaceTimeView::iamatIsAMarkWithItsOutcome()
{
    SpaceTimeHistory history({u"A"_s, u"B"_s});
    Event iamat = received(1000, u"A"_s, u"127.0.0.1:5000"_s, "IAMAT kiwi +34.068930-118.445127 100.5");
    QVERIFY(history.addEvent(iamat));
    Event stored = outcome(1001, u"A"_s, QString(), "kiwi", true);
    stored.detail = u"iamat"_s;
    history.addEvent(stored);
    iamat.timeNs = 2000;
    history.addEvent(iamat);
    history.addEvent(outcome(2001, u"A"_s, QString(), "kiwi", false));

    QCOMPARE(history.marks().size(), size_t(2));
    QCOMPARE(history.marks().at(0).kind, SpaceTimeMark::Kind::Iamat);
    QCOMPARE(history.marks().at(0).client, QByteArray("kiwi"));
    QCOMPARE(history.marks().at(0).update, QByteArray("kiwi 100.5"));
    QVERIFY(!history.marks().at(0).stale);
    QVERIFY(history.marks().at(1).stale);
    // A WHATSAT is not part of the diagram.
    QVERIFY(!history.addEvent(received(3000, u"A"_s, u"127.0.0.1:5000"_s, "WHATSAT kiwi 10 5")));
}

void TestSpaceTimeView::killLosesLinesInFlightAndMarksDowntime()
{
    SpaceTimeHistory history({u"A"_s, u"B"_s});
    history.addEvent(sent(1000, u"A"_s, u"B"_s, atLine("A", "kiwi", 1)));
    history.addEvent(nodeEvent(2000, u"B"_s, EventKind::NodeStopped));
    QCOMPARE(history.messages().front().outcome, Outcome::Lost);
    QCOMPARE(history.openSends(), 0);
    QCOMPARE(history.downtimes(u"B"_s).size(), 1);
    QCOMPARE(history.downtimes(u"B"_s).front().toNs, -1);
    history.addEvent(nodeEvent(3000, u"B"_s, EventKind::NodeStarted));
    QCOMPARE(history.downtimes(u"B"_s).front().fromNs, 2000);
    QCOMPARE(history.downtimes(u"B"_s).front().toNs, 3000);
    QCOMPARE(history.marks().size(), size_t(2));
    QCOMPARE(history.marks().at(0).kind, SpaceTimeMark::Kind::Killed);
    QCOMPARE(history.marks().at(1).kind, SpaceTimeMark::Kind::Started);

    // A line that was never sent is a stub, not an open send.
    Event skipped = sent(4000, u"A"_s, u"B"_s, atLine("A", "kiwi", 2));
    skipped.kind = EventKind::SendSkipped;
    skipped.detail = u"link cut"_s;
    QVERIFY(history.addEvent(skipped));
    QCOMPARE(history.messages().back().outcome, Outcome::NotSent);
    QCOMPARE(history.messages().back().note, u"link cut"_s);
    QCOMPARE(history.openSends(), 0);
}

void TestSpaceTimeView::ringIsBounded()
{
    SpaceTimeHistory history({u"A"_s, u"B"_s});
    history.setCapacity(50, 20);
    for (int i = 0; i < 1000; ++i) {
        const QByteArray line = atLine("A", "c" + QByteArray::number(i % 7), i);
        history.addEvent(sent(i * 10, u"A"_s, u"B"_s, line));
        if (i % 2 == 0) // half of them arrive
            history.addEvent(received(i * 10 + 5, u"B"_s, u"A"_s, line));
        history.addEvent(
            received(i * 10 + 6, u"A"_s, u"x:1"_s, "IAMAT c +34.068930-118.445127 " + QByteArray::number(i)));
    }
    QCOMPARE(history.messages().size(), size_t(50));
    QCOMPARE(history.marks().size(), size_t(20));
    QCOMPARE(history.evictedMessages(), 950);
    // Evicted open sends left the index with them: only the ring's remain.
    QCOMPARE(history.openSends(), 25);
    QCOMPARE(history.messages().back().id - history.messages().front().id, quint64(49));
    QVERIFY(history.message(history.messages().front().id - 1) == nullptr);
    QCOMPARE(history.message(history.messages().back().id)->sentNs, 9990);
}

void TestSpaceTimeView::realHerdFloodBecomesArrows()
{
    // A triangle: the IAMAT at A goes to B and C (stored), then B and C
    // each forward it to the other, who already has it (stale).
    Herd::Test::HerdFixture herd;
    QString error;
    const QStringList names {u"A"_s, u"B"_s, u"C"_s};
    QVERIFY2(herd.start(Herd::Test::HerdFixture::config(
                            names, {{u"A"_s, u"B"_s}, {u"B"_s, u"C"_s}, {u"A"_s, u"C"_s}}),
                        &error),
             qPrintable(error));
    QVERIFY(herd.waitForLinks(Timeout));
    SpaceTimeView view(names);
    connect(herd.cluster(), &Herd::Cluster::eventOccurred, &view, &SpaceTimeView::onEvent);

    Herd::Test::LineClient client;
    QVERIFY(client.connectTo(herd.port(u"A"_s)));
    client.send("IAMAT kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503\n");
    QVERIFY(herd.waitUntilAllStore("kiwi.cs.ucla.edu", -1, Timeout));
    const SpaceTimeHistory &history = view.history();
    // The resync exchanges of the links coming up may still be under way:
    // their SYNC lines are arrows too, apart from the flood's.
    const auto floodArrows = [&history] {
        return std::count_if(history.messages().cbegin(), history.messages().cend(),
                             [](const SpaceTimeMessage &message) { return !message.resync; });
    };
    QTRY_COMPARE_WITH_TIMEOUT(int(floodArrows()), 4, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(history.openSends(), 0, Timeout);
    int stored = 0;
    int dropped = 0;
    QSet<QString> directions;
    for (const SpaceTimeMessage &message : history.messages()) {
        QVERIFY(message.isReceived());
        if (message.resync) { // some were sent before the view was connected
            QVERIFY(message.line.startsWith("SYNC "));
            QCOMPARE(message.outcome, Outcome::Received);
            continue;
        }
        QVERIFY(message.receivedNs >= message.sentNs);
        QVERIFY(message.receivedTick > message.sentTick);
        QCOMPARE(message.update, QByteArray("kiwi.cs.ucla.edu 1621464827.959498503"));
        stored += message.outcome == Outcome::Stored ? 1 : 0;
        dropped += message.outcome == Outcome::Dropped ? 1 : 0;
        directions.insert(message.from + u'>' + message.to);
    }
    QCOMPARE(stored, 2);
    QCOMPARE(dropped, 2);
    QCOMPARE(directions, (QSet<QString> {u"A>B"_s, u"A>C"_s, u"B>C"_s, u"C>B"_s}));
    // The stored ones left A; the stale ones crossed between B and C.
    for (const SpaceTimeMessage &message : history.messages()) {
        if (!message.resync)
            QCOMPARE(message.outcome == Outcome::Stored, message.from == u"A"_s);
    }
    QCOMPARE(history.marks().size(), size_t(1));
    QCOMPARE(history.marks().front().node, u"A"_s);
    // Only SYNC lines sent before the view was connected lack their send.
    const auto resyncArrivals =
        std::count_if(history.messages().cbegin(), history.messages().cend(),
                      [](const SpaceTimeMessage &message) { return message.resync && !message.sendSeen; });
    QCOMPARE(history.unmatchedReceives(), int(resyncArrivals));
}

void TestSpaceTimeView::clickingAnArrowSelectsItsUpdate()
{
    SpaceTimeView view({u"A"_s, u"B"_s, u"C"_s});
    view.resize(900, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setLive(false);
    view.setAxis(SpaceTimeView::Axis::Lamport);

    // One update, A -> B -> C, and another client's A -> C.
    const QByteArray kiwi = atLine("A", "kiwi", 1);
    const QByteArray pear = atLine("A", "pear", 2);
    view.onEvent(sent(1000, u"A"_s, u"B"_s, kiwi));
    view.onEvent(received(1100, u"B"_s, u"A"_s, kiwi));
    view.onEvent(outcome(1101, u"B"_s, u"A"_s, "kiwi", true));
    view.onEvent(sent(1200, u"B"_s, u"C"_s, kiwi));
    view.onEvent(received(1300, u"C"_s, u"B"_s, kiwi));
    view.onEvent(outcome(1301, u"C"_s, u"B"_s, "kiwi", true));
    view.onEvent(sent(1400, u"A"_s, u"C"_s, pear));
    view.onEvent(received(1500, u"C"_s, u"A"_s, pear));
    view.showAll();
    view.refresh();

    const SpaceTimeMessage &second = view.history().messages().at(1); // B -> C, kiwi
    const QLineF arrow = view.canvas()->arrow(second);
    QVERIFY(view.canvas()->rect().contains(arrow.pointAt(0.5).toPoint()));
    QCOMPARE(view.canvas()->messageAt(arrow.pointAt(0.5)), second.id);

    QSignalSpy selected(&view, &SpaceTimeView::messageSelected);
    QSignalSpy cleared(&view, &SpaceTimeView::selectionCleared);
    QTest::mouseClick(view.canvas(), Qt::LeftButton, {}, arrow.pointAt(0.5).toPoint());
    QCOMPARE(selected.count(), 1);
    const auto selection = selected.first().first().value<SpaceTimeSelection>();
    QCOMPARE(selection.message, second.id);
    QCOMPARE(selection.from, u"B"_s);
    QCOMPARE(selection.to, u"C"_s);
    QCOMPARE(selection.client, QByteArray("kiwi"));
    // Every hop of kiwi's update, and not pear's.
    QCOMPARE(selection.hops.size(), 2);
    QVERIFY(selection.hops.contains(std::pair {u"A"_s, u"B"_s}));
    QVERIFY(selection.hops.contains(std::pair {u"B"_s, u"C"_s}));
    QCOMPARE(view.selectedMessage(), second.id);

    // Empty space clears it.
    QTest::mouseClick(view.canvas(), Qt::LeftButton, {}, QPoint(view.canvas()->width() - 20, 4));
    QCOMPARE(cleared.count(), 1);
    QCOMPARE(view.selectedMessage(), quint64(0));
    // Clearing again says nothing.
    view.clearSelection();
    QCOMPARE(cleared.count(), 1);

    // A SYNC line drawn over kiwi's arrow (sent and received with it, on the
    // wall clock): the click still picks the record's arrow.
    view.setAxis(SpaceTimeView::Axis::WallClock);
    Event syncIn = received(1100, u"B"_s, u"A"_s, "SYNC DONE A");
    syncIn.viaPeerLink = true;
    view.onEvent(sent(1000, u"A"_s, u"B"_s, "SYNC DONE A"));
    view.onEvent(syncIn);
    view.showAll();
    view.refresh();
    const SpaceTimeMessage &first = view.history().messages().at(0); // A -> B, kiwi
    const SpaceTimeMessage &sync = view.history().messages().back();
    QVERIFY(sync.resync);
    const QPointF middle = view.canvas()->arrow(first).pointAt(0.5);
    QCOMPARE(view.canvas()->arrow(sync).pointAt(0.5), middle);
    QCOMPARE(view.canvas()->messageAt(middle), first.id);
}

void TestSpaceTimeView::emphasisFollowsNodeAndLink()
{
    SpaceTimeView view({u"A"_s, u"B"_s, u"C"_s});
    view.onEvent(sent(1000, u"A"_s, u"B"_s, atLine("A", "kiwi", 1)));
    view.onEvent(sent(1100, u"B"_s, u"C"_s, atLine("A", "kiwi", 1)));
    view.onEvent(sent(1200, u"C"_s, u"A"_s, atLine("C", "pear", 1)));
    const auto &messages = view.history().messages();
    auto emphasised = [&] {
        QStringList result;
        for (const SpaceTimeMessage &message : messages) {
            if (view.canvas()->emphasises(message))
                result << message.from + u'>' + message.to;
        }
        return result;
    };
    view.setEmphasis(u"B"_s);
    QCOMPARE(emphasised(), (QStringList {u"A>B"_s, u"B>C"_s}));
    view.setEmphasis(u"A"_s, u"C"_s);
    QCOMPARE(emphasised(), (QStringList {u"C>A"_s}));
    view.setEmphasis({});
    QVERIFY(emphasised().isEmpty());
}

void TestSpaceTimeView::pickedClientsStandOutInView()
{
    // A check's client reports at A (an IAMAT) and A floods it to B, long
    // before another client's line; picking the check's client shows it.
    SpaceTimeView view({u"A"_s, u"B"_s});
    const qint64 t0 = Herd::wallClockNs() - qint64(60e9);
    view.onEvent(received(t0, u"A"_s, u"127.0.0.1:5000"_s, "IAMAT check-1 +34.068930-118.445127 1.5"));
    view.onEvent(sent(t0 + 1000, u"A"_s, u"B"_s, atLine("A", "check-1", 1)));
    view.onEvent(received(t0 + 2000, u"B"_s, u"A"_s, atLine("A", "check-1", 1)));
    view.onEvent(sent(t0 + qint64(50e9), u"B"_s, u"A"_s, atLine("B", "pear", 2)));
    QVERIFY(view.isLive());

    QCOMPARE(view.pickClients({"check-1", "absent"}), 2); // the IAMAT and the arrow
    QCOMPARE(view.pickedClients(), (QSet<QByteArray> {"check-1", "absent"}));
    const auto &messages = view.history().messages();
    QVERIFY(view.canvas()->emphasises(messages.at(0)));
    QVERIFY(!view.canvas()->emphasises(messages.at(1)));
    // Paused and zoomed in on the picked events, not the minute since.
    QVERIFY(!view.isLive());
    QVERIFY(view.canvas()->windowSpan() < 1e9);
    const double end = view.canvas()->windowEnd();
    const double start = end - view.canvas()->windowSpan();
    QVERIFY(start <= double(t0) && double(t0 + 2000) <= end);
    QVERIFY(end < double(t0 + qint64(50e9)));

    // Nothing of them in the history: nothing moves.
    QCOMPARE(view.pickClients({"absent"}), 0);
    QCOMPARE(view.canvas()->windowEnd(), end);
    // Clearing the selection forgets them.
    view.pickClients({"check-1"});
    view.clearSelection();
    QVERIFY(view.pickedClients().isEmpty());
    QVERIFY(!view.canvas()->emphasises(messages.at(0)));
}

// The summary's counts change many times a second. It never asks the
// layout for room (a wider text used to widen the view, so the window was
// laid out and repainted whole at every change), and what does not fit is
// elided, whole in the tooltip with the clock note's explanation.
void TestSpaceTimeView::summaryIsElidedNotLaidOut()
{
    SpaceTimeView view({u"A"_s, u"B"_s});
    view.resize(900, 260);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    auto *summary = view.findChild<HerdUi::ElidedLabel *>();
    QVERIFY(summary);
    QCOMPARE(summary->minimumSizeHint().width(), 0);
    const QSize before = view.minimumSizeHint();
    view.setClockNote(u"clocks: a very long note that cannot fit beside everything else in the bar"_s,
                      u"why the clocks differ"_s);
    QCOMPARE(view.minimumSizeHint(), before);
    QCOMPARE(summary->fullText(), view.summaryText());
    QVERIFY2(summary->text().endsWith(u"\u2026"_s), qPrintable(summary->text()));
    QVERIFY(summary->toolTip().startsWith(view.summaryText()));
    QVERIFY(summary->toolTip().endsWith(u"why the clocks differ"_s));

    view.resize(3000, 260);
    QTRY_COMPARE(summary->text(), view.summaryText());
    QCOMPARE(summary->toolTip(), u"why the clocks differ"_s);
}

void TestSpaceTimeView::busyStreamIsDrawnSimplified()
{
    // Thousands of messages in a moment: the view says it is busy, and the
    // canvas takes its batched path for all of them.
    const QStringList nodes {u"A"_s, u"B"_s, u"C"_s};
    SpaceTimeView view(nodes);
    view.resize(900, 260);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const qint64 now = Herd::wallClockNs();
    const int count = 3000;
    for (int i = 0; i < count; ++i) {
        const QByteArray line = atLine("A", "c" + QByteArray::number(i % 50), i);
        const QString &from = nodes[i % 3];
        const QString &to = nodes[(i + 1) % 3];
        view.onEvent(sent(now - 200'000'000 + i * 10'000, from, to, line));
        view.onEvent(received(now - 200'000'000 + i * 10'000 + 5'000, to, from, line));
    }
    QVERIFY(view.summaryText().contains(u"busy"));
    view.setLive(false);
    view.refresh();
    view.canvas()->repaint();
    QCOMPARE(view.canvas()->visibleMessages(), count);
    QVERIFY(count > HerdUi::SpaceTimeCanvas::SimpleDrawingAbove);
    // Picking still works on the dense picture.
    const SpaceTimeMessage &last = view.history().messages().back();
    QVERIFY(view.canvas()->messageAt(view.canvas()->arrow(last).pointAt(0.5)) != 0);
}

void TestSpaceTimeView::floodOfMessagesIsSampledByClient()
{
    // Far more messages a second than the history can span: once it has
    // measured the rate, it keeps one client in n, each kept client's
    // messages whole (sent and received), and says so.
    const QStringList nodes {u"A"_s, u"B"_s};
    SpaceTimeView view(nodes);
    const qint64 now = Herd::wallClockNs();
    auto flood = [&](int from, int count) {
        for (int i = from; i < from + count; ++i) {
            const QByteArray line = atLine("A", "c" + QByteArray::number(i % 200), i);
            view.onEvent(sent(now + i * 1'000, u"A"_s, u"B"_s, line));
            view.onEvent(received(now + i * 1'000 + 500, u"B"_s, u"A"_s, line));
        }
    };
    QCOMPARE(view.sampleEvery(), 1);
    flood(0, 20'000);
    QCOMPARE(int(view.history().messages().size()), view.history().messageCapacity());
    view.resample();
    QVERIFY2(view.sampleEvery() > 1, "20,000 messages in well under a second: it samples");
    const int every = view.sampleEvery();
    flood(20'000, 20'000);
    QSet<QByteArray> clients;
    int kept = 0;
    for (const SpaceTimeMessage &message : view.history().messages()) {
        if (message.sentNs < now + 20'000 * 1'000)
            continue;
        ++kept;
        clients.insert(message.client);
        QCOMPARE(qHash(message.client) % size_t(every), size_t(0));
        QVERIFY(message.isReceived()); // whole: its receipt was kept too
    }
    QVERIFY(kept > 0);
    QVERIFY(clients.size() < 200);
    QVERIFY2(view.summaryText().contains(u"one client in"_s), qPrintable(view.summaryText()));
}

QTEST_MAIN(TestSpaceTimeView)
// A bolder or bigger font needs more room: the label elides again, so the
// text still fits (Knowledge's verdict turns bold when clients diverge).
void TestSpaceTimeView::elidedLabelFollowsItsFont()
{
    HerdUi::ElidedLabel label(Qt::ElideRight);
    label.resize(200, 40);
    const QString text = u"3 of 12 clients diverge: Hamilton is behind on kiwi (-3.2 s), Parker on lime"_s;
    label.setFullText(text);
    const QString plain = label.text();
    QVERIFY(plain.endsWith(u'\u2026'));
    QFont bigger = label.font();
    bigger.setPointSizeF(bigger.pointSizeF() * 2);
    bigger.setBold(true);
    label.setFont(bigger);
    QVERIFY2(label.text().size() < plain.size(), qPrintable(label.text()));
    QVERIFY(label.fontMetrics().horizontalAdvance(label.text()) <= label.contentsRect().width());
    QCOMPARE(label.fullText(), text);
}

#include "tst_spacetimeview.moc"
