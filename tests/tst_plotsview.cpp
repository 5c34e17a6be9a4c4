// SPDX-License-Identifier: GPL-3.0-or-later
// PlotsView's series over a HerdStats fed synthetic events: a graph per
// node, the convergence scatter, fault shading, following the newest window
// and rebuilding when a node appears.

#include <QHash>
#include <QTest>

#include <qcustomplot.h>

#include "herd/event.h"
#include "tests/herdevents.h"
#include "ui/plots/herdstats.h"
#include "ui/plots/plotsview.h"

using namespace Qt::StringLiterals;
using namespace HerdEvents;
using Herd::Event;
using Herd::EventKind;

class tst_PlotsView : public QObject
{
    Q_OBJECT

private slots:
    void plotsViewSeries();
};

void tst_PlotsView::plotsViewSeries()
{
    Herd::HerdStats stats(QStringList {u"Alford"_s, u"Bolden"_s, u"Hamilton"_s});
    stats.setAutoSample(false);
    stats.setStartTimeNs(T0);
    HerdUi::PlotsView view(&stats);
    QCOMPARE(view.messagesPlot()->graphCount(), 3);
    QCOMPARE(view.clientsPlot()->graphCount(), 3);
    QCOMPARE(view.convergencePlot()->graphCount(), 0);

    for (int i = 1; i <= 7; ++i) {
        Event sent = nodeEvent(EventKind::LineSent, u"Alford"_s, T0 + i * S);
        stats.record(sent);
        const QByteArray time = QByteArray::number(i);
        stats.record(stored(u"Alford"_s, "Alford", "kiwi", time, T0 + i * S));
        stats.record(stored(u"Bolden"_s, "Alford", "kiwi", time, T0 + i * S + 5 * Ms));
        stats.record(stored(u"Hamilton"_s, "Alford", "kiwi", time, T0 + i * S + 9 * Ms));
        if (i % 2 == 0)
            stats.record(stored(u"Hamilton"_s, "Hamilton", "lime", time, T0 + i * S + 10 * Ms));
        stats.tickAt(T0 + i * S + 500 * Ms);
    }
    stats.record(nodeEvent(EventKind::NodeStopped, u"Hamilton"_s, T0 + 3 * S));
    stats.record(linkChanged(u"Alford"_s, u"Bolden"_s, u"cut"_s, T0 + 4 * S));
    view.refresh();

    for (int i = 0; i < 3; ++i) {
        QCOMPARE(view.messagesPlot()->graph(i)->dataCount(), 7);
        QCOMPARE(view.clientsPlot()->graph(i)->dataCount(), 7);
    }
    QCOMPARE(view.messagesPlot()->graph(0)->name(), u"Alford"_s);
    QCOMPARE(view.messagesPlot()->graph(0)->data()->at(0)->value, 1.0 / 1.5);
    QCOMPARE(view.clientsPlot()->graph(1)->data()->at(6)->value, 1.0);
    QCOMPARE(view.clientsPlot()->graph(2)->data()->at(6)->value, 2.0);
    // A scatter series per node that got the IAMAT (Alford: 7 updates that
    // reached all three), and one for updates that did not reach every
    // running node (Hamilton's 3, stored only there).
    QCOMPARE(view.convergencePlot()->graphCount(), 2);
    QHash<QString, int> points;
    for (int i = 0; i < 2; ++i)
        points.insert(view.convergencePlot()->graph(i)->name(),
                      view.convergencePlot()->graph(i)->dataCount());
    QCOMPARE(points.value(u"Alford"_s), 7);
    QCOMPARE(points.value(u"not all nodes"_s), 3);
    QCOMPARE(view.convergencePlot()->graph(0)->data()->at(0)->value, 9.0);
    QCOMPARE(view.faultShadeCount(), 2);
    // A rectangle and a label each, and the cursor's line, hidden: live,
    // there is no cursor.
    QCOMPARE(view.messagesPlot()->itemCount(), 5);
    QVERIFY(!view.cursorLine(view.messagesPlot())->visible());

    // Follow shows the newest window; a new node rebuilds the series.
    QVERIFY(view.follow());
    QCOMPARE(view.messagesPlot()->xAxis->range().upper, view.windowSeconds());
    stats.record(nodeEvent(EventKind::NodeStarted, u"Parker"_s, T0 + 8 * S));
    QCOMPARE(view.messagesPlot()->graphCount(), 4);
    view.setFollow(false);
    QVERIFY(!view.follow());
}

QTEST_MAIN(tst_PlotsView)
#include "tst_plotsview.moc"
