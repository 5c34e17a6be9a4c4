// SPDX-License-Identifier: GPL-3.0-or-later
// Any line at all, at one node: invalid lines and their echo, line endings
// and white space, many lines in one write and one line in many writes,
// reply order, the half-close, a long line.
#include "check/context.h"
#include "check/probe.h"
#include "check/rules/areas.h"
#include "check/rules/invalidlines.h"
#include "check/rules/support.h"
#include "check/rules/whatsatsupport.h"
#include "herd/config/herdconfig.h"
#include "herd/wire/protocol.h"

using namespace Qt::StringLiterals;

namespace Herd::Check {

namespace {

// A line sent, and the reply line it must get.
struct Exchange
{
    QByteArray line;     // without its "\n"
    QByteArray expected; // without "\n"; see expectedAt()
    QString why;
};

// The AT line `node` must reply to an IAMAT, with "<diff>" for the diff
// it computes: matches() takes any diff there.
QByteArray expectedAt(const NodeConfig &node, const QByteArray &client, const QByteArray &position,
                      const QByteArray &time)
{
    return "AT " + node.name.toUtf8() + " <diff> " + client + ' ' + position + ' ' + time;
}

bool matches(const QByteArray &reply, const QByteArray &expected)
{
    const std::optional<AtLine> want = splitAtLine(expected);
    if (!want || want->diff != "<diff>")
        return reply == expected;
    const std::optional<AtLine> got = splitAtLine(reply);
    return got && got->node == want->node && got->client == want->client && got->position == want->position
        && got->time == want->time;
}

// Sends each line on a connection of its own and reads its reply line.
// Fails listing every line answered otherwise, and why that line matters.
Verdict exchange(CheckContext &context, const NodeConfig &node, const QList<Exchange> &exchanges,
                 const QString &expected)
{
    constexpr qsizetype Listed = 5;
    QStringList wrong;
    for (const Exchange &exchange : exchanges) {
        Verdict failure;
        const std::optional<QByteArray> reply = askOneLine(context, node, exchange.line, &failure);
        if (reply && matches(*reply, exchange.expected))
            continue;
        wrong.append(u"%1 (%2) got %3, not %4"_s.arg(shown(exchange.line + '\n'), exchange.why,
                                                     reply ? shown(*reply) : failure.actual,
                                                     shown(exchange.expected)));
    }
    if (wrong.isEmpty())
        return Verdict::passed();
    QString actual = u"%1 of %2 lines answered otherwise: "_s.arg(wrong.size()).arg(exchanges.size())
        + wrong.first(qMin(Listed, wrong.size())).join(u"; "_s);
    if (wrong.size() > Listed)
        actual += u"; and %1 more (see the transcript)"_s.arg(wrong.size() - Listed);
    return Verdict::failed(expected, actual);
}

Verdict invalidFamily(CheckContext &context, const NodeConfig &node, InvalidFamily family,
                      const QString &what)
{
    QByteArray client = context.uniqueClient(u"invalid"_s).toUtf8();
    if (family == InvalidFamily::Whatsat) {
        Verdict failure;
        const std::optional<KnownClient> known =
            placeClient(context, node, u"invalid"_s, Westwood.position, &failure);
        if (!known)
            return failure;
        client = known->client.toUtf8();
    }
    QList<Exchange> exchanges;
    for (const InvalidLine &invalid : invalidLines(family, client))
        exchanges.append({invalid.line, "? " + invalid.line, invalid.why});
    return exchange(
        context, node, exchanges,
        u"\"? <line>\", the line byte for byte, for each of %1 %2"_s.arg(exchanges.size()).arg(what));
}

auto invalidRule(InvalidFamily family, const QString &what)
{
    return [family, what](CheckContext &context, const NodeConfig *node) {
        return invalidFamily(context, *node, family, what);
    };
}

Verdict echoWhiteSpace(CheckContext &context, const NodeConfig *node)
{
    return exchange(context, *node,
                    {
                        {"  \tHELLO  \f", "?   \tHELLO  \f", u"white space before and after"_s},
                        {"\vBOGUS\t1 \v", "? \vBOGUS\t1 \v", u"white space between fields"_s},
                        {" \t ", "?  \t ", u"white space only"_s},
                    },
                    u"\"? \" and the line as received, its white space untouched"_s);
}

Verdict crlf(CheckContext &context, const NodeConfig *node)
{
    Verdict failure;
    const std::optional<KnownClient> known =
        placeClient(context, *node, u"crlf"_s, Westwood.position, &failure);
    if (!known)
        return failure;
    return exchange(
        context, *node,
        {
            {"BOGUS 1\r", "? BOGUS 1", u"\\r\\n is the ending"_s},
            {"\r", "? ", u"an empty line ended by \\r\\n"_s},
            {"WHATSAT " + known->client.toUtf8() + " 10 1\r", known->atLine, u"a WHATSAT ended by \\r\\n"_s},
        },
        u"\"\\r\\n\" taken for a line ending: its \\r is neither echoed nor part of a field"_s);
}

Verdict oneCr(CheckContext &context, const NodeConfig *node)
{
    return exchange(context, *node,
                    {
                        {"HELLO\r\r", "? HELLO\r", u"only one \\r is taken off"_s},
                        {"BOGUS 1 \r\r\r", "? BOGUS 1 \r\r", u"only one \\r is taken off"_s},
                    },
                    u"the one \\r just before the \\n taken off, any other \\r echoed"_s);
}

Verdict unicodeSpace(CheckContext &context, const NodeConfig *node)
{
    const QByteArray time = formatTime(nowNs());
    const QByteArray nbsp = context.uniqueClient(u"nbsp"_s).toUtf8() + "\xC2\xA0x";
    const QByteArray em = context.uniqueClient(u"em"_s).toUtf8() + "\xE2\x80\x83x";
    const QByteArray command = "IAMAT\xC2\xA0" + context.uniqueClient(u"nbsp"_s).toUtf8() + " +1+1 " + time;
    return exchange(context, *node,
                    {
                        {"IAMAT " + nbsp + " +1+1 " + time, expectedAt(*node, nbsp, "+1+1", time),
                         u"U+00A0, a no-break space, is part of the client id"_s},
                        {"IAMAT " + em + " +1+1 " + time, expectedAt(*node, em, "+1+1", time),
                         u"U+2003, an em space, is part of the client id"_s},
                        {command, "? " + command, u"IAMAT then U+00A0 is no command"_s},
                    },
                    u"fields separated by the six ASCII white-space bytes only: a Unicode space is part of "
                    "its field"_s);
}

// The replies as a list of what they are: "AT <client>", "? HELLO",
// "(JSON, 12 lines)", "(empty line)".
QString outline(const QByteArray &received)
{
    QStringList items;
    int json = 0;
    const auto flushJson = [&] {
        if (json > 0)
            items.append(u"(JSON, %1 lines)"_s.arg(std::exchange(json, 0)));
    };
    QList<QByteArray> lines = received.split('\n');
    lines.removeLast(); // what follows the last "\n": not a line yet
    for (const QByteArray &line : std::as_const(lines)) {
        const std::optional<AtLine> at = splitAtLine(line);
        if (!at && !line.isEmpty() && !line.startsWith("? ")) {
            ++json;
            continue;
        }
        flushJson();
        items.append(at                   ? u"AT "_s + QString::fromUtf8(at->client)
                         : line.isEmpty() ? u"(empty line)"_s
                                          : shown(line));
    }
    flushJson();
    return items.isEmpty() ? u"nothing"_s : items.join(u" | "_s);
}

Verdict pipelined(CheckContext &context, const NodeConfig *node)
{
    const QByteArray time = formatTime(nowNs());
    const QByteArray a = context.uniqueClient(u"pipe"_s).toUtf8();
    const QByteArray b = context.uniqueClient(u"pipe"_s).toUtf8();
    const QByteArray c = context.uniqueClient(u"pipe"_s).toUtf8();
    const QByteArray nobody = "WHATSAT " + context.uniqueClient(u"nobody"_s).toUtf8() + " 1 1";
    const QList<Exchange> lines = {
        {"IAMAT " + a + " +1+1 " + time, expectedAt(*node, a, "+1+1", time), u"an IAMAT"_s},
        {"BOGUS 1", "? BOGUS 1", u"an unknown command"_s},
        {"IAMAT " + b + " +2+2 " + time, expectedAt(*node, b, "+2+2", time), u"an IAMAT"_s},
        {"", "? ", u"an empty line"_s},
        {nobody, "? " + nobody, u"a WHATSAT of an unknown client"_s},
        {"IAMAT " + c + " +3+3 " + time, expectedAt(*node, c, "+3+3", time), u"an IAMAT"_s},
    };
    Verdict failure;
    const std::unique_ptr<Probe> probe = connectProbe(context, *node, &failure);
    if (!probe)
        return failure;
    QByteArray bytes;
    QStringList expected;
    for (const Exchange &line : lines) {
        bytes += line.line + '\n';
        expected.append(shown(line.expected));
    }
    probe->send(bytes);
    probe->readLines(int(lines.size()), context.settings().replyTimeoutMs);
    const QList<QByteArray> replies = probe->received().split('\n'); // the last: not a whole line
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const bool complete = i < replies.size() - 1;
        if (complete && matches(replies[i], lines[i].expected))
            continue;
        return Verdict::failed(u"%1 replies to %1 lines sent in one write, in order: %2"_s.arg(lines.size())
                                   .arg(expected.join(u", "_s)),
                               u"reply %1, to %2 (%3), was %4; all replies: %5"_s.arg(i + 1).arg(
                                   shown(lines[i].line + '\n'), lines[i].why,
                                   complete ? shown(replies[i]) : u"missing"_s, outline(probe->received())));
    }
    return Verdict::passed();
}

Verdict split(CheckContext &context, const NodeConfig *node)
{
    // Pauses between the pieces make each one a read of its own.
    constexpr int GapMs = 2;
    const QByteArray client = context.uniqueClient(u"split"_s).toUtf8();
    const QByteArray time = formatTime(nowNs());
    const QByteArray iamat = "IAMAT " + client + ' ' + Westwood.position + ' ' + time;
    Verdict failure;
    const std::unique_ptr<Probe> probe = connectProbe(context, *node, &failure);
    if (!probe)
        return failure;
    const int timeout = context.settings().replyTimeoutMs;
    context.transcript().note(u"%1: an IAMAT a byte at a time, %2 ms apart"_s.arg(probe->label()).arg(GapMs));
    const QByteArray bytes = iamat + '\n';
    for (const char byte : bytes) {
        if (!probe->send(QByteArray(1, byte)) || !context.pause(GapMs))
            break;
    }
    probe->readLines(1, timeout);
    const QByteArray at = firstLine(probe->take());
    const QByteArray expected = expectedAt(*node, client, Westwood.position, time);
    if (!matches(at, expected))
        return Verdict::failed(
            u"%1, the one reply to %2 sent a byte at a time"_s.arg(shown(expected), shown(iamat)), shown(at));
    for (const QByteArray &piece :
         {QByteArray("WHAT"), QByteArray("SAT " + client + " 1"), QByteArray("0 1\n")}) {
        if (!probe->send(piece) || !context.pause(GapMs))
            break;
    }
    probe->readWhatsatReply(timeout);
    const QByteArray first = firstLine(probe->received());
    if (first != at)
        return Verdict::failed(
            u"the stored AT line, %1, first in the reply to a WHATSAT sent in three pieces"_s.arg(shown(at)),
            shown(first));
    return Verdict::passed();
}

Verdict order(CheckContext &context, const NodeConfig *node)
{
    // The WHATSAT needs the record the IAMAT before it just made, and its
    // reply must leave before those of the lines after it.
    const QByteArray time = formatTime(nowNs());
    const QByteArray c = context.uniqueClient(u"order"_s).toUtf8();
    const QByteArray d = context.uniqueClient(u"order"_s).toUtf8();
    const QByteArray bytes = "IAMAT " + c + ' ' + Westwood.position + ' ' + time + "\nWHATSAT " + c
        + " 10 2\nIAMAT " + d + " +1+1 " + time + "\nHELLO\n";
    Verdict failure;
    const std::unique_ptr<Probe> probe = connectProbe(context, *node, &failure);
    if (!probe)
        return failure;
    probe->send(bytes);
    probe->readUntil([](const QByteArray &got) { return got.contains("\n\n") && got.contains("? HELLO\n"); },
                     context.settings().replyTimeoutMs);
    const QByteArray received = probe->received();
    const QByteArray first = firstLine(received);
    const WhatsatReply whatsat = splitWhatsatReply(received.mid(first.size() + 1));
    const QList<QByteArray> after = whatsat.rest.split('\n');
    const bool inOrder = matches(first, expectedAt(*node, c, Westwood.position, time))
        && whatsat.atLine == first && whatsat.ended && after.size() >= 2
        && matches(after[0], expectedAt(*node, d, "+1+1", time)) && after[1] == "? HELLO";
    if (inOrder)
        return Verdict::passed();
    return Verdict::failed(
        u"replies in the order of the lines: AT %1 | AT %1 | (JSON) | (empty line) | AT %2 | "
        "\"? HELLO\""_s.arg(QString::fromUtf8(c), QString::fromUtf8(d)),
        outline(received));
}

Verdict halfClose(CheckContext &context, const NodeConfig *node)
{
    const QByteArray client = context.uniqueClient(u"half"_s).toUtf8();
    const QByteArray time = formatTime(nowNs());
    const QByteArray iamat = "IAMAT " + client + " +1+1 " + time;
    const std::pair<QByteArray, QByteArrayList> cases[] = {
        {"ONE\nTWO", {"? ONE", "? TWO"}},
        {iamat, {expectedAt(*node, client, "+1+1", time)}},
        {"", {}},
    };
    const int timeout = context.settings().replyTimeoutMs;
    for (const auto &[sent, replies] : cases) {
        Verdict failure;
        const std::unique_ptr<Probe> probe = connectProbe(context, *node, &failure);
        if (!probe)
            return failure;
        if (!sent.isEmpty())
            probe->send(sent);
        probe->halfClose();
        const bool closed = probe->readUntilEof(timeout);
        QByteArrayList got = probe->received().split('\n');
        bool same = got.takeLast().isEmpty() && got.size() == replies.size();
        for (qsizetype i = 0; same && i < got.size(); ++i)
            same = matches(got[i], replies[i]);
        if (same && closed)
            continue;
        QStringList expected;
        for (const QByteArray &reply : replies)
            expected.append(shown(reply + '\n'));
        return Verdict::failed(
            u"%1, then the node closes, for %2 then a half-close"_s.arg(
                replies.isEmpty() ? u"no reply"_s : expected.join(u", "_s), shown(sent)),
            shown(probe->received())
                + (closed ? u", then the node closed"_s
                          : u", and the connection still open %1 ms after the half-close"_s.arg(timeout)));
    }
    return Verdict::passed();
}

Verdict longLine(CheckContext &context, const NodeConfig *node)
{
    // Course servers have no line limit and Herd's default is 16 KiB: a
    // line of that size is answered whole. Longer ones are robustness's.
    const qsizetype size = qMin<qsizetype>(16 * 1024, context.config().maxLineBytes);
    const QByteArray line = "HELLO " + QByteArray(size - 6, 'x');
    Verdict failure;
    const std::optional<QByteArray> reply = askOneLine(context, *node, line, &failure);
    if (!reply)
        return failure;
    if (*reply != "? " + line)
        return Verdict::failed(u"\"? \" and the whole %1-byte line, %2 bytes"_s.arg(size).arg(size + 2),
                               u"%1 bytes: %2"_s.arg(reply->size()).arg(shown(*reply)));
    return Verdict::passed();
}

} // namespace

QList<Rule> inputRules()
{
    using S = Rule::Scope;
    using F = InvalidFamily;
    return {
        {u"input.invalid-command"_s, u"Lines without a valid command are answered \"? <line>\""_s,
         Section::Invalid, S::Node, Rule::NeedsNothing,
         invalidRule(F::Command, u"lines without a valid command"_s)},
        {u"input.invalid-iamat"_s, u"IAMAT lines with bad fields are answered \"? <line>\""_s,
         Section::Invalid, S::Node, Rule::NeedsNothing, invalidRule(F::Iamat, u"invalid IAMAT lines"_s)},
        {u"input.invalid-whatsat"_s,
         u"WHATSAT lines with bad fields or an unknown client are answered \"? <line>\""_s, Section::Invalid,
         S::Node, Rule::NeedsNothing, invalidRule(F::Whatsat, u"invalid WHATSAT lines"_s)},
        {u"input.invalid-bytes"_s,
         u"Lines that are not UTF-8 text are answered \"? <line>\", bytes as sent"_s, Section::Invalid,
         S::Node, Rule::NeedsNothing, invalidRule(F::Bytes, u"lines that are not text"_s)},
        {u"input.echo-white-space"_s, u"\"? <line>\" keeps the line's white space as it came"_s,
         Section::Invalid, S::Node, Rule::NeedsNothing, echoWhiteSpace},
        {u"input.crlf"_s, u"\"\\r\\n\" ends a line: the \"\\r\" is not part of it"_s, Section::Lines, S::Node,
         Rule::NeedsNothing, crlf},
        {u"input.one-cr"_s, u"Only the one \"\\r\" just before \"\\n\" is taken off"_s, Section::Lines,
         S::Node, Rule::NeedsNothing, oneCr},
        {u"input.unicode-space"_s, u"Only ASCII white space separates fields, not U+00A0 or U+2003"_s,
         Section::Lines, S::Node, Rule::NeedsNothing, unicodeSpace},
        {u"input.pipelined"_s, u"Lines sent in one write each get their reply, in order"_s, Section::Order,
         S::Node, Rule::NeedsNothing, pipelined},
        {u"input.split"_s, u"A line that arrives a byte at a time is one line"_s, Section::Order, S::Node,
         Rule::NeedsNothing, split},
        {u"input.order"_s, u"A WHATSAT's reply leaves before the replies to the lines after it"_s,
         Section::Order, S::Node, Rule::NeedsNothing, order},
        {u"input.half-close"_s, u"After a half-close the last line is answered and the node closes"_s,
         Section::HalfClose, S::Node, Rule::NeedsNothing, halfClose},
        {u"input.long-line"_s, u"A 16 KiB line is answered whole"_s, Section::LongLines, S::Node,
         Rule::NeedsNothing, longLine},
    };
}

} // namespace Herd::Check
