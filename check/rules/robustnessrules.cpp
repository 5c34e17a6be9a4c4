// SPDX-License-Identifier: GPL-3.0-or-later
// Robustness at one node: abuse on some connections (a 1 MiB line, 1,000
// connections, a client that never reads, binary junk, a reset in the
// middle of a reply) while the node must go on serving every other client
// and stay up.
#include <QDeadlineTimer>
#include <QRandomGenerator>

#include <poll.h>

#include "check/context.h"
#include "check/filelimit.h"
#include "check/nodeprocesses.h"
#include "check/rules/areas.h"
#include "check/rules/support.h"
#include "herd/config/herdconfig.h"
#include "herd/wire/protocol.h"

using namespace Qt::StringLiterals;

namespace Herd::Check {

namespace {

constexpr int Connections = 1000;
// The checker's own descriptors besides the 1,000: the places server, the
// probes that check the node still serves, Qt's own.
constexpr int SpareFiles = 100;
// Each WHATSAT at the UCLA position, radius 50 km, bound 20, is answered
// with about 8.5 KB: 1,000 of them (8.5 MB) are more than the kernel
// buffers between a node and a client, so the node itself must hold
// replies it cannot send.
constexpr int WhatsatBurst = 1000;
const QByteArray Ucla = "+34.068930-118.445127";

// A connection whose bytes stay out of the transcript, as there are too
// many to show; the rule notes what it does on it instead.
std::unique_ptr<Probe> quietConnect(CheckContext &context, const NodeConfig &node, const QString &label,
                                    QString *error)
{
    auto probe = std::make_unique<Probe>(nullptr, label, context.cancelFlag());
    if (!probe->connectTo(node.host, node.port, context.settings().replyTimeoutMs)) {
        *error = label + u": " + probe->error();
        context.transcript().note(*error);
        return nullptr;
    }
    return probe;
}

Verdict noConnection(const NodeConfig &node, const QString &error)
{
    return Verdict::failed(QStringLiteral("a connection to %1").arg(node.name), error);
}

// Whether `node`, if the checker started it, has exited. A dying process
// closes its sockets before it is gone, so it is given a moment.
bool hasExited(CheckContext &context, const NodeConfig &node)
{
    constexpr int DyingMs = 500;
    NodeProcesses *processes = context.processes();
    if (!processes || !processes->canRun(node.name))
        return false;
    const QDeadlineTimer deadline(DyingMs);
    while (processes->isRunning(node.name)) {
        if (deadline.hasExpired() || !context.pause(10))
            return false;
    }
    return true;
}

// Whether the node still serves: an IAMAT on a new connection answered
// with the right AT line. Null when it does; else the failure, saying
// `when`, and whether the node's process has exited.
std::optional<Verdict> notServing(CheckContext &context, const NodeConfig &node, const QString &when)
{
    const QString client = context.uniqueClient(QStringLiteral("alive"));
    const qint64 now = nowNs();
    const QByteArray line = iamatLine(client, Ucla, now);
    const QByteArray time = formatTime(now);
    Verdict failure;
    const std::optional<QByteArray> reply = askOneLine(context, node, line, &failure);
    const std::optional<AtLine> at = reply ? splitAtLine(*reply) : std::nullopt;
    if (at && at->node == node.name.toUtf8() && at->client == client.toUtf8() && at->position == Ucla
        && at->time == time)
        return std::nullopt;
    QString actual = reply ? shown(*reply) : failure.actual;
    if (hasExited(context, node))
        actual += QStringLiteral("; its process has exited, its last output:\n%1")
                      .arg(context.processes()->outputTail(node.name));
    return Verdict::failed(
        QStringLiteral("\"AT %1 <diff> %2 %3 %4\" within %5 ms for an IAMAT on a new connection %6")
            .arg(node.name, client, QString::fromLatin1(Ucla), QString::fromLatin1(time))
            .arg(context.settings().replyTimeoutMs)
            .arg(when),
        actual);
}

// Sends `bytes` in pieces, reading whatever comes back in between, so that
// a node echoing a long line back never waits on the checker. False when
// the node stopped taking them (it may close a connection it will not
// serve: only the other clients are this area's concern).
bool sendReading(Probe &probe, const QByteArray &bytes, int timeoutMs)
{
    constexpr qsizetype Piece = 64 * 1024;
    for (qsizetype at = 0; at < bytes.size(); at += Piece) {
        if (!probe.send(bytes.mid(at, Piece), timeoutMs))
            return false;
        probe.readUntil([](const QByteArray &) { return false; }, 1);
    }
    return true;
}

// Reads until `count` WHATSAT replies (or "?" lines) have come, the node
// closes, or `timeoutMs` passes. The number that came.
int readReplies(Probe &probe, int count, int timeoutMs)
{
    qsizetype scanned = 0;
    int replies = 0;
    probe.readUntil(
        [&](const QByteArray &bytes) {
            // A reply ends at the empty line after an AT reply's JSON, or
            // at the end of a one-line "?" reply.
            for (qsizetype end; (end = bytes.indexOf('\n', scanned)) >= 0;) {
                const bool atReply = QByteArrayView(bytes).sliced(scanned).startsWith("AT ");
                const qsizetype close = atReply ? bytes.indexOf("\n\n", end) : end;
                if (close < 0)
                    break;
                scanned = close + (atReply ? 2 : 1);
                ++replies;
            }
            return replies >= count;
        },
        timeoutMs);
    return replies;
}

// A connection named `label` that has sent WhatsatBurst WHATSATs for a
// client stored at the UCLA position (many places within 50 km), so each
// has a long answer. Null, with the failure, if the node would not take it.
std::unique_ptr<Probe> sendWhatsatBurst(CheckContext &context, const NodeConfig &node, const QString &label,
                                        Verdict *failure)
{
    const QString client = context.uniqueClient(label);
    if (!askOneLine(context, node, iamatLine(client, Ucla, nowNs()), failure))
        return nullptr;
    QString error;
    std::unique_ptr<Probe> probe = quietConnect(context, node, label, &error);
    if (!probe) {
        *failure = noConnection(node, error);
        return nullptr;
    }
    context.transcript().note(
        QStringLiteral("%1 > %2 × \"WHATSAT %3 50 20\"").arg(label).arg(WhatsatBurst).arg(client));
    probe->send(QByteArray("WHATSAT " + client.toUtf8() + " 50 20\n").repeated(WhatsatBurst),
                context.settings().replyTimeoutMs);
    return probe;
}

Verdict longLine(CheckContext &context, const NodeConfig *node)
{
    constexpr qsizetype Size = 1024 * 1024;
    QString error;
    std::unique_ptr<Probe> sender = quietConnect(context, *node, QStringLiteral("long"), &error);
    if (!sender)
        return noConnection(*node, error);
    const int timeout = context.settings().replyTimeoutMs;
    context.transcript().note(QStringLiteral("long > 1 MiB of \"x\", no newline yet"));
    if (!sendReading(*sender, QByteArray(Size, 'x'), timeout))
        context.transcript().note(QStringLiteral("long: the node took no more: %1").arg(sender->error()));
    if (auto problem = notServing(
            context, *node, QStringLiteral("while a 1 MiB line without its newline sits on another one")))
        return *problem;
    context.transcript().note(QStringLiteral("long > \\n, then reads one reply line"));
    if (sender->send("\n", timeout))
        sender->readLines(1, timeout);
    sender->close();
    if (auto problem = notServing(context, *node, QStringLiteral("after a 1 MiB line on another one")))
        return *problem;
    return Verdict::passed();
}

// Opens `count` more connections, each sending an IAMAT, and reads the
// replies: the node has taken these before any more come, as a listen
// backlog holds only so many connections not yet taken (past it the kernel
// drops them, to be retried a second later). Null when each was answered;
// else what the first that was not got.
std::optional<QString> openAnswered(CheckContext &context, const NodeConfig &node, int count,
                                    std::vector<std::unique_ptr<Probe>> *probes)
{
    const size_t first = probes->size();
    QStringList clients;
    for (int i = 0; i < count; ++i) {
        QString error;
        auto probe = quietConnect(context, node, QStringLiteral("k%1").arg(probes->size() + 1), &error);
        if (!probe)
            return error;
        clients.append(context.uniqueClient(QStringLiteral("many")));
        probe->send(iamatLine(clients.last(), Ucla, nowNs()) + '\n');
        probes->push_back(std::move(probe));
    }
    QDeadlineTimer deadline(context.settings().replyTimeoutMs);
    for (int i = 0; i < count; ++i) {
        const Probe &probe = *probes->at(first + size_t(i));
        const bool replied =
            probes->at(first + size_t(i))->readLines(1, int(qMax<qint64>(1, deadline.remainingTime())));
        const std::optional<AtLine> at = splitAtLine(firstLine(probe.received()));
        if (!replied || !at || at->client != clients[i].toUtf8())
            return QStringLiteral("%1 got %2%3")
                .arg(probe.label(), shown(probe.received()),
                     probe.peerClosed() ? QStringLiteral(", then the node closed it") : QString());
    }
    return std::nullopt;
}

Verdict manyConnections(CheckContext &context, const NodeConfig *node)
{
    constexpr int Batch = 50;
    const qint64 files = openFileLimit();
    if (files < Connections + SpareFiles)
        return Verdict::notRun(QStringLiteral("the checker may open only %1 files (RLIMIT_NOFILE, raised to "
                                              "its hard limit); %2 connections need about %3: raise the "
                                              "hard limit (ulimit -Hn, or limits.conf) and run again")
                                   .arg(files)
                                   .arg(Connections)
                                   .arg(Connections + SpareFiles));
    context.transcript().note(QStringLiteral("k1 to k%1: connect, %2 at a time, each sending an IAMAT and "
                                             "reading its reply, and all stay open")
                                  .arg(Connections)
                                  .arg(Batch));
    std::vector<std::unique_ptr<Probe>> probes;
    while (probes.size() < size_t(Connections)) {
        if (const std::optional<QString> wrong = openAnswered(context, *node, Batch, &probes)) {
            context.transcript().note(*wrong);
            return Verdict::failed(
                QStringLiteral("an AT line for an IAMAT on each of %1 connections, all kept "
                               "open")
                    .arg(Connections),
                QStringLiteral("%1 (each before it was answered)").arg(*wrong));
        }
    }
    if (auto problem = notServing(context, *node,
                                  QStringLiteral("while %1 other connections are open").arg(Connections)))
        return *problem;
    probes.clear();
    if (auto problem =
            notServing(context, *node, QStringLiteral("after %1 connections closed").arg(Connections)))
        return *problem;
    return Verdict::passed();
}

Verdict nonReadingClient(CheckContext &context, const NodeConfig *node)
{
    Verdict failure;
    std::unique_ptr<Probe> stuck = sendWhatsatBurst(context, *node, QStringLiteral("stuck"), &failure);
    if (!stuck)
        return failure;
    const int timeout = context.settings().replyTimeoutMs;
    context.transcript().note(QStringLiteral("stuck: reads nothing"));
    // Once the node has begun to answer it is busy with them (or stuck on
    // them); a node that answers nothing is checked all the same.
    pollfd answering {stuck->descriptor(), POLLIN, 0};
    ::poll(&answering, 1, timeout);
    if (auto problem = notServing(
            context, *node,
            QStringLiteral("while a client that does not read owes it %1 WHATSAT replies").arg(WhatsatBurst)))
        return *problem;
    // Read now, so that it goes as a client does, owed nothing.
    const int replies = readReplies(*stuck, WhatsatBurst, timeout * 3);
    context.transcript().note(QStringLiteral("stuck: reads at last; %1 of %2 replies came, %3 bytes")
                                  .arg(replies)
                                  .arg(WhatsatBurst)
                                  .arg(stuck->received().size()));
    stuck->close();
    if (auto problem = notServing(context, *node, QStringLiteral("after the client that did not read left")))
        return *problem;
    return Verdict::passed();
}

// `size` random bytes, at least one NUL and one 0xFF among them, and no
// newline.
QByteArray junk(QRandomGenerator &random, qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (char &byte : bytes) {
        byte = char(random.bounded(256));
        if (byte == '\n')
            byte = '\0';
    }
    bytes[random.bounded(size)] = '\0';
    bytes[random.bounded(size)] = char(0xff);
    return bytes;
}

Verdict binaryJunk(CheckContext &context, const NodeConfig *node)
{
    constexpr int Lines = 64;
    constexpr qsizetype Unended = 16 * 1024;
    const quint32 seed = QRandomGenerator::global()->generate();
    QRandomGenerator random(seed);
    const int timeout = context.settings().replyTimeoutMs;

    QByteArray lines;
    for (int i = 0; i < Lines; ++i)
        lines += junk(random, 2 + random.bounded(510)) + '\n';
    QString error;
    std::unique_ptr<Probe> junkLines = quietConnect(context, *node, QStringLiteral("junk1"), &error);
    if (!junkLines)
        return noConnection(*node, error);
    context.transcript().note(QStringLiteral("junk1 > %1 lines of random bytes (NUL and 0xFF among them; "
                                             "seed %2), %3 bytes: %4")
                                  .arg(Lines)
                                  .arg(seed)
                                  .arg(lines.size())
                                  .arg(shown(lines)));
    if (sendReading(*junkLines, lines, timeout))
        junkLines->readLines(Lines, timeout); // the "?" replies, so that it leaves owed nothing
    junkLines->close();
    if (auto problem =
            notServing(context, *node, QStringLiteral("after lines of binary junk on another one")))
        return *problem;

    const QByteArray unended = junk(random, Unended);
    std::unique_ptr<Probe> junkTail = quietConnect(context, *node, QStringLiteral("junk2"), &error);
    if (!junkTail)
        return noConnection(*node, error);
    context.transcript().note(
        QStringLiteral("junk2 > %1 random bytes, no newline: %2").arg(Unended).arg(shown(unended)));
    sendReading(*junkTail, unended, timeout);
    if (auto problem = notServing(context, *node,
                                  QStringLiteral("while binary junk without a newline sits on another one")))
        return *problem;
    junkTail->close();
    if (auto problem = notServing(
            context, *node, QStringLiteral("after a connection closed on binary junk without a newline")))
        return *problem;
    return Verdict::passed();
}

Verdict resetMidReply(CheckContext &context, const NodeConfig *node)
{
    // Time for the node to see the reset before it is asked to serve
    // another client, so a node that dies of it is seen dead.
    constexpr int NoticeMs = 200;
    Verdict failure;
    std::unique_ptr<Probe> victim = sendWhatsatBurst(context, *node, QStringLiteral("reset"), &failure);
    if (!victim)
        return failure;
    const int timeout = context.settings().replyTimeoutMs;
    const bool replying = readReplies(*victim, 1, timeout) == 1;
    victim->reset();
    context.transcript().note(QStringLiteral("reset: reset (SO_LINGER 0) %1")
                                  .arg(replying
                                           ? QStringLiteral("after the first reply, the rest unread")
                                           : QStringLiteral("with no reply come in %1 ms").arg(timeout)));
    if (!context.pause(NoticeMs))
        return Verdict::notRun(QStringLiteral("the run was stopped"));
    if (auto problem = notServing(context, *node,
                                  QStringLiteral("after a client reset its connection in the middle of %1 "
                                                 "WHATSAT replies")
                                      .arg(WhatsatBurst)))
        return *problem;
    return Verdict::passed();
}

} // namespace

QList<Rule> robustnessRules()
{
    using S = Rule::Scope;
    return {
        {u"robust.long-line"_s, u"A 1 MiB line on one connection stops no one else"_s, Section::LongLines,
         S::Node, Rule::NeedsNothing, longLine},
        {u"robust.connections"_s, u"1,000 connections at once are each answered, and others still are"_s,
         Section::Order, S::Node, Rule::NeedsNothing, manyConnections},
        {u"robust.no-read"_s, u"A client that sends WHATSATs and never reads stalls no one else"_s,
         Section::Order, S::Node, Rule::NeedsNothing, nonReadingClient},
        {u"robust.junk"_s, u"Binary junk, with and without newlines, stops no one else"_s, Section::Invalid,
         S::Node, Rule::NeedsNothing, binaryJunk},
        {u"robust.reset"_s, u"A client that resets in the middle of a long reply stops no one else"_s,
         Section::Order, S::Node, Rule::NeedsNothing, resetMidReply},
    };
}

} // namespace Herd::Check
