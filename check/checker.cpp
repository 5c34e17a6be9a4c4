// SPDX-License-Identifier: GPL-3.0-or-later
#include "check/checker.h"

#include <QDir>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QTemporaryDir>
#include <QThread>

#include "check/context.h"
#include "check/filelimit.h"
#include "check/floodlistener.h"
#include "check/nodeprocesses.h"
#include "herd/places/offlineplaces.h"
#include "http/placesserver.h"

namespace Herd::Check {

QString outcomeName(Verdict::Outcome outcome)
{
    switch (outcome) {
    case Verdict::Outcome::Passed:
        return QStringLiteral("passed");
    case Verdict::Outcome::Failed:
        return QStringLiteral("failed");
    case Verdict::Outcome::NotRun:
        return QStringLiteral("not run");
    }
    return {};
}

Tally tally(const QList<RuleResult> &results)
{
    Tally t;
    for (const RuleResult &result : results) {
        switch (result.verdict.outcome) {
        case Verdict::Outcome::Passed:
            ++t.passed;
            break;
        case Verdict::Outcome::Failed:
            ++t.failed;
            break;
        case Verdict::Outcome::NotRun:
            ++t.notRun;
            break;
        }
    }
    return t;
}

namespace {

// Why a rule cannot run on this target, or empty.
QString missingNeed(const Rule &rule, const NodeConfig *node, const CheckContext &context)
{
    if ((rule.needs & Rule::NeedsTwoNodes) && context.config().nodes.size() < 2)
        return QStringLiteral("the herd has one node; flooding needs two");
    if (rule.needs & Rule::NeedsRun) {
        const QStringList runnable = context.target().nodesWithRun();
        if (node && !node->run)
            return QStringLiteral("%1 has no \"run\" in the herd file, so it cannot be killed and restarted")
                .arg(node->name);
        if (!node && runnable.isEmpty())
            return QStringLiteral(
                "no node has a \"run\" in the herd file, so none can be killed and restarted");
    }
    return {};
}

} // namespace

Checker::Checker(CheckTarget target, CheckSettings settings, QObject *parent)
    : QObject(parent)
    , m_target(std::move(target))
    , m_settings(std::move(settings))
{
    qRegisterMetaType<Herd::Check::RuleResult>();
    connect(this, &Checker::ruleFinished, this, &Checker::onResult);
    // Whether the run was stopped is settled when it finishes: a cancel()
    // after that (as the owner makes sure the worker is done) changes nothing.
    connect(this, &Checker::finished, this, [this](bool cancelled) { m_stopped = cancelled; });
}

Checker::~Checker()
{
    cancel();
    if (m_thread)
        m_thread->wait();
}

bool Checker::prepare(QString *error)
{
    if (!m_settings.workDir.isEmpty() && !QDir().mkpath(m_settings.workDir)) {
        *error = QStringLiteral("--node-logs %1: cannot make that folder").arg(m_settings.workDir);
        return false;
    }
    if (!m_target.checkListener(m_settings, error))
        return false;
    const std::optional<QStringList> selected = m_target.selectedNodes(m_settings, error);
    if (!selected)
        return false;
    m_selected = *selected;
    QStringList unmatched;
    m_rules = selectRules(m_settings.rulePatterns, &unmatched);
    if (!unmatched.isEmpty()) {
        *error = QStringLiteral("--rules %1: matches no rule (see herd --check --list-rules)")
                     .arg(unmatched.join(u','));
        return false;
    }
    m_places = OfflinePlaces::fromEmbedded(error);
    if (!m_places)
        return false;
    m_placesServer = std::make_unique<PlacesServer>(m_places.get());
    if (!m_placesServer->listen(QHostAddress::LocalHost, 0, error)) {
        *error = u"places server: " + *error;
        return false;
    }
    return true;
}

int Checker::plannedCount() const
{
    int count = 0;
    for (const Rule &rule : m_rules)
        count += rule.scope == Rule::Scope::Node ? int(m_selected.size()) : 1;
    return count;
}

QString Checker::placesBase() const
{
    return m_placesServer ? m_placesServer->url() : QString();
}

void Checker::start()
{
    Q_ASSERT(m_placesServer && !m_thread);
    m_startedAt = QDateTime::currentDateTimeUtc();
    m_clock.start();
    m_thread.reset(QThread::create([this] { work(); }));
    m_thread->start();
}

void Checker::wait()
{
    if (m_thread)
        m_thread->wait();
}

RunInfo Checker::runInfo() const
{
    RunInfo info;
    info.targetPath = m_target.path;
    info.herdName = m_target.config.name;
    info.nodes = m_selected;
    info.startedAt = m_startedAt;
    info.elapsedMs = m_clock.isValid() ? m_clock.elapsed() : 0;
    info.cancelled = m_stopped.value_or(m_cancelled);
    return info;
}

void Checker::cancel()
{
    m_cancelled = true;
}

bool Checker::isRunning() const
{
    return m_thread && m_thread->isRunning();
}

void Checker::onResult(const RuleResult &result)
{
    m_results.append(result);
}

void Checker::work()
{
    // Before any node starts, so that the nodes inherit it too.
    raiseOpenFileLimit();
    QTemporaryDir temporary;
    const QString workDir = m_settings.workDir.isEmpty() ? temporary.path() : m_settings.workDir;
    NodeProcesses processes(m_target, {m_target.path, placesBase()}, workDir, &m_cancelled);
    const bool anyRun = !m_target.nodesWithRun().isEmpty();
    CheckContext context(m_target, m_settings, m_selected, anyRun ? &processes : nullptr, m_places.get(),
                         placesBase(), &m_cancelled);
    // Listening before the nodes start, for nodes that connect to their
    // neighbours only once, at start.
    std::unique_ptr<FloodListener> listener;
    if (!m_settings.listenerNode.isEmpty()) {
        listener = std::make_unique<FloodListener>(*m_target.config.node(m_settings.listenerNode));
        QString error;
        if (!listener->start(&error)) {
            emit finished(m_cancelled, error);
            return;
        }
        emit progress(QStringLiteral("listening as %1 on %2:%3 (--listener)")
                          .arg(listener->node().name, listener->node().host)
                          .arg(listener->node().port));
        context.setListener(listener.get());
    }

    for (const QString &name : m_target.nodesWithRun()) {
        emit progress(QStringLiteral("starting %1 (output in %2)").arg(name, processes.logPath(name)));
        QString error;
        if (!processes.start(name, m_settings.startTimeoutMs, &error)) {
            emit finished(m_cancelled, m_cancelled ? QString() : error);
            return;
        }
    }
    QStringList down;
    for (const QString &name : std::as_const(m_selected)) {
        const NodeConfig &node = *m_target.config.node(name);
        if (!isListening(node.host, node.port, m_settings.replyTimeoutMs))
            down.append(QStringLiteral("%1 (%2:%3)").arg(name, node.host).arg(node.port));
    }
    if (down.size() == m_selected.size()) {
        emit finished(m_cancelled,
                      QStringLiteral("nothing listens at any node under test: %1").arg(down.join(u", ")));
        return;
    }
    if (!down.isEmpty())
        emit progress(QStringLiteral("not listening: %1; their rules will fail").arg(down.join(u", ")));

    const int total = plannedCount();
    int index = 0;
    for (const Rule &rule : std::as_const(m_rules)) {
        QList<const NodeConfig *> targets;
        if (rule.scope == Rule::Scope::Node) {
            for (const QString &name : std::as_const(m_selected))
                targets.append(m_target.config.node(name));
        } else {
            targets.append(nullptr);
        }
        for (const NodeConfig *node : std::as_const(targets)) {
            if (m_cancelled)
                break;
            RuleResult result {rule.id, rule.title, rule.section, node ? node->name : QString(), {}, {}, 0};
            emit ruleStarted(result.name(), index, total);
            context.resetTranscript();
            QElapsedTimer clock;
            clock.start();
            const QString missing = missingNeed(rule, node, context);
            result.verdict = missing.isEmpty() ? rule.run(context, node) : Verdict::notRun(missing);
            if (m_cancelled && !result.verdict.isPassed())
                result.verdict = Verdict::notRun(QStringLiteral("the run was stopped"));
            result.elapsedMs = clock.elapsed();
            result.transcript = context.transcript();
            emit ruleFinished(result, index++, total);
        }
    }
    emit finished(m_cancelled, {});
}

} // namespace Herd::Check
