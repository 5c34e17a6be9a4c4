// SPDX-License-Identifier: GPL-3.0-or-later
// The pure line parser of docs/protocol.md, fed tables of lines (the
// formatters: tst_protocol_format).
// No sockets, no event loop.

#include <QSet>
#include <QTest>

#include "herd/wire/protocol.h"
#include "tests/protocolsupport.h"

using namespace Qt::StringLiterals;
using Herd::Command;
using Herd::Message;
using Herd::Problem;
using namespace ProtocolSupport;

namespace {

// Degrees compare as doubles parsed from the same text, so exact equality is
// right; the tolerance only guards against a differently rounding parser.
bool near(double a, double b)
{
    return qAbs(a - b) <= 1e-12 * qMax(1.0, qAbs(b));
}

} // namespace

class tst_Protocol final : public QObject
{
    Q_OBJECT

private slots:
    void whiteSpace();
    void parseIamat_data();
    void parseIamat();
    void parseWhatsat_data();
    void parseWhatsat();
    void parseAt_data();
    void parseAt();
    void parseInvalid_data();
    void parseInvalid();
    void parseTime_data();
    void parseTime();
    void parsePosition_data();
    void parsePosition();
    void updateClient_data();
    void updateClient();
    void atServerAndTime();
};

void tst_Protocol::whiteSpace()
{
    // Exactly space, \t, \r, \n, \f, \v: not NUL, not NBSP's bytes, not any other byte.
    const QByteArray expected = " \t\r\n\f\v"_ba;
    for (int c = 0; c < 256; ++c) {
        const char ch = char(c);
        QCOMPARE(Herd::isProtocolSpace(ch), expected.contains(ch));
    }
}

// ---- IAMAT ---------------------------------------------------------------

void tst_Protocol::parseIamat_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QByteArray>("clientId");
    QTest::addColumn<QByteArray>("position");
    QTest::addColumn<QByteArray>("time");
    QTest::addColumn<double>("latitude");
    QTest::addColumn<double>("longitude");
    QTest::addColumn<qint64>("timeNs");

    const QByteArray kiwi = "kiwi.cs.ucla.edu"_ba;
    const QByteArray pos = "+34.068930-118.445127"_ba;
    const QByteArray time = "1621464827.959498503"_ba;
    const qint64 timeNs = 1621464827959498503;
    const auto course = [&](const char *name, const QByteArray &line) {
        QTest::newRow(name) << line << kiwi << pos << time << 34.068930 << -118.445127 << timeNs;
    };
    course("spec example", "IAMAT kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503"_ba);
    course("tabs", "IAMAT\tkiwi.cs.ucla.edu\t+34.068930-118.445127\t1621464827.959498503"_ba);
    course("CR between", "IAMAT\rkiwi.cs.ucla.edu\r+34.068930-118.445127\r1621464827.959498503"_ba);
    course("FF between", "IAMAT\fkiwi.cs.ucla.edu\f+34.068930-118.445127\f1621464827.959498503"_ba);
    course("VT between", "IAMAT\vkiwi.cs.ucla.edu\v+34.068930-118.445127\v1621464827.959498503"_ba);
    course("LF between", "IAMAT\nkiwi.cs.ucla.edu\n+34.068930-118.445127\n1621464827.959498503"_ba);
    course("runs of mixed",
           "IAMAT \t\r\f\v kiwi.cs.ucla.edu  \t +34.068930-118.445127\v\f1621464827.959498503"_ba);
    course("leading", " \t\f\vIAMAT kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503"_ba);
    course("trailing", "IAMAT kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503 \t\v\f"_ba);
    course("trailing CR (CRLF ending)",
           "IAMAT kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503\r"_ba);
    course("everything",
           "\r\n\t IAMAT\v\vkiwi.cs.ucla.edu\f+34.068930-118.445127\t1621464827.959498503\r\r\n"_ba);

    QTest::newRow("integer degrees and time") << "IAMAT a +34-118 1621464827"_ba
                                              << "a"_ba
                                              << "+34-118"_ba
                                              << "1621464827"_ba << 34.0 << -118.0 << 1621464827 * Ns;
    QTest::newRow("south east") << "IAMAT b -33.8688+151.2093 1.5"_ba
                                << "b"_ba
                                << "-33.8688+151.2093"_ba
                                << "1.5"_ba << -33.8688 << 151.2093 << Ns + 500'000'000;
    QTest::newRow("north pole, date line +") << "IAMAT c +90+180 0"_ba
                                             << "c"_ba
                                             << "+90+180"_ba
                                             << "0"_ba << 90.0 << 180.0 << qint64(0);
    QTest::newRow("south pole, date line -") << "IAMAT c -90.000000-180.000 0.000000001"_ba
                                             << "c"_ba
                                             << "-90.000000-180.000"_ba
                                             << "0.000000001"_ba << -90.0 << -180.0 << qint64(1);
    QTest::newRow("minus zero") << "IAMAT z -0-0 00"_ba
                                << "z"_ba
                                << "-0-0"_ba
                                << "00"_ba << -0.0 << -0.0 << qint64(0);
    QTest::newRow("leading zeros kept as text") << "IAMAT z +0034.5-000118.25 0001.100"_ba
                                                << "z"_ba
                                                << "+0034.5-000118.25"_ba
                                                << "0001.100"_ba << 34.5 << -118.25 << Ns + 100'000'000;
    QTest::newRow("9 fraction digits") << "IAMAT t +1+1 1.999999999"_ba
                                       << "t"_ba
                                       << "+1+1"_ba
                                       << "1.999999999"_ba << 1.0 << 1.0 << 2 * Ns - 1;
    QTest::newRow("largest time") << "IAMAT t +1+1 9223372035.999999999"_ba
                                  << "t"_ba
                                  << "+1+1"_ba
                                  << "9223372035.999999999"_ba << 1.0 << 1.0 << qint64(9223372035999999999);
    QTest::newRow("long fraction degrees")
        << "IAMAT t +34.06893012345678901234-118.44512700000000000001 5"_ba
        << "t"_ba
        << "+34.06893012345678901234-118.44512700000000000001"_ba
        << "5"_ba << 34.06893012345678901234 << -118.44512700000000000001 << 5 * Ns;
    // Field 2 is any non-white-space string.
    QTest::newRow("id: UTF-8") << "IAMAT клиент-😀 +1+1 1"_ba
                               << "клиент-😀"_ba
                               << "+1+1"_ba
                               << "1"_ba << 1.0 << 1.0 << Ns;
    QTest::newRow("id: command words") << "IAMAT WHATSAT +1+1 1"_ba
                                       << "WHATSAT"_ba
                                       << "+1+1"_ba
                                       << "1"_ba << 1.0 << 1.0 << Ns;
    QTest::newRow("id: punctuation") << "IAMAT ?\"{}[]\\<>;'|& +1+1 1"_ba
                                     << "?\"{}[]\\<>;'|&"_ba
                                     << "+1+1"_ba
                                     << "1"_ba << 1.0 << 1.0 << Ns;
    QTest::newRow("id: looks like a position") << "IAMAT +34-118 +34-118 1"_ba
                                               << "+34-118"_ba
                                               << "+34-118"_ba
                                               << "1"_ba << 34.0 << -118.0 << Ns;
    const QByteArray longId(5000, 'k');
    QTest::newRow("id: 5000 bytes") << "IAMAT " + longId + " +1+1 1" << longId << "+1+1"_ba
                                    << "1"_ba << 1.0 << 1.0 << Ns;
}

void tst_Protocol::parseIamat()
{
    QFETCH(QByteArray, line);
    QFETCH(QByteArray, clientId);
    QFETCH(QByteArray, position);
    QFETCH(QByteArray, time);
    QFETCH(double, latitude);
    QFETCH(double, longitude);
    QFETCH(qint64, timeNs);

    const Message m = Herd::parseLine(line);
    QCOMPARE(m.problem, Problem::None);
    QCOMPARE(m.command, Command::Iamat);
    QCOMPARE(m.clientId, clientId);
    QCOMPARE(m.position, position);
    QCOMPARE(m.time, time);
    QCOMPARE(m.timeNs, timeNs);
    // The parser checks the position; its degrees are computed on demand.
    double parsedLatitude = 0;
    double parsedLongitude = 0;
    Problem problem = Problem::None;
    QVERIFY(Herd::parsePosition(m.position, &parsedLatitude, &parsedLongitude, &problem));
    QVERIFY2(near(parsedLatitude, latitude), QByteArray::number(parsedLatitude, 'g', 17).constData());
    QVERIFY2(near(parsedLongitude, longitude), QByteArray::number(parsedLongitude, 'g', 17).constData());
}

// ---- WHATSAT -------------------------------------------------------------

void tst_Protocol::parseWhatsat_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QByteArray>("clientId");
    QTest::addColumn<double>("radiusKm");
    QTest::addColumn<int>("bound");

    QTest::newRow("spec example") << "WHATSAT kiwi.cs.ucla.edu 10 5"_ba
                                  << "kiwi.cs.ucla.edu"_ba << 10.0 << 5;
    QTest::newRow("fraction") << "WHATSAT k 10.5871263 2"_ba
                              << "k"_ba << 10.5871263 << 2;
    QTest::newRow("tabs") << "WHATSAT\tk\t10\t5"_ba
                          << "k"_ba << 10.0 << 5;
    QTest::newRow("CR FF VT") << "WHATSAT\rk\f10\v5"_ba
                              << "k"_ba << 10.0 << 5;
    QTest::newRow("leading and trailing") << "\v\f \tWHATSAT k 10 5 \t\f\v\r"_ba
                                          << "k"_ba << 10.0 << 5;
    QTest::newRow("smallest bound, radius 50") << "WHATSAT k 50 1"_ba
                                               << "k"_ba << 50.0 << 1;
    QTest::newRow("radius 50.000, bound 20") << "WHATSAT k 50.000 20"_ba
                                             << "k"_ba << 50.0 << 20;
    QTest::newRow("tiny radius") << "WHATSAT k 0.0001 3"_ba
                                 << "k"_ba << 0.0001 << 3;
    QTest::newRow("leading zeros") << "WHATSAT k 0050 020"_ba
                                   << "k"_ba << 50.0 << 20;
    QTest::newRow("bound 01") << "WHATSAT k 1 01"_ba
                              << "k"_ba << 1.0 << 1;
    QTest::newRow("id: UTF-8") << "WHATSAT ñandú 1 1"_ba
                               << "ñandú"_ba << 1.0 << 1;
    QTest::newRow("id: IAMAT") << "WHATSAT IAMAT 1 1"_ba
                               << "IAMAT"_ba << 1.0 << 1;
}

void tst_Protocol::parseWhatsat()
{
    QFETCH(QByteArray, line);
    QFETCH(QByteArray, clientId);
    QFETCH(double, radiusKm);
    QFETCH(int, bound);

    const Message m = Herd::parseLine(line);
    QCOMPARE(m.problem, Problem::None);
    QCOMPARE(m.command, Command::Whatsat);
    QCOMPARE(m.clientId, clientId);
    QVERIFY(near(m.radiusKm, radiusKm));
    QCOMPARE(m.bound, bound);
}

// ---- AT ------------------------------------------------------------------

void tst_Protocol::parseAt_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QByteArray>("server");
    QTest::addColumn<QByteArray>("diff");
    QTest::addColumn<QByteArray>("clientId");
    QTest::addColumn<QByteArray>("position");
    QTest::addColumn<QByteArray>("time");
    QTest::addColumn<qint64>("timeNs");

    QTest::newRow("spec example")
        << "AT Alford +0.263873386 kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503"_ba
        << "Alford"_ba
        << "+0.263873386"_ba
        << "kiwi.cs.ucla.edu"_ba
        << "+34.068930-118.445127"_ba
        << "1621464827.959498503"_ba << qint64(1621464827959498503);
    QTest::newRow("negative diff, tabs") << "AT\tBolden\t-12.000000001\tk\t-1+2\t3\r"_ba
                                         << "Bolden"_ba
                                         << "-12.000000001"_ba
                                         << "k"_ba
                                         << "-1+2"_ba
                                         << "3"_ba << 3 * Ns;
    QTest::newRow("unsigned diff, white space runs") << "  AT \f Hamilton \v 0.5 k +1+2 3  "_ba
                                                     << "Hamilton"_ba
                                                     << "0.5"_ba
                                                     << "k"_ba
                                                     << "+1+2"_ba
                                                     << "3"_ba << 3 * Ns;
}

void tst_Protocol::parseAt()
{
    QFETCH(QByteArray, line);
    QFETCH(QByteArray, server);
    QFETCH(QByteArray, diff);
    QFETCH(QByteArray, clientId);
    QFETCH(QByteArray, position);
    QFETCH(QByteArray, time);
    QFETCH(qint64, timeNs);

    const Message m = Herd::parseLine(line);
    QCOMPARE(m.problem, Problem::None);
    QCOMPARE(m.command, Command::At);
    QCOMPARE(m.server, server);
    QCOMPARE(m.diff, diff);
    QCOMPARE(m.clientId, clientId);
    QCOMPARE(m.position, position);
    QCOMPARE(m.time, time);
    QCOMPARE(m.timeNs, timeNs);
}

// ---- invalid lines -------------------------------------------------------

void tst_Protocol::parseInvalid_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<Problem>("problem");

    const auto row = [](const char *name, const QByteArray &line, Problem problem) {
        QTest::newRow(name) << line << problem;
    };
    // Commands
    row("unknown command", "HELLO kiwi +34-118 1"_ba, Problem::UnknownCommand);
    row("lower-case iamat", "iamat kiwi +34-118 1"_ba, Problem::UnknownCommand);
    row("mixed-case Iamat", "Iamat kiwi +34-118 1"_ba, Problem::UnknownCommand);
    row("lower-case whatsat", "whatsat kiwi 10 5"_ba, Problem::UnknownCommand);
    row("lower-case at", "at Alford +0.1 kiwi +34-118 1"_ba, Problem::UnknownCommand);
    row("command with suffix", "IAMATX kiwi +34-118 1"_ba, Problem::UnknownCommand);
    row("NBSP is not a separator", "IAMAT\xc2\xa0kiwi +34-118 1"_ba, Problem::UnknownCommand);
    row("reply echoed back", "? IAMAT"_ba, Problem::UnknownCommand);
    // Empty
    row("empty", ""_ba, Problem::Empty);
    row("only space", "   "_ba, Problem::Empty);
    row("only white space of every kind", " \t\r\n\f\v"_ba, Problem::Empty);
    row("only CR", "\r"_ba, Problem::Empty);
    // Field counts
    row("IAMAT alone", "IAMAT"_ba, Problem::FieldCount);
    row("IAMAT 2 fields", "IAMAT kiwi"_ba, Problem::FieldCount);
    row("IAMAT 3 fields", "IAMAT kiwi +34-118"_ba, Problem::FieldCount);
    row("IAMAT 5 fields", "IAMAT kiwi +34-118 1 extra"_ba, Problem::FieldCount);
    row("IAMAT split position", "IAMAT kiwi +34 -118 1"_ba, Problem::FieldCount);
    row("IAMAT 12 fields", "IAMAT a b c d e f g h i j k"_ba, Problem::FieldCount);
    row("WHATSAT alone", "WHATSAT"_ba, Problem::FieldCount);
    row("WHATSAT 3 fields", "WHATSAT kiwi 10"_ba, Problem::FieldCount);
    row("WHATSAT 5 fields", "WHATSAT kiwi 10 5 5"_ba, Problem::FieldCount);
    row("AT alone", "AT"_ba, Problem::FieldCount);
    row("AT 5 fields", "AT Alford +0.1 kiwi +34-118"_ba, Problem::FieldCount);
    row("AT 7 fields", "AT Alford +0.1 kiwi +34-118 1 x"_ba, Problem::FieldCount);
    // Positions
    row("position without sign", "IAMAT kiwi 34.068930-118.445127 1"_ba, Problem::BadPosition);
    row("longitude without sign", "IAMAT kiwi +34.068930118.445127 1"_ba, Problem::BadPosition);
    row("missing longitude", "IAMAT kiwi +34.068930 1"_ba, Problem::BadPosition);
    row("sign only", "IAMAT kiwi + 1"_ba, Problem::BadPosition);
    row("double sign", "IAMAT kiwi ++34-118 1"_ba, Problem::BadPosition);
    row("three coordinates", "IAMAT kiwi +34-118+5 1"_ba, Problem::BadPosition);
    row("letters in position", "IAMAT kiwi +3a.0-118 1"_ba, Problem::BadPosition);
    row("hex in position", "IAMAT kiwi +0x22-118 1"_ba, Problem::BadPosition);
    row("exponent in position", "IAMAT kiwi +3e1-118 1"_ba, Problem::BadPosition);
    row("empty fractions '+34.-118.'", "IAMAT kiwi +34.-118. 1"_ba, Problem::BadPosition);
    row("fraction without whole", "IAMAT kiwi +.5-118 1"_ba, Problem::BadPosition);
    row("comma decimal", "IAMAT kiwi +34,5-118 1"_ba, Problem::BadPosition);
    row("Arabic-Indic digits", "IAMAT kiwi +\xd9\xa3\xd9\xa4-118 1"_ba, Problem::BadPosition);
    row("latitude 90.0000001", "IAMAT kiwi +90.0000001-118 1"_ba, Problem::LatitudeRange);
    row("latitude -91", "IAMAT kiwi -91+0 1"_ba, Problem::LatitudeRange);
    row("latitude 1000", "IAMAT kiwi +1000+0 1"_ba, Problem::LatitudeRange);
    row("longitude -180.5", "IAMAT kiwi +34-180.5 1"_ba, Problem::LongitudeRange);
    row("longitude 180.000000001", "IAMAT kiwi +0+180.000000001 1"_ba, Problem::LongitudeRange);
    row("longitude 10 digits", "IAMAT kiwi +0+1234567890 1"_ba, Problem::LongitudeRange);
    // Times
    row("time with 10 fraction digits", "IAMAT kiwi +34-118 1621464827.9594985031"_ba, Problem::BadTime);
    row("time with + sign", "IAMAT kiwi +34-118 +1621464827.5"_ba, Problem::BadTime);
    row("time with - sign", "IAMAT kiwi +34-118 -5"_ba, Problem::BadTime);
    row("time 1e9", "IAMAT kiwi +34-118 1e9"_ba, Problem::BadTime);
    row("time overflow", "IAMAT kiwi +34-118 99999999999999999999"_ba, Problem::BadTime);
    row("time just past int64 ns", "IAMAT kiwi +34-118 9223372036.854775808"_ba, Problem::BadTime);
    row("time with trailing dot", "IAMAT kiwi +34-118 1621464827."_ba, Problem::BadTime);
    row("time fraction only", "IAMAT kiwi +34-118 .5"_ba, Problem::BadTime);
    row("time with letters", "IAMAT kiwi +34-118 12ab"_ba, Problem::BadTime);
    row("time fullwidth digit", "IAMAT kiwi +34-118 \xef\xbc\x91"_ba, Problem::BadTime);
    row("time with two dots", "IAMAT kiwi +34-118 1.2.3"_ba, Problem::BadTime);
    // Radius
    row("radius 0", "WHATSAT kiwi 0 5"_ba, Problem::RadiusRange);
    row("radius 0.000", "WHATSAT kiwi 0.000 5"_ba, Problem::RadiusRange);
    row("radius 50.0001", "WHATSAT kiwi 50.0001 5"_ba, Problem::RadiusRange);
    row("radius 51", "WHATSAT kiwi 51 5"_ba, Problem::RadiusRange);
    row("radius 10 digits", "WHATSAT kiwi 1000000000 5"_ba, Problem::RadiusRange);
    row("radius -1", "WHATSAT kiwi -1 5"_ba, Problem::BadRadius);
    row("radius +1", "WHATSAT kiwi +1 5"_ba, Problem::BadRadius);
    row("radius abc", "WHATSAT kiwi abc 5"_ba, Problem::BadRadius);
    row("radius .5", "WHATSAT kiwi .5 5"_ba, Problem::BadRadius);
    row("radius 5.", "WHATSAT kiwi 5. 5"_ba, Problem::BadRadius);
    row("radius 1e1", "WHATSAT kiwi 1e1 5"_ba, Problem::BadRadius);
    row("radius nan", "WHATSAT kiwi nan 5"_ba, Problem::BadRadius);
    row("radius inf", "WHATSAT kiwi inf 5"_ba, Problem::BadRadius);
    // Bound
    row("bound 0", "WHATSAT kiwi 10 0"_ba, Problem::BoundRange);
    row("bound 21", "WHATSAT kiwi 10 21"_ba, Problem::BoundRange);
    row("bound huge", "WHATSAT kiwi 10 99999999999999999999"_ba, Problem::BoundRange);
    row("bound 2.5", "WHATSAT kiwi 10 2.5"_ba, Problem::BadBound);
    row("bound 5.0", "WHATSAT kiwi 10 5.0"_ba, Problem::BadBound);
    row("bound +5", "WHATSAT kiwi 10 +5"_ba, Problem::BadBound);
    row("bound -1", "WHATSAT kiwi 10 -1"_ba, Problem::BadBound);
    row("bound abc", "WHATSAT kiwi 10 abc"_ba, Problem::BadBound);
    row("bound 1e1", "WHATSAT kiwi 10 1e1"_ba, Problem::BadBound);
    // Not text
    row("NUL byte", "IAMAT ki\0wi +34-118 1"_ba, Problem::NotText);
    row("NUL only", "\0"_ba, Problem::NotText);
    row("invalid UTF-8", "IAMAT k\xff\xfe +34-118 1"_ba, Problem::NotText);
    row("UTF-8 continuation alone", "IAMAT k\x80 +34-118 1"_ba, Problem::NotText);
    row("overlong UTF-8", "IAMAT k\xc0\xaf +34-118 1"_ba, Problem::NotText);
    row("UTF-8 surrogate", "IAMAT k\xed\xa0\x80 +34-118 1"_ba, Problem::NotText);
    row("truncated UTF-8 at end", "IAMAT k +34-118 1\xe2\x82"_ba, Problem::NotText);
    row("DEL char", "IAMAT kiwi\x7f +34-118 1"_ba, Problem::NotText);
    row("control char SOH", "IAMAT kiwi +34-118 1\x01"_ba, Problem::NotText);
    row("ESC char", "\x1b[31mIAMAT kiwi +34-118 1"_ba, Problem::NotText);
    // AT specifics
    row("AT with bad diff", "AT Alford 0.x kiwi +34-118 1"_ba, Problem::BadDiff);
    row("AT with empty-fraction diff", "AT Alford +0. kiwi +34-118 1"_ba, Problem::BadDiff);
    row("AT with double-signed diff", "AT Alford +-1 kiwi +34-118 1"_ba, Problem::BadDiff);
    row("AT with bad position", "AT Alford +0.1 kiwi 34-118 1"_ba, Problem::BadPosition);
    row("AT with bad time", "AT Alford +0.1 kiwi +34-118 abc"_ba, Problem::BadTime);
    row("AT with latitude out of range", "AT Alford +0.1 kiwi -90.5+0 1"_ba, Problem::LatitudeRange);
}

void tst_Protocol::parseInvalid()
{
    QFETCH(QByteArray, line);
    QFETCH(Problem, problem);

    const Message m = Herd::parseLine(line);
    QCOMPARE(m.command, Command::Invalid);
    QCOMPARE(m.problem, problem);
}

// ---- fields --------------------------------------------------------------

void tst_Protocol::parseTime_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<qint64>("ns");

    QTest::newRow("spec") << "1621464827.959498503"_ba << true << qint64(1621464827959498503);
    QTest::newRow("whole") << "1621464827"_ba << true << 1621464827 * Ns;
    QTest::newRow("zero") << "0"_ba << true << qint64(0);
    QTest::newRow("one ns") << "0.000000001"_ba << true << qint64(1);
    QTest::newRow("1 fraction digit") << "2.5"_ba << true << 2 * Ns + 500'000'000;
    QTest::newRow("trailing zeros") << "2.500000000"_ba << true << 2 * Ns + 500'000'000;
    QTest::newRow("largest") << "9223372035.999999999"_ba << true << qint64(9223372035999999999);
    QTest::newRow("leading zeros") << "0000000000000000000000001.5"_ba << true << Ns + 500'000'000;
    QTest::newRow("empty") << ""_ba << false << qint64(0);
    QTest::newRow("10 fraction digits") << "1.0000000000"_ba << false << qint64(0);
    QTest::newRow("sign +") << "+1"_ba << false << qint64(0);
    QTest::newRow("sign -") << "-1"_ba << false << qint64(0);
    QTest::newRow("exponent") << "1e9"_ba << false << qint64(0);
    QTest::newRow("overflow") << "99999999999999999999"_ba << false << qint64(0);
    QTest::newRow("overflow by a second") << "9223372037"_ba << false << qint64(0);
    QTest::newRow("trailing dot") << "1."_ba << false << qint64(0);
    QTest::newRow("leading dot") << ".1"_ba << false << qint64(0);
    QTest::newRow("space inside") << "1 2"_ba << false << qint64(0);
}

void tst_Protocol::parseTime()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, ok);
    QFETCH(qint64, ns);

    qint64 parsed = -42;
    QCOMPARE(Herd::parseTime(text, &parsed), ok);
    if (ok)
        QCOMPARE(parsed, ns);
}

void tst_Protocol::parsePosition_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<Problem>("problem");
    QTest::addColumn<double>("latitude");
    QTest::addColumn<double>("longitude");

    QTest::newRow("spec") << "+34.068930-118.445127"_ba << Problem::None << 34.068930 << -118.445127;
    QTest::newRow("corners +") << "+90+180"_ba << Problem::None << 90.0 << 180.0;
    QTest::newRow("corners -") << "-90.0-180.0"_ba << Problem::None << -90.0 << -180.0;
    QTest::newRow("90 with zero fraction") << "+90.000000000000000000+0"_ba << Problem::None << 90.0 << 0.0;
    QTest::newRow("no sign") << "34-118"_ba << Problem::BadPosition << 0.0 << 0.0;
    QTest::newRow("latitude only") << "+34"_ba << Problem::BadPosition << 0.0 << 0.0;
    QTest::newRow("empty") << ""_ba << Problem::BadPosition << 0.0 << 0.0;
    QTest::newRow("trailing junk") << "+34-118x"_ba << Problem::BadPosition << 0.0 << 0.0;
    QTest::newRow("lat past 90 by 1e-20")
        << "+90.00000000000000000001+0"_ba << Problem::LatitudeRange << 0.0 << 0.0;
    QTest::newRow("lng past 180 by 1e-20")
        << "+0-180.00000000000000000001"_ba << Problem::LongitudeRange << 0.0 << 0.0;
    QTest::newRow("both out: latitude reported") << "+91+181"_ba << Problem::LatitudeRange << 0.0 << 0.0;
}

void tst_Protocol::parsePosition()
{
    QFETCH(QByteArray, text);
    QFETCH(Problem, problem);
    QFETCH(double, latitude);
    QFETCH(double, longitude);

    double lat = 0;
    double lng = 0;
    Problem got = Problem::None;
    QCOMPARE(Herd::parsePosition(text, &lat, &lng, &got), problem == Problem::None);
    QCOMPARE(got, problem);
    if (problem == Problem::None) {
        QVERIFY(near(lat, latitude));
        QVERIFY(near(lng, longitude));
    }
}

void tst_Protocol::updateClient_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QByteArray>("client");

    QTest::newRow("IAMAT") << "IAMAT kiwi +34-118 1621464827.9"_ba
                           << "kiwi"_ba;
    QTest::newRow("AT") << "AT Hill +0.263873386 kiwi +34-118 1621464827.9"_ba
                        << "kiwi"_ba;
    QTest::newRow("any white space") << " AT\tHill +0.1\vkiwi +34-118 1\r"_ba
                                     << "kiwi"_ba;
    QTest::newRow("invalid fields") << "IAMAT kiwi here now"_ba
                                    << "kiwi"_ba;
    QTest::newRow("IAMAT without a time") << "IAMAT kiwi +34-118"_ba
                                          << ""_ba;
    QTest::newRow("AT without a time") << "AT Hill +0.1 kiwi +34-118"_ba
                                       << ""_ba;
    QTest::newRow("WHATSAT") << "WHATSAT kiwi 10 5"_ba
                             << ""_ba;
    QTest::newRow("SYNC") << "SYNC SUM A 1/1 0:1 1:2 2:3 3:4"_ba
                          << ""_ba;
    QTest::newRow("invalid reply") << "? IAMAT kiwi +34-118 1"_ba
                                   << ""_ba;
    QTest::newRow("lower case") << "iamat kiwi +34-118 1"_ba
                                << ""_ba;
    QTest::newRow("empty") << ""_ba
                           << ""_ba;
}

void tst_Protocol::updateClient()
{
    QFETCH(QByteArray, line);
    QFETCH(QByteArray, client);
    QCOMPARE(Herd::updateClient(line), client);
}

void tst_Protocol::atServerAndTime()
{
    QByteArrayView server;
    qint64 timeNs = 0;
    QVERIFY(Herd::atServerAndTime(" AT\tHill +0.1 kiwi +34-118 1621464827.25\r", &server, &timeNs));
    QCOMPARE(server, "Hill");
    QCOMPARE(timeNs, 1'621'464'827'250'000'000);
    for (const char *other : {"AT Hill +0.1 kiwi +34-118", "AT Hill +0.1 kiwi +34-118 1 extra",
                              "AT Hill +0.1 kiwi +34-118 soon", "IAMAT kiwi +34-118 1 x y", ""})
        QVERIFY2(!Herd::atServerAndTime(other, &server, &timeNs), other);
}

// ---- formatting ----------------------------------------------------------

QTEST_APPLESS_MAIN(tst_Protocol)
#include "tst_protocol.moc"
