// SPDX-License-Identifier: GPL-3.0-or-later
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QTemporaryDir>
#include <QTest>

#include "herd/event.h"
#include "herd/log/logexport.h"
#include "herd/log/logwriter.h"

using namespace Qt::StringLiterals;
using Herd::Event;
using Herd::EventKind;
using Herd::ExportFormat;

namespace {

// 2024-05-01T12:34:56.123456789Z
constexpr qint64 BaseNs = 1'714'566'896'123'456'789;

QList<Event> sampleEvents()
{
    Event plain;
    plain.timeNs = BaseNs;
    plain.node = u"Hill"_s;
    plain.kind = EventKind::LineReceived;
    plain.peer = u"127.0.0.1:50123"_s;
    plain.line = "IAMAT kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503";

    Event awkward;                   // every character a format has to escape
    awkward.timeNs = BaseNs + 1'000; // one microsecond later
    awkward.node = u"Jaquez"_s;
    awkward.kind = EventKind::LineInvalid;
    awkward.peer = u"127.0.0.1:50124"_s;
    awkward.client = "a,b";
    awkward.line = "say \"hi\",\tthen\nbye\\ caf\xc3\xa9 \xff\xfe end";
    awkward.detail = u"unknown command \"say\""_s;

    Event flooded;
    flooded.timeNs = BaseNs + 2'000'000'000; // two seconds later
    flooded.node = u"Smith"_s;
    flooded.kind = EventKind::RecordStored;
    flooded.peer = u"Hill"_s;
    flooded.client = "kiwi";
    flooded.line = "AT Hill +0.263873386 kiwi +34.068930-118.445127 1621464827.959498503";
    flooded.detail = u"flood"_s;
    flooded.viaPeerLink = true;
    return {plain, awkward, flooded};
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

// A small RFC 4180 reader: records of fields, quoted fields may hold
// commas, CR, LF and doubled quotes; records end in CRLF (or LF).
QList<QList<QByteArray>> parseCsv(const QByteArray &text, bool *ok)
{
    QList<QList<QByteArray>> records;
    QList<QByteArray> record;
    QByteArray field;
    bool quoted = false;
    bool afterQuote = false;
    *ok = true;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field.append('"');
                    ++i;
                } else {
                    quoted = false;
                    afterQuote = true;
                }
            } else {
                field.append(c);
            }
            continue;
        }
        if (c == '"') {
            if (!field.isEmpty() || afterQuote)
                *ok = false; // a quote inside an unquoted field
            quoted = true;
        } else if (c == ',') {
            record.append(field);
            field.clear();
            afterQuote = false;
        } else if (c == '\r' || c == '\n') {
            if (c == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))
                *ok = false; // a bare CR outside quotes
            if (c == '\r')
                ++i;
            record.append(field);
            records.append(record);
            record.clear();
            field.clear();
            afterQuote = false;
        } else {
            if (afterQuote)
                *ok = false; // text after a closing quote
            field.append(c);
        }
    }
    if (quoted)
        *ok = false;
    if (!field.isEmpty() || !record.isEmpty()) {
        record.append(field);
        records.append(record);
    }
    return records;
}

} // namespace

class TestLogExport : public QObject
{
    Q_OBJECT

private slots:
    void formatForPath_data();
    void formatForPath();
    void isoTime();
    void jsonLinesExact();
    void jsonLinesParseBack();
    void csvExact();
    void csvRoundTrip();
    void textIsLogWriterFormat();
    void escapeFieldMatchesLogLines();
    void escapesInvisibleLineBreaksAndBidi_data();
    void escapesInvisibleLineBreaksAndBidi();
    void logLineIsExact();
    void emptyList();
    void replacesExistingFile();
    void unwritablePath();
};

void TestLogExport::formatForPath_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<ExportFormat>("format");
    QTest::newRow("jsonl") << u"/tmp/a.jsonl"_s << ExportFormat::JsonLines;
    QTest::newRow("json") << u"a.json"_s << ExportFormat::JsonLines;
    QTest::newRow("ndjson") << u"a.NDJSON"_s << ExportFormat::JsonLines;
    QTest::newRow("JSONL upper") << u"C:/x/A.JSONL"_s << ExportFormat::JsonLines;
    QTest::newRow("csv") << u"events.csv"_s << ExportFormat::Csv;
    QTest::newRow("Csv mixed") << u"events.Csv"_s << ExportFormat::Csv;
    QTest::newRow("log") << u"events.log"_s << ExportFormat::Text;
    QTest::newRow("txt") << u"events.txt"_s << ExportFormat::Text;
    QTest::newRow("none") << u"events"_s << ExportFormat::Text;
    QTest::newRow("csv dir") << u"/tmp/x.csv/events"_s << ExportFormat::Text;
}

void TestLogExport::formatForPath()
{
    QFETCH(QString, path);
    QFETCH(ExportFormat, format);
    QCOMPARE(Herd::formatForPath(path), format);
    // Every format's own suffix maps back to it.
    QCOMPARE(Herd::formatForPath(u"x."_s + Herd::suffixForFormat(format)), format);
}

void TestLogExport::isoTime()
{
    QCOMPARE(Herd::isoTimeNs(BaseNs), QByteArray("2024-05-01T12:34:56.123456789Z"));
    QCOMPARE(Herd::isoTimeNs(0), QByteArray("1970-01-01T00:00:00.000000000Z"));
    QCOMPARE(Herd::isoTimeNs(5), QByteArray("1970-01-01T00:00:00.000000005Z"));
    QCOMPARE(Herd::isoTimeNs(-1), QByteArray("1969-12-31T23:59:59.999999999Z"));
}

void TestLogExport::jsonLinesExact()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"events.jsonl"_s);
    QString error;
    QVERIFY2(Herd::exportEvents(sampleEvents(), ExportFormat::JsonLines, path, &error), qPrintable(error));

    const QByteArray expected =
        R"({"time":"2024-05-01T12:34:56.123456789Z","timeNs":1714566896123456789,"node":"Hill","kind":"in",)"
        R"("peer":"127.0.0.1:50123","client":"","line":"IAMAT kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503",)"
        R"("detail":"","viaPeerLink":false})"
        "\n"
        R"({"time":"2024-05-01T12:34:56.123457789Z","timeNs":1714566896123457789,"node":"Jaquez","kind":"invalid",)"
        R"("peer":"127.0.0.1:50124","client":"a,b",)"
        "\"line\":\"say \\\"hi\\\",\\tthen\\nbye\\\\ caf\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd end\","
        "\"lineBase64\":\""
        + QByteArray("say \"hi\",\tthen\nbye\\ caf\xc3\xa9 \xff\xfe end").toBase64()
        + "\","
          R"("detail":"unknown command \"say\"","viaPeerLink":false})"
          "\n"
          R"({"time":"2024-05-01T12:34:58.123456789Z","timeNs":1714566898123456789,"node":"Smith","kind":"stored",)"
          R"("peer":"Hill","client":"kiwi","line":"AT Hill +0.263873386 kiwi +34.068930-118.445127 1621464827.959498503",)"
          R"("detail":"flood","viaPeerLink":true})"
          "\n";
    QCOMPARE(readAll(path), expected);
}

void TestLogExport::jsonLinesParseBack()
{
    QList<Event> events = sampleEvents();
    Event control; // control bytes, a NUL and a BOM-looking start
    control.timeNs = BaseNs;
    control.node = u"Hill"_s;
    control.kind = EventKind::LineReceived;
    control.line = QByteArray("\xef\xbb\xbfx\x01y\x00z\x7f", 9);
    control.client = "\x80";
    events.append(control);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"events.jsonl"_s);
    QString error;
    QVERIFY2(Herd::exportEvents(events, ExportFormat::JsonLines, path, &error), qPrintable(error));

    const QByteArray content = readAll(path);
    QVERIFY(content.endsWith('\n'));
    const QList<QByteArray> lines = content.chopped(1).split('\n');
    QCOMPARE(lines.size(), events.size());
    for (int i = 0; i < lines.size(); ++i) {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(lines[i], &parseError);
        QVERIFY2(parseError.error == QJsonParseError::NoError,
                 qPrintable(u"line %1: %2"_s.arg(i).arg(parseError.errorString())));
        QVERIFY(document.isObject());
        const QJsonObject object = document.object();
        const Event &event = events[i];
        QCOMPARE(object.value(u"timeNs").toInteger(), event.timeNs);
        QCOMPARE(object.value(u"time").toString(), QString::fromLatin1(Herd::isoTimeNs(event.timeNs)));
        QCOMPARE(object.value(u"node").toString(), event.node);
        QCOMPARE(object.value(u"kind").toString(), QString::fromLatin1(Herd::eventKindName(event.kind)));
        QCOMPARE(object.value(u"peer").toString(), event.peer);
        QCOMPARE(object.value(u"detail").toString(), event.detail);
        QCOMPARE(object.value(u"viaPeerLink").toBool(), event.viaPeerLink);
        // The exact bytes: from the text when it was UTF-8, else from base64.
        const auto exactBytes = [&](const QString &name) {
            const QJsonValue base64 = object.value(name + u"Base64");
            if (base64.isString())
                return QByteArray::fromBase64(base64.toString().toLatin1());
            return object.value(name).toString().toUtf8();
        };
        QCOMPARE(exactBytes(u"line"_s), event.line);
        QCOMPARE(exactBytes(u"client"_s), event.client);
        // Only lines that are not UTF-8 carry the extra member.
        QCOMPARE(object.contains(u"lineBase64"), i == 1);
        QCOMPARE(object.contains(u"clientBase64"), i == 3);
    }
    // The BOM-looking start and the control bytes are valid UTF-8: kept as text.
    const QJsonObject last = QJsonDocument::fromJson(lines.last()).object();
    // (QString::fromUtf8 would drop the leading U+FEFF; the export must not.)
    const QString expectedLine = QChar(0xfeff) + u"x\u0001y"_s + QChar(0) + u"z\u007f"_s;
    QCOMPARE(last.value(u"line").toString(), expectedLine);
    QVERIFY(!last.contains(u"lineBase64"));
    QCOMPARE(last.value(u"client").toString(), QString(QChar::ReplacementCharacter));
    QVERIFY(last.contains(u"clientBase64"));
    QVERIFY(lines.last().contains("x\\u0001y\\u0000z"));
}

void TestLogExport::csvExact()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"events.csv"_s);
    QString error;
    QVERIFY2(Herd::exportEvents(sampleEvents(), ExportFormat::Csv, path, &error), qPrintable(error));

    const QByteArray expected =
        "time,timeNs,node,kind,peer,client,line,detail,viaPeerLink\r\n"
        "2024-05-01T12:34:56.123456789Z,1714566896123456789,Hill,in,127.0.0.1:50123,,"
        "IAMAT kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503,,false\r\n"
        "2024-05-01T12:34:56.123457789Z,1714566896123457789,Jaquez,invalid,127.0.0.1:50124,\"a,b\","
        "\"say \"\"hi\"\",\tthen\nbye\\ caf\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd end\","
        "\"unknown command \"\"say\"\"\",false\r\n"
        "2024-05-01T12:34:58.123456789Z,1714566898123456789,Smith,stored,Hill,kiwi,"
        "AT Hill +0.263873386 kiwi +34.068930-118.445127 1621464827.959498503,flood,true\r\n";
    QCOMPARE(readAll(path), expected);
}

void TestLogExport::csvRoundTrip()
{
    QList<Event> events = sampleEvents();
    Event crlf;
    crlf.timeNs = BaseNs;
    crlf.node = u"Campbell"_s;
    crlf.kind = EventKind::Error;
    crlf.line = "a\r\nb\rc,\"d\"\"";
    crlf.detail = u"tab\there, \"quoted\"\r\nnext line"_s;
    events.append(crlf);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"events.csv"_s);
    QString error;
    QVERIFY2(Herd::exportEvents(events, ExportFormat::Csv, path, &error), qPrintable(error));

    bool ok = false;
    const QList<QList<QByteArray>> records = parseCsv(readAll(path), &ok);
    QVERIFY(ok);
    QCOMPARE(records.size(), events.size() + 1);
    QCOMPARE(records[0],
             (QList<QByteArray> {"time", "timeNs", "node", "kind", "peer", "client", "line", "detail",
                                 "viaPeerLink"}));
    for (int i = 0; i < events.size(); ++i) {
        const QList<QByteArray> &record = records[i + 1];
        const Event &event = events[i];
        QCOMPARE(record.size(), 9);
        QCOMPARE(record[0], Herd::isoTimeNs(event.timeNs));
        QCOMPARE(record[1].toLongLong(), event.timeNs);
        QCOMPARE(QString::fromUtf8(record[2]), event.node);
        QCOMPARE(record[3], QByteArray(Herd::eventKindName(event.kind)));
        QCOMPARE(QString::fromUtf8(record[4]), event.peer);
        // Valid UTF-8 comes back exactly; stray bytes come back as U+FFFD.
        QCOMPARE(QString::fromUtf8(record[5]), QString::fromUtf8(event.client));
        QCOMPARE(QString::fromUtf8(record[6]), QString::fromUtf8(event.line));
        QCOMPARE(QString::fromUtf8(record[7]), event.detail);
        QCOMPARE(record[8], event.viaPeerLink ? QByteArray("true") : QByteArray("false"));
    }
    QCOMPARE(records.last()[6], events.last().line); // CR, LF and quotes survive
}

void TestLogExport::textIsLogWriterFormat()
{
    const QList<Event> events = sampleEvents();
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"events.log"_s);
    QString error;
    QVERIFY2(Herd::exportEvents(events, ExportFormat::Text, path, &error), qPrintable(error));

    QByteArray expected;
    for (const Event &event : events)
        expected += Herd::LogWriter::formatLine(event);
    QCOMPARE(readAll(path), expected);

    // And the format itself, spelled out for the awkward event.
    const QList<QByteArray> lines = readAll(path).split('\n');
    QCOMPARE(lines[1],
             QByteArray("2024-05-01T12:34:56.123457789Z\tJaquez\tinvalid\t127.0.0.1:50124\ta,b\t"
                        "say \"hi\",\\tthen\\nbye\\\\ caf\xc3\xa9 \\xff\\xfe end\t"
                        "unknown command \"say\""));
}

void TestLogExport::logLineIsExact()
{
    Herd::Event event;
    event.timeNs = 1'700'000'000'012'345'678; // 2023-11-14T22:13:20 UTC
    event.node = QStringLiteral("Alford");
    event.kind = Herd::EventKind::LineReceived;
    event.peer = QStringLiteral("127.0.0.1:5000");
    event.line = "IAMAT a\tb +1+2 3\\x\xff";
    QCOMPARE(
        Herd::LogWriter::formatLine(event),
        QByteArray(
            "2023-11-14T22:13:20.012345678Z\tAlford\tin\t127.0.0.1:5000\t\tIAMAT a\\tb +1+2 3\\\\x\\xff\t\n"));
    event.timeNs += 1'000'000'000; // the next second: the cached text moves on
    QVERIFY(Herd::LogWriter::formatLine(event).startsWith("2023-11-14T22:13:21.012345678Z\t"));
}

void TestLogExport::escapeFieldMatchesLogLines()
{
    QCOMPARE(Herd::LogWriter::escapeField(""), QByteArray());
    QCOMPARE(Herd::LogWriter::escapeField("plain"), QByteArray("plain"));
    QCOMPARE(Herd::LogWriter::escapeField("a\tb\nc\rd\\e"), QByteArray("a\\tb\\nc\\rd\\\\e"));
    QCOMPARE(Herd::LogWriter::escapeField("caf\xc3\xa9 \xff"), QByteArray("caf\xc3\xa9 \\xff"));
    QCOMPARE(Herd::LogWriter::escapeField(QByteArrayView("\x01", 1)), QByteArray("\\x01"));
}

void TestLogExport::escapesInvisibleLineBreaksAndBidi_data()
{
    // C1 controls (U+0080-U+009F, NEL among them), the Unicode line and
    // paragraph separators, and the bidi embeddings, overrides and isolates
    // would break a log line for some readers or show it reordered: a client
    // id "kiwi\u202Egpj.exe" reads as "kiwiexe.jpg". Each is escaped byte by
    // byte, as a stray byte is; the characters around them stay as they are.
    QTest::addColumn<QByteArray>("field");
    QTest::addColumn<QByteArray>("escaped"); // in the log
    QTest::addColumn<QByteArray>("json");    // the JSON string's text, between the quotes
    auto row = [](const char *name, const QByteArray &field, const QByteArray &escaped,
                  const QByteArray &json) { QTest::newRow(name) << field << escaped << json; };
    row("U+0080",
        "a\xc2\x80"
        "b",
        "a\\xc2\\x80b", "a\\u0080b");
    row("U+0085 next line",
        "a\xc2\x85"
        "b",
        "a\\xc2\\x85b", "a\\u0085b");
    row("U+009F", "\xc2\x9f", "\\xc2\\x9f", "\\u009f");
    row("U+2028 line separator",
        "a\xe2\x80\xa8"
        "b",
        "a\\xe2\\x80\\xa8b", "a\\u2028b");
    row("U+2029 paragraph separator", "\xe2\x80\xa9", "\\xe2\\x80\\xa9", "\\u2029");
    row("U+202A left-to-right embedding", "\xe2\x80\xaa", "\\xe2\\x80\\xaa", "\\u202a");
    row("U+202E right-to-left override", "kiwi\xe2\x80\xaegpj.exe", "kiwi\\xe2\\x80\\xaegpj.exe",
        "kiwi\\u202egpj.exe");
    row("U+2066 left-to-right isolate", "\xe2\x81\xa6", "\\xe2\\x81\\xa6", "\\u2066");
    row("U+2069 pop directional isolate", "x\xe2\x81\xa9", "x\\xe2\\x81\\xa9", "x\\u2069");
    row("two in a row", "\xe2\x80\xae\xc2\x85", "\\xe2\\x80\\xae\\xc2\\x85", "\\u202e\\u0085");
    // Their neighbours are ordinary text.
    row("U+00A0 stays", "\xc2\xa0", "\xc2\xa0", "\xc2\xa0");
    row("U+00E9 stays", "caf\xc3\xa9", "caf\xc3\xa9", "caf\xc3\xa9");
    row("U+2027 stays", "\xe2\x80\xa7", "\xe2\x80\xa7", "\xe2\x80\xa7");
    row("U+202F stays", "\xe2\x80\xaf", "\xe2\x80\xaf", "\xe2\x80\xaf");
    row("U+206A stays", "\xe2\x81\xaa", "\xe2\x81\xaa", "\xe2\x81\xaa");
    row("U+20AC stays", "\xe2\x82\xac", "\xe2\x82\xac", "\xe2\x82\xac");
}

void TestLogExport::escapesInvisibleLineBreaksAndBidi()
{
    QFETCH(QByteArray, field);
    QFETCH(QByteArray, escaped);
    QFETCH(QByteArray, json);
    QCOMPARE(Herd::LogWriter::escapeField(field), escaped);

    // In a log line, from the wire (client, line) and from text (peer,
    // detail: the node's own words may quote a client).
    Event event;
    event.timeNs = BaseNs;
    event.node = u"Hill"_s;
    event.kind = EventKind::LineInvalid;
    event.peer = QString::fromUtf8(field);
    event.client = field;
    event.line = "IAMAT " + field;
    event.detail = u"bad id "_s + QString::fromUtf8(field);
    const QByteArray expectedLine = "2024-05-01T12:34:56.123456789Z\tHill\tinvalid\t" + escaped + '\t'
        + escaped + "\tIAMAT " + escaped + "\tbad id " + escaped + '\n';
    QCOMPARE(Herd::LogWriter::formatLine(event), expectedLine);
    QCOMPARE(Herd::exportRecord(event, ExportFormat::Text), expectedLine);

    // JSON Lines: \u escapes, which keep the exact text.
    const QByteArray record = Herd::exportRecord(event, ExportFormat::JsonLines);
    QVERIFY2(record.contains(QByteArray("\"client\":\"" + json + '"')), record.constData());
    QVERIFY2(!record.contains("clientBase64"), record.constData());
    QJsonParseError parseError;
    const QJsonObject object = QJsonDocument::fromJson(record, &parseError).object();
    QCOMPARE(parseError.error, QJsonParseError::NoError);
    QCOMPARE(object.value(u"client"_s).toString().toUtf8(), field);
    QCOMPARE(object.value(u"line"_s).toString().toUtf8(), "IAMAT " + field);
    QCOMPARE(object.value(u"detail"_s).toString(), event.detail);
}

void TestLogExport::emptyList()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString error;
    const QString json = dir.filePath(u"empty.jsonl"_s);
    QVERIFY2(Herd::exportEvents({}, ExportFormat::JsonLines, json, &error), qPrintable(error));
    QVERIFY(QFile::exists(json));
    QCOMPARE(readAll(json), QByteArray());
    const QString csv = dir.filePath(u"empty.csv"_s);
    QVERIFY2(Herd::exportEvents({}, ExportFormat::Csv, csv, &error), qPrintable(error));
    QCOMPARE(readAll(csv), QByteArray("time,timeNs,node,kind,peer,client,line,detail,viaPeerLink\r\n"));
}

void TestLogExport::replacesExistingFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"events.log"_s);
    {
        QFile old(path);
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.write(QByteArray(10'000, 'x'));
    }
    const QList<Event> events = sampleEvents().mid(0, 1);
    QString error;
    QVERIFY2(Herd::exportEvents(events, ExportFormat::Text, path, &error), qPrintable(error));
    QCOMPARE(readAll(path), Herd::LogWriter::formatLine(events[0]));
    // No temporary file left beside it.
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList {u"events.log"_s});
}

void TestLogExport::unwritablePath()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QList<Event> events = sampleEvents();

    // A missing directory.
    const QString missing = dir.filePath(u"no/such/dir/events.jsonl"_s);
    QString error;
    QVERIFY(!Herd::exportEvents(events, ExportFormat::JsonLines, missing, &error));
    QVERIFY2(error.contains(QDir::toNativeSeparators(missing)), qPrintable(error));
    QVERIFY(!QFile::exists(missing));

    // A directory where the file should go.
    error.clear();
    QVERIFY(!Herd::exportEvents(events, ExportFormat::Csv, dir.path(), &error));
    QVERIFY2(error.contains(QDir::toNativeSeparators(dir.path())), qPrintable(error));
    QVERIFY2(error.contains(u"directory"), qPrintable(error));

    // Under a regular file, as if it were a directory.
    const QString file = dir.filePath(u"plain"_s);
    {
        QFile plain(file);
        QVERIFY(plain.open(QIODevice::WriteOnly));
    }
    error.clear();
    QVERIFY(!Herd::exportEvents(events, ExportFormat::Text, file + u"/events.log"_s, &error));
    QVERIFY2(error.contains(u"plain/events.log"), qPrintable(error));

    // No name at all; and a null error pointer is allowed.
    error.clear();
    QVERIFY(!Herd::exportEvents(events, ExportFormat::Text, QString(), &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(!Herd::exportEvents(events, ExportFormat::Text, missing, nullptr));
}

QTEST_GUILESS_MAIN(TestLogExport)
#include "tst_logexport.moc"
