// SPDX-License-Identifier: GPL-3.0-or-later
// herd --places-server as a user runs it: the line it prints, one answer, a
// clean stop, and every bad command line refused with exit 2 (1 for a busy port).
// Runs the real binary with QProcess; every wait is bounded, none is a sleep.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTcpSocket>
#include <QTest>

#include "tests/processsupport.h"

using namespace Qt::StringLiterals;
using namespace ProcessSupport;

class TestCliPlacesServer : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void placesServer();
    void placesServerInHelp();
    void placesServerBadCommandLine_data();
    void placesServerBadCommandLine();

private:
    QTemporaryDir m_dir;
};

void TestCliPlacesServer::initTestCase()
{
    QVERIFY2(QFileInfo(herdBinary()).isExecutable(), qPrintable(herdBinary()));
    QVERIFY(m_dir.isValid());
}

void TestCliPlacesServer::placesServer()
{
    HerdServer herd;
    herd.start({u"--places-server"_s, u"0"_s});
    QVERIFY2(herd.waitForOutput("; stop with Ctrl-C"), herd.err().constData());
    const QRegularExpressionMatch line =
        QRegularExpression(u"^herd: places server on http://127\\.0\\.0\\.1:(\\d+) \\(legacy: "
                           u"/maps/api/place/nearbysearch/json, new: /v1/places:searchNearby\\); "
                           u"places: offline: GeoNames [^\\n]*; stop with Ctrl-C$"_s,
                           QRegularExpression::MultilineOption)
            .match(QString::fromUtf8(herd.out()));
    QVERIFY2(line.hasMatch(), herd.out().constData());
    const quint16 port = line.captured(1).toUShort();

    // One GET, read up to its Content-Length: the connection stays open.
    const QByteArray key = "cli-K3Y_never-shown";
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(socket.waitForConnected(Timeout));
    socket.write("GET /maps/api/place/nearbysearch/json?location=34.068930,-118.445127&radius=5000&key=" + key
                 + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QByteArray answer;
    const auto complete = [&answer] {
        const qsizetype headEnd = answer.indexOf("\r\n\r\n");
        const QRegularExpressionMatch length =
            QRegularExpression(u"\r\ncontent-length: *(\\d+)"_s, QRegularExpression::CaseInsensitiveOption)
                .match(QString::fromLatin1(answer.first(qMax(headEnd, 0))));
        return length.hasMatch() && answer.size() >= headEnd + 4 + length.captured(1).toInt();
    };
    while (!complete() && socket.waitForReadyRead(Timeout))
        answer += socket.readAll();
    QVERIFY2(complete(), answer.constData());
    QVERIFY2(answer.startsWith("HTTP/1.1 200 "), answer.constData());
    const QJsonObject places =
        QJsonDocument::fromJson(answer.sliced(answer.indexOf("\r\n\r\n") + 4)).object();
    QCOMPARE(places.value("status"_L1).toString(), u"OK"_s);
    QVERIFY(!places.value("results"_L1).toArray().isEmpty());

    QVERIFY(herd.terminate());
    QCOMPARE(herd.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(herd.process().exitCode(), 0);
    QVERIFY2(herd.out().contains("SIGTERM"), herd.out().constData());
    QVERIFY2(herd.err().isEmpty(), herd.err().constData());
    for (const QByteArray &output : {answer, herd.out()})
        QVERIFY2(!output.contains(key), output.constData());
    QVERIFY(!listening(port));
}

void TestCliPlacesServer::placesServerInHelp()
{
    const Finished run = runHerd({u"--help"_s}, m_dir.path());
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.out.contains("--places-server [ADDR:]PORT"));
}

void TestCliPlacesServer::placesServerBadCommandLine_data()
{
    // @DIR@: a fresh directory; @BUSY@: a port something listens on.
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("fragments"); // each must be in stderr's one line
    QTest::addColumn<int>("exitCode");

    auto row = [](const char *name, const QStringList &more, const QStringList &fragments, int exitCode = 2) {
        QTest::newRow(name) << QStringList {u"--places-server"_s} + more << fragments << exitCode;
    };
    const QString option = u"--places-server"_s;
    row("port too large", {u"70000"_s}, {option, u"\"70000\""_s, u"[ADDR:]PORT"_s});
    row("a host name", {u"localhost:80"_s}, {option, u"\"localhost:80\""_s});
    row("no address before the colon", {u":80"_s}, {option, u"\":80\""_s});
    row("no port", {u"127.0.0.1:"_s}, {option, u"\"127.0.0.1:\""_s});
    row("no value", {}, {u"places-server"_s});
    row("twice", {u"0"_s, option, u"1"_s}, {option, u"more than once"_s});
    row("with --server", {u"0"_s, u"--server"_s}, {option, u"--server"_s});
    row("with --scenario", {u"0"_s, u"--scenario"_s, u"@DIR@/s.json"_s}, {option, u"--scenario"_s});
    row("with --config", {u"0"_s, u"--config"_s, u"@DIR@/herd.json"_s}, {option, u"--config"_s});
    row("with --log-dir", {u"0"_s, u"--log-dir"_s, u"@DIR@/logs"_s}, {option, u"--log-dir"_s});
    row("with --places-url", {u"0"_s, u"--places-url"_s, u"http://127.0.0.1:9/x"_s},
        {option, u"--places-url"_s});
    row("with --places-api", {u"0"_s, u"--places-api"_s, u"new"_s}, {option, u"--places-api"_s});
    row("missing --places-file", {u"0"_s, u"--places-file"_s, u"@DIR@/none.geojson"_s}, {u"none.geojson"_s});
    row("port in use", {u"127.0.0.1:@BUSY@"_s}, {u"places server"_s, u"cannot listen on 127.0.0.1:@BUSY@"_s},
        1);
}

void TestCliPlacesServer::placesServerBadCommandLine()
{
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, fragments);
    QFETCH(int, exitCode);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QTcpServer occupier;
    QVERIFY(occupier.listen(QHostAddress::LocalHost, 0));
    const QString busy = QString::number(occupier.serverPort());
    for (QStringList *texts : {&arguments, &fragments}) {
        for (QString &text : *texts)
            text.replace(u"@DIR@"_s, dir.path()).replace(u"@BUSY@"_s, busy);
    }

    const Finished run = runHerd(arguments, dir.path());
    QVERIFY2(run.finished, "herd kept running on a bad command line");
    QCOMPARE(run.exitStatus, QProcess::NormalExit);
    const QString err = QString::fromLocal8Bit(run.err.trimmed());
    QVERIFY2(!err.contains(u'\n'), qPrintable(err));
    for (const QString &fragment : fragments)
        QVERIFY2(err.contains(fragment), qPrintable(u"\""_s + fragment + u"\" not in: "_s + err));
    QVERIFY2(!run.out.contains("places server on"), run.out.constData());
    QCOMPARE(run.exitCode, exitCode);
}

QTEST_GUILESS_MAIN(TestCliPlacesServer)
#include "tst_cli_placesserver.moc"
