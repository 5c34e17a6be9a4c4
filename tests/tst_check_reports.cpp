// SPDX-License-Identifier: GPL-3.0-or-later
// The report files of `herd --check` (JUnit XML, JSON, Markdown) for results
// built by hand: a pass, a failure whose transcript holds NUL, 0xFF and line
// breaks, a rule not run, figures. Each format is read back and must say
// the same as the others.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

#include "check/report/jsonreport.h"
#include "check/report/junitreport.h"
#include "check/report/markdownreport.h"
#include "check/report/reports.h"
#include "check/report/reportsupport.h"

using namespace Herd::Check;
using namespace Qt::StringLiterals;

class TestCheckReports : public QObject
{
    Q_OBJECT

private slots:
    void printableEscapesWhatFilesCannotHold();
    void junit();
    void junitOfNothing();
    void json();
    void markdown();
    void markdownFenceOutgrowsBackticks();
    void reportsAgree();
    void writeReportsWritesEachFile();
    void unwritablePath_data();
    void unwritablePath();
};

namespace {

// Bytes no report may copy as they are.
const QByteArray SentLine = "IAMAT kiwi\0x\xff +1+1 1.5\n"_ba;
const QByteArray ReplyBytes = "AT A +0.5 kiwi\0x\xff +1+1 1.5\nsecond line\n"_ba;

RuleResult result(const QString &id, const QString &node, const Verdict &verdict, qint64 ms)
{
    RuleResult r;
    r.ruleId = id;
    r.title = u"The title of "_s + id;
    r.section = u"The reply: an AT line"_s;
    r.node = node;
    r.verdict = verdict;
    r.elapsedMs = ms;
    return r;
}

QList<RuleResult> sampleResults()
{
    RuleResult pass = result(u"iamat.reply"_s, u"A"_s, Verdict::passed(), 12);
    pass.transcript.sent(u"c1"_s, "IAMAT kiwi +1+1 1.5\n");
    pass.transcript.received(u"c1"_s, "AT A +0.5 kiwi +1+1 1.5\n");

    // An expectation with Markdown and XML in it, and a raw NUL and carriage
    // return in what came back.
    RuleResult fail =
        result(u"iamat.echo"_s, u"A"_s,
               Verdict::failed(u"\"AT <node> <diff>\" | one line & no more"_s, u"\"AT A\x00x\rz\""_s), 1500);
    fail.transcript.note(u"connecting to 127.0.0.1:1"_s);
    fail.transcript.sent(u"c1"_s, SentLine);
    fail.transcript.received(u"c1"_s, ReplyBytes);

    const RuleResult notRun = result(u"flood.reach"_s, {},
                                     Verdict::notRun(u"the herd has one node; flooding "
                                                     u"needs two"_s),
                                     0);

    Verdict measured = Verdict::passed(u"steady"_s);
    measured.figures = {{u"IAMAT/s, 100 connections"_s, 712, u"/s"_s, 45210},
                        {u"p99 reply"_s, 3.5, u"ms"_s, std::nullopt}};
    const RuleResult speed = result(u"speed.iamat-rate"_s, u"B"_s, measured, 2001);
    return {pass, fail, notRun, speed};
}

RunInfo sampleInfo()
{
    RunInfo info;
    info.targetPath = u"/home/student/herd/herd.json"_s;
    info.herdName = u"course"_s;
    info.nodes = {u"A"_s, u"B"_s};
    info.startedAt = QDateTime(QDate(2025, 3, 4), QTime(5, 6, 7), Qt::UTC);
    info.elapsedMs = 3513;
    return info;
}

// One <testcase> as read back.
struct TestCase
{
    QString classname, name, time, failureMessage, failureText, skippedMessage, systemOut;
};

struct JUnit
{
    QXmlStreamAttributes suites, suite;
    QMap<QString, QString> properties;
    QList<TestCase> cases;
    QString error;
};

JUnit readJUnit(const QByteArray &xml)
{
    JUnit out;
    QXmlStreamReader reader(xml);
    while (!reader.atEnd()) {
        if (reader.readNext() != QXmlStreamReader::StartElement)
            continue;
        const QStringView name = reader.name();
        if (name == u"testsuites")
            out.suites = reader.attributes();
        else if (name == u"testsuite")
            out.suite = reader.attributes();
        else if (name == u"property")
            out.properties.insert(reader.attributes().value(u"name"_s).toString(),
                                  reader.attributes().value(u"value"_s).toString());
        else if (name == u"testcase")
            out.cases.append({reader.attributes().value(u"classname"_s).toString(),
                              reader.attributes().value(u"name"_s).toString(),
                              reader.attributes().value(u"time"_s).toString(),
                              {},
                              {},
                              {},
                              {}});
        else if (name == u"failure") {
            out.cases.last().failureMessage = reader.attributes().value(u"message"_s).toString();
            out.cases.last().failureText = reader.readElementText();
        } else if (name == u"skipped")
            out.cases.last().skippedMessage = reader.attributes().value(u"message"_s).toString();
        else if (name == u"system-out")
            out.cases.last().systemOut = reader.readElementText();
    }
    if (reader.hasError())
        out.error = reader.errorString();
    return out;
}

// "N passed, N failed, N not run" as each format states its counts.
QString tallyText(int passed, int failed, int notRun)
{
    return QStringLiteral("%1 passed, %2 failed, %3 not run").arg(passed).arg(failed).arg(notRun);
}

} // namespace

void TestCheckReports::printableEscapesWhatFilesCannotHold()
{
    QCOMPARE(printable(u"a\x00"
                       u"b\x1f\x7f\rc\td\n"_s),
             u"a\\x00b\\x1f\\x7f\\rc\td\n"_s);
    // Paired surrogates are one character and stay; a lone one cannot.
    QCOMPARE(printable(u"клиент 😀"_s), u"клиент 😀"_s);
    QCOMPARE(printable(QString(QChar(0xd800)) + u'x'), u"\\ud800x"_s);
    QCOMPARE(printable(QString(QChar(0xffff))), u"\\uffff"_s);
    QCOMPARE(escapedLine("a\0\xff\\\n"_ba), u"a\\x00\\xff\\\\\\n"_s);
    QCOMPARE(ruleArea(u"iamat.diff-exact"_s), u"iamat"_s);
}

void TestCheckReports::junit()
{
    const QList<RuleResult> results = sampleResults();
    const QByteArray xml = junitReport(results, sampleInfo());
    QVERIFY2(!xml.contains('\0'), xml.constData());
    const JUnit read = readJUnit(xml);
    QVERIFY2(read.error.isEmpty(), qPrintable(read.error + u'\n' + QString::fromUtf8(xml)));

    for (const QXmlStreamAttributes &counts : {read.suites, read.suite}) {
        QCOMPARE(counts.value(u"tests"_s).toString(), u"4"_s);
        QCOMPARE(counts.value(u"failures"_s).toString(), u"1"_s);
        QCOMPARE(counts.value(u"skipped"_s).toString(), u"1"_s);
        QCOMPARE(counts.value(u"errors"_s).toString(), u"0"_s);
        QCOMPARE(counts.value(u"time"_s).toString(), u"3.513"_s);
    }
    QCOMPARE(read.suite.value(u"name"_s).toString(), u"course"_s);
    QCOMPARE(read.suite.value(u"timestamp"_s).toString(), u"2025-03-04T05:06:07"_s);
    QCOMPARE(read.properties.value(u"target"_s), sampleInfo().targetPath);
    QCOMPARE(read.properties.value(u"nodes"_s), u"A, B"_s);

    QCOMPARE(read.cases.size(), results.size());
    for (qsizetype i = 0; i < results.size(); ++i) {
        QCOMPARE(read.cases[i].name, results[i].name());
        QCOMPARE(read.cases[i].classname, results[i].ruleId.section(u'.', 0, 0));
    }
    QCOMPARE(read.cases[0].time, u"0.012"_s);
    QCOMPARE(read.cases[1].time, u"1.500"_s);
    QVERIFY(read.cases[0].failureMessage.isEmpty() && read.cases[0].skippedMessage.isEmpty());

    const TestCase &failed = read.cases[1];
    QCOMPARE(failed.failureMessage,
             u"expected: \"AT <node> <diff>\" | one line & no more; got: \"AT A\\x00x\\rz\""_s);
    for (const QString &part :
         {u"expected: \"AT <node> <diff>\""_s, u"c1 > IAMAT kiwi\\x00x\\xff +1+1 1.5\\n"_s,
          u"c1 < AT A +0.5 kiwi\\x00x\\xff +1+1 1.5\\n"_s, u"second line\\n"_s,
          u"# connecting to 127.0.0.1:1"_s})
        QVERIFY2(failed.failureText.contains(part), qPrintable(part + u" not in:\n" + failed.failureText));

    QCOMPARE(read.cases[2].name, u"flood.reach"_s);
    QCOMPARE(read.cases[2].skippedMessage, u"the herd has one node; flooding needs two"_s);
    QVERIFY(read.cases[2].failureMessage.isEmpty());

    QVERIFY2(read.cases[3].systemOut.contains(u"IAMAT/s, 100 connections: 712 /s (Herd: 45,210 /s"_s),
             qPrintable(read.cases[3].systemOut));
    QVERIFY(read.cases[3].systemOut.contains(u"steady"_s));
    QVERIFY(read.cases[3].systemOut.contains(u"p99 reply: 3.5 ms"_s));
}

void TestCheckReports::junitOfNothing()
{
    // A run stopped before its first rule still gives a valid file.
    RunInfo info = sampleInfo();
    info.cancelled = true;
    const JUnit read = readJUnit(junitReport({}, info));
    QVERIFY2(read.error.isEmpty(), qPrintable(read.error));
    QCOMPARE(read.suite.value(u"tests"_s).toString(), u"0"_s);
    QCOMPARE(read.properties.value(u"stopped"_s), u"true"_s);
    QVERIFY(read.cases.isEmpty());
}

void TestCheckReports::json()
{
    const QList<RuleResult> results = sampleResults();
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(jsonReport(results, sampleInfo()), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    const QJsonObject root = document.object();
    QCOMPARE(root.value(u"format"_s).toString(), u"herd-check"_s);
    QCOMPARE(root.value(u"version"_s).toInt(), 1);

    const QJsonObject run = root.value(u"run"_s).toObject();
    QCOMPARE(run.value(u"target"_s).toString(), sampleInfo().targetPath);
    QCOMPARE(run.value(u"herd"_s).toString(), u"course"_s);
    QCOMPARE(run.value(u"nodes"_s).toArray(), QJsonArray({u"A"_s, u"B"_s}));
    QCOMPARE(run.value(u"startedAt"_s).toString(), u"2025-03-04T05:06:07.000Z"_s);
    QCOMPARE(run.value(u"elapsedMs"_s).toInteger(), 3513);
    QCOMPARE(run.value(u"stopped"_s).toBool(), false);

    const QJsonObject counts = root.value(u"tally"_s).toObject();
    QCOMPARE(counts.value(u"total"_s).toInt(), 4);
    QCOMPARE(counts.value(u"passed"_s).toInt(), 2);
    QCOMPARE(counts.value(u"failed"_s).toInt(), 1);
    QCOMPARE(counts.value(u"notRun"_s).toInt(), 1);

    const QJsonArray list = root.value(u"results"_s).toArray();
    QCOMPARE(list.size(), results.size());
    for (qsizetype i = 0; i < results.size(); ++i) {
        const QJsonObject entry = list.at(i).toObject();
        QCOMPARE(entry.value(u"name"_s).toString(), results[i].name());
        QCOMPARE(entry.value(u"rule"_s).toString(), results[i].ruleId);
        QCOMPARE(entry.value(u"title"_s).toString(), results[i].title);
        QCOMPARE(entry.value(u"elapsedMs"_s).toInteger(), results[i].elapsedMs);
        QCOMPARE(entry.value(u"sectionLink"_s).toString(), u"docs/protocol.md#the-reply-an-at-line"_s);
    }

    const QJsonObject failed = list.at(1).toObject();
    QCOMPARE(failed.value(u"outcome"_s).toString(), u"failed"_s);
    QCOMPARE(failed.value(u"area"_s).toString(), u"iamat"_s);
    QCOMPARE(failed.value(u"node"_s).toString(), u"A"_s);
    QCOMPARE(failed.value(u"expected"_s).toString(), results[1].verdict.expected);
    // JSON holds any text: the NUL comes back as it was.
    QCOMPARE(failed.value(u"got"_s).toString(), u"\"AT A\x00x\rz\""_s);
    const QJsonObject transcript = failed.value(u"transcript"_s).toObject();
    QCOMPARE(transcript.value(u"omittedBytes"_s).toInteger(), 0);
    const QJsonArray entries = transcript.value(u"entries"_s).toArray();
    QCOMPARE(entries.size(), 3);
    const QJsonObject note = entries.at(0).toObject();
    QCOMPARE(note.value(u"direction"_s).toString(), u"note"_s);
    QCOMPARE(note.value(u"connection"_s).toString(), QString());
    QCOMPARE(note.value(u"bytes"_s).toString(), u"connecting to 127.0.0.1:1"_s);
    const QJsonObject sent = entries.at(1).toObject();
    QCOMPARE(sent.value(u"direction"_s).toString(), u"sent"_s);
    QCOMPARE(sent.value(u"connection"_s).toString(), u"c1"_s);
    QCOMPARE(sent.value(u"bytes"_s).toString(), u"IAMAT kiwi\\x00x\\xff +1+1 1.5\\n"_s);
    QCOMPARE(sent.value(u"size"_s).toInteger(), SentLine.size());
    const QJsonObject received = entries.at(2).toObject();
    QCOMPARE(received.value(u"direction"_s).toString(), u"received"_s);
    QCOMPARE(received.value(u"bytes"_s).toString(), u"AT A +0.5 kiwi\\x00x\\xff +1+1 1.5\\nsecond line\\n"_s);
    QVERIFY(received.value(u"atUs"_s).toInteger() >= sent.value(u"atUs"_s).toInteger());

    const QJsonObject skipped = list.at(2).toObject();
    QCOMPARE(skipped.value(u"outcome"_s).toString(), u"not run"_s);
    QVERIFY(skipped.value(u"node"_s).isNull());
    QCOMPARE(skipped.value(u"why"_s).toString(), results[2].verdict.why);

    const QJsonArray figures = list.at(3).toObject().value(u"figures"_s).toArray();
    QCOMPARE(figures.size(), 2);
    QCOMPARE(figures.at(0).toObject().value(u"name"_s).toString(), u"IAMAT/s, 100 connections"_s);
    QCOMPARE(figures.at(0).toObject().value(u"value"_s).toDouble(), 712.0);
    QCOMPARE(figures.at(0).toObject().value(u"unit"_s).toString(), u"/s"_s);
    QCOMPARE(figures.at(0).toObject().value(u"reference"_s).toDouble(), 45210.0);
    QVERIFY(figures.at(1).toObject().value(u"reference"_s).isNull());
    QCOMPARE(list.at(3).toObject().value(u"why"_s).toString(), u"steady"_s);
}

void TestCheckReports::markdown()
{
    const QString text = QString::fromUtf8(markdownReport(sampleResults(), sampleInfo()));
    QVERIFY2(!text.contains(QChar(0)) && !text.contains(u'\r'), qPrintable(text));
    for (
        const QString &part : {
            u"# herd --check report: course\n"_s,
            u"- Herd file: /home/student/herd/herd.json\n"_s,
            u"- Checked: 2025-03-04 05:06:07 UTC, in 3.5 s\n"_s,
            u"- Nodes: A, B\n"_s,
            u"| 1 | iamat.reply@A | passed | 12 ms | The title of iamat.reply |\n"_s,
            u"| 2 | iamat.echo@A | FAILED | 1500 ms | The title of iamat.echo |\n"_s,
            u"| 3 | flood.reach | not run | 0 ms | The title of flood.reach |\n"_s,
            u"| 4 | speed.iamat-rate@B | passed | 2001 ms | The title of speed.iamat-rate |\n"_s,
            u"## Failures\n\n### iamat.echo@A\n"_s,
            // Inside a fence nothing needs escaping but the bytes.
            u"```text\nexpected: \"AT <node> <diff>\" | one line & no more\ngot:      \"AT A\\x00x\\rz\"\n```\n"_s,
            u"c1 > IAMAT kiwi\\x00x\\xff +1+1 1.5\\n\n"_s,
            u"c1 < AT A +0.5 kiwi\\x00x\\xff +1+1 1.5\\n\n"_s,
            u"## Not run\n\n- flood.reach: the herd has one node; flooding needs two\n"_s,
            u"## Figures\n\n- speed.iamat-rate@B: IAMAT/s, 100 connections: 712 /s (Herd: 45,210 /s"_s,
            u"- speed.iamat-rate@B: p99 reply: 3.5 ms\n"_s,
        })
        QVERIFY2(text.contains(part), qPrintable(u"missing:\n"_s + part + u"\nin:\n"_s + text));
    // The transcript sits in a fenced block after the failure's heading.
    const qsizetype failure = text.indexOf(u"### iamat.echo@A"_s);
    const qsizetype transcript = text.indexOf(u"c1 > IAMAT kiwi"_s);
    QVERIFY(failure > 0 && transcript > failure);
    QVERIFY(text.lastIndexOf(u"```text\n"_s, transcript) > failure);
    QVERIFY(text.indexOf(u"\n```\n"_s, transcript) > transcript);
    // A passed rule shows no transcript.
    QVERIFY(!text.contains(u"c1 > IAMAT kiwi +1+1 1.5"_s));
}

void TestCheckReports::markdownFenceOutgrowsBackticks()
{
    RuleResult fail = result(u"input.x"_s, u"A"_s, Verdict::failed(u"a"_s, u"b"_s), 1);
    fail.transcript.received(u"c1"_s, "```` not the end\n");
    const QString text = QString::fromUtf8(markdownReport({fail}, sampleInfo()));
    QVERIFY2(text.contains(u"`````text\n"_s), qPrintable(text));
    QVERIFY2(text.contains(u"\n`````\n"_s), qPrintable(text));
    // Markdown outside fences escapes what would be read as markup.
    RuleResult odd = result(u"input.y"_s, u"A_1"_s, Verdict::notRun(u"<b>|*x*|</b>"_s), 1);
    const QString escaped = QString::fromUtf8(markdownReport({odd}, sampleInfo()));
    QVERIFY2(escaped.contains(u"- input.y@A\\_1: \\<b\\>\\|\\*x\\*\\|\\</b\\>\n"_s), qPrintable(escaped));
}

void TestCheckReports::reportsAgree()
{
    const QList<RuleResult> results = sampleResults();
    const Tally counts = tally(results);
    const QString expected = tallyText(counts.passed, counts.failed, counts.notRun);
    QCOMPARE(expected, u"2 passed, 1 failed, 1 not run"_s);

    const JUnit junit = readJUnit(junitReport(results, sampleInfo()));
    const int junitTests = junit.suite.value(u"tests"_s).toInt();
    const int junitFailed = junit.suite.value(u"failures"_s).toInt();
    const int junitSkipped = junit.suite.value(u"skipped"_s).toInt();
    QCOMPARE(tallyText(junitTests - junitFailed - junitSkipped, junitFailed, junitSkipped), expected);

    const QJsonObject json =
        QJsonDocument::fromJson(jsonReport(results, sampleInfo())).object().value(u"tally"_s).toObject();
    QCOMPARE(tallyText(json.value(u"passed"_s).toInt(), json.value(u"failed"_s).toInt(),
                       json.value(u"notRun"_s).toInt()),
             expected);
    QCOMPARE(json.value(u"total"_s).toInt(), junitTests);

    const QString markdown = QString::fromUtf8(markdownReport(results, sampleInfo()));
    QVERIFY2(markdown.contains(u"- Result: **"_s + expected + u"** (4 checks)\n"_s), qPrintable(markdown));
    QCOMPARE(markdown.count(u" | passed | "_s), counts.passed);
    QCOMPARE(markdown.count(u" | FAILED | "_s), counts.failed);
    QCOMPARE(markdown.count(u" | not run | "_s), counts.notRun);
}

void TestCheckReports::writeReportsWritesEachFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const ReportFiles files {dir.filePath(u"r.xml"_s), dir.filePath(u"r.json"_s), dir.filePath(u"r.md"_s)};
    const QList<RuleResult> results = sampleResults();
    QString error;
    QVERIFY2(writeReports(files, results, sampleInfo(), &error), qPrintable(error));
    const std::pair<QString, QByteArray> expected[] = {
        {files.junit, junitReport(results, sampleInfo())},
        {files.json, jsonReport(results, sampleInfo())},
        {files.markdown, markdownReport(results, sampleInfo())},
    };
    for (const auto &[path, contents] : expected) {
        QFile file(path);
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
        QCOMPARE(file.readAll(), contents);
    }
    // Only the files asked for.
    QVERIFY(writeReports({{}, dir.filePath(u"only.json"_s), {}}, results, sampleInfo(), &error));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 4);
}

void TestCheckReports::unwritablePath_data()
{
    QTest::addColumn<int>("which"); // 0 junit, 1 json, 2 markdown
    QTest::addColumn<QString>("where");
    QTest::newRow("junit in a missing folder") << 0 << u"missing/r.xml"_s;
    QTest::newRow("json in a missing folder") << 1 << u"missing/r.json"_s;
    QTest::newRow("markdown onto a folder") << 2 << u"folder"_s;
}

void TestCheckReports::unwritablePath()
{
    QFETCH(int, which);
    QFETCH(QString, where);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(QDir(dir.path()).mkdir(u"folder"_s));
    const QString path = dir.filePath(where);
    const QString good = dir.filePath(u"good"_s);
    ReportFiles files {good + u".xml", good + u".json", good + u".md"};
    (which == 0 ? files.junit : which == 1 ? files.json : files.markdown) = path;
    QString error;
    QVERIFY(!writeReports(files, sampleResults(), sampleInfo(), &error));
    QVERIFY2(error.startsWith(path + u": cannot write: "_s), qPrintable(error));
    QVERIFY2(error.size() > path.size() + 16, qPrintable(error)); // a reason follows
    QVERIFY(!QFileInfo(path).isFile());
}

QTEST_GUILESS_MAIN(TestCheckReports)
#include "tst_check_reports.moc"
