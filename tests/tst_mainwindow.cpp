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

class TestMainWindow : public WindowFixture
{
    Q_OBJECT

private slots:
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
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
