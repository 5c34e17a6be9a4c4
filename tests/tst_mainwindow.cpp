// The whole window over a live in-process herd (offscreen): the actions a
// person takes change both the core and what is drawn, and a busy window
// renders to a PNG.

#include <QAction>
#include <QFile>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "clientconsole.h"
#include "eventlogmodel.h"
#include "cluster.h"
#include "herdstats.h"
#include "knowledgemodel.h"
#include "knowledgeview.h"
#include "linkitem.h"
#include "logexport.h"
#include "logview.h"
#include "mainwindow.h"
#include "node.h"
#include "nodeitem.h"
#include "peerlink.h"
#include "simulatedclients.h"
#include "topologyview.h"

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

bool allLinksConnected(const Herd::Cluster *cluster)
{
    for (const Herd::Node *node : cluster->nodes()) {
        for (const Herd::PeerLink *link : node->links()) {
            if (node->isRunning() && link->state() != Herd::PeerLink::State::Connected)
                return false;
        }
    }
    return true;
}

QAction *action(const MainWindow &window, const QString &text)
{
    for (QAction *candidate : window.findChildren<QAction *>()) {
        if (candidate->text().remove(u'&') == text)
            return candidate;
    }
    return nullptr;
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
        QTRY_VERIFY_WITH_TIMEOUT(allLinksConnected(m_window->cluster()), Timeout);
    }

    void cleanup() { m_window.reset(); }

    void killAndRestartChangeCoreAndDrawing()
    {
        Herd::Cluster *cluster = m_window->cluster();
        QVERIFY(cluster->kill(QStringLiteral("Hamilton")));
        QVERIFY(!cluster->node(QStringLiteral("Hamilton"))->isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(m_window->topology()->nodeItem(QStringLiteral("Hamilton"))->isKilled(), Timeout);
        QVERIFY(m_window->statusText().contains(u"4 of 5 nodes running"));

        QString error;
        QVERIFY2(cluster->restart(QStringLiteral("Hamilton"), &error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->topology()->nodeItem(QStringLiteral("Hamilton"))->isRunning(), Timeout);
        QTRY_VERIFY_WITH_TIMEOUT(allLinksConnected(cluster), Timeout);
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
        QTRY_VERIFY_WITH_TIMEOUT(allLinksConnected(cluster), Timeout);
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
            QTRY_COMPARE_WITH_TIMEOUT(knowledge->cellState(knowledge->rowOf("console.test"), column), KnowledgeModel::CellState::Newest, Timeout);

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

    // A busy window, as a class would see it mid-demo. With HERD_SCREENSHOT
    // set, the picture is kept there (the README's screenshot).
    void rendersBusyWindow()
    {
        Herd::Cluster *cluster = m_window->cluster();
        m_window->startTraffic(12, 6);
        cluster->setLinkCut(QStringLiteral("Bolden"), QStringLiteral("Powell"), true);
        cluster->kill(QStringLiteral("Hamilton"));
        cluster->setLinkDelay(QStringLiteral("Alford"), QStringLiteral("Parker"), 400);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->simulation()->answered() >= 8, Timeout);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->topology()->tokensInFlight() > 0, Timeout);
        const QImage image = m_window->grab().toImage();
        QVERIFY(!image.isNull());
        QVERIFY(image.width() >= 1000);
        const QString target = qEnvironmentVariable("HERD_SCREENSHOT");
        if (!target.isEmpty()) {
            QVERIFY(image.save(target));
            // The other tabs, for a look at them too.
            auto *tabs = m_window->findChild<QTabWidget *>();
            for (int i = 1; tabs && i < tabs->count(); ++i) {
                tabs->setCurrentIndex(i);
                QVERIFY(m_window->grab().save(QString(target).replace(u".png"_s, u"-tab%1.png"_s.arg(i))));
            }
        }
        m_window->stopTraffic();
    }

private:
    std::unique_ptr<MainWindow> m_window;
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
