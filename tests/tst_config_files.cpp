// SPDX-License-Identifier: GPL-3.0-or-later
// Reading a herd file as text and from disk: JSON errors and duplicate keys
// named by line and column, files that never end refused unopened, the size cap.

#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

#include "herd/config/boundedfile.h"
#include "herd/config/herdconfig.h"
#include "tests/configsupport.h"

using Herd::HerdConfig;
using namespace Qt::StringLiterals;
using namespace ConfigSupport;

class TestConfigFiles : public QObject
{
    Q_OBJECT

private slots:
    void invalidJsonNamesLineAndColumn();
    void duplicateKeyNamesLineAndColumn();
    void fromFile();
    void fromFileRefusesWhatNeverEnds_data();
    void fromFileRefusesWhatNeverEnds();
    void boundedFileCap();
};

void TestConfigFiles::invalidJsonNamesLineAndColumn()
{
    // A missing comma between two nodes on line 3: the parser stops at the
    // second node's opening quote, column 5.
    const QByteArray json = "{\n"
                            "  \"nodes\": {\"A\": {\"port\": 1}\n"
                            "    \"B\": {\"port\": 2}}\n"
                            "}\n";
    QString error;
    QVERIFY(!HerdConfig::fromJson(json, &error));
    QVERIFY2(error.contains(u"line 3"_s), qPrintable(error));
    QVERIFY2(error.contains(u"column"_s), qPrintable(error));
    QVERIFY2(error.contains(u"JSON"_s), qPrintable(error));

    QVERIFY(!HerdConfig::fromJson("{\"nodes\": ", &error));
    QVERIFY2(error.contains(u"line 1"_s), qPrintable(error));
}

void TestConfigFiles::duplicateKeyNamesLineAndColumn()
{
    const QByteArray json = "{\n"
                            "  \"nodes\": {\n"
                            "    \"Alford\": {\"port\": 13000},\n"
                            "    \"Parker\": {\"port\": 13001},\n"
                            "    \"Alford\": {\"port\": 13002}\n"
                            "  }\n"
                            "}\n";
    QString error;
    QVERIFY(!HerdConfig::fromJson(json, &error));
    QCOMPARE(error, u"nodes.Alford: duplicate key at line 5, column 5 (first at line 3, column 5)"_s);
    // Equal keys in different objects are not duplicates.
    QVERIFY2(
        HerdConfig::fromJson(herd(R"("A": {"port": 1, "x": 0, "y": 0}, "B": {"port": 2, "x": 0, "y": 0})",
                                  R"(, "links": [["A", "B"]], "places": {"source": "offline"})"),
                             &error),
        qPrintable(error));
}

void TestConfigFiles::fromFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString error;
    const QString missing = dir.filePath(u"missing.json"_s);
    QVERIFY(!HerdConfig::fromFile(missing, &error));
    QVERIFY2(error.contains(missing), qPrintable(error));

    const QString bad = dir.filePath(u"bad.json"_s);
    QFile badFile(bad);
    QVERIFY(badFile.open(QIODevice::WriteOnly));
    badFile.write(herd(TwoNodes, R"(, "colour": 1)"));
    badFile.close();
    QVERIFY(!HerdConfig::fromFile(bad, &error));
    QVERIFY2(error.contains(bad) && error.contains(u"colour"_s), qPrintable(error));

    const QString good = dir.filePath(u"good.json"_s);
    QFile goodFile(good);
    QVERIFY(goodFile.open(QIODevice::WriteOnly));
    goodFile.write(herd(TwoNodes, R"(, "links": [["A", "B"]])"));
    goodFile.close();
    const std::optional<HerdConfig> config = HerdConfig::fromFile(good, &error);
    QVERIFY2(config, qPrintable(error));
    QCOMPARE(config->neighboursOf(u"A"_s), QStringList {u"B"_s});
}

void TestConfigFiles::fromFileRefusesWhatNeverEnds_data()
{
    // @DIR@: a fresh directory holding fifo.json, a named pipe nobody writes
    // to, and big.json, one byte over 16 MiB.
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("reason");
    QTest::newRow("a named pipe") << u"@DIR@/fifo.json"_s << u"not a regular file (a named pipe)"_s;
    QTest::newRow("/dev/zero") << u"/dev/zero"_s << u"not a regular file (a character device)"_s;
    QTest::newRow("a directory") << u"@DIR@"_s << u"not a regular file (a directory)"_s;
    QTest::newRow("over 16 MiB") << u"@DIR@/big.json"_s << u"larger than 16 MiB"_s;
}

void TestConfigFiles::fromFileRefusesWhatNeverEnds()
{
    QFETCH(QString, path);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QCOMPARE(::mkfifo(QFile::encodeName(dir.filePath(u"fifo.json"_s)).constData(), 0600), 0);
    QFile big(dir.filePath(u"big.json"_s));
    QVERIFY(big.open(QIODevice::WriteOnly));
    QVERIFY(big.resize(16 * 1024 * 1024 + 1)); // sparse: no 16 MiB written
    big.close();
    path.replace(u"@DIR@"_s, dir.path());

    QString error;
    QVERIFY(!HerdConfig::fromFile(path, &error));
    QCOMPARE(error, path + u": cannot read: "_s + reason);
}

void TestConfigFiles::boundedFileCap()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile ten(dir.filePath(u"ten"_s));
    QVERIFY(ten.open(QIODevice::WriteOnly));
    ten.write("0123456789");
    ten.close();
    QString error;
    QCOMPARE(Herd::readBoundedFile(ten.fileName(), 10, &error), std::optional<QByteArray>("0123456789"));
    QVERIFY(!Herd::readBoundedFile(ten.fileName(), 9, &error));
    QCOMPARE(error, ten.fileName() + u": cannot read: larger than 9 bytes"_s);
    QVERIFY(!Herd::readBoundedFile(ten.fileName(), 9, nullptr));

    QFile empty(dir.filePath(u"empty"_s));
    QVERIFY(empty.open(QIODevice::WriteOnly));
    empty.close();
    QCOMPARE(Herd::readBoundedFile(empty.fileName(), 0, &error), std::optional<QByteArray>(QByteArray()));

    // The built-in herds are Qt resources, read under the same cap.
    QVERIFY(Herd::readBoundedFile(u":/herds/alford.json"_s, Herd::MaxHerdFileBytes, &error));
    QVERIFY(!Herd::readBoundedFile(u":/herds/alford.json"_s, 512, &error));
    QCOMPARE(error, u":/herds/alford.json: cannot read: larger than 512 bytes"_s);
}

QTEST_GUILESS_MAIN(TestConfigFiles)
#include "tst_config_files.moc"
