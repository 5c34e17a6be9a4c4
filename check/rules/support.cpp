// SPDX-License-Identifier: GPL-3.0-or-later
#include "check/rules/support.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QElapsedTimer>

#include <chrono>

#include "check/context.h"
#include "check/probe.h"
#include "herd/wire/protocol.h"

namespace Herd::Check {

qint64 nowNs()
{
    using namespace std::chrono;
    return duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count();
}

QByteArray iamatLine(const QString &client, const QByteArray &position, qint64 timeNs)
{
    return "IAMAT " + client.toUtf8() + ' ' + position + ' ' + formatTime(timeNs);
}

std::optional<AtLine> splitAtLine(const QByteArray &line)
{
    const QList<QByteArray> fields = line.split(' ');
    if (fields.size() != 6 || fields[0] != "AT")
        return std::nullopt;
    for (const QByteArray &field : fields) {
        if (field.isEmpty())
            return std::nullopt;
    }
    return AtLine {fields[1], fields[2], fields[3], fields[4], fields[5]};
}

QByteArray firstLine(const QByteArray &bytes)
{
    const qsizetype end = bytes.indexOf('\n');
    return end < 0 ? bytes : bytes.left(end);
}

QString shown(const QByteArray &bytes)
{
    constexpr qsizetype Most = 300;
    QString text =
        Transcript::escaped(bytes.left(Most)).replace(QStringLiteral("\\n\n"), QStringLiteral("\\n"));
    if (bytes.size() > Most)
        text += QStringLiteral("... (%1 bytes in all)").arg(bytes.size());
    return text.isEmpty() ? QStringLiteral("nothing") : u'"' + text + u'"';
}

std::unique_ptr<Probe> connectProbe(CheckContext &context, const NodeConfig &node, Verdict *failure)
{
    QString error;
    std::unique_ptr<Probe> probe = context.connect(node, &error);
    if (!probe)
        *failure = Verdict::failed(QStringLiteral("a connection to %1").arg(node.name), error);
    return probe;
}

namespace {

std::optional<QByteArray> ask(CheckContext &context, const NodeConfig &node, const QByteArray &line,
                              bool whatsat, Verdict *failure)
{
    const std::unique_ptr<Probe> probe = connectProbe(context, node, failure);
    if (!probe)
        return std::nullopt;
    const int timeout = context.settings().replyTimeoutMs;
    const bool complete = probe->send(line + '\n')
        && (whatsat ? probe->readWhatsatReply(timeout) : probe->readLines(1, timeout));
    if (!complete) {
        *failure =
            Verdict::failed(QStringLiteral("a reply to %1 within %2 ms").arg(shown(line)).arg(timeout),
                            probe->error().isEmpty() ? QStringLiteral("%1%2").arg(
                                shown(probe->received()),
                                probe->peerClosed() ? QStringLiteral(", then the node closed") : QString())
                                                     : probe->error());
        return std::nullopt;
    }
    return probe->received();
}

} // namespace

std::optional<QByteArray> askOneLine(CheckContext &context, const NodeConfig &node, const QByteArray &line,
                                     Verdict *failure)
{
    std::optional<QByteArray> reply = ask(context, node, line, false, failure);
    if (reply)
        *reply = firstLine(*reply);
    return reply;
}

std::optional<QByteArray> askWhatsat(CheckContext &context, const NodeConfig &node, const QString &client,
                                     const QByteArray &radius, const QByteArray &bound, Verdict *failure)
{
    return ask(context, node, "WHATSAT " + client.toUtf8() + ' ' + radius + ' ' + bound, true, failure);
}

std::optional<QByteArray> storedAtLine(CheckContext &context, const NodeConfig &node, const QString &client)
{
    Verdict ignored;
    const std::optional<QByteArray> reply = askWhatsat(context, node, client, "1", "1", &ignored);
    if (!reply)
        return std::nullopt;
    const QByteArray line = firstLine(*reply);
    return line.startsWith("AT ") ? line : QByteArray();
}

std::optional<qint64> waitForRecord(CheckContext &context, const NodeConfig &node, const QString &client,
                                    const QByteArray &timeText, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    QDeadlineTimer deadline(timeoutMs);
    while (!context.cancelled()) {
        const std::optional<QByteArray> line = storedAtLine(context, node, client);
        if (line && line->endsWith(QByteArray(' ' + timeText)))
            return clock.elapsed();
        if (deadline.hasExpired() || !context.pause(20))
            break;
    }
    return std::nullopt;
}

} // namespace Herd::Check
