// SPDX-License-Identifier: GPL-3.0-or-later
// herd --check as a user runs it: bad herd files and command lines refused
// with exit 2, a herd that is down or will not start with exit 1 and the
// reason, a passing run (exit 0, every report written), a failing one
// (exit 1), SIGINT mid-run (a prompt exit, every node it started gone), and
// --list-rules. Runs the real binary against herd-double nodes it starts
// from their `run` blocks; every wait is bounded, none is a sleep.
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

#include <csignal>

#include "tests/buildtree.h"
#include "check/rule.h"
#include "tests/checksupport.h"
#include "tests/processsupport.h"

using namespace Qt::StringLiterals;
using namespace ProcessSupport;

class TestCliCheck : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void listRules();
    void badTarget_data();
    void badTarget();
    void targetDown();
    void runDoesNotStart_data();
    void runDoesNotStart();
    void passingRun();
    void failingRun();
    void interrupted();
};

namespace {

constexpr int RunTimeoutMs = 60'000; // a whole check of a few fast rules

// Processes whose command line mentions `text`: the nodes a check started
// with a herd file in a folder of this test's own.
QStringList processesMentioning(const QString &text)
{
    QStringList found;
    const QByteArray needle = text.toLocal8Bit();
    for (const QString &pid : QDir(u"/proc"_s).entryList(QDir::Dirs)) {
        bool numeric = false;
        pid.toInt(&numeric);
        QFile cmdline(u"/proc/"_s + pid + u"/cmdline"_s);
        if (!numeric || !cmdline.open(QIODevice::ReadOnly))
            continue;
        const QByteArray command = cmdline.readAll();
        if (command.contains(needle))
            found.append(pid + u": "_s + QString::fromLocal8Bit(command).replace(QChar(0), u' '));
    }
    return found;
}

// What a check left behind that it should have stopped: a port of `ports`
// still listening, a process started with a file in `dir`. Empty if nothing.
QString leftRunning(const QString &dir, const QList<quint16> &ports)
{
    QStringList left = processesMentioning(dir);
    for (const quint16 port : ports) {
        if (listening(port))
            left.append(QStringLiteral("something listens on %1").arg(port));
    }
    return left.join(u'\n');
}

// A herd file of one node A, on a port free now, with `node`'s other keys.
QString writeOneNode(const QString &dir, const QString &nodeKeys, quint16 *port = nullptr)
{
    const quint16 free = freePorts(1).value(0);
    if (port)
        *port = free;
    return writeFile(
        dir + u"/herd.json"_s,
        QStringLiteral(R"({"nodes": {"A": {"port": %1%2}}, "links": []})").arg(free).arg(nodeKeys).toUtf8());
}

// DIR/herd.json: nodes A and B, linked, each run as herd-double with its
// own defects. The path, or empty.
QString writeDoublePair(const QString &dir, const QStringList &defectsOfA = {},
                        const QStringList &defectsOfB = {})
{
    const QString path = CheckSupport::writeTarget(dir, {u"A"_s, u"B"_s}, {{u"A"_s, u"B"_s}},
                                                   CheckSupport::doubleCommand(defectsOfA));
    QFile file(path);
    if (path.isEmpty() || defectsOfA == defectsOfB || !file.open(QIODevice::ReadWrite))
        return path;
    QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    QJsonObject nodes = root.value(u"nodes"_s).toObject();
    QJsonObject b = nodes.value(u"B"_s).toObject();
    b.insert(
        u"run"_s,
        QJsonObject {{u"command"_s, QJsonArray::fromStringList(CheckSupport::doubleCommand(defectsOfB))}});
    nodes.insert(u"B"_s, b);
    root.insert(u"nodes"_s, nodes);
    file.resize(0);
    return file.write(QJsonDocument(root).toJson()) > 0 ? path : QString();
}

QList<quint16> portsOf(const QString &herdFile)
{
    QFile file(herdFile);
    QList<quint16> ports;
    if (!file.open(QIODevice::ReadOnly))
        return ports;
    const QJsonObject nodes = QJsonDocument::fromJson(file.readAll()).object().value(u"nodes"_s).toObject();
    for (const QJsonValue node : nodes)
        ports.append(quint16(node.toObject().value(u"port"_s).toInt()));
    return ports;
}

QString describe(const Finished &run)
{
    return QStringLiteral("exit %1\nstdout:\n%2\nstderr:\n%3")
        .arg(run.exitCode)
        .arg(QString::fromUtf8(run.out), QString::fromUtf8(run.err));
}

} // namespace

void TestCliCheck::initTestCase()
{
    QVERIFY2(QFileInfo(herdBinary()).isExecutable(), qPrintable(herdBinary()));
    QVERIFY2(QFileInfo(BuildTree::herdDouble()).isExecutable(), qPrintable(BuildTree::herdDouble()));
}

void TestCliCheck::listRules()
{
    QTemporaryDir dir;
    const Finished run = runHerd({u"--list-rules"_s}, dir.path());
    QVERIFY2(run.finished && run.exitCode == 0, qPrintable(describe(run)));
    const QString out = QString::fromUtf8(run.out);
    for (const Herd::Check::Rule &rule : Herd::Check::allRules()) {
        QVERIFY2(out.contains(u"  "_s + rule.id + u' '), qPrintable(rule.id + u" not in:\n"_s + out));
        QVERIFY2(out.contains(rule.title), qPrintable(rule.title));
    }
    QVERIFY(out.contains(u"(docs/protocol.md#the-reply-an-at-line)"_s));
}

void TestCliCheck::badTarget_data()
{
    // The herd file's text (@PORT@: a free port; empty: no file written),
    // the arguments after --check FILE, and what stderr's one line must hold.
    QTest::addColumn<QByteArray>("herdFile");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("fragments");

    const QByteArray good = R"({"nodes": {"A": {"port": @PORT@}}, "links": []})";
    auto withRun = [](const QByteArray &run) -> QByteArray {
        return R"({"nodes": {"A": {"port": @PORT@, "run": )" + run + R"(}}, "links": []})";
    };
    QTest::newRow("no such file") << QByteArray() << QStringList {} << QStringList {u"@FILE@: cannot read"_s};
    QTest::newRow("not JSON") << QByteArray("{\"nodes\": ") << QStringList {}
                              << QStringList {u"@FILE@: "_s, u"not valid JSON"_s};
    QTest::newRow("unknown key") << QByteArray(
        R"({"nodes": {"A": {"port": @PORT@, "colour": "red"}}, "links": []})")
                                 << QStringList {} << QStringList {u"@FILE@: nodes.A.colour: unknown key"_s};
    QTest::newRow("port 0") << QByteArray(R"({"nodes": {"A": {"port": 0}}, "links": []})") << QStringList {}
                            << QStringList {u"@FILE@: nodes.A.port: 0 cannot be checked"_s};
    QTest::newRow("run.command empty")
        << withRun(R"({"command": []})") << QStringList {}
        << QStringList {u"@FILE@: nodes.A.run.command: must be a non-empty array of strings"_s};
    QTest::newRow("run.command not strings")
        << withRun(R"({"command": ["python3", 1]})") << QStringList {}
        << QStringList {u"@FILE@: nodes.A.run.command: must be a non-empty array of strings"_s};
    QTest::newRow("run.command a string")
        << withRun(R"({"command": "python3 server.py"})") << QStringList {}
        << QStringList {u"nodes.A.run.command: must be a non-empty array of strings"_s};
    QTest::newRow("run.cwd missing") << withRun(R"({"command": ["x"], "cwd": "gone"})") << QStringList {}
                                     << QStringList {u"@FILE@: nodes.A.run.cwd: no folder @DIR@/gone"_s};
    QTest::newRow("--node unknown") << good << QStringList {u"--node"_s, u"Zed"_s}
                                    << QStringList {u"--node Zed: no such node in @FILE@ (it has A)"_s};
    QTest::newRow("--rules matching nothing")
        << good << QStringList {u"--rules"_s, u"iamat.reply,nosuch.*"_s}
        << QStringList {u"--rules nosuch.*: matches no rule"_s, u"--list-rules"_s};
    QTest::newRow("--reply-timeout 0")
        << good << QStringList {u"--reply-timeout"_s, u"0"_s}
        << QStringList {
               u"--reply-timeout must be a whole number of milliseconds from 1 to 600000, not \"0\""_s};
    QTest::newRow("--flood-bound too large") << good << QStringList {u"--flood-bound"_s, u"600001"_s}
                                             << QStringList {u"--flood-bound"_s, u"\"600001\""_s};
    QTest::newRow("--clock-tolerance not a number") << good << QStringList {u"--clock-tolerance"_s, u"2s"_s}
                                                    << QStringList {u"--clock-tolerance"_s, u"\"2s\""_s};
    QTest::newRow("--start-timeout negative") << good << QStringList {u"--start-timeout"_s, u"-5"_s}
                                              << QStringList {u"--start-timeout"_s, u"\"-5\""_s};
    QTest::newRow("with --server") << good << QStringList {u"--server"_s}
                                   << QStringList {u"--check"_s, u"drop --server"_s};
    QTest::newRow("--junit twice") << good
                                   << QStringList {u"--junit"_s, u"@DIR@/a.xml"_s, u"--junit"_s,
                                                   u"@DIR@/b.xml"_s}
                                   << QStringList {u"--junit is given more than once"_s};
}

void TestCliCheck::badTarget()
{
    QFETCH(QByteArray, herdFile);
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, fragments);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"herd.json"_s);
    if (!herdFile.isEmpty())
        QVERIFY(!writeFile(path, herdFile.replace("@PORT@", QByteArray::number(freePorts(1).value(0))))
                     .isEmpty());
    for (QStringList *texts : {&arguments, &fragments}) {
        for (QString &text : *texts)
            text.replace(u"@FILE@"_s, path).replace(u"@DIR@"_s, dir.path());
    }

    const Finished run = runHerd(QStringList {u"--check"_s, path} + arguments, dir.path());
    QVERIFY2(run.finished, "herd kept running on a bad herd file or command line");
    const QString err = QString::fromUtf8(run.err.trimmed());
    QVERIFY2(!err.contains(u'\n'), qPrintable(err));
    for (const QString &fragment : fragments)
        QVERIFY2(err.contains(fragment), qPrintable(u"\""_s + fragment + u"\" not in: "_s + err));
    QVERIFY2(!run.out.contains("checks; places"), run.out.constData());
    QCOMPARE(run.exitCode, 2);
}

void TestCliCheck::targetDown()
{
    // No `run` and nothing listening: nothing can be checked.
    QTemporaryDir dir;
    quint16 port = 0;
    const QString path = writeOneNode(dir.path(), {}, &port);
    QVERIFY(!path.isEmpty());
    const Finished run = runHerd({u"--check"_s, path, u"--reply-timeout"_s, u"500"_s}, dir.path());
    QVERIFY2(run.finished && run.exitCode == 1, qPrintable(describe(run)));
    QVERIFY2(run.err.trimmed()
                 == QStringLiteral("herd: nothing listens at any node under test: A (127.0.0.1:%1)")
                        .arg(port)
                        .toUtf8(),
             qPrintable(describe(run)));
    QVERIFY2(!run.out.contains("passed"), run.out.constData());
}

void TestCliCheck::runDoesNotStart_data()
{
    QTest::addColumn<QString>("runKeys");
    QTest::addColumn<QStringList>("fragments");
    QTest::newRow("no such program") << uR"("command": ["@DIR@/no-such-server", "{name}"])"_s
                                     << QStringList {u"herd: A: cannot start @DIR@/no-such-server: "_s};
    // A course server with a typo: Python prints a traceback and exits.
    QTest::newRow("exits at once")
        << uR"("command": ["sh", "-c", "echo Traceback for {name}; echo NameError: nme >&2; exit 3"])"_s
        << QStringList {
               u"herd: A: sh exited with status 3 before listening on 127.0.0.1:@PORT@; its last output:\n"_s,
               u"Traceback for A\n"_s, u"NameError: nme"_s};
    QTest::newRow("never listens")
        << uR"("command": ["sh", "-c", "echo waiting forever; exec tail -n 0 -f {config}"])"_s
        << QStringList {
               u"herd: A: nothing listens on 127.0.0.1:@PORT@ 700 ms after starting sh; its last output:\n"_s,
               u"waiting forever"_s};
}

void TestCliCheck::runDoesNotStart()
{
    QFETCH(QString, runKeys);
    QFETCH(QStringList, fragments);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    quint16 port = 0;
    const QString path = writeOneNode(
        dir.path(), u", \"run\": {"_s + QString(runKeys).replace(u"@DIR@"_s, dir.path()) + u'}', &port);
    QVERIFY(!path.isEmpty());
    const Finished run = runHerd({u"--check"_s, path, u"--start-timeout"_s, u"700"_s}, dir.path());
    QVERIFY2(run.finished && run.exitCode == 1, qPrintable(describe(run)));
    const QString err = QString::fromUtf8(run.err);
    for (QString fragment : fragments) {
        fragment.replace(u"@DIR@"_s, dir.path()).replace(u"@PORT@"_s, QString::number(port));
        QVERIFY2(err.contains(fragment), qPrintable(u"\""_s + fragment + u"\" not in:\n"_s + err));
    }
    QVERIFY2(run.out.contains("- starting A (output in "), run.out.constData());
    const QString left = leftRunning(dir.path(), {port});
    QVERIFY2(left.isEmpty(), qPrintable(left));
}

void TestCliCheck::passingRun()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = writeDoublePair(dir.path());
    QVERIFY(!path.isEmpty());
    const QString junit = dir.filePath(u"out/check.xml"_s);
    const QString json = dir.filePath(u"check.json"_s);
    const QString markdown = dir.filePath(u"check.md"_s);
    QVERIFY(QDir(dir.path()).mkdir(u"out"_s));
    const QString nodeLogs = dir.filePath(u"nodes"_s);
    const Finished run = runHerd({u"--check"_s, path, u"--rules"_s, u"iamat.*"_s, u"--junit"_s, junit,
                                  u"--json"_s, json, u"--markdown"_s, markdown, u"--node-logs"_s, nodeLogs},
                                 dir.path(), QProcessEnvironment::systemEnvironment(), RunTimeoutMs);
    QVERIFY2(run.finished && run.exitCode == 0, qPrintable(describe(run)));
    QVERIFY2(run.err.isEmpty(), run.err.constData());
    const int checks = int(Herd::Check::selectRules({u"iamat.*"_s}).size()) * 2;
    const QString out = QString::fromUtf8(run.out);
    QVERIFY2(
        out.contains(QStringLiteral(": %1 checks; places for the target at http://127.0.0.1:").arg(checks)),
        qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("[%1/%1] passed  ").arg(checks)), qPrintable(out));
    QVERIFY2(out.endsWith(QStringLiteral("\n%1 passed, 0 failed, 0 not run\n").arg(checks)), qPrintable(out));

    QFile xml(junit);
    QVERIFY(xml.open(QIODevice::ReadOnly));
    QXmlStreamReader reader(&xml);
    int testcases = 0;
    while (!reader.atEnd()) {
        if (reader.readNext() == QXmlStreamReader::StartElement && reader.name() == u"testcase")
            ++testcases;
        if (reader.isStartElement() && reader.name() == u"testsuite")
            QCOMPARE(reader.attributes().value(u"failures"_s).toString(), u"0"_s);
    }
    QVERIFY2(!reader.hasError(), qPrintable(reader.errorString()));
    QCOMPARE(testcases, checks);

    QFile jsonFile(json);
    QVERIFY(jsonFile.open(QIODevice::ReadOnly));
    const QJsonObject report = QJsonDocument::fromJson(jsonFile.readAll()).object();
    QCOMPARE(report.value(u"tally"_s).toObject().value(u"passed"_s).toInt(), checks);
    QCOMPARE(report.value(u"results"_s).toArray().size(), checks);
    QCOMPARE(report.value(u"run"_s).toObject().value(u"target"_s).toString(), path);
    QCOMPARE(report.value(u"run"_s).toObject().value(u"stopped"_s).toBool(), false);

    QFile card(markdown);
    QVERIFY(card.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(card.readAll());
    QVERIFY2(text.contains(QStringLiteral("**%1 passed, 0 failed, 0 not run**").arg(checks)),
             qPrintable(text));
    QVERIFY2(text.contains(u"| iamat.reply@A | passed |"_s), qPrintable(text));
    QVERIFY(!text.contains(u"## Failures"_s));

    // The started nodes' output is kept where asked.
    QVERIFY(QFileInfo::exists(nodeLogs + u"/A.log"));
    QVERIFY(QFileInfo::exists(nodeLogs + u"/B.log"));

    // Every node it started is gone.
    const QString left = leftRunning(dir.path(), portsOf(path));
    QVERIFY2(left.isEmpty(), qPrintable(left));
}

void TestCliCheck::failingRun()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = writeDoublePair(dir.path(), {u"round-diff"_s}, {u"round-diff"_s});
    const QString markdown = dir.filePath(u"card.md"_s);
    // One node, and a comma list: as a student narrows a run down.
    const Finished run = runHerd({u"--check"_s, path, u"--node"_s, u"B"_s, u"--rules"_s,
                                  u"iamat.reply,iamat.diff-exact"_s, u"--markdown"_s, markdown},
                                 dir.path(), QProcessEnvironment::systemEnvironment(), RunTimeoutMs);
    QVERIFY2(run.finished && run.exitCode == 1, qPrintable(describe(run)));
    const QString out = QString::fromUtf8(run.out);
    QVERIFY2(!out.contains(u"@A"_s), qPrintable(out));
    for (const QString &part :
         {u": 2 checks;"_s, u"[1/2] passed  iamat.reply@B"_s, u"[2/2] FAILED  iamat.diff-exact@B"_s,
          u"\nFailed: iamat.diff-exact@B ("_s, u"diffs all ending in 000"_s,
          u"transcript (> sent, < received, # note):"_s, u"\n1 passed, 1 failed, 0 not run\n"_s})
        QVERIFY2(out.contains(part), qPrintable(u"\""_s + part + u"\" not in:\n"_s + out));
    QFile card(markdown);
    QVERIFY(card.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(card.readAll());
    QVERIFY2(text.contains(u"| 2 | iamat.diff-exact@B | FAILED |"_s), qPrintable(text));
    QVERIFY2(text.contains(u"### iamat.diff-exact@B"_s), qPrintable(text));
}

void TestCliCheck::interrupted()
{
    // A answers; B reads and never answers, so its rule waits out a reply
    // timeout far longer than the test: only SIGINT ends the run in time.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = writeDoublePair(dir.path(), {}, {u"mute"_s});
    QVERIFY(!path.isEmpty());
    const QList<quint16> ports = portsOf(path);
    QCOMPARE(ports.size(), 2);

    const QString json = dir.filePath(u"stopped.json"_s);
    HerdServer herd;
    herd.start({u"--check"_s, path, u"--rules"_s, u"iamat.reply"_s, u"--reply-timeout"_s, u"600000"_s,
                u"--json"_s, json});
    QVERIFY2(herd.waitForOutput("[1/2] passed  iamat.reply@A"),
             qPrintable(QString::fromUtf8(herd.out() + herd.err())));
    // B's rule is under way once B has the IAMAT (it says so in its output).
    const QRegularExpressionMatch log =
        QRegularExpression(u"^- starting B \\(output in (.+)\\)$"_s, QRegularExpression::MultilineOption)
            .match(QString::fromUtf8(herd.out()));
    QVERIFY2(log.hasMatch(), herd.out().constData());
    const auto bHasIamat = [path = log.captured(1)] {
        QFile output(path);
        return output.open(QIODevice::ReadOnly) && output.readAll().contains("mute: IAMAT ");
    };
    QTRY_VERIFY_WITH_TIMEOUT(bHasIamat(), Timeout);
    QCOMPARE(processesMentioning(dir.path()).filter(BuildTree::herdDouble()).size(), 2); // both nodes run

    QElapsedTimer clock;
    clock.start();
    QCOMPARE(::kill(pid_t(herd.process().processId()), SIGINT), 0);
    QVERIFY2(herd.waitForExit(), "herd --check did not stop on SIGINT");
    QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(herd.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(herd.process().exitCode(), 1);
    herd.waitForOutput("not run\n"); // the rest of stdout, to its end
    const QString out = QString::fromUtf8(herd.out());
    QVERIFY2(out.contains(u"herd: SIGINT, stopping the check and every node it started"_s), qPrintable(out));
    QVERIFY2(out.contains(u"[2/2] not run iamat.reply@B"_s), qPrintable(out));
    QVERIFY2(out.contains(u"the run was stopped"_s), qPrintable(out));
    QVERIFY2(out.endsWith(u"\n1 passed, 0 failed, 1 not run\n"_s), qPrintable(out));

    QFile report(json);
    QVERIFY(report.open(QIODevice::ReadOnly));
    const QJsonObject written = QJsonDocument::fromJson(report.readAll()).object();
    QCOMPARE(written.value(u"run"_s).toObject().value(u"stopped"_s).toBool(), true);
    QCOMPARE(written.value(u"tally"_s).toObject().value(u"notRun"_s).toInt(), 1);

    const QString left = leftRunning(dir.path(), ports);
    QVERIFY2(left.isEmpty(), qPrintable(left));
}

QTEST_GUILESS_MAIN(TestCliCheck)
#include "tst_cli_check.moc"
