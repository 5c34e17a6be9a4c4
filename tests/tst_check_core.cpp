// SPDX-License-Identifier: GPL-3.0-or-later
// The checker's core without a herd: the target file (its `run` blocks,
// placeholders, working folders), choosing rules, the links to
// docs/protocol.md, and transcripts (escaping, the cap).
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include "tests/buildtree.h"
#include "check/nodeprocesses.h"
#include "check/rule.h"
#include "check/target.h"
#include "check/transcript.h"

using namespace Herd;
using namespace Herd::Check;
using namespace Qt::StringLiterals;

class TestCheckCore : public QObject
{
    Q_OBJECT

private slots:
    void placeholders();
    void workingDirectory();
    void loadRefuses_data();
    void loadRefuses();
    void selectedNodes();
    void runErrors_data();
    void runErrors();
    void runRead();
    void selectRulesByPattern_data();
    void selectRulesByPattern();
    void selectRulesUnmatched();
    void ruleIdsAreUniqueAndSectionsExist();
    void sectionAnchors_data();
    void sectionAnchors();
    void transcriptEscapes_data();
    void transcriptEscapes();
    void transcriptText();
    void transcriptCap();
    void freePortsAvoidTheEphemeralRange();
    void probeFindsNothingOnAFreePort();
};

namespace {

NodeConfig node(const QString &name, quint16 port, std::optional<RunSpec> run = std::nullopt)
{
    NodeConfig config;
    config.name = name;
    config.host = u"127.0.0.1"_s;
    config.port = port;
    config.run = std::move(run);
    return config;
}

QStringList ids(const QList<Rule> &rules)
{
    QStringList out;
    for (const Rule &rule : rules)
        out.append(rule.id);
    return out;
}

// Every rule id that matches `expression`, in allRules() order.
QStringList idsMatching(const QString &expression)
{
    const QRegularExpression re(u'^' + expression + u'$');
    return ids(allRules()).filter(re);
}

QByteArray herdFileWithRun(const QByteArray &run)
{
    return R"({"nodes": {"A": {"port": 12000, "run": )" + run + R"(}}, "links": []})";
}

} // namespace

void TestCheckCore::placeholders()
{
    const NodeConfig alford = node(u"Alford"_s, 12345);
    const Placeholders values {u"/home/s/herd.json"_s, u"http://127.0.0.1:5555"_s};
    QCOMPARE(expandPlaceholders(u"{name} {host}:{port} --config={config}"_s, alford, values),
             u"Alford 127.0.0.1:12345 --config=/home/s/herd.json"_s);
    QCOMPARE(expandPlaceholders(u"{places_url}"_s, alford, values),
             u"http://127.0.0.1:5555/maps/api/place/nearbysearch/json"_s);
    QCOMPARE(expandPlaceholders(u"{places_new_url}"_s, alford, values),
             u"http://127.0.0.1:5555/v1/places:searchNearby"_s);
    QCOMPARE(expandPlaceholders(u"{places_base}/x"_s, alford, values), u"http://127.0.0.1:5555/x"_s);
    // Every occurrence; unknown words and lone braces as written.
    QCOMPARE(expandPlaceholders(u"{name}{name} {nam} {unknown} { name} {"_s, alford, values),
             u"AlfordAlford {nam} {unknown} { name} {"_s);
    QCOMPARE(expandPlaceholders(u"plain"_s, alford, values), u"plain"_s);
}

void TestCheckCore::workingDirectory()
{
    CheckTarget target;
    target.path = u"/srv/course/herd.json"_s;
    QCOMPARE(target.workingDirectory(node(u"A"_s, 1)), u"/srv/course"_s);
    QCOMPARE(target.workingDirectory(node(u"A"_s, 1, RunSpec {{u"x"_s}, {}, {}})), u"/srv/course"_s);
    QCOMPARE(target.workingDirectory(node(u"A"_s, 1, RunSpec {{u"x"_s}, u"server"_s, {}})),
             u"/srv/course/server"_s);
    QCOMPARE(target.workingDirectory(node(u"A"_s, 1, RunSpec {{u"x"_s}, u"../other/./s"_s, {}})),
             u"/srv/other/s"_s);
    QCOMPARE(target.workingDirectory(node(u"A"_s, 1, RunSpec {{u"x"_s}, u"/opt/s"_s, {}})), u"/opt/s"_s);
    // A herd not read from a file: from the current folder.
    target.path.clear();
    QCOMPARE(target.workingDirectory(node(u"A"_s, 1, RunSpec {{u"x"_s}, u"sub"_s, {}})),
             QDir::current().absoluteFilePath(u"sub"_s));
}

void TestCheckCore::loadRefuses_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("message"); // after "PATH: "
    QTest::newRow("port 0") << QByteArray(R"({"nodes": {"A": {"port": 0}}, "links": []})")
                            << u"nodes.A.port: 0 cannot be checked; give the port the node listens on"_s;
    QTest::newRow("cwd missing") << QByteArray(
        R"({"nodes": {"A": {"port": 12000, "run": {"command": ["x"], "cwd": "nowhere"}}}, "links": []})")
                                 << u"nodes.A.run.cwd: no folder @DIR@/nowhere"_s;
    QTest::newRow("cwd a file") << QByteArray(
        R"({"nodes": {"A": {"port": 12000, "run": {"command": ["x"], "cwd": "herd.json"}}}, "links": []})")
                                << u"nodes.A.run.cwd: no folder @DIR@/herd.json"_s;
}

void TestCheckCore::loadRefuses()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, message);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"herd.json"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly) && file.write(json) == json.size());
    file.close();
    QString error;
    QVERIFY(!CheckTarget::load(path, &error));
    QCOMPARE(error, path + u": "_s + message.replace(u"@DIR@"_s, dir.path()));
}

void TestCheckCore::selectedNodes()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QDir(dir.path()).mkdir(u"srv"_s);
    const QString path = dir.filePath(u"herd.json"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"nodes": {"A": {"port": 12001, "run": {"command": ["x"], "cwd": "srv"}},
                             "B": {"port": 12002}}, "links": [["A", "B"]]})");
    file.close();
    QString error;
    const std::optional<CheckTarget> target = CheckTarget::load(path, &error);
    QVERIFY2(target, qPrintable(error));
    QCOMPARE(target->path, path);
    QCOMPARE(target->nodesWithRun(), QStringList {u"A"_s});
    QCOMPARE(target->workingDirectory(*target->config.node(u"A"_s)), dir.filePath(u"srv"_s));

    QCOMPARE(target->selectedNodes({}, &error).value_or(QStringList()), (QStringList {u"A"_s, u"B"_s}));
    CheckSettings settings;
    settings.nodes = {u"B"_s};
    QCOMPARE(target->selectedNodes(settings, &error).value_or(QStringList()), QStringList {u"B"_s});
    settings.nodes = {u"B"_s, u"Zed"_s};
    QVERIFY(!target->selectedNodes(settings, &error));
    QCOMPARE(error, u"--node Zed: no such node in "_s + path + u" (it has A, B)"_s);
}

void TestCheckCore::runErrors_data()
{
    QTest::addColumn<QByteArray>("run");
    QTest::addColumn<QString>("message");
    const QString command = u"nodes.A.run.command: must be a non-empty array of strings, the program first, "
                            u"like [\"python3\", \"server.py\", \"{name}\"]"_s;
    QTest::newRow("not an object")
        << QByteArray(R"(["python3"])")
        << u"nodes.A.run: must be an object like {\"command\": [\"python3\", \"server.py\", \"{name}\"]}"_s;
    QTest::newRow("unknown key") << QByteArray(R"({"command": ["x"], "dir": "."})")
                                 << u"nodes.A.run.dir: unknown key (expected one of: command, cwd, env)"_s;
    QTest::newRow("no command") << QByteArray(R"({"cwd": "."})") << command;
    QTest::newRow("command a string") << QByteArray(R"({"command": "python3 server.py"})") << command;
    QTest::newRow("command empty") << QByteArray(R"({"command": []})") << command;
    QTest::newRow("command not strings") << QByteArray(R"({"command": ["python3", 3]})") << command;
    QTest::newRow("program empty") << QByteArray(R"({"command": ["", "x"]})")
                                   << u"nodes.A.run.command: the program's name is empty"_s;
    QTest::newRow("cwd not a string")
        << QByteArray(R"({"command": ["x"], "cwd": 1})") << u"nodes.A.run.cwd: must be a string"_s;
    QTest::newRow("env not an object")
        << QByteArray(R"({"command": ["x"], "env": ["A=1"]})")
        << u"nodes.A.run.env: must be an object like {\"PLACES_URL\": \"{places_url}\"}"_s;
    QTest::newRow("env name with =") << QByteArray(R"({"command": ["x"], "env": {"A=B": "1"}})")
                                     << u"nodes.A.run.env.A=B: not a valid environment variable name"_s;
    QTest::newRow("env name empty") << QByteArray(R"({"command": ["x"], "env": {"": "1"}})")
                                    << u"nodes.A.run.env: a variable's name is empty"_s;
    QTest::newRow("env value a number") << QByteArray(R"({"command": ["x"], "env": {"PORT": 1}})")
                                        << u"nodes.A.run.env.PORT: must be a string"_s;
}

void TestCheckCore::runErrors()
{
    QFETCH(QByteArray, run);
    QFETCH(QString, message);
    QString error;
    QVERIFY(!HerdConfig::fromJson(herdFileWithRun(run), &error));
    QCOMPARE(error, message);
}

void TestCheckCore::runRead()
{
    QString error;
    const std::optional<HerdConfig> config =
        HerdConfig::fromJson(herdFileWithRun(R"({"command": ["python3", "server.py", "{name}"], "cwd": "srv",
                            "env": {"PLACES_URL": "{places_url}", "EMPTY": ""}})"),
                             &error);
    QVERIFY2(config, qPrintable(error));
    const std::optional<RunSpec> &run = config->node(u"A"_s)->run;
    QVERIFY(run);
    QCOMPARE(run->command, (QStringList {u"python3"_s, u"server.py"_s, u"{name}"_s}));
    QCOMPARE(run->cwd, u"srv"_s);
    QCOMPARE(run->env.size(), 2);
    QVERIFY(run->env.contains(std::pair {u"PLACES_URL"_s, u"{places_url}"_s}));
    QVERIFY(run->env.contains(std::pair {u"EMPTY"_s, QString()}));
}

void TestCheckCore::selectRulesByPattern_data()
{
    QTest::addColumn<QStringList>("patterns");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("none: all") << QStringList {} << ids(allRules());
    QTest::newRow("star: all") << QStringList {u"*"_s} << ids(allRules());
    QTest::newRow("an area") << QStringList {u"iamat.*"_s} << idsMatching(u"iamat\\..*"_s);
    QTest::newRow("one id") << QStringList {u"iamat.echo"_s} << QStringList {u"iamat.echo"_s};
    QTest::newRow("any case") << QStringList {u"IAMAT.Echo"_s} << QStringList {u"iamat.echo"_s};
    QTest::newRow("a prefix within an area")
        << QStringList {u"iamat.diff-*"_s}
        << QStringList {u"iamat.diff-format"_s, u"iamat.diff-clock"_s, u"iamat.diff-exact"_s};
    QTest::newRow("question mark") << QStringList {u"iamat.ech?"_s} << QStringList {u"iamat.echo"_s};
    // A list as --rules "a,b" gives it: in the run's order, each rule once.
    QTest::newRow("a list, out of order")
        << QStringList {u"iamat.white-space"_s, u"iamat.reply"_s, u"iamat.*"_s}
        << idsMatching(u"iamat\\..*"_s);
    QTest::newRow("two ids") << QStringList {u"iamat.white-space"_s, u"iamat.reply"_s}
                             << QStringList {u"iamat.reply"_s, u"iamat.white-space"_s};
}

void TestCheckCore::selectRulesByPattern()
{
    QFETCH(QStringList, patterns);
    QFETCH(QStringList, expected);
    QVERIFY(!expected.isEmpty());
    QStringList unmatched;
    QCOMPARE(ids(selectRules(patterns, &unmatched)), expected);
    QVERIFY2(unmatched.isEmpty(), qPrintable(unmatched.join(u", ")));
}

void TestCheckCore::selectRulesUnmatched()
{
    QStringList unmatched;
    // Whole ids only: "iamat.diff" is not "iamat.diff-*", "echo" not "iamat.echo".
    const QList<Rule> chosen =
        selectRules({u"iamat.diff"_s, u"iamat.echo"_s, u"echo"_s, u"nosuch.*"_s}, &unmatched);
    QCOMPARE(ids(chosen), QStringList {u"iamat.echo"_s});
    QCOMPARE(unmatched, (QStringList {u"iamat.diff"_s, u"echo"_s, u"nosuch.*"_s}));
    unmatched.clear();
    QVERIFY(selectRules({u"nosuch"_s}, &unmatched).isEmpty());
    QCOMPARE(unmatched, QStringList {u"nosuch"_s});
}

void TestCheckCore::ruleIdsAreUniqueAndSectionsExist()
{
    QFile protocol(BuildTree::sourceDir() + QStringLiteral("/docs/protocol.md"));
    QVERIFY2(protocol.open(QIODevice::ReadOnly), qPrintable(protocol.fileName()));
    QStringList headings;
    for (const QString &line : QString::fromUtf8(protocol.readAll()).split(u'\n')) {
        if (line.startsWith(u'#'))
            headings.append(line.section(u' ', 1));
    }
    QSet<QString> seen;
    static const QRegularExpression IdShape(u"^[a-z]+\\.[a-z0-9-]+$"_s);
    for (const Rule &rule : allRules()) {
        QVERIFY2(IdShape.match(rule.id).hasMatch(), qPrintable(rule.id));
        QVERIFY2(!seen.contains(rule.id), qPrintable(u"twice: "_s + rule.id));
        seen.insert(rule.id);
        QVERIFY2(!rule.title.isEmpty() && rule.run, qPrintable(rule.id));
        QVERIFY2(headings.contains(rule.section),
                 qPrintable(rule.id + u": no heading \""_s + rule.section + u"\" in docs/protocol.md"_s));
    }
}

void TestCheckCore::sectionAnchors_data()
{
    QTest::addColumn<QString>("section");
    QTest::addColumn<QString>("anchor");
    QTest::newRow("colon") << u"IAMAT: a client says where it is"_s << u"#iamat-a-client-says-where-it-is"_s;
    QTest::newRow("subsection") << u"The reply: an AT line"_s << u"#the-reply-an-at-line"_s;
    QTest::newRow("comma") << u"Several lines at once, and reply order"_s
                           << u"#several-lines-at-once-and-reply-order"_s;
    QTest::newRow("hyphen") << u"Half-close"_s << u"#half-close"_s;
    QTest::newRow("plain") << u"Long lines"_s << u"#long-lines"_s;
}

void TestCheckCore::sectionAnchors()
{
    QFETCH(QString, section);
    QFETCH(QString, anchor);
    QCOMPARE(sectionAnchor(section), anchor);
}

void TestCheckCore::transcriptEscapes_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("text");
    QTest::newRow("printable") << "IAMAT kiwi +1+1 1.5"_ba << u"IAMAT kiwi +1+1 1.5"_s;
    QTest::newRow("line ending") << "a\r\nb\n"_ba << u"a\\r\\n\nb\\n\n"_s;
    QTest::newRow("tab and backslash") << "a\tb\\x00"_ba << u"a\\tb\\\\x00"_s;
    QTest::newRow("NUL, 0xFF, DEL") << "\0\xff\x7f"_ba << u"\\x00\\xff\\x7f"_s;
    QTest::newRow("vertical tab, form feed") << "\v\f"_ba << u"\\x0b\\x0c"_s;
    QTest::newRow("UTF-8 as bytes") << "é"_ba << u"\\xc3\\xa9"_s;
    QTest::newRow("empty") << QByteArray() << QString();
}

void TestCheckCore::transcriptEscapes()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, text);
    QCOMPARE(Transcript::escaped(bytes), text);
}

void TestCheckCore::transcriptText()
{
    Transcript transcript;
    QVERIFY(transcript.isEmpty());
    transcript.note(u"connected"_s);
    transcript.sent(u"c1"_s, "IAMAT a +1+1 1.5\n");
    // Reads on one connection join up to a line's end.
    transcript.received(u"c1"_s, "AT A +0.1 a ");
    transcript.received(u"c1"_s, "+1+1 1.5\nnext\n");
    transcript.received(u"c1"_s, "\0"_ba);
    transcript.received(u"c2"_s, "x");
    const QList<Transcript::Entry> entries = transcript.entries();
    QCOMPARE(entries.size(), 5);
    QCOMPARE(entries[0].direction, Transcript::Direction::Note);
    QCOMPARE(entries[1].direction, Transcript::Direction::Sent);
    QCOMPARE(entries[2].bytes, "AT A +0.1 a +1+1 1.5\nnext\n"_ba);
    QCOMPARE(entries[3].bytes, "\0"_ba);
    QCOMPARE(entries[4].connection, u"c2"_s);
    for (qsizetype i = 1; i < entries.size(); ++i)
        QVERIFY(entries[i].atUs >= entries[i - 1].atUs);

    const QStringList lines = transcript.text().split(u'\n');
    static const QRegularExpression Time(u"^ +\\d+\\.\\d{3} ms  "_s);
    QVERIFY2(Time.match(lines[0]).hasMatch(), qPrintable(lines[0]));
    QVERIFY(lines[0].endsWith(u"ms  # connected"_s));
    QVERIFY(lines[1].endsWith(u"ms  c1 > IAMAT a +1+1 1.5\\n"_s));
    QVERIFY(lines[2].endsWith(u"ms  c1 < AT A +0.1 a +1+1 1.5\\n"_s));
    // A second wire line lines up under the first's bytes.
    QCOMPARE(lines[3].indexOf(u"next"_s), lines[2].indexOf(u"AT A"_s));
    QCOMPARE(lines[3].trimmed(), u"next\\n"_s);
    QVERIFY(lines[4].endsWith(u"ms  c1 < \\x00"_s));
    QVERIFY(lines[5].endsWith(u"ms  c2 < x"_s));
    QCOMPARE(lines.size(), 7); // and the last line's break

    // Copies are independent.
    Transcript copy = transcript;
    copy.note(u"more"_s);
    QCOMPARE(transcript.entries().size(), 5);
    QCOMPARE(copy.entries().size(), 6);
}

void TestCheckCore::transcriptCap()
{
    Transcript transcript;
    // One entry keeps at most MaxEntryBytes.
    transcript.sent(u"c1"_s, QByteArray(Transcript::MaxEntryBytes + 10, 'a'));
    QCOMPARE(transcript.entries().constFirst().bytes.size(), Transcript::MaxEntryBytes);
    QCOMPARE(transcript.omittedBytes(), 10);
    // The whole keeps at most MaxBytes; the rest is counted.
    qsizetype sent = Transcript::MaxEntryBytes + 10;
    while (sent < 2 * Transcript::MaxBytes) {
        transcript.sent(u"c1"_s, QByteArray(1000, 'b'));
        sent += 1000;
    }
    qsizetype kept = 0;
    for (const Transcript::Entry &entry : transcript.entries())
        kept += entry.bytes.size();
    QCOMPARE(kept, Transcript::MaxBytes);
    QCOMPARE(kept + transcript.omittedBytes(), sent);
    QVERIFY(transcript.text().endsWith(
        QStringLiteral("(%1 more bytes not kept)\n").arg(transcript.omittedBytes())));
}

// Other processes' outgoing connections and listen(0) take ports from the
// ephemeral range at any moment; a port picked for a node to listen on
// later must not be one of them.
void TestCheckCore::freePortsAvoidTheEphemeralRange()
{
    QFile range(QStringLiteral("/proc/sys/net/ipv4/ip_local_port_range"));
    QVERIFY(range.open(QIODevice::ReadOnly));
    const int ephemeralLow = range.readAll().simplified().split(' ').value(0).toInt();
    if (ephemeralLow < 12000)
        QSKIP("the ephemeral range starts too low to pick below it");
    const QList<quint16> ports = Herd::Check::freePorts(20);
    QCOMPARE(ports.size(), 20);
    QCOMPARE(QSet<quint16>(ports.begin(), ports.end()).size(), 20);
    for (quint16 port : ports) {
        QVERIFY2(port < ephemeralLow, qPrintable(QString::number(port)));
        QTcpServer server;
        QVERIFY2(server.listen(QHostAddress::LocalHost, port), qPrintable(server.errorString()));
    }
}

void TestCheckCore::probeFindsNothingOnAFreePort()
{
    const QList<quint16> ports = Herd::Check::freePorts(1);
    QCOMPARE(ports.size(), 1);
    QVERIFY(!Herd::Check::isListening(QStringLiteral("127.0.0.1"), ports[0], 500));
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, ports[0]));
    QVERIFY(Herd::Check::isListening(QStringLiteral("127.0.0.1"), ports[0], 500));
}

QTEST_GUILESS_MAIN(TestCheckCore)
#include "tst_check_core.moc"
