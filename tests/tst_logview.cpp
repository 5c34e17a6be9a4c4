// SPDX-License-Identifier: GPL-3.0-or-later
// LogView, the window's log: its node filter and count, the filter bar
// following filters set from code, exports of what is shown and of
// everything, and fifty thousand events appended while it follows.

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "herd/event.h"
#include "herd/log/logexport.h"
#include "herd/log/logwriter.h"
#include "tests/eventsamples.h"
#include "ui/log/eventfiltermodel.h"
#include "ui/log/eventlogmodel.h"
#include "ui/log/logview.h"

using namespace Qt::StringLiterals;
using namespace EventSamples;
using Herd::Event;
using Herd::EventKind;
using HerdUi::LogView;

namespace {

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class tst_LogView : public QObject
{
    Q_OBJECT

private slots:
    void logViewCountsAndNodes();
    void logViewExportShown();
    void fiftyThousandAppends();
};

void tst_LogView::logViewCountsAndNodes()
{
    LogView view;
    view.setNodes({u"Jaquez"_s, u"Bailey"_s});
    QAbstractItemModelTester tester(view.filter(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 0; i < 1234; ++i)
        view.append(makeEvent(i));
    view.model()->flushNow();
    QCOMPARE(view.countText(), u"1,234 events"_s);

    // The node list: the given order first, then the others as seen.
    QCOMPARE(view.nodes(), (QStringList {u"Jaquez"_s, u"Bailey"_s, u"Bona"_s, u"Campbell"_s, u"Clark"_s}));
    auto *combo = view.findChild<QComboBox *>(u"logNodeFilter"_s);
    QVERIFY(combo);
    QCOMPARE(combo->count(), 6); // "All nodes" and five
    combo->setCurrentIndex(combo->findData(u"Clark"_s));
    QCOMPARE(view.filter()->node(), u"Clark"_s);
    QCOMPARE(view.countText(), u"247 of 1,234 events"_s);
    auto *label = view.findChild<QLabel *>(u"logCount"_s);
    QVERIFY(label);
    QTRY_COMPARE(label->text(), u"247 of 1,234 events"_s);

    // setNodes keeps the selection and the nodes already seen.
    view.setNodes({u"Clark"_s});
    QCOMPARE(view.filter()->node(), u"Clark"_s);
    QCOMPARE(view.nodes().first(), u"Clark"_s);
    QCOMPARE(view.nodes().size(), 5);

    // The search box filters after a short pause.
    auto *search = view.findChild<QLineEdit *>(u"logSearch"_s);
    QVERIFY(search);
    search->setText(u"client0"_s);
    QTRY_COMPARE(view.filter()->text(), u"client0"_s);
}

void tst_LogView::logViewExportShown()
{
    LogView view;
    for (int i = 0; i < 300; ++i)
        view.append(makeEvent(i));
    // Not flushed yet: the exports flush first.
    view.filter()->setNode(u"Campbell"_s);              // i % 5 == 2
    view.filter()->setKinds({EventKind::RecordStored}); // i % 6 == 2
    view.filter()->setText(u"client2"_s);               // i % 3 == 2

    // The filter bar shows filters set from code.
    auto *kindButton = view.findChild<QPushButton *>(u"logKindFilter"_s);
    QVERIFY(kindButton);
    QCOMPARE(kindButton->text(), u"Kinds: 1 of %1"_s.arg(int(EventKind::Error) + 1));
    auto *combo = view.findChild<QComboBox *>(u"logNodeFilter"_s);
    QVERIFY(combo);
    QCOMPARE(combo->currentData().toString(), u"Campbell"_s);
    auto *search = view.findChild<QLineEdit *>(u"logSearch"_s);
    QVERIFY(search);
    QCOMPARE(search->text(), u"client2"_s);

    QList<Event> expected;
    for (int i = 0; i < 300; ++i) {
        if (i % 30 == 2)
            expected.append(makeEvent(i));
    }
    QCOMPARE(expected.size(), 10);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString error;
    const QString shownPath = dir.filePath(u"shown.log"_s);
    QVERIFY2(view.exportShown(shownPath, Herd::ExportFormat::Text, &error), qPrintable(error));
    QByteArray text;
    for (const Event &event : std::as_const(expected))
        text += Herd::LogWriter::formatLine(event);
    QCOMPARE(readAll(shownPath), text);

    const QString csvPath = dir.filePath(u"shown.csv"_s);
    QVERIFY2(view.exportShown(csvPath, Herd::ExportFormat::Csv, &error), qPrintable(error));
    QCOMPARE(readAll(csvPath).count('\n'), 11); // the header and ten rows

    const QString allPath = dir.filePath(u"all.jsonl"_s);
    QVERIFY2(view.exportAll(allPath, Herd::ExportFormat::JsonLines, &error), qPrintable(error));
    const QByteArray all = readAll(allPath);
    QCOMPARE(all.count('\n'), 300);
    QVERIFY(all.startsWith("{\"time\":\"2024-05-01T12:34:56.000000000Z\""));

    QVERIFY(!view.exportShown(dir.filePath(u"missing/x.log"_s), Herd::ExportFormat::Text, &error));
    QVERIFY(error.contains(u"missing"));
}

void tst_LogView::fiftyThousandAppends()
{
    LogView view;
    view.resize(900, 500);
    view.show();
    view.filter()->setText(u"client1"_s);
    for (int i = 0; i < 50'000; ++i)
        view.append(makeEvent(i));
    view.model()->flushNow();
    QCOMPARE(view.model()->rowCount(), 50'000);
    QCOMPARE(view.filter()->rowCount(), 16'667);
    QCOMPARE(numberOf(view.model()->eventAt(49'999)), 49'999);
    QCoreApplication::processEvents();
    // Following: the newest row ends up in view.
    QScrollBar *bar = view.tableView()->verticalScrollBar();
    QTRY_COMPARE(bar->value(), bar->maximum());
}

QTEST_MAIN(tst_LogView)
#include "tst_logview.moc"
