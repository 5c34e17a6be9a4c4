// SPDX-License-Identifier: GPL-3.0-or-later
// The window's faults over a live in-process herd (offscreen): context menus
// that offer the window's own actions, cuts and partition presets, the
// partition preview, and every fault action with its undo.

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QContextMenuEvent>
#include <QGraphicsScene>
#include <QFile>
#include <QInputDialog>
#include <QUndoStack>
#include <QMenu>
#include <QMenuBar>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/windowtest.h"

#include "ui/clientconsole.h"
#include "ui/log/eventlogmodel.h"
#include "ui/faults/faultactions.h"
#include "herd/cluster.h"
#include "tests/herdfixture.h"
#include "ui/plots/herdstats.h"
#include "ui/knowledge/knowledgemodel.h"
#include "ui/knowledge/knowledgeview.h"
#include "ui/topology/linkitem.h"
#include "herd/log/logexport.h"
#include "ui/log/logview.h"
#include "ui/mainwindow.h"
#include "herd/node/node.h"
#include "ui/knowledge/nodeinspector.h"
#include "ui/topology/nodeitem.h"
#include "herd/partition.h"
#include "ui/topology/partitionpreview.h"
#include "ui/plots/plotsview.h"
#include "herd/scenario/scenario.h"
#include "ui/scenario/scenariopanel.h"
#include "herd/scenario/scenariorunner.h"
#include "ui/scenario/scenariostepmodel.h"
#include "herd/clients/simulatedclients.h"
#include "ui/spacetime/spacetimecanvas.h"
#include "ui/spacetime/spacetimeview.h"
#include "ui/topology/topologyview.h"

using namespace HerdUi;
using namespace Qt::StringLiterals;

using namespace WindowTest;

class TestMainWindowFaults : public WindowFixture
{
    Q_OBJECT

private slots:
    void contextMenusOfferTheWindowActions()
    {
        TopologyView *topology = m_window->topology();
        Herd::Cluster *cluster = m_window->cluster();
        // Right-clicks at `scenePos`; returns the actions of the menu shown,
        // after it closes (an empty list when none opened).
        const auto rightClick = [this, topology](const QPointF &scenePos) {
            QList<QAction *> shown;
            QTimer::singleShot(0, this, [&shown] {
                if (auto *menu = qobject_cast<QMenu *>(QApplication::activePopupWidget())) {
                    shown = menu->actions();
                    menu->close();
                }
            });
            const QPoint pos = topology->mapFromScene(scenePos);
            QContextMenuEvent event(QContextMenuEvent::Mouse, pos, topology->viewport()->mapToGlobal(pos));
            QApplication::sendEvent(topology->viewport(), &event);
            return shown;
        };
        const QString bolden = u"Bolden"_s;
        topology->nodeItem(u"Alford"_s)->setSelected(true);
        QList<QAction *> shown = rightClick(topology->nodeItem(bolden)->pos());
        QCOMPARE(topology->selectedNode(), bolden);
        QCOMPARE(topology->scene()->selectedItems().size(), 1);
        QAction *kill = action(*m_window, u"Kill Node"_s);
        for (const QString &text :
             {u"Kill Node"_s, u"Restart Node"_s, u"Isolate Node"_s, u"Set Node Clock Skew..."_s})
            QVERIFY2(shown.contains(action(*m_window, text)), qPrintable(text));
        QVERIFY(kill->isEnabled());
        QVERIFY(!action(*m_window, u"Restart Node"_s)->isEnabled());
        kill->trigger();
        QVERIFY(!cluster->node(bolden)->isRunning());

        LinkItem *link = topology->linkItem(u"Alford"_s, u"Parker"_s);
        QVERIFY(cluster->setLinkCut(link->nodeB()->name(), link->nodeA()->name(), true,
                                    Herd::Cluster::Direction::OneWay));
        shown = rightClick(link->lane(true).center());
        QCOMPARE(topology->selectedNode(), QString());
        QCOMPARE(topology->selectedLink(), std::pair(link->nodeA()->name(), link->nodeB()->name()));
        for (const QString &text : {u"Cut Link"_s, u"Restore Link"_s, u"Set Link Delay..."_s,
                                    u"Set Link Jitter..."_s, u"Make Link Flaky..."_s})
            QVERIFY2(shown.contains(action(*m_window, text)), qPrintable(text));
        // Cut one way: both cutting the other way and restoring apply.
        QVERIFY(action(*m_window, u"Cut Link"_s)->isEnabled());
        QVERIFY(action(*m_window, u"Restore Link"_s)->isEnabled());
        action(*m_window, u"Restore Link"_s)->trigger();
        QVERIFY(!cluster->isLinkCut(link->nodeB()->name(), link->nodeA()->name()));

        shown = rightClick(topology->mapToScene(QPoint(5, 5)));
        QCOMPARE(shown,
                 (QList<QAction *> {action(*m_window, u"Zoom to Fit"_s),
                                    action(*m_window, u"Automatic Layout"_s)}));
        QCOMPARE(topology->selectedLink(), std::pair(link->nodeA()->name(), link->nodeB()->name()));
    }

    void cutRestoreAndPartitionPresets()
    {
        Herd::Cluster *cluster = m_window->cluster();
        const QString alford = QStringLiteral("Alford");
        const QString parker = QStringLiteral("Parker");
        QVERIFY(cluster->setLinkCut(alford, parker, true));
        QVERIFY(cluster->isLinkCut(alford, parker) && cluster->isLinkCut(parker, alford));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->topology()->linkItem(alford, parker)->isCut(), Timeout);

        QAction *heal = action(*m_window, QStringLiteral("Heal All"));
        QVERIFY(heal);
        heal->trigger();
        QVERIFY(!cluster->isLinkCut(alford, parker));
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->topology()->linkItem(alford, parker)->isCut(), Timeout);

        QAction *split = action(*m_window, QStringLiteral("Split in Two"));
        QVERIFY(split);
        split->trigger();
        int cut = 0;
        for (const auto &[a, b] : cluster->config().links)
            cut += cluster->isLinkCut(a, b) ? 1 : 0;
        QVERIFY(cut > 0);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->statusText().contains(QStringLiteral("%1 cut").arg(cut)), Timeout);
        heal->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(Herd::Test::allLinksConnected(*cluster), Timeout);
    }

    void partitionPreviewBeforeApplying()
    {
        Herd::Cluster *cluster = m_window->cluster();
        TopologyView *topology = m_window->topology();
        const Herd::HerdConfig &config = cluster->config();
        QAction *split = action(*m_window, QStringLiteral("Split in Two"));
        QVERIFY(split);
        QVERIFY(!topology->hasPartitionPreview());

        split->hover();
        QVERIFY(topology->hasPartitionPreview());
        const QList<QStringList> halves = Herd::Partition::halves(config);
        QCOMPARE(halves.size(), 2);
        const QStringList &larger = halves[0].size() >= halves[1].size() ? halves[0] : halves[1];
        const QStringList &smaller = halves[0].size() >= halves[1].size() ? halves[1] : halves[0];
        const HerdUi::PartitionPreview preview = topology->partitionPreview();
        QCOMPARE(preview.components.size(), 2);
        QCOMPARE(asSet(preview.components[0]), asSet(larger));
        QCOMPARE(asSet(preview.components[1]), asSet(smaller));
        QCOMPARE(asSet(preview.staleNodes), asSet(smaller));
        QCOMPARE(linkSet(preview.newCuts), linkSet(Herd::Partition::crossingLinks(config, halves)));
        QVERIFY(topology->partitionPreviewCaption().contains(u"would go stale"));
        QVERIFY(topology->partitionPreviewCaption().contains(smaller.first()));
        // Only a preview: nothing is cut yet.
        for (const auto &[a, b] : config.links)
            QVERIFY(!cluster->isLinkCut(a, b));

        // Hovering another action in the menu takes the preview away.
        QMenu *herdMenu = nullptr;
        for (QAction *menuAction : m_window->menuBar()->actions()) {
            if (menuAction->menu() && menuAction->menu()->actions().contains(split))
                herdMenu = menuAction->menu();
        }
        QVERIFY(herdMenu);
        emit herdMenu->hovered(action(*m_window, QStringLiteral("Heal All")));
        QVERIFY(!topology->hasPartitionPreview());

        // Applying clears it and cuts exactly the previewed links.
        split->hover();
        QVERIFY(topology->hasPartitionPreview());
        split->trigger();
        QVERIFY(!topology->hasPartitionPreview());
        const QSet<QString> previewedCuts = linkSet(preview.newCuts);
        for (const auto &[a, b] : config.links)
            QCOMPARE(cluster->isLinkCut(a, b), previewedCuts.contains(linkName(a, b)));

        // Isolate needs a node, and counts the cuts already made: isolating
        // a node of the smaller half leaves three groups.
        QAction *isolate = action(*m_window, QStringLiteral("Isolate Node"));
        QVERIFY(isolate);
        isolate->hover();
        QVERIFY(!topology->hasPartitionPreview());
        const QString lone = smaller.first();
        topology->nodeItem(lone)->setSelected(true);
        QVERIFY(isolate->isEnabled());
        isolate->hover();
        QVERIFY(topology->hasPartitionPreview());
        const HerdUi::PartitionPreview isolated = topology->partitionPreview();
        QCOMPARE(asSet(isolated.components.constFirst()), asSet(larger));
        QVERIFY(isolated.components.contains(QStringList {lone}));
        QVERIFY(isolated.staleNodes.contains(lone));
        QVERIFY(!isolated.staleNodes.contains(larger.first()));
        m_window->faults()->clearPreview();
        QVERIFY(!topology->hasPartitionPreview());
        action(*m_window, QStringLiteral("Heal All"))->trigger();
    }

    // Jitter, flaky links, clock skew and the new partitions from the
    // menus; Clear All Faults; each one undoable.
    void faultActionsAndUndo()
    {
        Herd::Cluster *cluster = m_window->cluster();
        TopologyView *topology = m_window->topology();
        const Herd::HerdConfig &config = cluster->config();
        const QString alford = u"Alford"_s;
        const QString parker = u"Parker"_s;
        QUndoStack *undo = m_window->faults()->undoStack();
        QCOMPARE(undo->count(), 0);
        const int shadesBefore = m_window->plots()->faultShadeCount();

        topology->linkItem(alford, parker)->setSelected(true);
        answerNextDialog(250);
        action(*m_window, u"Set Link Jitter..."_s)->trigger();
        QCOMPARE(cluster->linkJitter(alford, parker), 250);
        QCOMPARE(cluster->linkJitter(parker, alford), 250);
        answerNextDialog(3000);
        action(*m_window, u"Make Link Flaky..."_s)->trigger();
        QCOMPARE(cluster->linkFlaky(alford, parker), 3000);
        // The view redraws per frame: wait for the label to say both.
        QTRY_VERIFY_WITH_TIMEOUT(topology->linkItem(alford, parker)->labelText().contains(u"±250 ms · flaky"),
                                 Timeout);

        topology->scene()->clearSelection();
        topology->nodeItem(u"Bolden"_s)->setSelected(true);
        answerNextDialog(-1500);
        action(*m_window, u"Set Node Clock Skew..."_s)->trigger();
        QCOMPARE(cluster->clockSkew(u"Bolden"_s), -1500);
        QTRY_COMPARE_WITH_TIMEOUT(topology->nodeItem(u"Bolden"_s)->clockSkew(), -1500, Timeout);
        QCOMPARE(undo->count(), 3);
        // Jitter, flaky and skew each shade the plots (on their next sample).
        QTRY_VERIFY_WITH_TIMEOUT(m_window->plots()->faultShadeCount() >= shadesBefore + 3, Timeout);

        // The bridge node's partition: previewed, then applied.
        QAction *bridge = action(*m_window, u"Cut Around Bridge Node"_s);
        QVERIFY(bridge && bridge->isEnabled());
        const QList<QStringList> bridgeGroups = Herd::Partition::bridge(config);
        QVERIFY(!bridgeGroups.isEmpty());
        const QString bridgeNode = bridgeGroups.constFirst().constFirst();
        QVERIFY(m_window->faults()->previewPartition(bridge));
        QVERIFY(topology->partitionPreview().staleNodes.contains(bridgeNode));
        QCOMPARE(topology->partitionPreview().components.size(), bridgeGroups.size());
        bridge->trigger();
        QVERIFY(!topology->hasPartitionPreview());
        for (const QString &neighbour : config.neighboursOf(bridgeNode))
            QVERIFY(cluster->isLinkCut(bridgeNode, neighbour) && cluster->isLinkCut(neighbour, bridgeNode));

        // The majorities ring, on top of that: the preview counts both.
        QAction *ring = action(*m_window, u"Majorities Ring"_s);
        QVERIFY(m_window->faults()->previewPartition(ring));
        QList<Herd::Partition::Link> allCuts = Herd::Partition::majoritiesRing(config);
        allCuts += Herd::Partition::crossingLinks(config, bridgeGroups);
        QCOMPARE(topology->partitionPreview().components.size(),
                 Herd::Partition::components(config, allCuts).size());
        m_window->faults()->clearPreview();

        // Clear All Faults, then undo it: everything is back, then gone again.
        auto faultCount = [cluster, &config] {
            int faults = 0;
            for (const auto &[a, b] : config.links) {
                for (const auto &[from, to] : {std::pair {a, b}, std::pair {b, a}})
                    faults += (cluster->isLinkCut(from, to) ? 1 : 0)
                        + (cluster->linkJitter(from, to) > 0 ? 1 : 0)
                        + (cluster->linkFlaky(from, to) > 0 ? 1 : 0);
            }
            for (const Herd::Node *node : cluster->nodes())
                faults += node->clockSkewMs() != 0 ? 1 : 0;
            return faults;
        };
        const int before = faultCount();
        QVERIFY(before > 0);
        action(*m_window, u"Clear All Faults"_s)->trigger();
        QCOMPARE(faultCount(), 0);
        QVERIFY(m_window->faults()->undoAction()->isEnabled());
        m_window->faults()->undoAction()->trigger();
        QCOMPARE(faultCount(), before);
        QCOMPARE(cluster->clockSkew(u"Bolden"_s), -1500);
        QCOMPARE(cluster->linkJitter(alford, parker), 250);
        m_window->faults()->redoAction()->trigger();
        QCOMPARE(faultCount(), 0);
        // Back through every step to where the herd started.
        while (undo->canUndo())
            undo->undo();
        QCOMPARE(faultCount(), 0);
        QCOMPARE(cluster->linkJitter(alford, parker), 0);

        // Slow Motion is undoable too, and its check mark follows.
        QAction *slow = action(*m_window, u"Slow Motion"_s);
        slow->trigger();
        QVERIFY(slow->isChecked());
        QCOMPARE(cluster->linkDelay(alford, parker), FaultActions::SlowMotionDelayMs);
        undo->undo();
        QVERIFY(!slow->isChecked());
        QCOMPARE(cluster->linkDelay(alford, parker), 0);
        QTRY_VERIFY_WITH_TIMEOUT(Herd::Test::allLinksConnected(*cluster), Timeout);
    }

    // A lab runs on the window's herd: Step holds after one step, Play runs
    // the rest, every step ends done or held, and the diagram shows the
    // path the lab is about. Run Again starts over on a fresh herd.
};

QTEST_MAIN(TestMainWindowFaults)
#include "tst_mainwindow_faults.moc"
