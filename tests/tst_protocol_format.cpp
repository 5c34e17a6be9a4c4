// SPDX-License-Identifier: GPL-3.0-or-later
// The pure formatters of docs/protocol.md (protocol times, the AT reply's
// signed difference, AT lines, "? " replies), fed tables, and the record a
// node keeps of an AT line. No sockets.

#include <QTest>

#include "herd/node/store.h"
#include "herd/wire/protocol.h"
#include "tests/protocolsupport.h"

using namespace Qt::StringLiterals;
using Herd::Command;
using Herd::Message;
using Herd::Problem;
using namespace ProtocolSupport;

class tst_ProtocolFormat final : public QObject
{
    Q_OBJECT

private slots:
    void formatTime_data();
    void formatTime();
    void formatDiff_data();
    void formatDiff();
    void formatDiffIsExact_data();
    void formatDiffIsExact();
    void formatAt_data();
    void formatAt();
    void invalidReply_data();
    void invalidReply();
    void problemNames();
    void recordOfAtLine_data();
    void recordOfAtLine();
    void recordOfAnOddLine();
};

// A message points into its line: one from a temporary would dangle, so
// parseLine() takes no temporary QByteArray.
template <typename Line> constexpr bool parsesFrom = requires(Line &&line)
{
    Herd::parseLine(std::forward<Line>(line));
};
static_assert(!parsesFrom<QByteArray>);
static_assert(parsesFrom<const QByteArray &>);
static_assert(parsesFrom<QByteArrayView>);

void tst_ProtocolFormat::formatTime_data()
{
    QTest::addColumn<qint64>("ns");
    QTest::addColumn<QByteArray>("text");

    QTest::newRow("zero") << qint64(0) << "0.000000000"_ba;
    QTest::newRow("1 ns") << qint64(1) << "0.000000001"_ba;
    QTest::newRow("whole seconds") << 1700000000 * Ns << "1700000000.000000000"_ba;
    QTest::newRow("spec") << qint64(1621464827959498503) << "1621464827.959498503"_ba;
    QTest::newRow("latest time parseTime takes") << qint64(9223372035999999999) << "9223372035.999999999"_ba;
}

void tst_ProtocolFormat::formatTime()
{
    QFETCH(qint64, ns);
    QFETCH(QByteArray, text);
    QCOMPARE(Herd::formatTime(ns), text);
    // What it writes reads back exactly.
    qint64 back = -1;
    QVERIFY(Herd::parseTime(text, &back));
    QCOMPARE(back, ns);
}

void tst_ProtocolFormat::formatDiff_data()
{
    QTest::addColumn<qint64>("ns");
    QTest::addColumn<QByteArray>("text");

    QTest::newRow("zero") << qint64(0) << "+0.000000000"_ba;
    QTest::newRow("+1 ns") << qint64(1) << "+0.000000001"_ba;
    QTest::newRow("-1 ns") << qint64(-1) << "-0.000000001"_ba;
    QTest::newRow("spec") << qint64(263873386) << "+0.263873386"_ba;
    QTest::newRow("sub-second negative") << qint64(-263873386) << "-0.263873386"_ba;
    QTest::newRow("one second") << Ns << "+1.000000000"_ba;
    QTest::newRow("minus one second") << -Ns << "-1.000000000"_ba;
    QTest::newRow("just under a second") << Ns - 1 << "+0.999999999"_ba;
    QTest::newRow("-1.5 s") << -(Ns + Ns / 2) << "-1.500000000"_ba;
    QTest::newRow("a day and a bit") << 86400 * Ns + 10 << "+86400.000000010"_ba;
    QTest::newRow("epoch-sized") << qint64(1621464827959498503) << "+1621464827.959498503"_ba;
    QTest::newRow("negative epoch-sized") << qint64(-1621464827959498503) << "-1621464827.959498503"_ba;
    QTest::newRow("int64 max") << Max64 << "+9223372036.854775807"_ba;
    QTest::newRow("int64 min") << Min64 << "-9223372036.854775808"_ba;
}

void tst_ProtocolFormat::formatDiff()
{
    QFETCH(qint64, ns);
    QFETCH(QByteArray, text);
    QCOMPARE(Herd::formatDiff(ns), text);
}

// Client times and receive times for which computing in double seconds gives
// a different 9th digit (the first row is the spec's own example: double
// arithmetic gives +0.263873339).
void tst_ProtocolFormat::formatDiffIsExact_data()
{
    QTest::addColumn<QByteArray>("clientTime");
    QTest::addColumn<qint64>("receivedNs");
    QTest::addColumn<QByteArray>("diff");

    QTest::newRow("spec example") << "1621464827.959498503"_ba << qint64(1621464828223371889)
                                  << "+0.263873386"_ba;
    QTest::newRow("negative, seconds")
        << "1682030920.993190389"_ba << qint64(1682030914273577401) << "-6.719612988"_ba;
    QTest::newRow("1 ns apart") << "1700000000.000000001"_ba << qint64(1700000000000000002)
                                << "+0.000000001"_ba;
    QTest::newRow("same instant") << "1700000000.123456789"_ba << qint64(1700000000123456789)
                                  << "+0.000000000"_ba;
    QTest::newRow("client in the future by 1 ns")
        << "1700000000.123456790"_ba << qint64(1700000000123456789) << "-0.000000001"_ba;
    QTest::newRow("client time 0") << "0"_ba << qint64(1700000000123456789) << "+1700000000.123456789"_ba;
    QTest::newRow("client time far future")
        << "9223372035.999999999"_ba << qint64(1700000000000000000) << "-7523372035.999999999"_ba;
}

void tst_ProtocolFormat::formatDiffIsExact()
{
    QFETCH(QByteArray, clientTime);
    QFETCH(qint64, receivedNs);
    QFETCH(QByteArray, diff);

    qint64 clientNs = 0;
    QVERIFY(Herd::parseTime(clientTime, &clientNs));
    QCOMPARE(Herd::formatDiff(receivedNs - clientNs), diff);
    const QByteArray line = "IAMAT k +1+1 " + clientTime;
    const Message iamat = Herd::parseLine(line);
    QCOMPARE(iamat.command, Command::Iamat);
    QCOMPARE(Herd::formatAt("N", receivedNs, iamat), "AT N " + diff + " k +1+1 " + clientTime);
}

void tst_ProtocolFormat::formatAt_data()
{
    QTest::addColumn<QByteArray>("server");
    QTest::addColumn<qint64>("receivedNs");
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QByteArray>("at");

    QTest::newRow("spec")
        << "Alford"_ba << qint64(1621464828223371889)
        << "IAMAT kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503"_ba
        << "AT Alford +0.263873386 kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503"_ba;
    // White space between the IAMAT's fields is not copied; the fields are, byte for byte.
    QTest::newRow("odd white space, leading zeros kept")
        << "Bolden"_ba << 10 * Ns << "\t IAMAT\f\vk  +0034.50-000118.250\t0001.500 \r"_ba
        << "AT Bolden +8.500000000 k +0034.50-000118.250 0001.500"_ba;
    QTest::newRow("UTF-8 names and id") << "Nœud-1"_ba << 3 * Ns << "IAMAT 客户端 -0.0+0.0 3"_ba
                                        << "AT Nœud-1 +0.000000000 客户端 -0.0+0.0 3"_ba;
    QTest::newRow("time 9 digits kept, minus zero kept")
        << "P"_ba << qint64(1) << "IAMAT c -0-0 0.000000002"_ba
        << "AT P -0.000000001 c -0-0 0.000000002"_ba;
}

void tst_ProtocolFormat::formatAt()
{
    QFETCH(QByteArray, server);
    QFETCH(qint64, receivedNs);
    QFETCH(QByteArray, line);
    QFETCH(QByteArray, at);

    const Message iamat = Herd::parseLine(line);
    QCOMPARE(iamat.command, Command::Iamat);
    const QByteArray produced = Herd::formatAt(server, receivedNs, iamat);
    QCOMPARE(produced, at);
    // And the AT line parses back to the same record.
    const Message back = Herd::parseLine(produced);
    QCOMPARE(back.command, Command::At);
    QCOMPARE(back.server, server);
    QCOMPARE(back.clientId, iamat.clientId);
    QCOMPARE(back.position, iamat.position);
    QCOMPARE(back.time, iamat.time);
    QCOMPARE(back.timeNs, iamat.timeNs);
}

void tst_ProtocolFormat::invalidReply_data()
{
    QTest::addColumn<QByteArray>("line");

    QTest::newRow("plain") << "HELLO"_ba;
    QTest::newRow("empty") << ""_ba;
    QTest::newRow("white space kept") << "  IAMAT \t x \f"_ba;
    QTest::newRow("NUL kept") << "a\0b"_ba;
    QTest::newRow("bad UTF-8 kept") << "\xff\xfe"_ba;
}

void tst_ProtocolFormat::invalidReply()
{
    QFETCH(QByteArray, line);
    QCOMPARE(Herd::invalidReply(line), "? " + line);
}

void tst_ProtocolFormat::problemNames()
{
    QSet<QByteArray> names;
    for (int p = int(Problem::None); p <= int(Problem::TooLong); ++p) {
        const QByteArray name = Herd::problemName(Problem(p));
        QVERIFY(!name.isEmpty());
        QVERIFY2(name != "?", QByteArray::number(p).constData());
        names.insert(name);
    }
    QCOMPARE(names.size(), int(Problem::TooLong) + 1);
}

void tst_ProtocolFormat::recordOfAtLine_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QByteArray>("normal");

    const QByteArray normal =
        "AT Hill +0.263873386 kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503"_ba;
    QTest::newRow("normal: kept as it is") << normal << normal;
    QTest::newRow("tabs and runs of spaces: normalised")
        << "AT\tHill  +0.263873386 kiwi.cs.ucla.edu\t+34.068930-118.445127   1621464827.959498503\r"_ba
        << normal;
    QTest::newRow("leading white space") << " \vAT Hill +0.263873386 kiwi.cs.ucla.edu +34.068930-118.445127 "
                                            "1621464827.959498503"_ba
                                         << normal;
}

void tst_ProtocolFormat::recordOfAtLine()
{
    QFETCH(QByteArray, line);
    QFETCH(QByteArray, normal);

    const std::optional<Herd::Record> record = Herd::Record::ofAtLine(line);
    QVERIFY(record);
    QCOMPARE(record->atLine, normal);
    QCOMPARE(record->clientId, "kiwi.cs.ucla.edu"_ba);
    QCOMPARE(record->timeNs, 1'621'464'827'959'498'503LL);
    QCOMPARE(record->server(), "Hill");
    QCOMPARE(record->position(), "+34.068930-118.445127");
    double latitude = 0;
    double longitude = 0;
    QVERIFY(record->degrees(&latitude, &longitude));
    QCOMPARE(latitude, 34.06893);
    QCOMPARE(longitude, -118.445127);
}

void tst_ProtocolFormat::recordOfAnOddLine()
{
    QVERIFY(!Herd::Record::ofAtLine("IAMAT kiwi +34.068930-118.445127 1621464827.959498503"_ba));
    QVERIFY(!Herd::Record::ofAtLine("AT Hill +0.2 kiwi +91-118 1"_ba));
    // A record read back from a damaged recording keeps its line as it is:
    // what cannot be found in it is empty, never a crash.
    Herd::Record damaged;
    damaged.atLine = "AT Hill"_ba;
    QCOMPARE(damaged.server(), "Hill");
    QVERIFY(damaged.position().isEmpty());
    double latitude = 0;
    double longitude = 0;
    QVERIFY(!damaged.degrees(&latitude, &longitude));
    damaged.atLine.clear();
    QVERIFY(damaged.server().isEmpty());
}

QTEST_APPLESS_MAIN(tst_ProtocolFormat)
#include "tst_protocol_format.moc"
