// SPDX-License-Identifier: GPL-3.0-or-later
// The whole window over a live in-process herd (offscreen): the actions a
// person takes change both the core and what is drawn, and a busy window
// still renders. (Its pictures come from tools/screenshots.)

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

namespace {

constexpr int Timeout = 10'000;

Herd::HerdConfig freePortHerd()
{
    auto config = Herd::HerdConfig::preset(QStringLiteral("alford"), nullptr);
    for (Herd::NodeConfig &node : config->nodes)
        node.port = 0;
    config->reconnectInitialMs = 20;
    config->reconnectMaxMs = 200;
    return *config;
}

QAction *action(const MainWindow &window, const QString &text)
{
    for (QAction *candidate : window.findChildren<QAction *>()) {
        if (candidate->text().remove(u'&') == text)
            return candidate;
    }
    return nullptr;
}

QSet<QString> asSet(const QStringList &names)
{
    return QSet<QString>(names.cbegin(), names.cend());
}

QString linkName(const QString &a, const QString &b)
{
    return a < b ? a + u'-' + b : b + u'-' + a;
}

QSet<QString> linkSet(const QList<std::pair<QString, QString>> &links)
{
    QSet<QString> result;
    for (const auto &[a, b] : links)
        result.insert(linkName(a, b));
    return result;
}

// The text of `column` in the inspector's row for `neighbour`.
QString neighbourCell(const NodeInspector *inspector, const QString &neighbour, int column)
{
    const QTableWidget *table = inspector->neighboursTable();
    for (int row = 0; row < table->rowCount(); ++row) {
        const QTableWidgetItem *name = table->item(row, NodeInspector::NeighbourName);
        if (name && name->text() == neighbour)
            return table->item(row, column) ? table->item(row, column)->text() : QString();
    }
    return {};
}

// Answers the next number dialog (a fault's dialog) with `value` as soon
// as it is shown, as a person would.
void answerNextDialog(int value)
{
    auto *poll = new QTimer(qApp);
    poll->setInterval(10);
    QObject::connect(poll, &QTimer::timeout, poll, [poll, value] {
        if (auto *dialog = qobject_cast<QInputDialog *>(QApplication::activeModalWidget())) {
            dialog->setIntValue(value);
            dialog->accept();
            poll->deleteLater();
        }
    });
    poll->start();
    QTimer::singleShot(Timeout, poll, &QObject::deleteLater); // never left behind
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_window = std::make_unique<MainWindow>();
        m_window->resize(1500, 950);
        m_window->show();
        QString error;
        QVERIFY2(m_window->openHerd(freePortHerd(), &error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(Herd::Test::allLinksConnected(*m_window->cluster()), Timeout);
    }

    void cleanup() { m_window.reset(); }

    void killAndRestartChangeCoreAndDrawing()
    {
        Herd::Cluster *cluster = m_window->cluster();
        QVERIFY(cluster->kill(QStringLiteral("Hamilton")));
        QVERIFY(!cluster->node(QStringLiteral("Hamilton"))->isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(m_window->topology()->nodeItem(QStringLiteral("Hamilton"))->isKilled(),
                                 Timeout);
        QVERIFY(m_window->statusText().contains(u"4 of 5 nodes running"));

        QString error;
        QVERIFY2(cluster->restart(QStringLiteral("Hamilton"), &error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->topology()->nodeItem(QStringLiteral("Hamilton"))->isRunning(),
                                 Timeout);
        QTRY_VERIFY_WITH_TIMEOUT(Herd::Test::allLinksConnected(*cluster), Timeout);
    }

    // A right-click selects the node or link under it and opens a menu of
    // the window's own actions, which then act on it; the background's menu
    // holds the view's actions.
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

    void consoleIamatReachesLogKnowledgeAndPlots()
    {
        QSignalSpy replies(m_window->console(), &ClientConsole::replyReceived);
        m_window->console()->setNode(QStringLiteral("Bolden"));
        const QString line = QStringLiteral("IAMAT console.test +34.068930-118.445127 1700000000.5");
        m_window->console()->send(line);
        QTRY_VERIFY_WITH_TIMEOUT(!replies.isEmpty(), Timeout);
        QVERIFY(replies.first().first().toByteArray().startsWith("AT Bolden "));

        // Every node learns it: the knowledge view agrees everywhere.
        KnowledgeModel *knowledge = m_window->knowledge()->model();
        QTRY_VERIFY_WITH_TIMEOUT(knowledge->rowOf("console.test") >= 0, Timeout);
        QTRY_COMPARE_WITH_TIMEOUT(knowledge->divergentClients(), 0, Timeout);
        for (int column = 0; column < 5; ++column)
            QTRY_COMPARE_WITH_TIMEOUT(knowledge->cellState(knowledge->rowOf("console.test"), column),
                                      KnowledgeModel::CellState::Newest, Timeout);

        // The log shows the line in and the AT line stored at Bolden.
        LogView *log = m_window->logView();
        auto logged = [log, &line](Herd::EventKind kind, const QString &node) {
            for (const Herd::Event &event : log->model()->events()) {
                if (event.kind == kind && event.node == node
                    && (kind != Herd::EventKind::LineReceived || event.line == line.toUtf8()))
                    return true;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(logged(Herd::EventKind::LineReceived, QStringLiteral("Bolden")), Timeout);
        QTRY_VERIFY_WITH_TIMEOUT(logged(Herd::EventKind::RecordStored, QStringLiteral("Hamilton")), Timeout);

        // The plots' data: one update, stored by all five nodes.
        Herd::HerdStats *stats = m_window->stats();
        QTRY_VERIFY_WITH_TIMEOUT(stats->updateCount() >= 1, Timeout);
        QTRY_COMPARE_WITH_TIMEOUT(stats->updates().constLast().nodesStored, 5, Timeout);

        // Exports write what was logged.
        QTemporaryDir dir;
        QString error;
        const QString path = dir.filePath(QStringLiteral("events.jsonl"));
        QVERIFY2(log->exportAll(path, Herd::ExportFormat::JsonLines, &error), qPrintable(error));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray exported = file.readAll();
        QVERIFY(exported.contains("IAMAT console.test"));
        QVERIFY(exported.contains("\"kind\":\"stored\""));
    }

    void savesPositionsToHerdFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("herd.json"));
        QString error;
        QVERIFY2(m_window->saveHerdFile(path, &error), qPrintable(error));
        const auto saved = Herd::HerdConfig::fromFile(path, &error);
        QVERIFY2(saved, qPrintable(error));
        QCOMPARE(saved->nodeNames(), m_window->cluster()->config().nodeNames());
        for (const Herd::NodeConfig &node : saved->nodes)
            QVERIFY(node.position.has_value());
    }

    // An arrow picked in the space-time diagram lights up its update's hops
    // in the topology; a node picked in the topology takes over.
    void pickingAMessageHighlightsItsHopsInTheTopology()
    {
        SpaceTimeView *diagram = m_window->spaceTime();
        TopologyView *topology = m_window->topology();
        QVERIFY(diagram && diagram->isVisible());
        m_window->console()->setNode(u"Alford"_s);
        m_window->console()->send(u"IAMAT pick.test +34.068930-118.445127 1700000000.5"_s);
        const QByteArray update = "pick.test 1700000000.5";
        // Alford -> Parker and Powell, on to Bolden and Hamilton: every node stores it.
        auto storedEverywhere = [this] {
            for (const Herd::Node *node : m_window->cluster()->nodes()) {
                if (!node->store().find("pick.test"))
                    return false;
            }
            return true;
        };
        QTRY_VERIFY_WITH_TIMEOUT(storedEverywhere(), Timeout);
        QTRY_COMPARE_WITH_TIMEOUT(diagram->history().openSends(), 0, Timeout);
        quint64 alfordToParker = 0;
        for (const HerdUi::SpaceTimeMessage &message : diagram->history().messages()) {
            if (message.update == update && message.from == u"Alford" && message.to == u"Parker")
                alfordToParker = message.id;
        }
        QVERIFY(alfordToParker != 0);

        // Click the arrow as drawn.
        diagram->setLive(false);
        diagram->refresh();
        // Alford's arrows to Parker and Powell may overlap: whichever is
        // under the mouse is the one picked.
        const QPoint point =
            diagram->canvas()->arrow(*diagram->history().message(alfordToParker)).pointAt(0.5).toPoint();
        const quint64 underMouse = diagram->canvas()->messageAt(point);
        QVERIFY(underMouse != 0);
        QSignalSpy selected(diagram, &SpaceTimeView::messageSelected);
        QTest::mouseClick(diagram->canvas(), Qt::LeftButton, {}, point);
        QCOMPARE(selected.count(), 1);
        QCOMPARE(diagram->selectedMessage(), underMouse);
        const HerdUi::SpaceTimeSelection selection = diagram->selection(); // a copy: it is cleared below
        QCOMPARE(selection.update, update);
        QVERIFY(selection.hops.contains(std::pair {u"Alford"_s, u"Parker"_s}));
        QVERIFY(selection.hops.contains(std::pair {u"Parker"_s, u"Hamilton"_s}));

        auto highlight = [topology](const QString &from, const QString &to) {
            const LinkItem *link = topology->linkItem(from, to);
            return link->highlight(link->nodeA()->name() == from);
        };
        QCOMPARE(highlight(selection.from, selection.to), LinkItem::Highlight::Primary);
        for (const auto &[from, to] : selection.hops) {
            if (std::pair {from, to} != std::pair {selection.from, selection.to})
                QCOMPARE(highlight(from, to), LinkItem::Highlight::Hop);
        }
        // Hamilton is a leaf: the update never went from it to Parker.
        QCOMPARE(highlight(u"Hamilton"_s, u"Parker"_s), LinkItem::Highlight::None);

        // Picking a node in the topology replaces the diagram's pick and
        // makes that node's messages stand out there.
        topology->nodeItem(u"Bolden"_s)->setSelected(true);
        QCOMPARE(diagram->selectedMessage(), quint64(0));
        QCOMPARE(highlight(selection.from, selection.to), LinkItem::Highlight::None);
        int emphasised = 0;
        for (const HerdUi::SpaceTimeMessage &message : diagram->history().messages()) {
            const bool touchesBolden = message.from == u"Bolden" || message.to == u"Bolden";
            QCOMPARE(diagram->canvas()->emphasises(message), touchesBolden);
            emphasised += touchesBolden ? 1 : 0;
        }
        QVERIFY(emphasised > 0);
        // And a link: its two directions.
        topology->scene()->clearSelection();
        topology->linkItem(u"Alford"_s, u"Parker"_s)->setSelected(true);
        for (const HerdUi::SpaceTimeMessage &message : diagram->history().messages()) {
            const bool onLink = (message.from == u"Alford" && message.to == u"Parker")
                || (message.from == u"Parker" && message.to == u"Alford");
            QCOMPARE(diagram->canvas()->emphasises(message), onLink);
        }
    }

    // The Node tab's table follows each outgoing link as it is cut,
    // restored, loses its neighbour and waits on a delay.
    void inspectorShowsLinkStateLive()
    {
        Herd::Cluster *cluster = m_window->cluster();
        NodeInspector *inspector = m_window->inspector();
        const QString alford = u"Alford"_s;
        const QString parker = u"Parker"_s;
        inspector->setNode(alford);
        auto parkerCell = [inspector, &parker](int column) {
            return neighbourCell(inspector, parker, column);
        };
        QTRY_COMPARE_WITH_TIMEOUT(parkerCell(NodeInspector::LinkState), u"connected"_s, Timeout);
        QCOMPARE(parkerCell(NodeInspector::FailedAttempts), u"0"_s);

        QVERIFY(cluster->setLinkCut(alford, parker, true));
        QTRY_COMPARE_WITH_TIMEOUT(parkerCell(NodeInspector::LinkState), u"cut"_s, Timeout);
        QCOMPARE(neighbourCell(inspector, u"Powell"_s, NodeInspector::LinkState), u"connected"_s);
        QVERIFY(cluster->setLinkCut(alford, parker, false));
        QTRY_COMPARE_WITH_TIMEOUT(parkerCell(NodeInspector::LinkState), u"connected"_s, Timeout);

        // Parker dies: Alford backs off and counts its failed attempts.
        QVERIFY(cluster->kill(parker));
        // It says when it tries next: "backing off, retry in 37 ms".
        const QRegularExpression countdown(u"^backing off, retry in \\d+(\\.\\d)? m?s$"_s);
        QTRY_VERIFY2_WITH_TIMEOUT(countdown.match(parkerCell(NodeInspector::LinkState)).hasMatch(),
                                  qPrintable(parkerCell(NodeInspector::LinkState)), Timeout);
        QTRY_VERIFY_WITH_TIMEOUT(parkerCell(NodeInspector::FailedAttempts).toInt() >= 2, Timeout);
        // The topology draws that direction as backing off, not connecting.
        const LinkItem *link = m_window->topology()->linkItem(alford, parker);
        const bool alfordIsA = link->nodeA()->name() == alford;
        QTRY_COMPARE_WITH_TIMEOUT(link->look(alfordIsA), TopologyStyle::LinkLook::BackingOff, Timeout);
        QString error;
        QVERIFY2(cluster->restart(parker, &error), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(parkerCell(NodeInspector::LinkState), u"connected"_s, Timeout);
        QCOMPARE(parkerCell(NodeInspector::FailedAttempts), u"0"_s);

        // A delayed link holds the line it was handed: queued 1, then 0.
        QVERIFY(cluster->setLinkDelay(alford, parker, 1500));
        QTRY_COMPARE_WITH_TIMEOUT(parkerCell(NodeInspector::LinkDelay), u"1500 ms"_s, Timeout);
        m_window->console()->setNode(alford);
        m_window->console()->send(u"IAMAT queued.test +34.068930-118.445127 1700000000.5"_s);
        QTRY_COMPARE_WITH_TIMEOUT(parkerCell(NodeInspector::QueuedLines), u"1"_s, Timeout);
        QTRY_COMPARE_WITH_TIMEOUT(parkerCell(NodeInspector::QueuedLines), u"0"_s, Timeout);
        QVERIFY(cluster->node(parker)->store().find("queued.test"));
    }

    // Hovering a partition action shades the groups it would leave and
    // marks the nodes that would go stale; applying it clears that.
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
    void labRunsInTheWindow()
    {
        using State = ScenarioStepModel::State;
        QString error;
        const auto lab = Herd::Scenario::lab(u"flood-path"_s, &error);
        QVERIFY2(lab, qPrintable(error));
        QVERIFY2(m_window->openScenario(*lab, &error), qPrintable(error));
        ScenarioPanel *panel = m_window->scenarioPanel();
        QVERIFY(panel->hasScenario());
        QTRY_VERIFY_WITH_TIMEOUT(panel->isVisible(), Timeout);
        ScenarioStepModel *model = panel->model();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model->rowCount(), lab->steps.size());
        QCOMPARE(model->count(State::Pending), model->rowCount());
        Herd::Cluster *cluster = m_window->cluster();

        // Step: the first step (a delay) runs once the links are up, then
        // the run holds with the second one pending.
        panel->step();
        QTRY_COMPARE_WITH_TIMEOUT(model->state(0), State::Done, Timeout);
        QVERIFY(panel->runner()->isPaused());
        QCOMPARE(model->state(1), State::Pending);
        QCOMPARE(cluster->linkDelay(u"Hamilton"_s, u"Parker"_s), 400);
        QVERIFY(panel->stateText().startsWith(u"paused before step 2"));

        QSignalSpy finished(panel, &ScenarioPanel::finished);
        panel->play();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30'000);
        QVERIFY2(finished.first().first().toBool(), qPrintable(panel->stateText()));
        int checks = 0;
        for (int row = 0; row < model->rowCount(); ++row) {
            const State state = model->state(row);
            QVERIFY2(state == State::Done || state == State::Held, qPrintable(QString::number(row)));
            QCOMPARE(state == State::Held, lab->steps.at(row).isCheck());
            checks += lab->steps.at(row).isCheck() ? 1 : 0;
        }
        QCOMPARE(model->count(State::Held), checks);
        QVERIFY(panel->stateText().startsWith(u"PASSED"));

        // The diagram drew the slow first hop: sent by Hamilton, held 400 ms
        // on the link, stored by Parker.
        bool slowHop = false;
        for (const HerdUi::SpaceTimeMessage &message : m_window->spaceTime()->history().messages()) {
            if (message.from == u"Hamilton" && message.to == u"Parker" && message.client == "kiwi.cs.ucla.edu"
                && message.outcome == HerdUi::SpaceTimeMessage::Outcome::Stored && message.writtenNs >= 0)
                slowHop = slowHop || message.writtenNs - message.sentNs >= 300'000'000;
        }
        QVERIFY(slowHop);

        // Run Again: a fresh herd, every step pending again, its nodes
        // where the user moved them.
        const QPointF moved = m_window->topology()->nodePositions().value(u"Hamilton"_s) + QPointF(-60, 25);
        m_window->topology()->nodeItem(u"Hamilton"_s)->setPos(moved);
        QSignalSpy again(panel, &ScenarioPanel::runAgainRequested);
        QMetaObject::invokeMethod(panel, &ScenarioPanel::runAgainRequested);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->scenarioPanel() != panel && m_window->scenarioPanel(), Timeout);
        QVERIFY(m_window->cluster() != cluster);
        QCOMPARE(m_window->scenarioPanel()->model()->count(State::Pending), lab->steps.size());
        QVERIFY(m_window->windowTitle().contains(u"flood-path"));
        QCOMPARE(m_window->topology()->nodePositions().value(u"Hamilton"_s), moved);
    }

    // A busy window, as a class would see it mid-demo, renders.
    void rendersBusyWindow()
    {
        Herd::Cluster *cluster = m_window->cluster();
        m_window->startTraffic(12, 6);
        cluster->setLinkCut(QStringLiteral("Bolden"), QStringLiteral("Powell"), true);
        cluster->kill(QStringLiteral("Hamilton"));
        cluster->setLinkDelay(QStringLiteral("Alford"), QStringLiteral("Parker"), 400);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->simulation()->answered() >= 8, Timeout);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->topology()->tokensInFlight() > 0, Timeout);
        // Pick the newest update that travelled several hops: the topology
        // lights them up, as after a click on its arrow.
        SpaceTimeView *diagram = m_window->spaceTime();
        const auto pickable = [diagram]() -> quint64 {
            const auto &messages = diagram->history().messages();
            for (auto it = messages.crbegin(); it != messages.crend(); ++it) {
                if (it->outcome == HerdUi::SpaceTimeMessage::Outcome::Stored
                    && diagram->history().messagesOfUpdate(it->update).size() >= 3)
                    return it->id;
            }
            return 0;
        };
        QTRY_VERIFY_WITH_TIMEOUT(pickable() != 0, Timeout);
        QVERIFY(diagram->selectMessage(pickable()));
        diagram->showAll();
        const QImage image = m_window->grab().toImage();
        QVERIFY(!image.isNull());
        QVERIFY(image.width() >= 1000);
        m_window->stopTraffic();
    }

private:
    std::unique_ptr<MainWindow> m_window;
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
