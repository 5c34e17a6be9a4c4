// SPDX-License-Identifier: GPL-3.0-or-later
// The window on a herd on threads (herd --threads N): MainWindow shows a
// ThreadedHerd as any HerdSource. Its topology draws every node with the
// port it listens on, a client's update reaches every node's card and the
// knowledge table from the mirrored stores, the space-time diagram matches
// every flood line across threads, and a node killed on its thread shows
// killed on its card.

#include <QTest>

#include <algorithm>
#include <memory>

#include "herd/places/offlineplaces.h"
#include "herd/threaded/threadedherd.h"
#include "herd/wire/clock.h"
#include "tests/herdfixture.h"
#include "tests/lineclient.h"
#include "ui/knowledge/knowledgemodel.h"
#include "ui/knowledge/knowledgeview.h"
#include "ui/mainwindow.h"
#include "ui/spacetime/spacetimehistory.h"
#include "ui/spacetime/spacetimeview.h"
#include "ui/topology/nodeitem.h"
#include "ui/topology/topologyview.h"

using namespace Qt::StringLiterals;

class ThreadedWindowTest : public QObject
{
    Q_OBJECT

private slots:
    void showsAndBreaksAHerdOnThreads()
    {
        const QStringList names {u"Alford"_s, u"Bolden"_s, u"Hamilton"_s, u"Parker"_s, u"Powell"_s};
        auto herd = std::make_unique<Herd::ThreadedHerd>(
            Herd::Test::HerdFixture::config(names,
                                            {{u"Alford"_s, u"Bolden"_s},
                                             {u"Bolden"_s, u"Hamilton"_s},
                                             {u"Hamilton"_s, u"Parker"_s},
                                             {u"Parker"_s, u"Powell"_s}}),
            [] { return Herd::OfflinePlaces::fromEmbedded(); });
        QString error;
        QVERIFY2(herd->start(2, {}, &error), qPrintable(error));
        Herd::ThreadedHerd *threaded = herd.get();

        HerdUi::MainWindow window;
        window.resize(1200, 800);
        window.showHerd(std::move(herd), u"five on two threads"_s);
        window.show();
        QVERIFY(window.windowTitle().contains(u"five on two threads"_s));
        for (const QString &name : names) {
            const HerdUi::NodeItem *item = window.topology()->nodeItem(name);
            QVERIFY2(item, qPrintable(name));
            QCOMPARE(item->port(), threaded->nodeStatus(name)->port);
            QTRY_VERIFY(item->isRunning());
        }

        Herd::Test::LineClient client;
        QVERIFY(client.connectTo(threaded->nodeStatus(u"Alford"_s)->port));
        const qint64 floodNs = Herd::wallClockNs();
        client.send("IAMAT kiwi +34.068930-118.445127 1700000000.000000000\n");
        QVERIFY(client.waitForLines(1));
        // Powell is four hops away, two of them across threads.
        QTRY_COMPARE_WITH_TIMEOUT(window.topology()->nodeItem(u"Powell"_s)->clientCount(), 1, 5000);
        QTRY_VERIFY(window.knowledge()->model()->rowCount() >= 1);
        // Each thread hands its events over in batches of its own, so a
        // receipt may reach the window before its send: matched either way,
        // once the flood is quiet every line since the IAMAT has both ends,
        // and no line at all is still in flight: the first handshakes' SYNC
        // lines reach the window too, as start() takes in only the nodes'
        // starts.
        const HerdUi::SpaceTimeHistory &history = window.spaceTime()->history();
        const auto floodMatched = [&history, floodNs] {
            int atLines = 0;
            for (const HerdUi::SpaceTimeMessage &message : history.messages()) {
                if (std::max(message.sentNs, message.receivedNs) < floodNs)
                    continue;
                if (!message.sendSeen || !message.isReceived())
                    return false;
                atLines += message.resync ? 0 : 1;
            }
            return atLines >= 4; // one at least on each link
        };
        QTRY_VERIFY_WITH_TIMEOUT(floodMatched(), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(history.openSends(), 0, 5000);

        QVERIFY(threaded->kill(u"Parker"_s));
        QTRY_VERIFY(window.topology()->nodeItem(u"Parker"_s)->isKilled());
        const QString path = qEnvironmentVariable("HERD_THREADED_WINDOW_PNG");
        if (!path.isEmpty())
            QVERIFY(window.grab().save(path));
    }
};

QTEST_MAIN(ThreadedWindowTest)
#include "tst_threadedwindow.moc"
