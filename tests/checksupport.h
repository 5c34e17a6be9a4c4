// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <utility>

class QJsonObject;

#include "check/result.h"
#include "check/target.h"

// Helpers for the checker's suites: herd files naming nodes the checker
// starts (Herd's own, or herd-double with chosen defects), and a check run
// in this process to its end.
namespace CheckSupport {

using Links = QList<std::pair<QString, QString>>;

// The run command for a Herd node: herd --server --config {config} --node {name}.
QStringList herdCommand();
// The run command for herd-double with `defects`.
QStringList doubleCommand(const QStringList &defects = {});

// Writes DIR/herd.json: `names` on 127.0.0.1 at ports free now, linked as
// `links`, each with `"run": {"command": command}`. The path, or empty.
QString writeTarget(const QString &dir, const QStringList &names, const Links &links,
                    const QStringList &command);
// Three nodes in a line, A - B - C.
QString writeLine3(const QString &dir, const QStringList &command);

// Rewrites the herd file at `path` with `edit` applied to its JSON (to
// drop a node's "run", say). False if it cannot be read or written.
bool editTarget(const QString &path, const std::function<void(QJsonObject &root)> &edit);

// Runs the rules matching `patterns` against the herd in `targetPath`, in
// this process, and returns every result (empty, with the reason in
// *error, if the run could not start or ended early).
QList<Herd::Check::RuleResult> runCheck(const QString &targetPath, const QStringList &patterns,
                                        Herd::Check::CheckSettings settings = {}, QString *error = nullptr);

// The result of `ruleId` at `node` (empty: the herd-wide one); null if none.
const Herd::Check::RuleResult *find(const QList<Herd::Check::RuleResult> &results, const QString &ruleId,
                                    const QString &node = {});
// "iamat.echo@A: failed: expected ... got ..." and the transcript: for QVERIFY2.
QString describe(const Herd::Check::RuleResult *result);

// Test steps (they QVERIFY): the rules matching `patterns` all pass at
// every one of the herd's `nodes` nodes...
void expectAllPassed(const QString &targetPath, const QStringList &patterns, int nodes);
// ... and `rule` fails at node A, saying what it expected, what came back,
// with a transcript.
void expectFailsAt(const QString &targetPath, const QString &rule);
// Test checks (they fail the current test, see QTest::currentTestFailed()):
// `count` results, every one passed ...
void verifyAllPassed(const QList<Herd::Check::RuleResult> &results, const QString &error, qsizetype count);
// ... or `ruleId` at `node` failed, saying what it expected and got, with a transcript.
void verifyFailed(const QList<Herd::Check::RuleResult> &results, const QString &error, const QString &ruleId,
                  const QString &node = {});

} // namespace CheckSupport
