// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/scenario/scenariorunner.h"

#include "herd/cluster.h"
#include "herd/net/linerequest.h"
#include "herd/node/node.h"
#include "herd/node/peerlink_p.h"
#include "herd/wire/protocol.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

using Kind = ScenarioStep::Kind;
using Check = ScenarioStep::Check;

QString clientName(const QByteArray &client)
{
    return QString::fromUtf8(client);
}

QString linkName(const QString &from, const QString &to, bool oneWay)
{
    return from + (oneWay ? u" -> "_s : u" - "_s) + to;
}

} // namespace

ScenarioRunner::ScenarioRunner(const Scenario &scenario, Cluster *cluster, QObject *parent)
    : QObject(parent)
    , m_scenario(scenario)
    , m_cluster(cluster)
{
    qRegisterMetaType<Herd::StepResult>();
    for (QTimer *timer : {&m_stepTimer, &m_settleTimer, &m_deadline}) {
        timer->setSingleShot(true);
        // Coarse timers may fire 5% early: a stale window of 2 s must not end at 1.9 s.
        timer->setTimerType(Qt::PreciseTimer);
    }
    connect(&m_stepTimer, &QTimer::timeout, this, &ScenarioRunner::runStep);
    connect(&m_settleTimer, &QTimer::timeout, this, [this] { begin(linksDown()); });
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        if (m_watching)
            checkExpectation(Moment::Deadline);
        else
            finishStep(true, QStringLiteral("waited %1 ms").arg(m_stepClock.elapsed()));
    });
    if (cluster)
        connect(cluster, &Cluster::eventOccurred, this, &ScenarioRunner::onHerdEvent);
}

ScenarioRunner::~ScenarioRunner() = default;

// ---- running and pausing --------------------------------------------------

void ScenarioRunner::start()
{
    if (m_phase != Phase::Idle)
        return;
    m_phase = Phase::Settling;
    m_settleTimer.start(SettleTimeoutMs);
    // Queued, so start() returns before any signal; the links may all be up.
    QMetaObject::invokeMethod(
        this, [this] { onHerdEvent({}); }, Qt::QueuedConnection);
}

void ScenarioRunner::pause()
{
    if (m_phase == Phase::Finished || m_paused)
        return;
    setPaused(true);
    if (m_phase == Phase::Running && m_current < 0) {
        m_stepTimer.stop();
        freezeClock();
    }
}

void ScenarioRunner::resume()
{
    m_stepOnce = false;
    if (!m_paused)
        return;
    setPaused(false);
    if (m_phase == Phase::Running && m_current < 0)
        scheduleNext();
}

void ScenarioRunner::step()
{
    if (m_phase == Phase::Finished)
        return;
    setPaused(true);
    if (m_phase == Phase::Idle) {
        m_stepOnce = true;
        start();
    } else if (m_current < 0) {
        m_stepOnce = true;
        if (m_phase == Phase::Running)
            scheduleNext();
    }
    // A step in progress: it is the one stepped; the pause follows it.
}

bool ScenarioRunner::passed() const
{
    for (const StepResult &result : m_results) {
        if (!result.passed)
            return false;
    }
    return true;
}

void ScenarioRunner::setPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    emit pausedChanged(paused);
}

qint64 ScenarioRunner::clockMs() const
{
    if (m_phase == Phase::Idle || m_phase == Phase::Settling)
        return 0;
    const qint64 real = m_frozenAtMs >= 0 ? m_frozenAtMs : m_clock.elapsed();
    return real - m_shiftMs;
}

void ScenarioRunner::freezeClock()
{
    if (m_frozenAtMs < 0)
        m_frozenAtMs = m_clock.elapsed();
}

void ScenarioRunner::thawClock()
{
    if (m_frozenAtMs >= 0) {
        m_shiftMs += m_clock.elapsed() - m_frozenAtMs;
        m_frozenAtMs = -1;
    }
}

QStringList ScenarioRunner::linksDown() const
{
    QStringList down;
    if (!m_cluster)
        return down;
    for (const Node *node : m_cluster->nodes()) {
        if (!node->isRunning())
            continue;
        for (const PeerLink *link : node->links()) {
            const Node *neighbour = m_cluster->node(link->neighbour().name);
            if (neighbour && !neighbour->isRunning())
                continue; // it cannot come up
            if (link->state() != PeerLink::State::Connected && link->state() != PeerLink::State::Cut)
                down.append(node->name() + u'>' + link->neighbour().name);
        }
    }
    return down;
}

void ScenarioRunner::begin(const QStringList &linksDown)
{
    if (m_phase != Phase::Settling)
        return;
    m_settleTimer.stop();
    m_phase = Phase::Running;
    m_clock.start();
    emit started(linksDown);
    scheduleNext();
}

qint64 ScenarioRunner::dueMs(int index) const
{
    const ScenarioStep &step = m_scenario.steps.at(index);
    switch (step.timing) {
    case ScenarioStep::Timing::At:
        return step.timingMs;
    case ScenarioStep::Timing::After:
        return m_lastEndMs + step.timingMs;
    case ScenarioStep::Timing::Next:
        break;
    }
    return m_lastEndMs;
}

void ScenarioRunner::scheduleNext()
{
    if (m_phase != Phase::Running || m_current >= 0)
        return;
    if (m_next >= m_scenario.steps.size()) {
        m_phase = Phase::Finished;
        m_stepOnce = false;
        freezeClock();
        emit finished(passed());
        return;
    }
    if (m_paused && !m_stepOnce) {
        freezeClock();
        return;
    }
    thawClock();
    qint64 wait = dueMs(m_next) - clockMs();
    if (m_paused && wait > 0) {
        // Stepping: the step happens now, at its own scenario time.
        m_shiftMs -= wait;
        wait = 0;
    }
    m_stepTimer.start(int(qMax<qint64>(0, wait)));
}

void ScenarioRunner::onHerdEvent(const Event &)
{
    if (m_phase == Phase::Settling) {
        const QStringList down = linksDown();
        if (down.isEmpty())
            begin(down);
    } else if (m_watching) {
        checkExpectation(Moment::Change);
    }
}

// ---- steps ----------------------------------------------------------------

void ScenarioRunner::runStep()
{
    if (m_phase != Phase::Running || m_current >= 0 || m_next >= m_scenario.steps.size())
        return;
    m_current = m_next++;
    m_stepOnce = false;
    m_stepStartMs = clockMs();
    m_stepClock.start();
    emit stepStarted(m_current);

    const ScenarioStep &step = m_scenario.steps.at(m_current);
    if (!m_cluster) {
        finishStep(false, u"the herd is gone"_s);
        return;
    }
    Node *node = step.node.isEmpty() ? nullptr : m_cluster->node(step.node);
    if (!step.node.isEmpty() && !node && step.kind != Kind::Expect) {
        finishStep(false, QStringLiteral("no node named %1 runs in this herd").arg(step.node));
        return;
    }
    switch (step.kind) {
    case Kind::Iamat:
        runIamat(step, node);
        return;
    case Kind::Whatsat:
        runWhatsat(step, node);
        return;
    case Kind::Kill:
        if (m_cluster->kill(step.node))
            finishStep(true, u"killed"_s);
        else
            finishStep(false, QStringLiteral("%1 was not running").arg(step.node));
        return;
    case Kind::Restart: {
        QString error;
        if (node->isRunning())
            finishStep(false, QStringLiteral("%1 is running already").arg(step.node));
        else if (m_cluster->restart(step.node, &error))
            finishStep(
                true,
                QStringLiteral("listening again on %1:%2").arg(node->settings().host).arg(node->port()));
        else
            finishStep(false, error);
        return;
    }
    case Kind::Wait:
        m_deadline.start(step.ms);
        return;
    case Kind::Expect:
        runExpect(step);
        return;
    default:
        runFault(step);
        return;
    }
}

void ScenarioRunner::runIamat(const ScenarioStep &step, Node *node)
{
    if (!node->isRunning()) {
        finishStep(false, QStringLiteral("%1 is down: the IAMAT was not sent").arg(step.node));
        return;
    }
    const QByteArray time = step.time.isEmpty() ? formatTime(node->nowNs()) : step.time;
    request(node, "IAMAT " + step.client + ' ' + step.position + ' ' + time, false);
}

void ScenarioRunner::runWhatsat(const ScenarioStep &step, Node *node)
{
    if (!node->isRunning()) {
        finishStep(false, QStringLiteral("%1 is down: the WHATSAT was not sent").arg(step.node));
        return;
    }
    request(node, "WHATSAT " + step.client + ' ' + step.radius + ' ' + step.bound, true);
}

void ScenarioRunner::request(Node *node, const QByteArray &line, bool whatsat)
{
    m_request = new LineRequest(this);
    connect(m_request, &LineRequest::finished, this, &ScenarioRunner::onReply);
    m_request->start(node->settings().host, node->port(), line,
                     whatsat ? LineRequest::Shape::Whatsat : LineRequest::Shape::OneLine, ReplyTimeoutMs);
}

void ScenarioRunner::onReply(bool ok, const QByteArray &reply, const QString &error)
{
    if (m_current < 0)
        return;
    const ScenarioStep &step = m_scenario.steps.at(m_current);
    if (!ok) {
        finishLater(false, error);
        return;
    }
    const qsizetype firstEnd = reply.indexOf('\n');
    const QString first = QString::fromUtf8(reply.first(firstEnd));
    if (step.kind == Kind::Iamat) {
        if (!first.startsWith(u"AT ")) {
            finishLater(false, u"answered " + first);
            return;
        }
        // The AT line's last field is the client time, as sent.
        qint64 timeNs = 0;
        if (parseTime(reply.first(firstEnd).split(' ').constLast(), &timeNs))
            m_newest[step.client] = qMax(m_newest.value(step.client, timeNs), timeNs);
        finishLater(true, u"answered " + first);
        return;
    }
    const qsizetype placesBytes = reply.size() - firstEnd - 1;
    const QString answered = u"answered " + first
        + (placesBytes > 0 ? QStringLiteral(" and %1 bytes of places JSON").arg(placesBytes) : QString());
    switch (step.reply) {
    case ScenarioStep::Reply::Any:
        finishLater(true, answered);
        return;
    case ScenarioStep::Reply::Contains: {
        const bool found = reply.contains(step.replyText.toUtf8());
        finishLater(found,
                    (found ? u"the reply contains \""_s : u"the reply lacks \""_s) + step.replyText + u"\": "
                        + answered);
        return;
    }
    case ScenarioStep::Reply::Invalid: {
        const bool invalid = first.startsWith(u"? ");
        finishLater(invalid, invalid ? answered : u"expected \"? ...\", but " + answered);
        return;
    }
    }
}

void ScenarioRunner::runFault(const ScenarioStep &step)
{
    const Cluster::Direction direction = step.oneWay ? Cluster::Direction::OneWay : Cluster::Direction::Both;
    const QString link = linkName(step.from, step.to, step.oneWay);
    const QString notHere = QStringLiteral("neither end of %1 runs in this herd").arg(link);
    switch (step.kind) {
    case Kind::Cut:
    case Kind::Restore: {
        const bool cut = step.kind == Kind::Cut;
        if (m_cluster->setLinkCut(step.from, step.to, cut, direction))
            finishStep(true, cut ? u"cut"_s : u"restored"_s);
        else
            finishStep(false, notHere);
        return;
    }
    case Kind::Delay: {
        // Jitter is set only when it changes, so the log lists what did.
        const bool jitter = step.jitterMs != 0 || m_cluster->linkJitter(step.from, step.to) != 0
            || (!step.oneWay && m_cluster->linkJitter(step.to, step.from) != 0);
        if (!m_cluster->setLinkDelay(step.from, step.to, step.ms, direction)
            || (jitter && !m_cluster->setLinkJitter(step.from, step.to, step.jitterMs, direction))) {
            finishStep(false, notHere);
            return;
        }
        QString outcome = QStringLiteral("delayed %1 ms").arg(step.ms);
        if (step.jitterMs > 0)
            outcome += QStringLiteral(" +-%1 ms").arg(step.jitterMs);
        finishStep(true, outcome);
        return;
    }
    case Kind::Flaky:
        if (m_cluster->setLinkFlaky(step.from, step.to, step.meanMs, direction))
            finishStep(true,
                       step.meanMs == 0 ? u"steady again"_s
                                        : QStringLiteral("flaky, about %1 ms up at a time").arg(step.meanMs));
        else
            finishStep(false, notHere);
        return;
    case Kind::Skew:
        if (m_cluster->setClockSkew(step.node, step.ms))
            finishStep(true,
                       QStringLiteral("%1's clock is %2%3 ms off")
                           .arg(step.node, step.ms >= 0 ? u"+"_s : QString())
                           .arg(step.ms));
        else
            finishStep(false, QStringLiteral("%1 does not run in this herd").arg(step.node));
        return;
    case Kind::Partition: {
        QStringList cut;
        for (const auto &[a, b] : step.links)
            cut.append(a + u'-' + b);
        m_cluster->cutLinks(step.links);
        finishStep(true, cut.isEmpty() ? u"no link crosses the groups"_s : u"cut " + cut.join(u", "));
        return;
    }
    case Kind::Heal:
        m_cluster->heal();
        finishStep(true, u"every cut link restored"_s);
        return;
    case Kind::Clear:
        m_cluster->clearFaults();
        finishStep(true, u"every fault cleared"_s);
        return;
    default:
        finishStep(false, u"not a fault"_s);
        return;
    }
}

void ScenarioRunner::runExpect(const ScenarioStep &step)
{
    if (step.check != Check::Agree) {
        if (!step.time.isEmpty()) {
            m_expectNs = step.timeNs;
        } else if (m_newest.contains(step.client)) {
            m_expectNs = m_newest.value(step.client);
        } else {
            finishStep(false,
                       QStringLiteral("no IAMAT for %1 was answered, so there is no newest time to look for")
                           .arg(clientName(step.client)));
            return;
        }
    } else if (m_newest.isEmpty()) {
        finishStep(false, u"no IAMAT was answered, so there is nothing to agree on"_s);
        return;
    }
    m_watching = true;
    m_deadline.start(step.windowMs);
    checkExpectation(Moment::First);
}

// Decides the expectation in progress if it can be decided now: when it
// holds, when it is broken, or when its window ends.
void ScenarioRunner::checkExpectation(Moment moment)
{
    if (!m_watching)
        return;
    if (!m_cluster) {
        finishLater(false, u"the herd is gone"_s);
        return;
    }
    const ScenarioStep &step = m_scenario.steps.at(m_current);
    const qint64 elapsed = m_stepClock.elapsed();
    const ScenarioCheck::Seen seen = step.check == Check::Agree
        ? ScenarioCheck::agree(*m_cluster, m_newest)
        : ScenarioCheck::holds(*m_cluster, step.node, step.client, m_expectNs);
    const QString expected = step.check == Check::Agree
        ? QString()
        : QStringLiteral(" (expected %1)").arg(ScenarioCheck::shortTime(m_expectNs));
    if (step.check == Check::Stale) {
        if (seen.ok) {
            finishLater(false,
                        moment == Moment::First
                            ? QStringLiteral("%1 already").arg(seen.text)
                            : QStringLiteral("%1 after %2 ms").arg(seen.text).arg(elapsed));
        } else if (moment == Moment::Deadline) {
            finishLater(true,
                        QStringLiteral("stale for %1 ms: %2, not the newest %3")
                            .arg(elapsed)
                            .arg(seen.text, ScenarioCheck::shortTime(m_expectNs)));
        }
        return;
    }
    if (seen.ok)
        finishLater(true, QStringLiteral("held after %1 ms").arg(elapsed));
    else if (moment == Moment::Deadline || step.windowMs == 0)
        finishLater(false, QStringLiteral("%1%2 after %3 ms").arg(seen.text, expected).arg(elapsed));
}

void ScenarioRunner::finishLater(bool passed, const QString &outcome)
{
    if (m_finishing || m_current < 0)
        return;
    m_finishing = true;
    m_watching = false;
    m_deadline.stop();
    const qint64 elapsed = m_stepClock.elapsed();
    QMetaObject::invokeMethod(
        this, [this, passed, outcome, elapsed] { finishStep(passed, outcome, elapsed); },
        Qt::QueuedConnection);
}

void ScenarioRunner::finishStep(bool passed, const QString &outcome, qint64 elapsedMs)
{
    if (m_current < 0)
        return;
    m_finishing = false;
    m_watching = false;
    m_deadline.stop();
    if (m_request) {
        m_request->disconnect(this);
        m_request->deleteLater();
        m_request = nullptr;
    }
    const int index = m_current;
    m_results.append({passed, outcome, m_stepStartMs, elapsedMs >= 0 ? elapsedMs : m_stepClock.elapsed()});
    m_lastEndMs = clockMs();
    m_current = -1;
    emit stepFinished(index, m_results.constLast());
    scheduleNext();
}

} // namespace Herd
