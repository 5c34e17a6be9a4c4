// SPDX-License-Identifier: GPL-3.0-or-later
// `herd --scenario --record` and `herd --replay --at --state`: a lab
// recorded and replayed holds, at its end, what its nodes answered; early on
// it holds nothing; a recording cut off still replays; bad flags exit 2.
// Runs the real binary; every wait is bounded.

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <memory>

#include "tests/buildtree.h"
#include "tests/processsupport.h"

using namespace Qt::StringLiterals;
using ProcessSupport::Finished;

namespace {

constexpr int Timeout = 30'000;

QString floodPath()
{
    return BuildTree::sourceDir() + QStringLiteral("/resources/labs/flood-path.json");
}

} // namespace

class tst_RecordCli : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void labRecordedAndReplayed();
    void cutOffRecordingReplaysWithANote();
    void savedScenarioReproducesADivergence();
    void recordingsOfTwoProcessesMerge();
    void badFlagsExitTwo();
    void replayAloneWithoutADisplaySaysSo();

private:
    Finished herd(const QStringList &arguments) const
    {
        return ProcessSupport::runHerd(arguments, m_dir.path(), QProcessEnvironment::systemEnvironment(),
                                       Timeout);
    }
    QJsonObject stateAt(const QString &at, QByteArray *err = nullptr) const;

    QTemporaryDir m_dir;
    QString m_recording;
};

void tst_RecordCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFileInfo(ProcessSupport::herdBinary()).isExecutable(),
             qPrintable(ProcessSupport::herdBinary()));
    m_recording = m_dir.filePath(u"flood-path.jsonl"_s);
    const Finished run =
        herd({u"--scenario"_s, floodPath(), u"--record"_s, m_recording, u"--log"_s, u"none"_s});
    QVERIFY2(run.finished && run.exitCode == 0, QByteArray(run.out + run.err).constData());
    QVERIFY2(run.out.contains("Recording: "), run.out.constData());
}

QJsonObject tst_RecordCli::stateAt(const QString &at, QByteArray *err) const
{
    const Finished run = herd({u"--replay"_s, m_recording, u"--at"_s, at, u"--state"_s});
    if (err)
        *err = run.err;
    if (!run.finished || run.exitCode != 0) {
        qWarning("herd --replay: %s", run.err.constData());
        return {};
    }
    return QJsonDocument::fromJson(run.out).object();
}

void tst_RecordCli::labRecordedAndReplayed()
{
    // The lab's last report, flooded everywhere: every node holds the same
    // line, and it is the one Powell's WHATSAT answered with in the lab's
    // earlier step only in its origin (Hamilton).
    const QJsonObject end = stateAt(u"end"_s);
    const QJsonObject nodes = end.value("nodes"_L1).toObject();
    QCOMPARE(nodes.keys(), (QStringList {u"Alford"_s, u"Bolden"_s, u"Hamilton"_s, u"Parker"_s, u"Powell"_s}));
    const QString line =
        nodes.value("Hamilton"_L1)["records"_L1]["kiwi.cs.ucla.edu"_L1]["line"_L1].toString();
    QVERIFY2(line.startsWith(u"AT Hamilton "_s) && line.contains(u" +34.070000-118.440000 "_s),
             qPrintable(line));
    for (const QString &name : nodes.keys()) {
        const QJsonObject node = nodes.value(name).toObject();
        QVERIFY(node.value("running"_L1).toBool());
        QCOMPARE(node.value("records"_L1).toObject().keys(), QStringList {u"kiwi.cs.ucla.edu"_s});
        QCOMPARE(node["records"_L1]["kiwi.cs.ucla.edu"_L1]["line"_L1].toString(), line);
        QCOMPARE(node["records"_L1]["kiwi.cs.ucla.edu"_L1]["origin"_L1].toString(), u"Hamilton"_s);
    }
    // The lab's delays were set and cleared: the links are up, undelayed.
    for (const QJsonValue link : end.value("links"_L1).toArray()) {
        QVERIFY(link["up"_L1].toBool());
        QCOMPARE(link["delayMs"_L1].toInt(), 0);
    }

    // At the start: nodes but no records yet.
    const QJsonObject start = stateAt(u"0"_s);
    QCOMPARE(start.value("at"_L1).toDouble(), 0.0);
    for (const QJsonValue node : start.value("nodes"_L1).toObject())
        QVERIFY(node["records"_L1].toObject().isEmpty());

    // Half a second in, the first report is at Hamilton and Parker only,
    // under the lab's 400 ms delays, and the delays are in force.
    const QJsonObject middle = stateAt(u"0.6"_s);
    const QJsonObject atMiddle = middle.value("nodes"_L1).toObject();
    QCOMPARE(atMiddle["Hamilton"_L1]["records"_L1].toObject().size(), 1);
    QVERIFY(atMiddle["Powell"_L1]["records"_L1].toObject().isEmpty());
    bool delayed = false;
    for (const QJsonValue link : middle.value("links"_L1).toArray())
        delayed = delayed || link["delayMs"_L1].toInt() == 400;
    QVERIFY(delayed);
}

void tst_RecordCli::cutOffRecordingReplaysWithANote()
{
    QFile whole(m_recording);
    QVERIFY(whole.open(QIODevice::ReadOnly));
    const QByteArray bytes = whole.readAll();
    const QString cut = m_dir.filePath(u"cut.jsonl"_s);
    QVERIFY(!ProcessSupport::writeFile(cut, bytes.left(bytes.size() - 10)).isEmpty());
    const Finished run = herd({u"--replay"_s, cut, u"--state"_s});
    QVERIFY2(run.finished && run.exitCode == 0, run.err.constData());
    const qsizetype lines = bytes.count('\n');
    const QByteArray note = "cut.jsonl ends mid-line at line " + QByteArray::number(lines);
    QVERIFY2(run.err.contains(note), run.err.constData());
    QCOMPARE(QJsonDocument::fromJson(run.out).object().value("events"_L1).toInt(), lines - 2);
}

void tst_RecordCli::savedScenarioReproducesADivergence()
{
    // Without resync, C never hears of kiwi's second report once B -> C is
    // cut: the run ends divided, and so must the scenario made from it.
    const QString lab = ProcessSupport::writeFile(m_dir.filePath(u"divided.json"_s), R"({
        "name": "divided", "resync": false,
        "herd": {"nodes": {"A": {"port": 0}, "B": {"port": 0}, "C": {"port": 0}},
                 "links": [["A", "B"], ["B", "C"]], "reconnect": {"initialMs": 10, "maxMs": 100}},
        "steps": [
            {"do": "iamat", "node": "A", "client": "kiwi", "position": "+34-118", "time": "1700000000"},
            {"do": "expect", "agree": true, "withinMs": 5000},
            {"do": "cut", "from": "B", "to": "C"},
            {"do": "iamat", "node": "A", "client": "kiwi", "position": "+35-118", "time": "1700000100"},
            {"do": "expect", "holds": {"node": "B", "client": "kiwi"}, "withinMs": 5000},
            {"do": "expect", "stale": {"node": "C", "client": "kiwi"}, "forMs": 200}]})");
    const QString recording = m_dir.filePath(u"divided.jsonl"_s);
    Finished run = herd({u"--scenario"_s, lab, u"--record"_s, recording});
    QVERIFY2(run.finished && run.exitCode == 0, run.out.constData());
    const QString saved = m_dir.filePath(u"again.json"_s);
    run = herd({u"--replay"_s, recording, u"--save-scenario"_s, saved});
    QVERIFY2(run.finished && run.exitCode == 0, run.err.constData());

    QFile file(saved);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonArray steps = QJsonDocument::fromJson(file.readAll()).object().value("steps"_L1).toArray();
    QStringList kinds;
    QStringList expected;
    for (const QJsonValue step : steps) {
        kinds.append(step["do"_L1].toString());
        if (step["do"_L1] == u"expect"_s) {
            const bool stale = step["stale"_L1].isObject();
            expected.append((stale ? u"stale "_s : u"holds "_s)
                            + step[stale ? "stale"_L1 : "holds"_L1]["node"_L1].toString());
        }
    }
    QCOMPARE(kinds.filter(u"iamat"_s).size(), 2);
    QCOMPARE(kinds.filter(u"cut"_s).size(), 1);
    QCOMPARE(expected, (QStringList {u"holds A"_s, u"holds B"_s, u"stale C"_s}));

    run = herd({u"--scenario"_s, saved, u"--record"_s, m_dir.filePath(u"again.jsonl"_s)});
    QVERIFY2(run.finished && run.exitCode == 0, run.out.constData());
    QVERIFY2(run.out.contains("PASSED"), run.out.constData());
}

void tst_RecordCli::recordingsOfTwoProcessesMerge()
{
    using namespace ProcessSupport;
    const QStringList names {u"A"_s, u"B"_s};
    std::map<QString, std::unique_ptr<HerdServer>> servers;
    QList<quint16> ports;
    // Ports are picked free just before use; if one is taken meanwhile, try once more.
    for (int attempt = 0; attempt < 2; ++attempt) {
        servers.clear();
        ports = freePorts(2);
        QCOMPARE(ports.size(), 2);
        const QString file =
            writeHerdFile(m_dir.filePath(u"two.json"_s), {{names[0], ports[0]}, {names[1], ports[1]}},
                          {{names[0], names[1]}});
        QVERIFY(!file.isEmpty());
        bool allUp = true;
        for (const QString &name : names) {
            servers[name] = std::make_unique<HerdServer>();
            servers[name]->start({u"--server"_s, u"--config"_s, file, u"--node"_s, name, u"--log"_s,
                                  u"none"_s, u"--record"_s, m_dir.filePath(name + u".jsonl"_s)});
        }
        for (const QString &name : names)
            allUp = servers[name]->waitForOutput(" listening on ") && allUp;
        if (allUp)
            break;
        QVERIFY2(attempt == 0, "a herd process did not start twice in a row");
    }
    QVERIFY(servers[u"A"_s]->waitForOutput("A: link to B up"));
    QVERIFY(servers[u"B"_s]->waitForOutput("B: link to A up"));
    Client client;
    QVERIFY(client.connectTo(ports[0]));
    const QByteArray answer = client.ask("IAMAT kiwi +34.068930-118.445127 1700000000.5");
    QVERIFY2(answer.startsWith("AT A "), answer.constData());
    QVERIFY(waitUntilKnown(ports[1], "kiwi", answer));
    for (const QString &name : names) {
        QVERIFY(servers[name]->terminate());
        QVERIFY2(servers[name]->out().contains("recording written"), servers[name]->out().constData());
    }

    const Finished run =
        herd({u"--replay"_s, m_dir.filePath(u"A.jsonl"_s), m_dir.filePath(u"B.jsonl"_s), u"--state"_s});
    QVERIFY2(run.finished && run.exitCode == 0, run.err.constData());
    const QJsonObject state = QJsonDocument::fromJson(run.out).object();
    for (const QString &name : names) {
        const QJsonObject node = state["nodes"_L1][name].toObject();
        QVERIFY2(node["running"_L1].toBool(), qPrintable(name));
        QCOMPARE(node["records"_L1]["kiwi"_L1]["line"_L1].toString(), QString::fromUtf8(answer));
    }
    // A -> B from one file, B -> A from the other. A stopped first, and its
    // recording ended just before, with its link up; B may have seen it go.
    const QJsonArray links = state["links"_L1].toArray();
    QCOMPARE(links.size(), 2);
    QCOMPARE(links[0]["from"_L1].toString(), u"A"_s);
    QVERIFY(links[0]["up"_L1].toBool());
    QCOMPARE(links[1]["from"_L1].toString(), u"B"_s);
}

void tst_RecordCli::badFlagsExitTwo()
{
    const QString foreign = ProcessSupport::writeFile(m_dir.filePath(u"foreign.txt"_s), "hello\n");
    const std::pair<QStringList, QByteArray> cases[] = {
        {{u"--replay"_s, foreign}, "not a Herd recording or node log"},
        {{u"--save-scenario"_s, u"x.json"_s}, "--save-scenario only makes sense with --replay"},
        {{u"--replay"_s, m_recording, u"--at"_s, u"soon"_s, u"--state"_s}, "--at must be seconds"},
        {{u"--replay"_s, m_recording, u"--at"_s, u"-1"_s, u"--state"_s}, "--at must be seconds"},
        {{u"--replay"_s, m_recording, u"--state"_s, u"--server"_s}, "drop --server"},
        {{u"--state"_s}, "--state only makes sense with --replay"},
        {{u"--at"_s, u"3"_s}, "--at only makes sense with --replay"},
        {{u"--record"_s, u"x.jsonl"_s}, "--record works with --server and --scenario"},
        {{u"--server"_s, u"--record"_s, u""_s}, "--record needs a file name"},
        {{u"--replay"_s, foreign, u"--state"_s}, "foreign.txt line 1: not a Herd recording or node log"},
        {{u"--replay"_s, m_dir.filePath(u"none.jsonl"_s), u"--state"_s}, "none.jsonl: cannot open"},
        {{u"--scenario"_s, floodPath(), u"--record"_s, m_dir.filePath(u"no/such/dir/r.jsonl"_s)},
         "cannot record to"},
    };
    for (const auto &[arguments, message] : cases) {
        const Finished run = herd(arguments);
        QVERIFY2(run.finished, qPrintable(arguments.join(u' ')));
        QVERIFY2(run.exitCode == (message == "cannot record to" ? 1 : 2),
                 qPrintable(arguments.join(u' ') + u": exit "_s + QString::number(run.exitCode)));
        QVERIFY2(run.err.contains(message), run.err.constData());
    }
}

// --replay alone opens the window: with no display there is none to open.
void tst_RecordCli::replayAloneWithoutADisplaySaysSo()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const QString &name : {u"DISPLAY"_s, u"WAYLAND_DISPLAY"_s, u"QT_QPA_PLATFORM"_s})
        environment.remove(name);
    const Finished run =
        ProcessSupport::runHerd({u"--replay"_s, m_recording}, m_dir.path(), environment, Timeout);
    QVERIFY(run.finished);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains("--replay alone opens the window, and there is none here"),
             run.err.constData());
    QVERIFY(run.out.isEmpty());
}

QTEST_GUILESS_MAIN(tst_RecordCli)
#include "tst_record_cli.moc"
