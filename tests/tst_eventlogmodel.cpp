// SPDX-License-Identifier: GPL-3.0-or-later
// EventLogModel, the log's bounded ring of events, under
// QAbstractItemModelTester while it appends and wraps: batched flushes,
// capacity, what each column shows, and EventFilterModel's filters and sort.

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include "herd/event.h"
#include "tests/eventsamples.h"
#include "ui/log/eventfiltermodel.h"
#include "ui/log/eventlogmodel.h"
#include "ui/log/eventring.h"
#include "herd/log/logexport.h"
#include "ui/timetext.h"
#include "herd/log/logwriter.h"

using namespace Qt::StringLiterals;
using Herd::Event;
using Herd::EventKind;
using HerdUi::EventFilterModel;
using HerdUi::EventLogModel;
using namespace EventSamples;

class TestEventLogModel : public QObject
{
    Q_OBJECT

private slots:
    void ringNeverMovesAnEvent();
    void testerWhileAppendingAndWrapping();
    void timerFlushesInOneBatch();
    void ringKeepsNewest();
    void queueLargerThanCapacity();
    void setCapacityShrinks();
    void clearResets();
    void displayAndRoles();
    void displayEscapesLineSeparatorsAndBidi();
    void filterByNode();
    void filterByKind();
    void filterByText();
    void filterFollowsRing();
    void sortByRawValues();
};

// The ring's storage comes in chunks: growing to its capacity leaves every
// event where it was (a vector's doubling moved them all, and stalled the
// window), and a full ring puts the newest in the oldest's slot.
void TestEventLogModel::ringNeverMovesAnEvent()
{
    constexpr int Capacity = 5000; // several chunks, the last one partial
    HerdUi::EventRing ring(Capacity);
    const auto numbered = [](qint64 n) {
        Event event;
        event.timeNs = n;
        return event;
    };
    ring.push(numbered(0));
    const Event *oldest = &ring[0];
    for (int n = 1; n < Capacity; ++n) {
        ring.push(numbered(n));
        QCOMPARE(&ring[0], oldest);
    }
    QVERIFY(ring.isFull());
    for (int i = 0; i < Capacity; ++i)
        QCOMPARE(ring[i].timeNs, qint64(i));

    ring.push(numbered(Capacity));
    QCOMPARE(ring.size(), Capacity);
    QCOMPARE(ring[0].timeNs, qint64(1));
    QCOMPARE(&ring[Capacity - 1], oldest);
    QCOMPARE(ring[Capacity - 1].timeNs, qint64(Capacity));

    ring.dropFront(4000);
    QCOMPARE(ring.size(), Capacity - 4000);
    QCOMPARE(ring[0].timeNs, qint64(4001));
    ring.clear();
    QCOMPARE(ring.size(), 0);
    ring.push(numbered(7));
    QCOMPARE(ring.size(), 1);
    QCOMPARE(ring[0].timeNs, qint64(7));
}

void TestEventLogModel::testerWhileAppendingAndWrapping()
{
    EventLogModel model;
    model.setCapacity(500);
    EventFilterModel filter;
    filter.setSourceModel(&model);
    filter.setNode(u"Bona"_s);
    EventFilterModel unfiltered;
    unfiltered.setSourceModel(&model);
    unfiltered.sort(EventLogModel::Time, Qt::DescendingOrder);

    QAbstractItemModelTester modelTester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester filterTester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester sortedTester(&unfiltered,
                                          QAbstractItemModelTester::FailureReportingMode::QtTest);

    int next = 0;
    for (int batch = 0; batch < 20; ++batch) {
        const int size = 1 + (batch * 37) % 211; // 1..211, uneven
        for (int i = 0; i < size; ++i)
            model.append(makeEvent(next++));
        model.flushNow();
        QVERIFY(!QTest::currentTestFailed());
        QCOMPARE(model.rowCount(), std::min(next, 500));
        QCOMPARE(numberOf(model.eventAt(model.rowCount() - 1)), next - 1);
        QCOMPARE(numberOf(model.eventAt(0)), next - model.rowCount());
        // Change the filter midway through, too.
        if (batch == 10) {
            filter.setKinds({EventKind::LineReceived, EventKind::RecordStored});
            filter.setText(u"CLIENT1"_s);
        }
    }
    QVERIFY(next > 2 * 500); // the ring wrapped at least twice
    QCOMPARE(unfiltered.rowCount(), 500);
    QCOMPARE(unfiltered.index(0, EventLogModel::Time).data(EventLogModel::RawRole).toLongLong(),
             makeEvent(next - 1).timeNs);
    for (int row = 0; row < filter.rowCount(); ++row) {
        const QModelIndex index = filter.index(row, EventLogModel::Node);
        QCOMPARE(index.data().toString(), u"Bona"_s);
    }
}

void TestEventLogModel::timerFlushesInOneBatch()
{
    EventLogModel model;
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    for (int i = 0; i < 300; ++i)
        model.append(makeEvent(i));
    QCOMPARE(model.rowCount(), 0); // queued, not rows yet
    QCOMPARE(model.pendingCount(), 300);
    QTRY_COMPARE(model.rowCount(), 300);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted[0][1].toInt(), 0);
    QCOMPARE(inserted[0][2].toInt(), 299); // the last row, inclusive
    QCOMPARE(model.pendingCount(), 0);
}

void TestEventLogModel::ringKeepsNewest()
{
    EventLogModel model;
    model.setCapacity(100);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsAboutToBeRemoved);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsAboutToBeInserted);
    QList<int> rowCountsAtInsert;
    connect(&model, &QAbstractItemModel::rowsAboutToBeInserted, this,
            [&] { rowCountsAtInsert.append(model.rowCount()); });

    for (int i = 0; i < 80; ++i)
        model.append(makeEvent(i));
    model.flushNow();
    QCOMPARE(removed.size(), 0);
    for (int i = 80; i < 150; ++i)
        model.append(makeEvent(i));
    model.flushNow();

    // 80 + 70 = 150 > 100: rows 0..49 go first, then 70 rows are added at 30..99.
    QCOMPARE(removed.size(), 1);
    QCOMPARE(removed[0][1].toInt(), 0);
    QCOMPARE(removed[0][2].toInt(), 49);
    QCOMPARE(inserted.size(), 2);
    QCOMPARE(inserted[1][1].toInt(), 30);
    QCOMPARE(inserted[1][2].toInt(), 99);
    QCOMPARE(rowCountsAtInsert, (QList<int> {0, 30})); // never above the capacity
    QCOMPARE(model.rowCount(), 100);
    QCOMPARE(model.evictedCount(), 50);

    const QList<Event> events = model.events();
    QCOMPARE(events.size(), 100);
    for (int i = 0; i < events.size(); ++i)
        QCOMPARE(numberOf(events[i]), 50 + i);

    // Keep wrapping, one event at a time and in odd batches.
    int next = 150;
    for (int round = 0; round < 30; ++round) {
        for (int i = 0; i <= round % 4 * 17; ++i)
            model.append(makeEvent(next++));
        model.flushNow();
        QCOMPARE(model.rowCount(), 100);
        QCOMPARE(numberOf(model.eventAt(0)), next - 100);
        QCOMPARE(numberOf(model.eventAt(99)), next - 1);
    }
}

void TestEventLogModel::queueLargerThanCapacity()
{
    EventLogModel model;
    model.setCapacity(50);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 0; i < 30; ++i)
        model.append(makeEvent(i));
    model.flushNow();
    for (int i = 30; i < 230; ++i)
        model.append(makeEvent(i));
    QCOMPARE(model.pendingCount(), 50); // the queue is bounded too
    model.flushNow();
    QCOMPARE(model.rowCount(), 50);
    QCOMPARE(numberOf(model.eventAt(0)), 180);
    QCOMPARE(numberOf(model.eventAt(49)), 229);
    QCOMPARE(model.evictedCount(), 180);

    // The queue keeps its storage, wrapped where it overflowed: the next
    // rounds, short and long, still come out in order.
    int next = 230;
    for (int round = 0; round < 6; ++round) {
        const int count = round % 2 ? 7 : 73;
        for (int i = 0; i < count; ++i)
            model.append(makeEvent(next++));
        QCOMPARE(model.pendingCount(), std::min(count, 50));
        model.flushNow();
        QCOMPARE(model.rowCount(), 50);
        for (int row = 0; row < 50; ++row)
            QCOMPARE(numberOf(model.eventAt(row)), next - 50 + row);
    }
}

void TestEventLogModel::setCapacityShrinks()
{
    EventLogModel model;
    model.setCapacity(64);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 0; i < 100; ++i)
        model.append(makeEvent(i));
    model.flushNow();
    QCOMPARE(numberOf(model.eventAt(0)), 36); // wrapped: row 0 is mid-ring
    for (int i = 100; i < 110; ++i)
        model.append(makeEvent(i)); // still queued: setCapacity flushes first
    model.setCapacity(10);
    QCOMPARE(model.capacity(), 10);
    QCOMPARE(model.rowCount(), 10);
    QCOMPARE(numberOf(model.eventAt(0)), 100);
    QCOMPARE(numberOf(model.eventAt(9)), 109);

    model.setCapacity(1000); // growing keeps the rows
    for (int i = 110; i < 120; ++i)
        model.append(makeEvent(i));
    model.flushNow();
    QCOMPARE(model.rowCount(), 20);
    QCOMPARE(numberOf(model.eventAt(0)), 100);
    QCOMPARE(numberOf(model.eventAt(19)), 119);
}

void TestEventLogModel::clearResets()
{
    EventLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 0; i < 10; ++i)
        model.append(makeEvent(i));
    model.flushNow();
    model.append(makeEvent(10));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.pendingCount(), 0);
    QVERIFY(model.events().isEmpty());
    model.append(makeEvent(11));
    model.flushNow();
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(numberOf(model.eventAt(0)), 11);
}

void TestEventLogModel::displayAndRoles()
{
    EventLogModel model;
    QCOMPARE(model.columnCount(), int(EventLogModel::ColumnCount));
    QCOMPARE(model.headerData(EventLogModel::Line, Qt::Horizontal).toString(), u"Line"_s);

    Event odd = makeEvent(1);
    odd.timeNs = BaseNs + 123'456'789; // .123456789 s
    odd.kind = EventKind::LineInvalid;
    odd.line = "a\tb\nc\\d \xff<b>bold</b>";
    odd.detail = u"two\nlines"_s;
    model.append(odd);
    Event stored = makeEvent(2);
    stored.kind = EventKind::RecordStored;
    model.append(stored);
    Event dropped = makeEvent(3);
    dropped.kind = EventKind::RecordDropped;
    model.append(dropped);
    Event received = makeEvent(4);
    received.kind = EventKind::LineReceived;
    model.append(received);
    model.flushNow();

    const QModelIndex time = model.index(0, EventLogModel::Time);
    const QString shown = time.data().toString();
    QVERIFY2(QRegularExpression(u"^\\d\\d:\\d\\d:\\d\\d\\.123456$"_s).match(shown).hasMatch(),
             qPrintable(shown));
    QCOMPARE(shown, HerdUi::localTimeText(odd.timeNs));
    QCOMPARE(time.data(EventLogModel::RawRole).toLongLong(), odd.timeNs);
    QVERIFY(time.data(Qt::ToolTipRole).toString().contains(u"12:34:56.123456789"));

    const QModelIndex line = model.index(0, EventLogModel::Line);
    QCOMPARE(line.data().toString(), u"a\\tb\\nc\\\\d \\xff<b>bold</b>"_s);
    QCOMPARE(line.data(EventLogModel::RawRole).toByteArray(), odd.line);
    // Text off the wire is never taken for markup in a tool tip.
    QVERIFY(line.data(Qt::ToolTipRole).toString().contains(u"&lt;b&gt;bold&lt;/b&gt;"));
    QCOMPARE(model.index(0, EventLogModel::Detail).data().toString(), u"two\\nlines"_s);
    QCOMPARE(model.index(0, EventLogModel::Kind).data().toString(), u"invalid"_s);
    QCOMPARE(model.index(0, EventLogModel::Kind).data(EventLogModel::RawRole).toInt(),
             int(EventKind::LineInvalid));
    QCOMPARE(model.index(1, EventLogModel::Node).data().toString(), stored.node);
    QCOMPARE(model.index(1, EventLogModel::Client).data().toString(), QString::fromUtf8(stored.client));

    // Colours: invalid, stored and dropped differ; ordinary traffic uses the palette.
    const auto colour = [&](int row) {
        return model.index(row, EventLogModel::Line).data(Qt::ForegroundRole).value<QBrush>().color();
    };
    QVERIFY(colour(0).isValid());
    QVERIFY(colour(1).isValid());
    QVERIFY(colour(2).isValid());
    QVERIFY(colour(0) != colour(1) && colour(1) != colour(2) && colour(0) != colour(2));
    QVERIFY(colour(0).red() > colour(0).green()); // red-ish
    QVERIFY(colour(1).green() > colour(1).red()); // green-ish
    QVERIFY(!model.index(3, EventLogModel::Line).data(Qt::ForegroundRole).isValid());
    QVERIFY(EventLogModel::colorFor(EventKind::PeerConnected).isValid());
    QVERIFY(EventLogModel::colorFor(EventKind::PeerDisconnected).isValid());
    QVERIFY(EventLogModel::colorFor(EventKind::Error).isValid());
}

void TestEventLogModel::displayEscapesLineSeparatorsAndBidi()
{
    // As in the node logs: U+202E would show "kiwiexe.jpg", U+2028 and
    // U+0085 break a cell's line, whether off the wire or in the node's text.
    EventLogModel model;
    Event event = makeEvent(1);
    event.client = "kiwi\xe2\x80\xaegpj.exe";
    event.peer = u"127.0.0.1:1\u2028"_s;
    event.detail = u"unknown client kiwi\u202egpj.exe\u0085"_s;
    model.append(event);
    model.flushNow();
    QCOMPARE(model.index(0, EventLogModel::Client).data().toString(), u"kiwi\\xe2\\x80\\xaegpj.exe"_s);
    QCOMPARE(model.index(0, EventLogModel::Peer).data().toString(), u"127.0.0.1:1\\xe2\\x80\\xa8"_s);
    QCOMPARE(model.index(0, EventLogModel::Detail).data().toString(),
             u"unknown client kiwi\\xe2\\x80\\xaegpj.exe\\xc2\\x85"_s);
}

void TestEventLogModel::filterByNode()
{
    EventLogModel model;
    EventFilterModel filter;
    filter.setSourceModel(&model);
    for (int i = 0; i < 100; ++i)
        model.append(makeEvent(i));
    model.flushNow();
    QCOMPARE(filter.rowCount(), 100);
    QVERIFY(!filter.isFiltering());

    QSignalSpy changed(&filter, &EventFilterModel::filterChanged);
    filter.setNode(u"Clark"_s);
    QCOMPARE(changed.size(), 1);
    QVERIFY(filter.isFiltering());
    QCOMPARE(filter.rowCount(), 20);
    for (int row = 0; row < filter.rowCount(); ++row)
        QCOMPARE(model.eventAt(filter.mapToSource(filter.index(row, 0)).row()).node, u"Clark"_s);
    filter.setNode(u"clark"_s); // node names are exact
    QCOMPARE(filter.rowCount(), 0);
    filter.setNode(QString());
    QCOMPARE(filter.rowCount(), 100);
}

void TestEventLogModel::filterByKind()
{
    EventLogModel model;
    EventFilterModel filter;
    filter.setSourceModel(&model);
    for (int i = 0; i < 120; ++i)
        model.append(makeEvent(i));
    model.flushNow();

    QVERIFY(filter.allKindsShown());
    filter.setKinds({EventKind::RecordStored, EventKind::LineInvalid});
    QCOMPARE(filter.rowCount(), 40);
    QCOMPARE(filter.kinds(), (QSet<EventKind> {EventKind::RecordStored, EventKind::LineInvalid}));
    QVERIFY(!filter.allKindsShown());
    for (int row = 0; row < filter.rowCount(); ++row) {
        const auto kind =
            EventKind(filter.index(row, EventLogModel::Kind).data(EventLogModel::RawRole).toInt());
        QVERIFY(kind == EventKind::RecordStored || kind == EventKind::LineInvalid);
    }
    filter.setKinds({});
    QCOMPARE(filter.rowCount(), 0);
    filter.resetKinds();
    QCOMPARE(filter.rowCount(), 120);

    // Together with the node: both must match.
    filter.setNode(u"Bailey"_s);                // i % 5 == 0
    filter.setKinds({EventKind::LineReceived}); // i % 6 == 0
    QCOMPARE(filter.rowCount(), 4);             // i % 30 == 0 below 120
}

void TestEventLogModel::filterByText()
{
    EventLogModel model;
    EventFilterModel filter;
    filter.setSourceModel(&model);
    for (int i = 0; i < 100; ++i)
        model.append(makeEvent(i));
    Event special = makeEvent(100);
    special.line = "WHATSAT kiwi 10 5 \xff";
    special.client = "Kiwi";
    special.peer = u"Hill"_s;
    special.detail = u"Café au lait"_s;
    model.append(special);
    model.flushNow();

    filter.setText(u"client2"_s); // in line and client
    QCOMPARE(filter.rowCount(), 33);
    filter.setText(u"CLIENT2"_s); // case-insensitive
    QCOMPARE(filter.rowCount(), 33);
    filter.setText(u"round TEN"_s); // in detail
    QCOMPARE(filter.rowCount(), 10);
    filter.setText(u":40003"_s); // in peer
    QCOMPARE(filter.rowCount(), 14);
    filter.setText(u"hill"_s); // peer of the special one
    QCOMPARE(filter.rowCount(), 1);
    filter.setText(u"whatsat KIWI"_s); // line with a stray byte
    QCOMPARE(filter.rowCount(), 1);
    filter.setText(u"CAFÉ"_s); // non-ASCII, case-insensitive
    QCOMPARE(filter.rowCount(), 1);
    filter.setText(u"no such text"_s);
    QCOMPARE(filter.rowCount(), 0);
    filter.setText(QString());
    QCOMPARE(filter.rowCount(), 101);

    // Non-ASCII in a line is found too.
    Event utf8 = makeEvent(101);
    utf8.line = "IAMAT Zoë +1+1 1";
    model.append(utf8);
    model.flushNow();
    filter.setText(u"zOË"_s);
    QCOMPARE(filter.rowCount(), 1);
}

void TestEventLogModel::filterFollowsRing()
{
    EventLogModel model;
    model.setCapacity(40);
    EventFilterModel filter;
    filter.setSourceModel(&model);
    filter.setNode(u"Bona"_s); // i % 5 == 1
    QAbstractItemModelTester tester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 0; i < 1000; ++i) {
        model.append(makeEvent(i));
        if (i % 23 == 0)
            model.flushNow();
    }
    model.flushNow();
    QCOMPARE(filter.rowCount(), 8);
    QCOMPARE(numberOf(model.eventAt(filter.mapToSource(filter.index(0, 0)).row())), 961);
    QCOMPARE(numberOf(model.eventAt(filter.mapToSource(filter.index(7, 0)).row())), 996);
}

void TestEventLogModel::sortByRawValues()
{
    EventLogModel model;
    EventFilterModel filter;
    filter.setSourceModel(&model);
    // Arrival order differs from time order.
    for (const int i : {5, 1, 4, 2, 3})
        model.append(makeEvent(i * 1000)); // 10,000 ms apart: text order would differ
    model.append(makeEvent(10));
    model.flushNow();
    filter.sort(EventLogModel::Time, Qt::AscendingOrder);
    QList<int> order;
    for (int row = 0; row < filter.rowCount(); ++row)
        order.append(numberOf(model.eventAt(filter.mapToSource(filter.index(row, 0)).row())));
    QCOMPARE(order, (QList<int> {10, 1000, 2000, 3000, 4000, 5000}));
    filter.sort(-1); // back to arrival order
    QCOMPARE(numberOf(model.eventAt(filter.mapToSource(filter.index(0, 0)).row())), 5000);
}

QTEST_MAIN(TestEventLogModel)
#include "tst_eventlogmodel.moc"
