// SPDX-License-Identifier: GPL-3.0-or-later
// The herd executable seen from outside (README.md, "The command line"):
// help, version, presets, every bad command line, a port in use, a clean
// headless run with logs, and one herd split over two processes. Runs the
// real binary with QProcess; every wait is bounded, none is a sleep.

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include <sys/stat.h>

#include "herd/config/herdconfig.h"
#include "tests/processsupport.h"

using namespace Qt::StringLiterals;
using namespace ProcessSupport;

namespace {

// A herd file of Alford and Parker, linked, on two ports free now, in
// `dir`: its path, or empty. `ports` gets the ports.
QString writeAlfordParker(const QTemporaryDir &dir, QList<quint16> *ports)
{
    *ports = freePorts(2);
    if (ports->size() != 2)
        return {};
    return writeHerdFile(dir.filePath(u"good.json"_s),
                         {{u"Alford"_s, ports->at(0)}, {u"Parker"_s, ports->at(1)}},
                         {{u"Alford"_s, u"Parker"_s}});
}

// The tab-separated log lines of `path` whose kind is `kind`, as fields.
QList<QByteArrayList> logLines(const QString &path, const QByteArray &kind)
{
    QFile file(path);
    QList<QByteArrayList> result;
    if (!file.open(QIODevice::ReadOnly))
        return result;
    for (const QByteArray &line : file.readAll().split('\n')) {
        const QByteArrayList fields = line.split('\t');
        if (fields.size() == 7 && fields.at(2) == kind)
            result.append(fields);
    }
    return result;
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void help_data();
    void help();
    void version();
    void listPresets();
    void badCommandLine_data();
    void badCommandLine();
    void portInUse();
    void headlessRun_data();
    void headlessRun();
    void logDetail_data();
    void logDetail();
    void unwritableLog_data();
    void unwritableLog();
    void logWriteFails();
    void logWriteFailsInScenario();
    void herdOverTwoProcesses();

private:
    QTemporaryDir m_dir;
};

void TestCli::initTestCase()
{
    QVERIFY2(QFileInfo(herdBinary()).isExecutable(), qPrintable(herdBinary()));
    QVERIFY(m_dir.isValid());
}

void TestCli::help_data()
{
    QTest::addColumn<QString>("flag");
    QTest::newRow("--help") << u"--help"_s;
    QTest::newRow("-h") << u"-h"_s;
}

void TestCli::help()
{
    QFETCH(QString, flag);
    const Finished run = runHerd({flag}, m_dir.path());
    QVERIFY(run.finished);
    QCOMPARE(run.exitStatus, QProcess::NormalExit);
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.err.isEmpty(), run.err.constData());
    // Every option the parser knows is documented.
    for (const char *option : {"--server", "--scenario", "--preset", "--config", "--node", "--log-dir",
                               "--places-url", "--places-api", "--places-file", "--places-timeout",
                               "--list-presets", "--verbose", "--help", "--version"}) {
        QVERIFY2(run.out.contains(option), option);
    }
    // Every herd-file limit is documented too.
    for (const char *limit : {"maxLineBytes", "maxConnections", "idleTimeoutMs", "maxPendingReplyBytes",
                              "maxWhatsatPerConnection", "maxWhatsatPerNode", "maxClientTimeAheadMs"}) {
        QVERIFY2(run.out.contains(limit), limit);
    }
    QVERIFY(run.out.contains("Usage"));
    QVERIFY(run.out.contains("Exit status"));
    QVERIFY(run.out.contains("alford")); // the default preset
}

void TestCli::version()
{
    const Finished run = runHerd({u"--version"_s}, m_dir.path());
    QVERIFY(run.finished);
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(QRegularExpression(u"^herd \\d+\\.\\d+\\.\\d+"_s).match(QString::fromUtf8(run.out)).hasMatch(),
             run.out.constData());
    QCOMPARE(run.out.count('\n'), 1);
    QVERIFY(run.err.isEmpty());
}

void TestCli::listPresets()
{
    const Finished run = runHerd({u"--list-presets"_s}, m_dir.path());
    QVERIFY(run.finished);
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.err.isEmpty());
    for (const QString &preset : Herd::HerdConfig::presetNames()) {
        QVERIFY2(run.out.contains(QByteArray('\n' + preset.toUtf8())) || run.out.startsWith(preset.toUtf8()),
                 qPrintable(preset));
        const std::optional<Herd::HerdConfig> config = Herd::HerdConfig::preset(preset, nullptr);
        QVERIFY(config);
        for (const QString &node : config->nodeNames())
            QVERIFY2(run.out.contains(node.toUtf8()), qPrintable(node));
    }
    QVERIFY(run.out.contains("alford (default)"));
    QVERIFY(run.out.contains("Alford-Parker"));
    QVERIFY(run.out.contains("Juzang-Campbell"));
}

void TestCli::badCommandLine_data()
{
    // @DIR@: a fresh directory; @GOOD@: a good herd file on free ports;
    // @BAD@: a herd file with an unknown key; @NOTJSON@: not JSON at all;
    // @FIFO@: a named pipe nobody writes to; @HUGE@: a sparse file of 256 MiB
    // and one byte.
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("fragments"); // each must be in stderr's first line
    QTest::addColumn<int>("exitCode");

    auto row = [](const char *name, const QStringList &arguments, const QStringList &fragments,
                  int exitCode = 2) { QTest::newRow(name) << arguments << fragments << exitCode; };
    const QString server = u"--server"_s;
    const QString logDir = u"--log-dir"_s;
    const QString logs = u"@DIR@/logs"_s;
    row("unknown flag", {server, u"--bogus"_s, logDir, logs}, {u"bogus"_s});
    row("positional argument", {server, u"extra"_s, logDir, logs}, {u"extra"_s});
    row("two presets", {server, u"--preset"_s, u"alford"_s, u"--preset"_s, u"blake"_s, logDir, logs},
        {u"--preset"_s});
    row("two configs", {server, u"--config"_s, u"@GOOD@"_s, u"--config"_s, u"@GOOD@"_s, logDir, logs},
        {u"--config"_s});
    row("preset and config", {server, u"--preset"_s, u"alford"_s, u"--config"_s, u"@GOOD@"_s, logDir, logs},
        {u"--preset"_s, u"--config"_s});
    row("unknown preset", {server, u"--preset"_s, u"nosuch"_s, logDir, logs}, {u"nosuch"_s});
    row("config without a value", {server, logDir, logs, u"--config"_s}, {u"config"_s});
    row("missing config file", {server, u"--config"_s, u"@DIR@/missing.json"_s, logDir, logs},
        {u"missing.json"_s});
    row("bad config file", {server, u"--config"_s, u"@BAD@"_s, logDir, logs}, {u"bad.json"_s, u"colour"_s});
    row("config not JSON", {server, u"--config"_s, u"@NOTJSON@"_s, logDir, logs}, {u"line 1"_s, u"column"_s});
    row("unknown node", {server, u"--config"_s, u"@GOOD@"_s, u"--node"_s, u"Nobody"_s, logDir, logs},
        {u"Nobody"_s});
    row("--node without --server", {u"--config"_s, u"@GOOD@"_s, u"--node"_s, u"Alford"_s, logDir, logs},
        {u"--node"_s, u"--server"_s});
    row("bogus --places-api",
        {server, u"--config"_s, u"@GOOD@"_s, u"--places-api"_s, u"bogus"_s, logDir, logs},
        {u"--places-api"_s, u"bogus"_s});
    row("--places-timeout 0",
        {server, u"--config"_s, u"@GOOD@"_s, u"--places-timeout"_s, u"0"_s, logDir, logs},
        {u"--places-timeout"_s});
    row("--places-timeout soon",
        {server, u"--config"_s, u"@GOOD@"_s, u"--places-timeout"_s, u"soon"_s, logDir, logs},
        {u"--places-timeout"_s});
    row("--threads 0", {server, u"--config"_s, u"@GOOD@"_s, u"--threads"_s, u"0"_s, logDir, logs},
        {u"--threads"_s, u"\"0\""_s});
    row("--threads x", {server, u"--config"_s, u"@GOOD@"_s, u"--threads"_s, u"x"_s, logDir, logs},
        {u"--threads"_s, u"\"x\""_s});
    row("--threads with --scenario", {u"--scenario"_s, u"@GOOD@"_s, u"--threads"_s, u"2"_s, logDir, logs},
        {u"--threads"_s, u"--scenario"_s});
    row("--threads with --monitor",
        {server, u"--config"_s, u"@GOOD@"_s, u"--threads"_s, u"2"_s, u"--monitor"_s, u"0"_s, logDir, logs},
        {u"--threads"_s, u"--monitor"_s});
    row("--places-file with --places-url",
        {server, u"--config"_s, u"@GOOD@"_s, u"--places-file"_s, u"@DIR@/p.geojson"_s, u"--places-url"_s,
         u"http://127.0.0.1:9/x"_s, logDir, logs},
        {u"--places-file"_s});
    row("missing --places-file",
        {server, u"--config"_s, u"@GOOD@"_s, u"--places-file"_s, u"@DIR@/none.geojson"_s, logDir, logs},
        {u"none.geojson"_s});
    row("empty --log-dir", {server, u"--config"_s, u"@GOOD@"_s, logDir, QString()}, {u"--log-dir"_s});
    row("bogus --log", {server, u"--config"_s, u"@GOOD@"_s, u"--log"_s, u"lines"_s, logDir, logs},
        {u"--log"_s, u"lines"_s, u"changes"_s});
    row("--scenario with --server", {server, u"--scenario"_s, u"@DIR@/s.json"_s, logDir, logs},
        {u"--scenario"_s, u"--server"_s});
    row("--scenario with --config",
        {u"--scenario"_s, u"@DIR@/s.json"_s, u"--config"_s, u"@GOOD@"_s, logDir, logs},
        {u"--scenario"_s, u"--config"_s});
    row("missing scenario file", {u"--scenario"_s, u"@DIR@/s.json"_s, logDir, logs},
        {u"s.json"_s, u"cannot read"_s});
    // Files that never end: each would hang (a pipe) or grow until memory
    // runs out (a device), so they are refused before they are opened.
    const QString pipe = u"not a regular file (a named pipe)"_s;
    const QString device = u"not a regular file (a character device)"_s;
    row("config a named pipe", {server, u"--config"_s, u"@FIFO@"_s, logDir, logs}, {u"fifo"_s, pipe});
    row("config /dev/zero", {server, u"--config"_s, u"/dev/zero"_s, logDir, logs}, {u"/dev/zero"_s, device});
    row("config over 16 MiB", {server, u"--config"_s, u"@HUGE@"_s, logDir, logs},
        {u"huge"_s, u"larger than 16 MiB"_s});
    row("scenario a named pipe", {u"--scenario"_s, u"@FIFO@"_s, logDir, logs}, {u"fifo"_s, pipe});
    row("scenario /dev/zero", {u"--scenario"_s, u"/dev/zero"_s, logDir, logs}, {u"/dev/zero"_s, device});
    row("--places-file a named pipe",
        {server, u"--config"_s, u"@GOOD@"_s, u"--places-file"_s, u"@FIFO@"_s, logDir, logs},
        {u"fifo"_s, pipe});
    row("--places-file /dev/zero",
        {server, u"--config"_s, u"@GOOD@"_s, u"--places-file"_s, u"/dev/zero"_s, logDir, logs},
        {u"/dev/zero"_s, device});
    row("--places-file over 256 MiB",
        {server, u"--config"_s, u"@GOOD@"_s, u"--places-file"_s, u"@HUGE@"_s, logDir, logs},
        {u"huge"_s, u"larger than 256 MiB"_s});
}

void TestCli::badCommandLine()
{
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, fragments);
    QFETCH(int, exitCode);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QList<quint16> ports;
    const QString good = writeAlfordParker(dir, &ports);
    QVERIFY(!good.isEmpty());
    const QString bad =
        writeFile(dir.filePath(u"bad.json"_s), R"({"nodes": {"A": {"port": 1}}, "colour": "blue"})");
    QVERIFY(!bad.isEmpty());
    const QString notJson = writeFile(dir.filePath(u"notjson.json"_s), "nodes: Alford\n");
    QVERIFY(!notJson.isEmpty());
    const QString fifo = dir.filePath(u"fifo"_s);
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    QFile huge(dir.filePath(u"huge"_s));
    if (arguments.contains(u"@HUGE@"_s)) {
        QVERIFY(huge.open(QIODevice::WriteOnly));
        QVERIFY(huge.resize(256 * 1024 * 1024 + 1)); // sparse: nothing is written
        huge.close();
    }
    for (QString &argument : arguments) {
        argument.replace(u"@GOOD@"_s, good)
            .replace(u"@BAD@"_s, bad)
            .replace(u"@NOTJSON@"_s, notJson)
            .replace(u"@FIFO@"_s, fifo)
            .replace(u"@HUGE@"_s, huge.fileName())
            .replace(u"@DIR@"_s, dir.path());
    }

    const Finished run = runHerd(arguments, dir.path());
    QVERIFY2(run.finished, "herd kept running on a bad command line");
    QCOMPARE(run.exitStatus, QProcess::NormalExit);
    const QByteArrayList errLines = run.err.trimmed().split('\n');
    const QString first = QString::fromLocal8Bit(errLines.constFirst());
    for (const QString &fragment : fragments)
        QVERIFY2(first.contains(fragment), qPrintable(u"\""_s + fragment + u"\" not in: "_s + first));
    // One line, and nothing else.
    QVERIFY2(errLines.size() == 1, run.err.constData());
    QVERIFY2(!run.out.contains("listening"), run.out.constData());
    QCOMPARE(run.exitCode, exitCode);
    // Nothing is left listening, and nothing started half-way.
    QVERIFY(!listening(ports[0]));
    QVERIFY(!listening(ports[1]));
    QVERIFY2(!QFileInfo::exists(dir.filePath(u"logs"_s)), "the log directory was created");
}

void TestCli::portInUse()
{
    for (int attempt = 0; attempt < 2; ++attempt) {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QTcpServer occupier;
        QVERIFY(occupier.listen(QHostAddress::LocalHost, 0));
        const quint16 busy = occupier.serverPort();
        QVERIFY(listening(busy)); // the helper sees a listener, so its "no" below means something
        const QList<quint16> free = freePorts(1);
        QCOMPARE(free.size(), 1);
        // Alford comes first in the herd file, so it has started when Parker
        // fails: all or nothing means it must not be left running.
        const QString file =
            writeHerdFile(dir.filePath(u"herd.json"_s), {{u"Alford"_s, free[0]}, {u"Parker"_s, busy}},
                          {{u"Alford"_s, u"Parker"_s}});
        const Finished run = runHerd(
            {u"--server"_s, u"--config"_s, file, u"--log-dir"_s, dir.filePath(u"logs"_s)}, dir.path());
        QVERIFY2(run.finished, "herd kept running with a port in use");
        QCOMPARE(run.exitStatus, QProcess::NormalExit);
        const QString err = QString::fromLocal8Bit(run.err);
        if (attempt == 0 && err.contains(u"Alford"_s) && err.contains(QString::number(free[0])))
            continue; // someone else took the "free" port meanwhile; pick again
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(err.contains(u"Parker"_s) && err.contains(QString::number(busy)), qPrintable(err));
        QCOMPARE(run.err.trimmed().count('\n'), 0); // one line
        QVERIFY2(!run.out.contains("listening"), run.out.constData());
        QVERIFY(!listening(free[0]));
        return;
    }
    QFAIL("the free port was taken twice");
}

void TestCli::headlessRun_data()
{
    QTest::addColumn<QStringList>("threads");
    QTest::newRow("main thread") << QStringList();
    // Alford and Powell on one thread, Parker on the other: the links to
    // Parker cross threads.
    QTest::newRow("--threads 2") << QStringList {u"--threads"_s, u"2"_s};
}

void TestCli::headlessRun()
{
    QFETCH(QStringList, threads);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString logDir = dir.filePath(u"logs"_s);
    QList<quint16> ports;
    const std::unique_ptr<HerdServer> herd =
        startHerdServer(dir.path(), {u"Alford"_s, u"Parker"_s, u"Powell"_s},
                        {{u"Alford"_s, u"Parker"_s}, {u"Alford"_s, u"Powell"_s}},
                        QStringList {u"--log-dir"_s, logDir} + threads, &ports);
    QVERIFY(herd);
    const QByteArray out = herd->out();
    if (!threads.isEmpty())
        QVERIFY2(herd->waitForOutput("herd: on 2 thread(s)", 1), herd->out().constData());
    for (const auto &[name, port] :
         {std::pair {"Alford", ports[0]}, std::pair {"Parker", ports[1]}, std::pair {"Powell", ports[2]}})
        QVERIFY2(out.contains(
                     QByteArray(QByteArray(name) + " listening on 127.0.0.1:" + QByteArray::number(port))),
                 out.constData());
    // Four outgoing links: both ends of two links.
    QVERIFY2(herd->waitForOutput(" up", 4), herd->out().constData());
    QVERIFY(herd->out().contains("Alford: link to Parker up"));
    QVERIFY(herd->out().contains("Powell: link to Alford up"));

    Client client;
    QVERIFY(client.connectTo(ports[0]));
    const QByteArray iamat = "IAMAT kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503";
    const QByteArray at = client.ask(iamat);
    QVERIFY2(
        QRegularExpression(
            u"^AT Alford [+-]\\d+\\.\\d{9} kiwi\\.cs\\.ucla\\.edu \\+34\\.068930-118\\.445127 1621464827\\.959498503$"_s)
            .match(QString::fromUtf8(at))
            .hasMatch(),
        at.constData());
    QCOMPARE(client.ask("HELLO there"), QByteArray("? HELLO there"));
    // Flooded to Powell, which answers WHATSAT with Alford's line.
    QVERIFY(waitUntilKnown(ports[2], "kiwi.cs.ucla.edu", at));

    QVERIFY(herd->terminate());
    QCOMPARE(herd->process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(herd->process().exitCode(), 0);
    QVERIFY2(herd->out().contains("SIGTERM"), herd->out().constData());
    QVERIFY2(herd->err().isEmpty(), herd->err().constData());

    for (const char *name : {"Alford", "Parker", "Powell"}) {
        const QFileInfo log(logDir + u'/' + QString::fromLatin1(name) + u".log"_s);
        QVERIFY2(log.exists(), qPrintable(log.filePath()));
        QVERIFY2(log.size() > 0, qPrintable(log.filePath()));
    }
    const QString alfordLog = logDir + u"/Alford.log"_s;
    bool received = false;
    for (const QByteArrayList &fields : logLines(alfordLog, "in")) {
        QCOMPARE(fields.at(1), QByteArray("Alford"));
        received = received || fields.at(5) == iamat;
    }
    QVERIFY2(received, "Alford.log lacks the IAMAT line received");
    bool answered = false;
    for (const QByteArrayList &fields : logLines(alfordLog, "out"))
        answered = answered || fields.at(5) == at;
    QVERIFY2(answered, "Alford.log lacks the AT line sent");
    QVERIFY(QRegularExpression(u"^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z$"_s)
                .match(QString::fromLatin1(logLines(alfordLog, "in").constFirst().constFirst()))
                .hasMatch());
    bool stored = false;
    for (const QByteArrayList &fields : logLines(logDir + u"/Powell.log"_s, "stored"))
        stored = stored || (fields.at(4) == "kiwi.cs.ucla.edu" && fields.at(5) == at);
    QVERIFY2(stored, "Powell.log lacks the flooded record");
    QVERIFY(!logLines(logDir + u"/Parker.log"_s, "peer-up").isEmpty());
}

void TestCli::logDetail_data()
{
    QTest::addColumn<QString>("what");
    QTest::addColumn<bool>("logged");      // a log file at all
    QTest::addColumn<bool>("linesLogged"); // the lines in and out
    QTest::newRow("all") << u"all"_s << true << true;
    QTest::newRow("changes") << u"changes"_s << true << false;
    QTest::newRow("none") << u"none"_s << false << false;
}

void TestCli::logDetail()
{
    QFETCH(QString, what);
    QFETCH(bool, logged);
    QFETCH(bool, linesLogged);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString logDir = dir.filePath(u"logs"_s);
    QList<quint16> ports;
    const std::unique_ptr<HerdServer> herd =
        startHerdServer(dir.path(), {u"Alford"_s}, {}, {u"--log-dir"_s, logDir, u"--log"_s, what}, &ports);
    QVERIFY(herd);
    const quint16 port = ports[0];
    QCOMPARE(herd->out().contains(", log: off"), !logged);

    Client client;
    QVERIFY(client.connectTo(port));
    const QByteArray at = client.ask("IAMAT kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503");
    QVERIFY2(at.startsWith("AT Alford "), at.constData());
    QCOMPARE(client.ask("HELLO there"), QByteArray("? HELLO there"));
    QVERIFY(herd->terminate());
    QCOMPARE(herd->process().exitCode(), 0);

    const QString log = logDir + u"/Alford.log"_s;
    QCOMPARE(QFileInfo::exists(log), logged);
    QCOMPARE(QFileInfo::exists(logDir), logged); // "none" makes no directory either
    if (!logged)
        return;
    QCOMPARE(logLines(log, "in").isEmpty(), !linesLogged);
    QCOMPARE(logLines(log, "out").isEmpty(), !linesLogged);
    // Whatever the detail, what changed and what went wrong are logged.
    QCOMPARE(logLines(log, "started").size(), 1);
    QCOMPARE(logLines(log, "connected").size(), 1);
    const QList<QByteArrayList> stored = logLines(log, "stored");
    QCOMPARE(stored.size(), 1);
    QCOMPARE(stored[0].at(5), at);
    QCOMPARE(logLines(log, "invalid").size(), 1);
}

void TestCli::unwritableLog_data()
{
    // @GOOD@: a herd of Alford and Parker on free ports; @SCENARIO@: a
    // scenario on an inline herd of A and B; @LOGS@: the log directory, in
    // which `log` is made a directory, so it cannot be opened for writing.
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("log");
    const QString server = u"--server"_s;
    const QString config = u"--config"_s;
    const QString logDir = u"--log-dir"_s;
    QTest::newRow("--server, the first node's log")
        << QStringList {server, config, u"@GOOD@"_s, logDir, u"@LOGS@"_s} << u"Alford.log"_s;
    QTest::newRow("--server, the last node's log")
        << QStringList {server, config, u"@GOOD@"_s, logDir, u"@LOGS@"_s} << u"Parker.log"_s;
    QTest::newRow("--server --node, its log")
        << QStringList {server, config, u"@GOOD@"_s, u"--node"_s, u"Parker"_s, logDir, u"@LOGS@"_s}
        << u"Parker.log"_s;
    QTest::newRow("--server --log changes")
        << QStringList {server, config, u"@GOOD@"_s, u"--log"_s, u"changes"_s, logDir, u"@LOGS@"_s}
        << u"Parker.log"_s;
    QTest::newRow("--scenario") << QStringList {u"--scenario"_s, u"@SCENARIO@"_s, logDir, u"@LOGS@"_s}
                                << u"B.log"_s;
}

void TestCli::unwritableLog()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, log);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QList<quint16> ports;
    const QString good = writeAlfordParker(dir, &ports);
    QVERIFY(!good.isEmpty());
    const QString scenario = writeFile(
        dir.filePath(u"scenario.json"_s),
        R"({"name": "s", "herd": {"nodes": {"A": {"port": 0}, "B": {"port": 0}}, "links": [["A", "B"]]},
            "steps": [{"do": "iamat", "node": "A", "client": "kiwi", "position": "+34-118"}]})");
    QVERIFY(!scenario.isEmpty());
    const QString logs = dir.filePath(u"logs"_s);
    QVERIFY(QDir().mkpath(logs + u'/' + log));
    for (QString &argument : arguments)
        argument.replace(u"@GOOD@"_s, good).replace(u"@SCENARIO@"_s, scenario).replace(u"@LOGS@"_s, logs);

    const Finished run = runHerd(arguments, dir.path());
    QVERIFY2(run.finished, "herd kept running with a log it cannot write");
    QCOMPARE(run.exitStatus, QProcess::NormalExit);
    // One line naming the file and the system's reason; nothing started.
    QCOMPARE(QString::fromLocal8Bit(run.err),
             u"herd: cannot write log "_s + logs + u'/' + log + u": Is a directory\n"_s);
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(!run.out.contains("listening") && !run.out.contains("Links up"), run.out.constData());
    QVERIFY(!listening(ports[0]));
    QVERIFY(!listening(ports[1]));
}

void TestCli::logWriteFails()
{
    // Alford's log is /dev/full: it opens, and every write fails with ENOSPC,
    // as on a full disk. Parker's log is a plain file.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString logDir = dir.filePath(u"logs"_s);
    QVERIFY(QDir().mkpath(logDir));
    QVERIFY(QFile::link(u"/dev/full"_s, logDir + u"/Alford.log"_s));
    QList<quint16> ports;
    const std::unique_ptr<HerdServer> herd =
        startHerdServer(dir.path(), {u"Alford"_s, u"Parker"_s}, {{u"Alford"_s, u"Parker"_s}},
                        {u"--log-dir"_s, logDir}, &ports);
    QVERIFY(herd);
    Client client;
    QVERIFY(client.connectTo(ports[0]));
    const QByteArray at = client.ask("IAMAT kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503");
    QVERIFY2(at.startsWith("AT Alford "), at.constData());
    QVERIFY(herd->terminate());
    QCOMPARE(herd->process().exitStatus(), QProcess::NormalExit);

    // Said once, on stderr, naming the node, the file and the reason; and
    // the exit status says something was lost.
    const QString err = QString::fromLocal8Bit(herd->err());
    QCOMPARE(err.count(u"cannot write log"_s), 1);
    QVERIFY2(
        err.startsWith(u"Alford: cannot write log "_s + logDir + u"/Alford.log: No space left on device"_s),
        qPrintable(err));
    QCOMPARE(herd->process().exitCode(), 1);
    QVERIFY2(!herd->out().contains("logs flushed to"), herd->out().constData());
    // The other node's log is whole.
    QCOMPARE(logLines(logDir + u"/Parker.log"_s, "started").size(), 1);
    QCOMPARE(logLines(logDir + u"/Parker.log"_s, "stopped").size(), 1);
}

void TestCli::logWriteFailsInScenario()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString logDir = dir.filePath(u"logs"_s);
    QVERIFY(QDir().mkpath(logDir));
    QVERIFY(QFile::link(u"/dev/full"_s, logDir + u"/B.log"_s));
    const QString scenario = writeFile(
        dir.filePath(u"scenario.json"_s),
        R"({"name": "s", "herd": {"nodes": {"A": {"port": 0}, "B": {"port": 0}}, "links": [["A", "B"]]},
            "steps": [{"do": "iamat", "node": "A", "client": "kiwi", "position": "+34-118"},
                      {"do": "expect", "agree": true, "withinMs": 5000}]})");
    QVERIFY(!scenario.isEmpty());
    const Finished run = runHerd({u"--scenario"_s, scenario, u"--log-dir"_s, logDir}, dir.path());
    QVERIFY(run.finished);
    QCOMPARE(run.exitStatus, QProcess::NormalExit);
    const QString err = QString::fromLocal8Bit(run.err);
    QCOMPARE(err.count(u"cannot write log"_s), 1);
    QVERIFY2(err.startsWith(u"B: cannot write log "_s + logDir + u"/B.log: No space left on device"_s),
             qPrintable(err));
    QVERIFY2(run.out.contains("all 1 expectation(s) held"), run.out.constData());
    QCOMPARE(run.exitCode, 1); // the steps passed, but events were lost
    QVERIFY(QFileInfo(logDir + u"/A.log"_s).size() > 0);
}

void TestCli::herdOverTwoProcesses()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    std::unique_ptr<HerdServer> first;
    std::unique_ptr<HerdServer> second;
    QList<quint16> ports;
    for (int attempt = 0; attempt < 2 && !second; ++attempt) {
        first.reset();
        ports = freePorts(3);
        QCOMPARE(ports.size(), 3);
        const QString file = writeHerdFile(
            dir.filePath(u"herd.json"_s),
            {{u"Alford"_s, ports[0]}, {u"Parker"_s, ports[1]}, {u"Powell"_s, ports[2]}},
            {{u"Alford"_s, u"Parker"_s}, {u"Alford"_s, u"Powell"_s}, {u"Parker"_s, u"Powell"_s}});
        first = std::make_unique<HerdServer>();
        first->process().setWorkingDirectory(dir.path());
        first->start({u"--server"_s, u"--config"_s, file, u"--node"_s, u"Alford"_s, u"--node"_s, u"Parker"_s,
                      u"--log-dir"_s, dir.filePath(u"logs1"_s)});
        second = std::make_unique<HerdServer>();
        second->process().setWorkingDirectory(dir.path());
        second->start({u"--server"_s, u"--config"_s, file, u"--node"_s, u"Powell"_s, u"--log-dir"_s,
                       dir.filePath(u"logs2"_s)});
        const bool firstUp = first->waitForOutput(" listening on ", 2);
        const bool secondUp = second->waitForOutput(" listening on ", 1);
        if (!firstUp || !secondUp) {
            QVERIFY2(attempt == 0, QByteArray(first->err() + second->err()).constData());
            second.reset(); // a port was taken meanwhile; pick again
        }
    }
    QVERIFY(first && second);
    QVERIFY2(first->waitForOutput("herd: 2 node(s) running"), first->out().constData());
    QVERIFY(!first->out().contains("Powell listening"));
    QVERIFY2(second->waitForOutput("herd: 1 node(s) running"), second->out().constData());
    // The links across the processes come up (each side connects out).
    QVERIFY2(first->waitForOutput("Alford: link to Powell up"), first->out().constData());
    QVERIFY2(first->waitForOutput("Parker: link to Powell up"), first->out().constData());
    QVERIFY2(second->waitForOutput("Powell: link to Alford up"), second->out().constData());
    QVERIFY2(second->waitForOutput("Powell: link to Parker up"), second->out().constData());

    // An update at Parker (first process) reaches Powell (second).
    Client atParker;
    QVERIFY(atParker.connectTo(ports[1]));
    const QByteArray fromParker = atParker.ask("IAMAT roaming.phone -33.8688+151.2093 1700000000.25");
    QVERIFY2(fromParker.startsWith("AT Parker "), fromParker.constData());
    QVERIFY(waitUntilKnown(ports[2], "roaming.phone", fromParker));
    // And one at Powell reaches both nodes of the first process.
    Client atPowell;
    QVERIFY(atPowell.connectTo(ports[2]));
    const QByteArray fromPowell = atPowell.ask("IAMAT roaming.phone -33.9+151.2 1700000001");
    QVERIFY2(fromPowell.startsWith("AT Powell "), fromPowell.constData());
    QVERIFY(waitUntilKnown(ports[0], "roaming.phone", fromPowell));
    QVERIFY(waitUntilKnown(ports[1], "roaming.phone", fromPowell));

    QVERIFY(first->terminate());
    QCOMPARE(first->process().exitCode(), 0);
    QVERIFY(second->terminate());
    QCOMPARE(second->process().exitCode(), 0);
    QVERIFY(QFileInfo(dir.filePath(u"logs1/Alford.log"_s)).size() > 0);
    QVERIFY(!QFileInfo::exists(dir.filePath(u"logs1/Powell.log"_s)));
    QVERIFY(QFileInfo(dir.filePath(u"logs2/Powell.log"_s)).size() > 0);
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
