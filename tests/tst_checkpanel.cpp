// SPDX-License-Identifier: GPL-3.0-or-later
// The window's Check panel (offscreen): herd --check's rules run against
// the herd on screen, verdicts arriving live, a result's transcript and its
// clients picked in the space-time diagram, a run stopped (by Stop or by
// another herd), a herd file as the target, and input it cannot use.
#include <QElapsedTimer>
#include <QFile>
#include <QPointer>
#include <QProgressBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include "check/rule.h"
#include "herd/cluster.h"
#include "tests/herdfixture.h"
#include "tests/windowtest.h"
#include "ui/check/checkpanel.h"
#include "ui/check/checkresultdetails.h"
#include "ui/check/checkresultsmodel.h"
#include "ui/mainwindow.h"
#include "ui/spacetime/spacetimeview.h"

using namespace HerdUi;
using namespace Qt::StringLiterals;
using namespace WindowTest;
using Herd::Check::RuleResult;

class TestCheckPanel : public WindowFixture
{
    Q_OBJECT

private slots:
    void clientsComeFromSentLines();
    void checksTheHerdOnScreen();
    void stopEndsARun();
    void anotherHerdEndsARun();
    void checksAHerdFile();
    void saysWhyARunCannotStart();
};

namespace {

QString describe(const RuleResult &result)
{
    return result.name() + u": "_s + Herd::Check::outcomeName(result.verdict.outcome) + u" expected "_s
        + result.verdict.expected + u" got "_s + result.verdict.actual + u" why "_s + result.verdict.why
        + u'\n' + result.transcript.text();
}

// The panel's run to its end; false if it did not start or end in time.
bool runToEnd(CheckPanel *panel, bool *stopped = nullptr)
{
    QSignalSpy finished(panel, &CheckPanel::runFinished);
    if (!panel->run() || !finished.wait(60'000))
        return false;
    if (stopped)
        *stopped = finished.first().first().toBool();
    return true;
}

} // namespace

void TestCheckPanel::clientsComeFromSentLines()
{
    RuleResult result;
    result.transcript.sent(u"c1"_s, "IAMAT kiwi +1-1 1.5\n");
    result.transcript.received(u"c1"_s, "AT A +0.1 pear +1-1 1.5\n");
    result.transcript.sent(u"c2"_s, "WHATSAT\t kiwi 10 5\nIAMAT  lime +1-1 2\n");
    result.transcript.sent(u"c3"_s, "IAMAT\n");
    QCOMPARE(CheckResultsModel::clientsOf(result), (QList<QByteArray> {"kiwi", "lime"}));
}

void TestCheckPanel::checksTheHerdOnScreen()
{
    QAction *check = action(*m_window, u"Check Herd"_s);
    QVERIFY(check && check->isEnabled());
    check->trigger();
    CheckPanel *panel = m_window->checkPanel();
    QVERIFY(panel->isVisible());

    const QString pattern = u"iamat.*"_s;
    const int expected =
        int(Herd::Check::selectRules({pattern}).size() * m_window->cluster()->nodes().size());
    QVERIFY(expected > 0);
    // Rows come in while the run goes on.
    int rowsWhileRunning = 0;
    connect(panel->model(), &CheckResultsModel::rowsInserted, this, [&] {
        if (panel->isRunning())
            ++rowsWhileRunning;
    });
    panel->setRulePatterns(pattern);
    QSignalSpy finished(panel, &CheckPanel::runFinished);
    QVERIFY2(panel->run(), qPrintable(panel->statusText()));
    QVERIFY(panel->isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(panel->model()->rowCount() > 0, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60'000);
    QCOMPARE(finished.first().first().toBool(), false);
    QVERIFY(rowsWhileRunning > 0);
    QCOMPARE(panel->model()->rowCount(), expected);
    for (int row = 0; row < expected; ++row)
        QVERIFY2(panel->model()->result(row).verdict.isPassed(),
                 qPrintable(describe(panel->model()->result(row))));
    QCOMPARE(panel->model()->notChecked(), 0);
    QCOMPARE(panel->tallyText(), u"%1 passed, 0 failed, 0 not run"_s.arg(expected));
    QCOMPARE(panel->progressBar()->value(), expected);
    QVERIFY(!panel->isRunning());

    // Picking a result: its verdict and transcript, and its client in the
    // space-time diagram, where the node it reported to drew its IAMAT.
    SpaceTimeView *spaceTime = m_window->spaceTime();
    panel->resultsView()->selectRow(0);
    const RuleResult &first = panel->model()->result(0);
    QCOMPARE(first.ruleId, u"iamat.reply"_s);
    QVERIFY(panel->details()->verdictText().contains(first.name()));
    QVERIFY(panel->details()->transcriptText().contains(u"IAMAT"_s));
    QCOMPARE(panel->details()->transcriptText(), first.transcript.text());
    const QList<QByteArray> clients = CheckResultsModel::clientsOf(first);
    QCOMPARE(clients.size(), 1);
    QVERIFY(clients.first().startsWith("check-"));
    QCOMPARE(spaceTime->pickedClients(), (QSet<QByteArray> {clients.first()}));
    const auto &marks = spaceTime->history().marks();
    QVERIFY(std::any_of(marks.cbegin(), marks.cend(), [&](const HerdUi::SpaceTimeMark &mark) {
        return mark.client == clients.first() && mark.node == first.node;
    }));
    QVERIFY(!spaceTime->isLive()); // brought into view, held there

    // Sorted by time, slowest first.
    panel->resultsView()->sortByColumn(CheckResultsModel::Time, Qt::DescendingOrder);
    const QAbstractItemModel *shown = panel->resultsView()->model();
    QVERIFY(shown->index(0, CheckResultsModel::Time).data(CheckResultsModel::SortRole).toLongLong()
            >= shown->index(expected - 1, CheckResultsModel::Time)
                   .data(CheckResultsModel::SortRole)
                   .toLongLong());
}

void TestCheckPanel::stopEndsARun()
{
    CheckPanel *panel = m_window->checkPanel();
    panel->setRulePatterns(u"*"_s);
    // Stop as the first verdict arrives: the herd answers the rules from
    // this thread, so the run cannot be far ahead.
    connect(panel->model(), &CheckResultsModel::rowsInserted, panel, &CheckPanel::stop);
    bool stopped = false;
    QVERIFY2(runToEnd(panel, &stopped), qPrintable(panel->statusText()));
    QVERIFY(stopped);
    CheckResultsModel *model = panel->model();
    QVERIFY(model->rowCount() >= 1);
    QVERIFY2(model->notChecked() > 0, qPrintable(panel->tallyText()));
    QCOMPARE(model->rowCount() + model->notChecked(), model->planned());
    QCOMPARE(panel->tallyText(),
             model->tallyText() + u"; stopped, %1 not checked"_s.arg(model->notChecked()));
    QVERIFY(panel->statusText().startsWith(
        u"Stopped after %1 of %2"_s.arg(model->rowCount()).arg(model->planned())));
    QVERIFY(!panel->isRunning());

    // A run after a stop starts afresh.
    disconnect(panel->model(), &CheckResultsModel::rowsInserted, panel, &CheckPanel::stop);
    panel->setRulePatterns(u"iamat.reply"_s);
    QVERIFY(runToEnd(panel, &stopped));
    QVERIFY(!stopped);
    QCOMPARE(model->rowCount(), int(m_window->cluster()->nodes().size()));
    QCOMPARE(model->notChecked(), 0);
}

void TestCheckPanel::anotherHerdEndsARun()
{
    // The panel goes with its herd's views: a run under way stops first,
    // while the herd it probes is still there.
    QPointer<CheckPanel> panel = m_window->checkPanel();
    panel->setRulePatterns(u"*"_s);
    QVERIFY(panel->run());
    QTRY_VERIFY_WITH_TIMEOUT(panel->model()->rowCount() > 0, Timeout);
    QElapsedTimer clock;
    clock.start();
    QString error;
    QVERIFY2(m_window->openHerd(freePortHerd(), &error), qPrintable(error));
    QVERIFY(panel.isNull());
    QVERIFY(clock.elapsed() < Timeout);
    QVERIFY(!m_window->checkPanel()->isRunning());
    QCOMPARE(m_window->checkPanel()->model()->rowCount(), 0);
}

void TestCheckPanel::checksAHerdFile()
{
    // Another herd in this process, named by a herd file at its real ports.
    Herd::Test::HerdFixture other;
    Herd::HerdConfig config =
        Herd::Test::HerdFixture::config({u"East"_s, u"West"_s}, {{u"East"_s, u"West"_s}});
    QString error;
    QVERIFY2(other.start(config, &error), qPrintable(error));
    for (Herd::NodeConfig &node : config.nodes)
        node.port = other.port(node.name);
    QTemporaryDir dir;
    QFile file(dir.filePath(u"other.json"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(config.toJson());
    file.close();

    CheckPanel *panel = m_window->checkPanel();
    panel->setTargetFile(file.fileName());
    panel->setRulePatterns(u"iamat.reply, iamat.echo"_s);
    QVERIFY2(runToEnd(panel), qPrintable(panel->statusText()));
    QCOMPARE(panel->model()->rowCount(), 4);
    QStringList nodes;
    for (int row = 0; row < 4; ++row) {
        QVERIFY2(panel->model()->result(row).verdict.isPassed(),
                 qPrintable(describe(panel->model()->result(row))));
        nodes << panel->model()->result(row).node;
    }
    QCOMPARE(nodes, (QStringList {u"East"_s, u"West"_s, u"East"_s, u"West"_s}));
    // Not the herd on screen: nothing to pick in its diagram.
    QSignalSpy picked(panel, &CheckPanel::clientsPicked);
    panel->resultsView()->selectRow(1);
    QCOMPARE(picked.count(), 1);
    QVERIFY(picked.first().first().value<QList<QByteArray>>().isEmpty());
    QVERIFY(panel->details()->transcriptText().contains(u"IAMAT"_s));
}

void TestCheckPanel::saysWhyARunCannotStart()
{
    CheckPanel *panel = m_window->checkPanel();
    panel->setRulePatterns(u"iamat.*, nosuch.*"_s);
    QVERIFY(!panel->run());
    QVERIFY(!panel->isRunning());
    QVERIFY2(panel->statusText().contains(u"nosuch.*: matches no rule"_s), qPrintable(panel->statusText()));

    QTemporaryDir dir;
    const QString missing = dir.filePath(u"missing.json"_s);
    panel->setTargetFile(missing);
    panel->setRulePatterns({});
    QVERIFY(!panel->run());
    QVERIFY2(panel->statusText().contains(missing), qPrintable(panel->statusText()));
}

QTEST_MAIN(TestCheckPanel)
#include "tst_checkpanel.moc"
