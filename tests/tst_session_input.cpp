// SPDX-License-Identifier: GPL-3.0-or-later
// Invalid input and how lines arrive: every bad line echoed as "? <line>",
// white space and line endings, several lines in one write, one line byte by
// byte, a megabyte without a newline, and the line length limit.

#include <QTest>

#include "herd/node/node.h"
#include "tests/lineclient.h"
#include "tests/sessiontest.h"

using namespace Qt::StringLiterals;
using namespace SessionSupport;
using Herd::EventKind;
using Herd::Test::RawLineClient;

class tst_SessionInput final : public SessionTest
{
    Q_OBJECT

private slots:
    void invalidLines_data();
    void invalidLines();
    void severalLinesInOneWrite();
    void oneLineByteByByte();
    void megabyteLineWithoutNewline();
    void lineLengthLimit_data();
    void lineLengthLimit();
};

void tst_SessionInput::invalidLines_data()
{
    // What the client sends (with its ending) and the line it must get back.
    QTest::addColumn<QByteArray>("sent");
    QTest::addColumn<QByteArray>("echo");

    const auto row = [](const char *name, const QByteArray &line, const QByteArray &ending) {
        QTest::newRow(name) << line + ending << line;
    };
    const QByteArray lf = "\n"_ba;
    const QByteArray crlf = "\r\n"_ba;
    row("unknown command", "HELLO kiwi +34-118 1"_ba, lf);
    row("lower-case iamat", "iamat kiwi +34-118 1"_ba, lf);
    row("empty line", ""_ba, lf);
    row("empty line, CRLF", ""_ba, crlf);
    row("only white space", " \t\f\v "_ba, lf);
    row("IAMAT too few fields", "IAMAT kiwi +34-118"_ba, lf);
    row("IAMAT too many fields", "IAMAT kiwi +34-118 1 2"_ba, lf);
    row("WHATSAT too few fields", "WHATSAT kiwi 10"_ba, lf);
    row("WHATSAT too many fields", "WHATSAT kiwi 10 5 5"_ba, lf);
    row("position without sign", "IAMAT kiwi 34.068930-118.445127 1621464827.5"_ba, lf);
    row("missing longitude", "IAMAT kiwi +34.068930 1621464827.5"_ba, lf);
    row("latitude 90.0000001", "IAMAT kiwi +90.0000001+0 1"_ba, lf);
    row("longitude -180.5", "IAMAT kiwi +0-180.5 1"_ba, lf);
    row("letters in position", "IAMAT kiwi +3a-118 1"_ba, lf);
    row("'+34.-118.'", "IAMAT kiwi +34.-118. 1"_ba, lf);
    row("time with 10 fraction digits", "IAMAT kiwi +34-118 1.0123456789"_ba, lf);
    row("time with sign", "IAMAT kiwi +34-118 +1"_ba, lf);
    row("time 1e9", "IAMAT kiwi +34-118 1e9"_ba, lf);
    row("time overflow", "IAMAT kiwi +34-118 99999999999999999999"_ba, lf);
    row("radius 0", "WHATSAT kiwi 0 5"_ba, lf);
    row("radius 50.0001", "WHATSAT kiwi 50.0001 5"_ba, lf);
    row("radius -1", "WHATSAT kiwi -1 5"_ba, lf);
    row("radius abc", "WHATSAT kiwi abc 5"_ba, lf);
    row("radius .5", "WHATSAT kiwi .5 5"_ba, lf);
    row("bound 0", "WHATSAT kiwi 10 0"_ba, lf);
    row("bound 21", "WHATSAT kiwi 10 21"_ba, lf);
    row("bound 2.5", "WHATSAT kiwi 10 2.5"_ba, lf);
    row("bound +5", "WHATSAT kiwi 10 +5"_ba, lf);
    row("NUL byte", "IAMAT ki\0wi +34-118 1"_ba, lf);
    row("invalid UTF-8", "IAMAT k\xff\xfe +34-118 1"_ba, lf);
    row("DEL char", "IAMAT kiwi\x7f +34-118 1"_ba, lf);
    row("AT from a client, bad diff", "AT Alford 0.x kiwi +34-118 1"_ba, lf);
    // "as received, without its line ending": white space kept, CRLF stripped.
    row("CRLF ending stripped", "HELLO there"_ba, crlf);
    row("leading and trailing white space kept", "  \tHELLO  \f"_ba, lf);
    row("CR inside kept", "HEL\rLO"_ba, crlf);
    QTest::newRow("CR CR LF: one CR kept") << "HELLO\r\r\n"_ba
                                           << "HELLO\r"_ba;
}

void tst_SessionInput::invalidLines()
{
    QFETCH(QByteArray, sent);
    QFETCH(QByteArray, echo);

    QVERIFY(startNode());
    const auto client = connectClient();
    QVERIFY(client);
    client->send(sent);
    QVERIFY(client->waitForLines(1, Wait));
    QCOMPARE(client->received(), "? " + echo + '\n');
    QCOMPARE(eventLines(EventKind::LineInvalid), QList<QByteArray> {echo});

    // The connection stays open and keeps serving.
    QVERIFY(client->isConnected());
    const QByteArray atLine = storeClient(*client, "after");
    QVERIFY2(atLine.startsWith("AT Alford "), atLine.constData());
    // And the node keeps serving other clients.
    const auto other = connectClient();
    QVERIFY(other);
    QVERIFY(!storeClient(*other, "other").isEmpty());
}

void tst_SessionInput::severalLinesInOneWrite()
{
    QVERIFY(startNode());
    const auto client = connectClient();
    QVERIFY(client);
    const QByteArray t = nowText();
    client->send(iamatLine("a", "+1+1", t) + "\nBOGUS 1\r\n" + iamatLine("b", "+2+2", t)
                 + "\n\nWHATSAT zzz 1 1\n" + iamatLine("c", "+3+3", t) + '\n');
    QVERIFY(client->waitForLines(6, Wait));
    const QList<QByteArray> lines = client->lines();
    QCOMPARE(lines.size(), 6);
    QCOMPARE(withoutDiff(lines[0]), "AT Alford <diff> a +1+1 " + t);
    QCOMPARE(lines[1], "? BOGUS 1"_ba);
    QCOMPARE(withoutDiff(lines[2]), "AT Alford <diff> b +2+2 " + t);
    QCOMPARE(lines[3], "? "_ba);
    QCOMPARE(lines[4], "? WHATSAT zzz 1 1"_ba);
    QCOMPARE(withoutDiff(lines[5]), "AT Alford <diff> c +3+3 " + t);
}

void tst_SessionInput::oneLineByteByByte()
{
    QVERIFY(startNode());
    RawLineClient client;
    QVERIFY(client.connectTo(m_node->port()));
    const QByteArray t = nowText();
    const QByteArray line = iamatLine("bytewise", "+34.068930-118.445127", t) + "\r\n";
    for (const char c : line) {
        client.send(QByteArray(1, c));
        // Let the node read what has arrived so far: over loopback a send is
        // readable at once, so this delivers (mostly) one byte per read.
        QCoreApplication::processEvents();
        if (c != '\n') {
            QCOMPARE(events(EventKind::LineReceived).size(), 0);
            QCOMPARE(client.received(), QByteArray());
        }
    }
    QVERIFY(client.waitForLines(1, Wait));
    QCOMPARE(withoutDiff(client.lines().constFirst()),
             "AT Alford <diff> bytewise +34.068930-118.445127 " + t);
    QCOMPARE(eventLines(EventKind::LineReceived), QList<QByteArray> {line.chopped(2)});

    // A WHATSAT split at every byte, too.
    client.clear();
    for (const char c : "WHATSAT bytewise 10 2\n"_ba) {
        client.send(QByteArray(1, c));
        QCoreApplication::processEvents();
    }
    QVERIFY(client.waitForText("\n\n", 1, Wait));
    verifyWhatsatReply(client.received(), m_node->store().find("bytewise")->atLine, 2);
}

void tst_SessionInput::megabyteLineWithoutNewline()
{
    QVERIFY(startNode());
    const qsizetype limit = m_node->settings().maxLineBytes;
    const auto client = connectClient();
    QVERIFY(client);
    QByteArray huge(1024 * 1024, 'x');
    for (qsizetype i = 0; i < huge.size(); i += 1000)
        huge[i] = char('a' + (i / 1000) % 26); // so a wrong cut shows
    client->send(huge);

    // Either "? " + a cut copy, or the connection closed.
    QVERIFY(client->waitUntil([&] { return client->received().contains('\n') || client->atEof(); }, Wait));
    const bool answered = client->received().contains('\n');
    if (answered) {
        QCOMPARE(client->lines().size(), 1);
        QCOMPARE(client->lines()[0], "? " + huge.first(limit));
        QCOMPARE(events(EventKind::LineInvalid).size(), 1);
        QCOMPARE(events(EventKind::LineInvalid)[0].detail, u"line too long"_s);
    }

    // The node keeps serving others meanwhile.
    const auto other = connectClient();
    QVERIFY(other);
    QVERIFY(!storeClient(*other, "other").isEmpty());

    if (!answered) {
        QVERIFY(client->waitForEof(Wait));
        return;
    }
    // More of the same line: discarded without another reply; then after
    // its newline the connection works again.
    client->send(QByteArray(256 * 1024, 'y'));
    const QByteArray t = nowText();
    client->send("yyy\n" + iamatLine("same", "+1+1", t) + '\n');
    QVERIFY(client->waitForLines(2, Wait));
    QCOMPARE(client->lines().size(), 2);
    QCOMPARE(withoutDiff(client->lines()[1]), "AT Alford <diff> same +1+1 " + t);
    QCOMPARE(events(EventKind::LineInvalid).size(), 1);
}

void tst_SessionInput::lineLengthLimit_data()
{
    // A node with maxLineBytes = 64.
    QTest::addColumn<QByteArray>("sent");
    QTest::addColumn<QList<QByteArray>>("replies"); // "<AT>" stands for an AT reply

    const QByteArray x64(64, 'x');
    const QByteArray x65(65, 'x');
    QTest::newRow("exactly the limit") << x64 + '\n' << QList<QByteArray> {"? " + x64};
    QTest::newRow("one past the limit") << x65 + '\n' << QList<QByteArray> {"? " + x64};
    QTest::newRow("far past, in one write") << QByteArray(5000, 'x') + '\n' << QList<QByteArray> {"? " + x64};
    QTest::newRow("too long then valid, one write") << QByteArray(300, 'x') + "\nHELLO\n"
                                                    << QList<QByteArray> {"? " + x64, "? HELLO"_ba};
    QTest::newRow("two too long in one write") << QByteArray(100, 'x') + '\n' + QByteArray(100, 'x') + '\n'
                                               << QList<QByteArray> {"? " + x64, "? " + x64};
    QByteArray iamat64 = "IAMAT " + QByteArray(64 - 6 - 5 - 2, 'i') + " +1+1 1";
    QTest::newRow("IAMAT of exactly 64 bytes") << iamat64 + '\n' << QList<QByteArray> {"<AT>"_ba};
}

void tst_SessionInput::lineLengthLimit()
{
    QFETCH(QByteArray, sent);
    QFETCH(QList<QByteArray>, replies);

    QVERIFY(startNode(nullptr, 64));
    const auto client = connectClient();
    QVERIFY(client);
    client->send(sent);
    QVERIFY(client->waitForLines(replies.size(), Wait));
    // One reply more would show up with the next line's reply: ask an IAMAT.
    const QByteArray t = nowText();
    client->send(iamatLine("z", "+1+1", t) + '\n');
    QVERIFY(client->waitForLines(replies.size() + 1, Wait));
    const QList<QByteArray> lines = client->lines();
    QCOMPARE(lines.size(), replies.size() + 1);
    for (qsizetype i = 0; i < replies.size(); ++i) {
        if (replies[i] == "<AT>")
            QVERIFY2(lines[i].startsWith("AT Alford "), lines[i].constData());
        else
            QCOMPARE(lines[i], replies[i]);
    }
    QCOMPARE(withoutDiff(lines.last()), "AT Alford <diff> z +1+1 " + t);
}

QTEST_GUILESS_MAIN(tst_SessionInput)
#include "tst_session_input.moc"
