// SPDX-License-Identifier: GPL-3.0-or-later
// IAMAT at one node: the AT reply's shape, its echoed fields, its diff.
#include <QRandomGenerator>
#include <QRegularExpression>

#include "check/context.h"
#include "check/rules/areas.h"
#include "check/rules/support.h"
#include "herd/config/herdconfig.h"
#include "herd/wire/protocol.h"

using namespace Qt::StringLiterals;

namespace Herd::Check {

namespace {

constexpr qint64 NsPerMs = 1'000'000;

// One IAMAT on its own connection, its reply split. `failure` says why not.
std::optional<AtLine> iamat(CheckContext &context, const NodeConfig &node, const QByteArray &line,
                            Verdict *failure, qint64 *sentNs = nullptr, qint64 *receivedNs = nullptr)
{
    if (sentNs)
        *sentNs = nowNs();
    const std::optional<QByteArray> reply = askOneLine(context, node, line, failure);
    if (receivedNs)
        *receivedNs = nowNs();
    if (!reply)
        return std::nullopt;
    const std::optional<AtLine> at = splitAtLine(*reply);
    if (!at)
        *failure = Verdict::failed(
            u"\"AT <node> <diff> <client> <position> <time>\", fields separated by single spaces, in reply to "
                + shown(line),
            shown(*reply));
    return at;
}

Verdict replyShape(CheckContext &context, const NodeConfig *node)
{
    const QString client = context.uniqueClient(QStringLiteral("shape"));
    const QByteArray line = iamatLine(client, "+34.068930-118.445127", nowNs());
    Verdict failure;
    const std::optional<AtLine> at = iamat(context, *node, line, &failure);
    if (!at)
        return failure;
    if (at->node != node->name.toUtf8())
        return Verdict::failed(
            QStringLiteral("the node's own name, %1, as the AT line's second field").arg(node->name),
            shown(at->node));
    return Verdict::passed();
}

Verdict echoedFields(CheckContext &context, const NodeConfig *node)
{
    // Leading zeros, a client id outside ASCII, and a time with fewer than
    // nine fraction digits: each must come back as sent, not as re-read.
    const QByteArray clientId = (context.uniqueClient(QStringLiteral("echo")) + u"-клиент-😀").toUtf8();
    const QByteArray position = "+0034.50-000118.250";
    const QByteArray time = formatTime(nowNs()).left(14); // "1733333333.12": two digits
    const QByteArray line = "IAMAT " + clientId + ' ' + position + ' ' + time;
    Verdict failure;
    const std::optional<AtLine> at = iamat(context, *node, line, &failure);
    if (!at)
        return failure;
    const std::pair<const char *, std::pair<QByteArray, QByteArray>> fields[] = {
        {"client", {clientId, at->client}},
        {"position", {position, at->position}},
        {"time", {time, at->time}},
    };
    for (const auto &[name, values] : fields) {
        if (values.first != values.second)
            return Verdict::failed(QStringLiteral("the IAMAT's %1 field byte for byte, %2")
                                       .arg(QLatin1StringView(name), shown(values.first)),
                                   shown(values.second));
    }
    return Verdict::passed();
}

Verdict diffFormat(CheckContext &context, const NodeConfig *node)
{
    static const QRegularExpression Shape(QStringLiteral("^[+-](0|[1-9][0-9]*)\\.[0-9]{9}$"));
    // Past, future and far past: each diff must be signed, with nine
    // digits. An hour either way, so that only a clock off by more than
    // that (iamat.diff-clock's business) could flip a sign.
    constexpr qint64 Hour = 3'600'000 * NsPerMs;
    const qint64 now = nowNs();
    const qint64 times[] = {now - Hour, now + Hour, 1'000'000'000LL /* 1 s after the epoch */};
    for (const qint64 time : times) {
        Verdict failure;
        const std::optional<AtLine> at = iamat(
            context, *node, iamatLine(context.uniqueClient(QStringLiteral("diff")), "+1+1", time), &failure);
        if (!at)
            return failure;
        if (!Shape.match(QString::fromLatin1(at->diff)).hasMatch())
            return Verdict::failed(QStringLiteral("a diff like +0.263873386: a sign, whole seconds without "
                                                  "leading zeros, '.', exactly nine digits"),
                                   shown(at->diff));
        const bool ahead = time > now;
        if (ahead != at->diff.startsWith('-'))
            return Verdict::failed(ahead ? QStringLiteral("a negative diff for a client time an hour ahead")
                                         : QStringLiteral("a positive diff for a client time an hour ago"),
                                   shown(at->diff));
    }
    return Verdict::passed();
}

// The diff, read back as nanoseconds; false if it is not one.
bool diffNs(const QByteArray &diff, qint64 *ns)
{
    if (diff.isEmpty() || (diff[0] != '+' && diff[0] != '-'))
        return false;
    if (!parseTime(diff.mid(1), ns))
        return false;
    if (diff[0] == '-')
        *ns = -*ns;
    return true;
}

Verdict diffClock(CheckContext &context, const NodeConfig *node)
{
    // The node's receive time is diff + client time; it must fall between
    // when the checker sent and when it read the reply, give or take the
    // tolerance for clocks that differ.
    const qint64 tolerance = context.settings().clockToleranceMs * NsPerMs;
    const qint64 clientTime = nowNs() - 5'000 * NsPerMs;
    qint64 sent = 0;
    qint64 received = 0;
    Verdict failure;
    const std::optional<AtLine> at =
        iamat(context, *node, iamatLine(context.uniqueClient(QStringLiteral("clock")), "+1+1", clientTime),
              &failure, &sent, &received);
    if (!at)
        return failure;
    qint64 diff = 0;
    if (!diffNs(at->diff, &diff))
        return Verdict::failed(QStringLiteral("a diff in seconds, like +5.000123456"), shown(at->diff));
    const qint64 nodeTime = clientTime + diff;
    if (nodeTime < sent - tolerance || nodeTime > received + tolerance)
        return Verdict::failed(
            QStringLiteral(
                "a diff from %1 to %2 (the node's receive time, within %3 ms of the checker's clock)")
                .arg(QString::fromLatin1(formatDiff(sent - clientTime - tolerance)),
                     QString::fromLatin1(formatDiff(received - clientTime + tolerance)))
                .arg(context.settings().clockToleranceMs),
            QStringLiteral("%1, which puts the node's clock %2 ms off")
                .arg(shown(at->diff))
                .arg((nodeTime - (sent + received) / 2) / NsPerMs));
    return Verdict::passed();
}

Verdict diffExact(CheckContext &context, const NodeConfig *node)
{
    // A diff computed to the nanosecond ends in digits that follow the
    // client's: with client times whose last three digits vary, a node
    // that rounds (to micro- or milliseconds, or prints fewer digits padded
    // with zeros) answers "000" every time. A correct node does so by
    // chance about once in a thousand.
    constexpr int Samples = 8;
    QByteArrayList diffs;
    for (int i = 0; i < Samples; ++i) {
        const qint64 time = nowNs() - 1'000 * NsPerMs + 1 + QRandomGenerator::global()->bounded(998);
        Verdict failure;
        const std::optional<AtLine> at = iamat(
            context, *node, iamatLine(context.uniqueClient(QStringLiteral("exact")), "+1+1", time), &failure);
        if (!at)
            return failure;
        if (!at->diff.endsWith("000"))
            return Verdict::passed();
        diffs.append(at->diff);
    }
    return Verdict::failed(
        QStringLiteral("diffs exact to the nanosecond: client times ending in 1 to 998 ns give diffs "
                       "whose last digits vary"),
        QStringLiteral("%1 diffs all ending in 000: %2")
            .arg(Samples)
            .arg(QString::fromLatin1(diffs.join(", "))));
}

Verdict whiteSpace(CheckContext &context, const NodeConfig *node)
{
    // docs/protocol.md's three spellings of one IAMAT: any mix of the six
    // white-space bytes between fields, before and after them.
    const QByteArray time = formatTime(nowNs());
    const QByteArray spellings[][3] = {
        {"\t IAMAT\v\v", "\f+34.068930-118.445127\t", "\r"},
        {"IAMAT \t\r\f\v ", "  \t +34.068930-118.445127\v\f", ""},
        {"IAMAT ", " +34.068930-118.445127 ", "\r"}, // "\r\n" ending
    };
    for (const auto &spelling : spellings) {
        const QByteArray client = context.uniqueClient(QStringLiteral("space")).toUtf8();
        const QByteArray line = spelling[0] + client + spelling[1] + time + spelling[2];
        Verdict failure;
        const std::optional<QByteArray> reply = askOneLine(context, *node, line, &failure);
        if (!reply)
            return failure;
        const std::optional<AtLine> at = splitAtLine(*reply);
        if (!at || at->client != client || at->position != "+34.068930-118.445127" || at->time != time)
            return Verdict::failed(
                QStringLiteral("\"AT %1 <diff> %2 +34.068930-118.445127 %3\" (single spaces, "
                               "no \\r) for %4")
                    .arg(node->name, QString::fromUtf8(client), QString::fromLatin1(time), shown(line)),
                shown(*reply));
    }
    return Verdict::passed();
}

} // namespace

QList<Rule> iamatRules()
{
    using S = Rule::Scope;
    return {
        {u"iamat.reply"_s, u"An IAMAT is answered by one AT line naming the node"_s, Section::IamatReply,
         S::Node, Rule::NeedsNothing, replyShape},
        {u"iamat.echo"_s, u"The AT line echoes client, position and time byte for byte"_s,
         Section::IamatReply, S::Node, Rule::NeedsNothing, echoedFields},
        {u"iamat.diff-format"_s, u"The diff is signed with exactly nine fraction digits"_s,
         Section::IamatReply, S::Node, Rule::NeedsNothing, diffFormat},
        {u"iamat.diff-clock"_s, u"The diff agrees with the checker's clock within the tolerance"_s,
         Section::IamatReply, S::Node, Rule::NeedsNothing, diffClock},
        {u"iamat.diff-exact"_s, u"The diff is exact to the nanosecond, not rounded"_s, Section::IamatReply,
         S::Node, Rule::NeedsNothing, diffExact},
        {u"iamat.white-space"_s, u"Any mix of white space separates fields; replies use single spaces"_s,
         Section::Lines, S::Node, Rule::NeedsNothing, whiteSpace},
    };
}

} // namespace Herd::Check
