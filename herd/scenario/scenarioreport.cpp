// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/scenario/scenarioreport.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

using Kind = ScenarioStep::Kind;
using Check = ScenarioStep::Check;

constexpr qsizetype WrapColumn = 78;
constexpr QStringView Indent = u"  ";
// Notes line up under the step's description.
constexpr QStringView NoteLead = u"                note: ";

// Word-wraps each paragraph of `text` at WrapColumn, every line indented.
QString wrapped(const QString &text, const QString &indent)
{
    QStringList lines;
    for (const QString &paragraph : text.split(u'\n')) {
        QString line;
        for (const QString &word : paragraph.split(u' ', Qt::SkipEmptyParts)) {
            if (!line.isEmpty() && indent.size() + line.size() + 1 + word.size() > WrapColumn) {
                lines.append(indent + line);
                line.clear();
            }
            line += (line.isEmpty() ? QString() : u" "_s) + word;
        }
        lines.append(line.isEmpty() ? QString() : indent + line);
    }
    return lines.join(u'\n');
}

QString client(const QByteArray &id)
{
    return QString::fromUtf8(id);
}

QString link(const ScenarioStep &step)
{
    if (step.oneWay)
        return step.from + u" -> " + step.to + u" (one way)";
    return step.from + u" - " + step.to;
}

} // namespace

ScenarioReport::ScenarioReport(const Scenario &scenario, const HerdConfig &herd)
    : m_scenario(scenario)
{
    m_herdLine = QStringLiteral("Herd: %1: %2; %3 link(s); resync %4")
                     .arg(scenario.herdSource.isEmpty() ? herd.name : scenario.herdSource,
                          herd.nodeNames().join(u", "))
                     .arg(herd.links.size())
                     .arg(herd.resync ? u"on"_s : u"off"_s);
}

QString ScenarioReport::header() const
{
    QString text = u"Scenario: " + m_scenario.name + u'\n';
    if (!m_scenario.description.isEmpty())
        text += wrapped(m_scenario.description, Indent.toString()) + u'\n';
    return text + m_herdLine + u'\n';
}

QString ScenarioReport::startedLine(const QStringList &linksDown) const
{
    if (linksDown.isEmpty())
        return u"Links up; the scenario clock starts.\n"_s;
    return QStringLiteral("Links still down after %1 s: %2; starting anyway.\n")
        .arg(ScenarioRunner::SettleTimeoutMs / 1000)
        .arg(linksDown.join(u", "));
}

QString ScenarioReport::stepLine(int index, const StepResult &result)
{
    m_results.insert(index, result);
    QString text = outcomeLine(index, result) + u'\n';
    const QString &note = m_scenario.steps.at(index).note;
    if (!note.isEmpty()) {
        QString lines = wrapped(note, QString(NoteLead.size(), u' '));
        text += lines.replace(0, NoteLead.size(), NoteLead.toString()) + u'\n';
    }
    return text;
}

QString ScenarioReport::outcomeLine(int index, const StepResult &result) const
{
    return QStringLiteral("%1%2 %3. %4: %5%6")
        .arg(Indent.toString(), offset(result.startedMs).rightJustified(8))
        .arg(index + 1, 3)
        .arg(describe(m_scenario.steps.at(index)), result.passed ? QString() : u"FAILED: "_s, result.outcome);
}

bool ScenarioReport::passed() const
{
    if (m_results.size() != m_scenario.steps.size())
        return false;
    for (const StepResult &result : m_results) {
        if (!result.passed)
            return false;
    }
    return true;
}

QString ScenarioReport::summary(qint64 totalMs) const
{
    int checks = 0;
    int checksFailed = 0;
    int actions = 0;
    int actionsFailed = 0;
    QStringList failures;
    for (auto it = m_results.begin(); it != m_results.end(); ++it) {
        const bool check = m_scenario.steps.at(it.key()).isCheck();
        (check ? checks : actions) += 1;
        if (!it.value().passed) {
            (check ? checksFailed : actionsFailed) += 1;
            failures.append(outcomeLine(it.key(), it.value()));
        }
    }
    QStringList parts {
        QStringLiteral("%1 step(s) in %2 s").arg(m_results.size()).arg(double(totalMs) / 1000.0, 0, 'f', 3)};
    if (checks == 0)
        parts.append(u"no expectations"_s);
    else if (checksFailed == 0)
        parts.append(QStringLiteral("all %1 expectation(s) held").arg(checks));
    else
        parts.append(QStringLiteral("%1 of %2 expectation(s) held, %3 failed")
                         .arg(checks - checksFailed)
                         .arg(checks)
                         .arg(checksFailed));
    parts.append(actionsFailed == 0
                     ? u"every action done"_s
                     : QStringLiteral("%1 of %2 action(s) failed").arg(actionsFailed).arg(actions));
    const qsizetype notRun = m_scenario.steps.size() - m_results.size();
    if (notRun > 0)
        parts.append(QStringLiteral("%1 step(s) not run").arg(notRun));
    QString text = u"Summary: " + parts.join(u"; ") + u".\n";
    if (!failures.isEmpty())
        text += u"Failed:\n" + failures.join(u'\n') + u'\n';
    return text + (passed() ? u"PASSED\n"_s : u"FAILED\n"_s);
}

QString ScenarioReport::offset(qint64 ms)
{
    return u'+' + QString::number(double(ms) / 1000.0, 'f', 3) + u's';
}

QString ScenarioReport::describe(const ScenarioStep &step)
{
    const QString kind = ScenarioStep::kindName(step.kind);
    switch (step.kind) {
    case Kind::Iamat:
        return QStringLiteral("iamat %1 at %2 (%3, time %4)")
            .arg(client(step.client), step.node, QString::fromUtf8(step.position),
                 step.time.isEmpty() ? step.node + u"'s clock" : QString::fromUtf8(step.time));
    case Kind::Whatsat: {
        QString text = QStringLiteral("whatsat %1 %2 %3 at %4")
                           .arg(client(step.client), QString::fromUtf8(step.radius),
                                QString::fromUtf8(step.bound), step.node);
        if (step.reply == ScenarioStep::Reply::Contains)
            text += u" (expect \"" + step.replyText + u"\" in the reply)";
        else if (step.reply == ScenarioStep::Reply::Invalid)
            text += u" (expect \"? ...\")"_s;
        return text;
    }
    case Kind::Kill:
    case Kind::Restart:
        return kind + u' ' + step.node;
    case Kind::Cut:
    case Kind::Restore:
        return kind + u' ' + link(step);
    case Kind::Delay:
        return QStringLiteral("delay %1 by %2 ms").arg(link(step)).arg(step.ms)
            + (step.jitterMs > 0 ? QStringLiteral(" +-%1 ms").arg(step.jitterMs) : QString());
    case Kind::Flaky:
        return step.meanMs == 0
            ? QStringLiteral("flaky %1 off").arg(link(step))
            : QStringLiteral("flaky %1 (about %2 ms between drops)").arg(link(step)).arg(step.meanMs);
    case Kind::Skew:
        return QStringLiteral("skew %1's clock by %2%3 ms")
            .arg(step.node, step.ms >= 0 ? u"+"_s : QString())
            .arg(step.ms);
    case Kind::Partition: {
        if (!step.preset.isEmpty())
            return u"partition " + step.preset + (step.node.isEmpty() ? QString() : u' ' + step.node);
        QStringList groups;
        for (const QStringList &group : step.groups)
            groups.append(u'[' + group.join(u", ") + u']');
        return u"partition " + groups.join(u" | ");
    }
    case Kind::Heal:
        return u"heal every cut link"_s;
    case Kind::Clear:
        return u"clear every fault"_s;
    case Kind::Wait:
        return QStringLiteral("wait %1 ms").arg(step.ms);
    case Kind::Expect:
        break;
    }
    const QString newest = step.time.isEmpty() ? u"the newest sent"_s : QString::fromUtf8(step.time);
    switch (step.check) {
    case Check::Holds:
        return QStringLiteral("expect %1 holds %2 from %3 within %4 ms")
            .arg(step.node, client(step.client), newest)
            .arg(step.windowMs);
    case Check::Agree:
        return QStringLiteral("expect every running node to agree within %1 ms").arg(step.windowMs);
    case Check::Stale:
        return QStringLiteral("expect %1 to lack %2's newest for %3 ms")
            .arg(step.node, client(step.client))
            .arg(step.windowMs);
    case Check::None:
        break;
    }
    return kind;
}

} // namespace Herd
