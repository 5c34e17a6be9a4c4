// SPDX-License-Identifier: GPL-3.0-or-later
// `herd --scenario`: its exit codes (passed, failed, bad file, bad command
// line), that it never opens a window, and its logs and --verbose output.
// Runs the real binary; every wait is bounded.

#include <QFile>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

#include "tests/processsupport.h"
#include "tests/scenariosupport.h"

using namespace ScenarioSupport;
using namespace Qt::StringLiterals;
using ProcessSupport::Finished;

class tst_ScenarioCli : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cliExitCodes();
    void cliNeverOpensAWindow();
    void cliLogsAndVerbose();

private:
    // herd in m_dir, bounded by the scenario suites' Timeout.
    Finished runHerd(const QStringList &arguments,
                     const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment()) const;

    QTemporaryDir m_dir;
};

void tst_ScenarioCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFileInfo(ProcessSupport::herdBinary()).isExecutable(),
             qPrintable(ProcessSupport::herdBinary()));
}

Finished tst_ScenarioCli::runHerd(const QStringList &arguments, const QProcessEnvironment &environment) const
{
    return ProcessSupport::runHerd(arguments, m_dir.path(), environment, Timeout);
}

void tst_ScenarioCli::cliExitCodes()
{
    auto write = [this](const QString &name, const QByteArray &json) {
        return ProcessSupport::writeFile(m_dir.filePath(name), json);
    };
    const QString logs = m_dir.filePath(u"cli-logs"_s);
    const QString good = write(u"good.json"_s, onChain(R"(
        {"do": "iamat", "node": "A", "client": "kiwi", "position": "+34-118"},
        {"do": "expect", "holds": {"node": "C", "client": "kiwi"}, "withinMs": 5000})"));
    const QString wrong = write(u"wrong.json"_s, onChain(R"(
        {"do": "iamat", "node": "A", "client": "kiwi", "position": "+34-118", "time": "1700000000.5"},
        {"do": "expect", "holds": {"node": "C", "client": "kiwi", "time": "1700000001"}, "withinMs": 200})"));
    const QString bad =
        write(u"bad.json"_s, onChain(R"({"do": "heal"}, {"do": "cut", "from": "A", "to": "Bee"})"));

    Finished run = runHerd({u"--scenario"_s, good, u"--log-dir"_s, logs});
    QVERIFY(run.finished);
    QVERIFY2(run.err.isEmpty(), run.err.constData());
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.startsWith("Scenario: chain\n  A test.\nHerd: inline: A, B, C; 2 link(s); resync on\n"),
             run.out.constData());
    QVERIFY2(run.out.contains("   2. expect C holds kiwi from the newest sent within 5000 ms: held after "),
             run.out.constData());
    QVERIFY2(run.out.endsWith("all 1 expectation(s) held; every action done.\nPASSED\n"),
             run.out.constData());

    run = runHerd({u"--scenario"_s, wrong, u"--log-dir"_s, logs});
    QVERIFY(run.finished);
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.out.contains("FAILED: C holds kiwi from 1700000000.5 (expected 1700000001) after "),
             run.out.constData());
    QVERIFY2(run.out.endsWith("\nFAILED\n"), run.out.constData());
    QVERIFY2(run.err.isEmpty(), run.err.constData());

    run = runHerd({u"--scenario"_s, bad, u"--log-dir"_s, logs});
    QVERIFY(run.finished);
    QCOMPARE(run.exitCode, 2);
    QCOMPARE(QString::fromLocal8Bit(run.err),
             u"herd: "_s + bad + u": step 2 (cut): \"to\": unknown node \"Bee\" (nodes: A, B, C)\n"_s);
    QVERIFY(run.out.isEmpty());

    // A bad command line is 2 as well, with one line naming the problem.
    for (const QStringList &arguments : {QStringList {u"--scenario"_s, good, u"--server"_s},
                                         QStringList {u"--scenario"_s, good, u"--preset"_s, u"blake"_s},
                                         QStringList {u"--scenario"_s, good, u"--node"_s, u"A"_s},
                                         QStringList {u"--scenario"_s, good, u"--scenario"_s, good},
                                         QStringList {u"--scenario"_s, m_dir.filePath(u"missing.json"_s)}}) {
        run = runHerd(arguments);
        QVERIFY(run.finished);
        QCOMPARE(run.exitCode, 2);
        QCOMPARE(run.err.count('\n'), 1);
        QVERIFY2(run.err.contains("--server") || run.err.contains("--preset") || run.err.contains("--node")
                     || run.err.contains("--scenario") || run.err.contains("missing.json"),
                 run.err.constData());
    }
}

void tst_ScenarioCli::cliNeverOpensAWindow()
{
    // With a display (or a platform chosen on purpose) plain `herd` opens the
    // window; `herd --scenario` must still run headless and exit, which it
    // could not do with a window open.
    const QString file = ProcessSupport::writeFile(
        m_dir.filePath(u"window.json"_s),
        onChain(R"({"do": "iamat", "node": "B", "client": "kiwi", "position": "+34-118"})"));
    QVERIFY(!file.isEmpty());
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    environment.insert(u"DISPLAY"_s, u":0"_s);
    const Finished run =
        runHerd({u"--scenario"_s, file, u"--log-dir"_s, m_dir.filePath(u"window-logs"_s)}, environment);
    QVERIFY2(run.finished, "herd --scenario did not exit");
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.endsWith("PASSED\n"), run.out.constData());
}

void tst_ScenarioCli::cliLogsAndVerbose()
{
    const QString file = ProcessSupport::writeFile(
        m_dir.filePath(u"verbose.json"_s),
        onChain(R"({"do": "iamat", "node": "A", "client": "kiwi", "position": "+34-118"},
                   {"do": "expect", "agree": true, "withinMs": 5000})"));
    QVERIFY(!file.isEmpty());
    const QString logs = m_dir.filePath(u"verbose-logs"_s);
    const Finished run = runHerd({u"--scenario"_s, file, u"--log-dir"_s, logs, u"--verbose"_s});
    QVERIFY(run.finished);
    QCOMPARE(run.exitCode, 0);
    // Every event, as the server mode prints it, between the report's lines.
    QVERIFY2(run.out.contains("\tA\tstored\t"), run.out.constData());
    QVERIFY2(run.out.contains("\tC\tstored\t"), run.out.constData());
    QVERIFY2(run.out.contains(QByteArray("Logs: " + logs.toLocal8Bit() + "/<node>.log\n")),
             run.out.constData());
    for (const char *node : {"A", "B", "C"}) {
        QFile log(logs + u'/' + QString::fromLatin1(node) + u".log"_s);
        QVERIFY2(log.open(QIODevice::ReadOnly), qPrintable(log.fileName()));
        const QByteArray text = log.readAll();
        QVERIFY2(text.contains("\tstored\t") && text.contains("\tkiwi\t"), text.constData());
    }
}

QTEST_GUILESS_MAIN(tst_ScenarioCli)
#include "tst_scenario_cli.moc"
