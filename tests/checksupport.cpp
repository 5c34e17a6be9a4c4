// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/buildtree.h"
#include "tests/checksupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include "check/checker.h"
#include "check/nodeprocesses.h"
#include "check/rule.h"
#include "tests/processsupport.h"

using namespace Herd::Check;
using namespace Qt::StringLiterals;

namespace CheckSupport {

namespace {

constexpr int RunTimeoutMs = 240'000; // a whole run; each rule's own waits are bounded far below
} // namespace

QStringList herdCommand()
{
    return {BuildTree::herdBinary(),    QStringLiteral("--server"), QStringLiteral("--config"),
            QStringLiteral("{config}"), QStringLiteral("--node"),   QStringLiteral("{name}"),
            QStringLiteral("--log"),    QStringLiteral("none")};
}

QStringList doubleCommand(const QStringList &defects)
{
    QStringList command {BuildTree::herdDouble(), QStringLiteral("--config"), QStringLiteral("{config}"),
                         QStringLiteral("--name"), QStringLiteral("{name}")};
    for (const QString &defect : defects)
        command << QStringLiteral("--defect") << defect;
    return command;
}

QString writeTarget(const QString &dir, const QStringList &names, const Links &links,
                    const QStringList &command)
{
    const QList<quint16> ports = freePorts(int(names.size()));
    if (ports.size() != names.size())
        return {};
    ProcessSupport::Nodes nodes;
    for (qsizetype i = 0; i < names.size(); ++i)
        nodes.append({names[i], ports[i]});
    const QString path = ProcessSupport::writeHerdFile(dir + u"/herd.json", nodes, links);
    const bool edited = !path.isEmpty() && editTarget(path, [&command](QJsonObject &root) {
        QJsonObject nodes = root.value(u"nodes").toObject();
        for (auto node = nodes.begin(); node != nodes.end(); ++node) {
            QJsonObject object = node->toObject();
            object.insert(u"run", QJsonObject {{u"command"_s, QJsonArray::fromStringList(command)}});
            *node = object;
        }
        root.insert(u"nodes", nodes);
    });
    return edited ? path : QString();
}

QString writeLine3(const QString &dir, const QStringList &command)
{
    return writeTarget(
        dir, {QStringLiteral("A"), QStringLiteral("B"), QStringLiteral("C")},
        {{QStringLiteral("A"), QStringLiteral("B")}, {QStringLiteral("B"), QStringLiteral("C")}}, command);
}

bool editTarget(const QString &path, const std::function<void(QJsonObject &root)> &edit)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite))
        return false;
    QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    edit(root);
    const QByteArray json = QJsonDocument(root).toJson();
    return file.resize(0) && file.seek(0) && file.write(json) == json.size();
}

QList<RuleResult> runCheck(const QString &targetPath, const QStringList &patterns, CheckSettings settings,
                           QString *error)
{
    QString problem;
    std::optional<CheckTarget> target = CheckTarget::load(targetPath, &problem);
    if (!target) {
        if (error)
            *error = problem;
        return {};
    }
    settings.rulePatterns = patterns;
    if (settings.herdProgram.isEmpty())
        settings.herdProgram = BuildTree::herdBinary();
    Checker checker(std::move(*target), settings);
    if (!checker.prepare(&problem)) {
        if (error)
            *error = problem;
        return {};
    }
    QSignalSpy finished(&checker, &Checker::finished);
    checker.start();
    if (!finished.wait(RunTimeoutMs)) {
        if (error)
            *error = QStringLiteral("the check did not finish in %1 ms").arg(RunTimeoutMs);
        return {};
    }
    const QString stopped = finished.first().at(1).toString();
    if (!stopped.isEmpty()) {
        if (error)
            *error = stopped;
        return {};
    }
    return checker.results();
}

const RuleResult *find(const QList<RuleResult> &results, const QString &ruleId, const QString &node)
{
    for (const RuleResult &result : results) {
        if (result.ruleId == ruleId && result.node == node)
            return &result;
    }
    return nullptr;
}

QString describe(const RuleResult *result)
{
    if (!result)
        return QStringLiteral("no such result");
    return QStringLiteral("%1: %2\nexpected: %3\ngot: %4\nwhy: %5\n%6")
        .arg(result->name(), outcomeName(result->verdict.outcome), result->verdict.expected,
             result->verdict.actual, result->verdict.why, result->transcript.text());
}

void expectAllPassed(const QString &targetPath, const QStringList &patterns, int nodes)
{
    QString error;
    const QList<RuleResult> results = runCheck(targetPath, patterns, {}, &error);
    verifyAllPassed(results, error, selectRules(patterns).size() * nodes);
}

void expectFailsAt(const QString &targetPath, const QString &rule)
{
    QString error;
    const QList<RuleResult> results = runCheck(targetPath, {rule}, {}, &error);
    verifyFailed(results, error, rule, QStringLiteral("A"));
}

void verifyAllPassed(const QList<RuleResult> &results, const QString &error, qsizetype count)
{
    QVERIFY2(!results.isEmpty(), qPrintable(error));
    for (const RuleResult &result : results)
        QVERIFY2(result.verdict.isPassed(), qPrintable(describe(&result)));
    QCOMPARE(results.size(), count);
}

void verifyFailed(const QList<RuleResult> &results, const QString &error, const QString &ruleId,
                  const QString &node)
{
    QVERIFY2(!results.isEmpty(), qPrintable(error));
    const RuleResult *result = find(results, ruleId, node);
    QVERIFY2(result && result->verdict.isFailed(), qPrintable(describe(result)));
    QVERIFY(!result->verdict.expected.isEmpty());
    QVERIFY(!result->verdict.actual.isEmpty());
    QVERIFY(!result->transcript.isEmpty());
}

} // namespace CheckSupport
