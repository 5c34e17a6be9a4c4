// SPDX-License-Identifier: GPL-3.0-or-later
// The window attached to a herd of three headless processes (herd
// --attach): through AttachedHerd, the same actions as on an embedded herd
// of the same file show the same (the views' models compared, not pixels);
// a process killed with SIGKILL is "not monitored", not killed, and is
// followed again once it is back; and the window draws it all (PNGs, kept
// in $HERD_ATTACH_SHOTS when that names a folder).
#include <QDir>
#include <QSignalSpy>
#include <QTest>

#include <functional>
#include <map>

#include "herd/attach/attachedherd.h"
#include "herd/attach/monitorclient.h"
#include "herd/cluster.h"
#include "herd/node/store.h"
#include "tests/attachsupport.h"
#include "tests/herdfixture.h"
#include "tests/httpclient.h"
#include "tests/lineclient.h"
#include "ui/knowledge/knowledgemodel.h"
#include "ui/mainwindow.h"
#include "ui/topology/nodeitem.h"
#include "ui/topology/topologylegend.h"
#include "ui/topology/topologyview.h"

using namespace Qt::StringLiterals;
using namespace Herd;
using namespace Herd::Test;

namespace {

constexpr int Timeout = 10'000;

using PortOf = std::function<quint16(const QString &)>;

// What the views show of a herd, to compare two: each client's cell per
// node in the Knowledge model, and each link direction's state and cut.
struct Picture
{
    std::map<QByteArray, QList<int>> knowledge;
    std::map<std::pair<QString, QString>, std::pair<int, bool>> links;
    bool operator==(const Picture &) const = default;
};

Picture pictureOf(HerdSource &herd)
{
    Picture picture;
    HerdUi::KnowledgeModel model(&herd);
    for (int row = 0; row < model.rowCount(); ++row) {
        const QByteArray client =
            model.data(model.index(row, 0), HerdUi::KnowledgeModel::RawRole).toByteArray();
        QList<int> cells;
        for (int node = 0; node < model.nodes().size(); ++node)
            cells.append(int(model.cellState(row, node)));
        picture.knowledge[client] = cells;
    }
    for (const auto &[a, b] : herd.config().links) {
        for (const auto &[from, to] : {std::pair(a, b), std::pair(b, a)}) {
            const std::optional<LinkState> link = herd.linkState(from, to);
            picture.links[{from, to}] = {link ? int(link->state) : -1, link && link->cut};
        }
    }
    return picture;
}

bool send(quint16 port, const QByteArray &line)
{
    LineClient client;
    return client.connectTo(port) && (client.send(line + '\n'), client.waitForLines(1));
}

bool allHold(const HerdSource &herd, const QByteArray &client, const QStringList &nodes)
{
    for (const QString &node : nodes) {
        const Store *store = herd.store(node);
        if (!herd.isRunning(node) || !store || !store->find(client))
            return false;
    }
    return true;
}

bool allLinksUp(const HerdSource &herd)
{
    for (const auto &[a, b] : herd.config().links) {
        for (const auto &[from, to] : {std::pair(a, b), std::pair(b, a)}) {
            const std::optional<LinkState> link = herd.linkState(from, to);
            if (!link || link->state != LinkState::State::Connected)
                return false;
        }
    }
    return true;
}

// The same story on any herd: traffic, a kill, a report while the node is
// down, a restart (resync brings it up to date), a cut, a report across
// it, and the heal. Each step waits until the herd shows it.
void actOn(HerdSource &herd, const PortOf &portOf)
{
    const QStringList all {u"A"_s, u"B"_s, u"C"_s};
    QTRY_VERIFY_WITH_TIMEOUT(allLinksUp(herd), Timeout);
    QVERIFY(send(portOf(u"A"_s), "IAMAT kiwi +34.068930-118.445127 1700000001.0"));
    QTRY_VERIFY_WITH_TIMEOUT(allHold(herd, "kiwi", all), Timeout);

    QVERIFY(herd.kill(u"B"_s));
    QTRY_VERIFY_WITH_TIMEOUT(herd.nodeStatus(u"B"_s) && !herd.isRunning(u"B"_s), Timeout);
    QCOMPARE(herd.recordCount(u"B"_s), 0);
    QVERIFY(send(portOf(u"A"_s), "IAMAT lime +34.0-118.4 1700000002.0"));
    QTRY_VERIFY_WITH_TIMEOUT(allHold(herd, "lime", {u"A"_s, u"C"_s}), Timeout);

    QString error;
    QVERIFY2(herd.restart(u"B"_s, &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(allHold(herd, "kiwi", all) && allHold(herd, "lime", all), Timeout);

    QVERIFY(herd.setLinkCut(u"A"_s, u"C"_s, true));
    QTRY_VERIFY_WITH_TIMEOUT(herd.isLinkCut(u"A"_s, u"C"_s) && herd.isLinkCut(u"C"_s, u"A"_s), Timeout);
    QVERIFY(!herd.isLinkCut(u"A"_s, u"B"_s));
    QVERIFY(send(portOf(u"C"_s), "IAMAT plum +34.1-118.3 1700000003.0"));
    QTRY_VERIFY_WITH_TIMEOUT(allHold(herd, "plum", all), Timeout); // around the cut, through B

    herd.heal();
    QTRY_VERIFY_WITH_TIMEOUT(allLinksUp(herd), Timeout);
}

} // namespace

class TestAttach : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void attachedSeesTheHerd();
    void sameAsEmbedded();
    void killedProcessIsNotMonitored();
    void windowAttached();
    void commandLine();

private:
    void saveShot(QWidget *widget, const QString &name);

    AttachSupport::ProcessHerd m_herd;
    QTemporaryDir m_shots;
};

void TestAttach::initTestCase()
{
    QVERIFY(m_herd.write());
    QVERIFY(m_herd.startAll());
}

void TestAttach::saveShot(QWidget *widget, const QString &name)
{
    const QString folder = qEnvironmentVariable("HERD_ATTACH_SHOTS", m_shots.path());
    const QString path = QDir(folder).filePath(name + u".png"_s);
    const QImage image = widget->grab().toImage();
    QVERIFY(!image.isNull());
    QVERIFY2(image.save(path), qPrintable(path));
}

void TestAttach::attachedSeesTheHerd()
{
    AttachedHerd herd(m_herd.config);
    QSignalSpy settled(&herd, &AttachedHerd::settled);
    herd.start();
    QVERIFY(settled.wait(Timeout));
    for (int i = 0; i < m_herd.names.size(); ++i) {
        const std::optional<NodeStatus> status = herd.nodeStatus(m_herd.names.at(i));
        QVERIFY(status);
        QVERIFY(status->running);
        QCOMPARE(status->port, m_herd.ports.at(i));
        QVERIFY(!herd.isOutOfSight(m_herd.names.at(i)));
    }
    QCOMPARE(herd.monitors().size(), 3);
    // Clocks: one machine, so every offset is within its uncertainty of 0
    // (the uncertainty is half a loopback round trip).
    QTRY_VERIFY_WITH_TIMEOUT(herd.clockSpread()->processes == 3, Timeout);
    // A few polls more, each a probe: the shortest round trip is kept.
    std::vector<std::unique_ptr<QSignalSpy>> polls;
    for (const MonitorClient *monitor : herd.monitors())
        polls.push_back(std::make_unique<QSignalSpy>(monitor, &MonitorClient::stateRead));
    for (const auto &spy : polls)
        QTRY_VERIFY_WITH_TIMEOUT(spy->count() >= 3, Timeout);
    for (const MonitorClient *monitor : herd.monitors()) {
        qInfo("clock of %s: offset %lld ns, uncertainty %lld ns", qPrintable(monitor->address()),
              monitor->clock().offsetNs(), monitor->clock().uncertaintyNs());
        QVERIFY(qAbs(monitor->clock().offsetNs()) <= monitor->clock().uncertaintyNs() + 1);
    }
}

void TestAttach::sameAsEmbedded()
{
    AttachedHerd attached(m_herd.config);
    QSignalSpy settled(&attached, &AttachedHerd::settled);
    attached.start();
    QVERIFY(settled.wait(Timeout));
    actOn(attached, [this](const QString &node) { return m_herd.ports.at(m_herd.names.indexOf(node)); });
    if (QTest::currentTestFailed())
        return;
    // Each monitor's own /state says the same as the attached view.
    Test::HttpClient http;
    const std::optional<Test::HttpReply> state =
        http.request("GET", u"http://127.0.0.1:%1/state"_s.arg(m_herd.monitorPorts.at(1)));
    QVERIFY(state && state->status == 200);
    QVERIFY(state->body.contains("\"plum\""));

    HerdFixture embedded;
    QVERIFY(embedded.start(m_herd.config));
    actOn(*embedded.cluster(), [&](const QString &node) { return embedded.port(node); });
    if (QTest::currentTestFailed())
        return;
    const Picture mine = pictureOf(attached);
    const Picture theirs = pictureOf(*embedded.cluster());
    QCOMPARE(mine.knowledge.size(), 3);
    QVERIFY(mine.knowledge == theirs.knowledge);
    QVERIFY(mine.links == theirs.links);
}

void TestAttach::killedProcessIsNotMonitored()
{
    AttachedHerd herd(m_herd.config);
    QSignalSpy settled(&herd, &AttachedHerd::settled);
    herd.start();
    QVERIFY(settled.wait(Timeout));
    QSignalSpy sight(&herd, &HerdSource::sightChanged);
    m_herd.processes[1]->process().kill(); // SIGKILL: no goodbye
    QVERIFY(m_herd.processes[1]->waitForExit());
    QTRY_VERIFY_WITH_TIMEOUT(herd.isOutOfSight(u"B"_s), Timeout);
    QVERIFY(!herd.nodeStatus(u"B"_s)); // not "killed": not seen
    QVERIFY(herd.isRunning(u"A"_s) && herd.isRunning(u"C"_s));
    QVERIFY(!sight.isEmpty());
    QVERIFY(!herd.kill(u"B"_s));

    QVERIFY(m_herd.startProcess(1));
    QTRY_VERIFY_WITH_TIMEOUT(herd.isRunning(u"B"_s), Timeout);
    QVERIFY(!herd.isOutOfSight(u"B"_s));
    // Resync: the restarted process learns what the others know, and the
    // attached view shows it from the stream.
    QTRY_VERIFY_WITH_TIMEOUT(allHold(herd, "kiwi", {u"A"_s, u"B"_s, u"C"_s}), Timeout);
}

void TestAttach::windowAttached()
{
    HerdUi::MainWindow attached;
    attached.resize(1400, 900);
    QString error;
    QVERIFY2(attached.attachHerd(m_herd.config, &error), qPrintable(error));
    attached.show();
    QVERIFY(attached.windowTitle().contains(u"attached"));
    QTRY_VERIFY_WITH_TIMEOUT(attached.topology() && attached.topology()->nodeItem(u"C"_s)
                                 && attached.topology()->nodeItem(u"C"_s)->isRunning(),
                             Timeout);
    QVERIFY(attached.herd()->kill(u"C"_s));
    QTRY_VERIFY_WITH_TIMEOUT(attached.topology()->nodeItem(u"C"_s)->isKilled(), Timeout);
    QVERIFY(attached.herd()->setLinkCut(u"A"_s, u"B"_s, true));
    QTRY_VERIFY_WITH_TIMEOUT(attached.statusText().contains(u"1 cut"), Timeout);
    QVERIFY(send(m_herd.ports.at(0), "IAMAT fig +34.2-118.2 1700000004.0"));
    QTRY_VERIFY_WITH_TIMEOUT(attached.herd()->recordCount(u"A"_s) >= 4, Timeout);
    QTest::qWait(300); // not a synchronisation: the animation runs a few frames for the picture
    saveShot(&attached, u"attached"_s);

    HerdUi::MainWindow embedded;
    embedded.resize(1400, 900);
    HerdConfig config = m_herd.config;
    for (NodeConfig &node : config.nodes)
        node.port = 0;
    QVERIFY2(embedded.openHerd(config, &error), qPrintable(error));
    embedded.show();
    QVERIFY(embedded.herd()->kill(u"C"_s));
    QVERIFY(embedded.herd()->setLinkCut(u"A"_s, u"B"_s, true));
    QTRY_VERIFY_WITH_TIMEOUT(embedded.topology()->nodeItem(u"C"_s)->isKilled(), Timeout);
    saveShot(&embedded, u"embedded"_s);

    // A process gone: its node is drawn "not monitored", and counted.
    m_herd.processes[0]->process().kill();
    QVERIFY(m_herd.processes[0]->waitForExit());
    QTRY_VERIFY_WITH_TIMEOUT(attached.statusText().contains(u"1 not monitored"), Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(attached.topology()->nodeItem(u"A"_s)
                                 && attached.topology()->nodeItem(u"A"_s)->look()
                                     == HerdUi::TopologyStyle::NodeLook::NotMonitored,
                             Timeout);
    // The legend explains the grey card while there is one, and stays off the herd.
    QVERIFY(attached.topology()->legend()->showsNotMonitored());
    QVERIFY(!attached.topology()->legendCoversNode());
    QTest::qWait(300);
    saveShot(&attached, u"attached-not-monitored"_s);

    QVERIFY(m_herd.startProcess(0));
    QTRY_VERIFY_WITH_TIMEOUT(
        attached.topology()->nodeItem(u"A"_s) && attached.topology()->nodeItem(u"A"_s)->isRunning(), Timeout);
    QVERIFY(!attached.statusText().contains(u"not monitored"));
    QVERIFY(!attached.topology()->legend()->showsNotMonitored());
    QVERIFY(!attached.topology()->legendCoversNode());
}

// herd --attach: a display is needed, nothing else goes with it, and every
// node must name its monitor; each mistake is one clear line and exit 2.
void TestAttach::commandLine()
{
    QProcessEnvironment noDisplay = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        noDisplay.remove(QString::fromLatin1(name));
    ProcessSupport::Finished run =
        ProcessSupport::runHerd({u"--attach"_s, m_herd.file}, m_herd.dir.path(), noDisplay);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains("--attach opens the window, and there is no display here"),
             run.err.constData());

    run = ProcessSupport::runHerd({u"--attach"_s, m_herd.file, u"--server"_s}, m_herd.dir.path());
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains("--attach shows a herd that runs elsewhere and runs none; drop --server"),
             run.err.constData());

    const QString plain = ProcessSupport::writeHerdFile(m_herd.dir.filePath(u"plain.json"_s),
                                                        {{u"A"_s, 1}, {u"B"_s, 2}}, {{u"A"_s, u"B"_s}});
    QProcessEnvironment offscreen = QProcessEnvironment::systemEnvironment();
    offscreen.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    run = ProcessSupport::runHerd({u"--attach"_s, plain}, m_herd.dir.path(), offscreen);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains("every node names its process's monitor")
                 && run.err.contains("these do not: A, B"),
             run.err.constData());

    QVERIFY(ProcessSupport::runHerd({u"--help"_s}, m_herd.dir.path()).out.contains("--attach FILE"));
}

QTEST_MAIN(TestAttach)
#include "tst_attach.moc"
