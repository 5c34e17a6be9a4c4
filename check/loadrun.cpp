// SPDX-License-Identifier: GPL-3.0-or-later
#include "check/loadrun.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <deque>
#include <memory>
#include <optional>
#include <poll.h>
#include <sys/socket.h>

#include "check/context.h"
#include "check/probe.h"
#include "check/rules/support.h"
#include "herd/config/herdconfig.h"

namespace Herd::Check {

double LoadResult::perSecond() const
{
    return elapsedNs > 0 ? double(answered) * 1e9 / double(elapsedNs) : 0;
}

double LoadResult::percentileMs(double fraction) const
{
    if (latenciesNs.empty())
        return 0;
    const auto rank = qsizetype(std::ceil(fraction * double(latenciesNs.size())));
    const qsizetype index = std::clamp<qsizetype>(rank - 1, 0, qsizetype(latenciesNs.size()) - 1);
    return double(latenciesNs[size_t(index)]) / 1e6;
}

namespace {

constexpr int SliceMs = 50; // poll's longest wait, so a cancelled run stops soon

struct Connection
{
    std::unique_ptr<Probe> probe; // connected it; its descriptor is used directly
    QByteArray out;               // requests the kernel has not taken yet
    QByteArray in;                // reply bytes not yet framed
    std::deque<qint64> sentNs;    // when each request in flight was sent
    qint64 next = 0;              // the index of the next request
    bool open = true;
};

// The length of the first whole reply in `bytes`, or 0.
qsizetype replyLength(QByteArrayView bytes, bool whatsat)
{
    const qsizetype end = bytes.indexOf('\n');
    if (end < 0)
        return 0;
    if (!whatsat || !bytes.startsWith("AT "))
        return end + 1;
    const qsizetype blank = bytes.indexOf("\n\n", end);
    return blank < 0 ? 0 : blank + 2;
}

class LoadRunner
{
public:
    LoadRunner(CheckContext &context, const LoadPlan &plan)
        : m_context(context)
        , m_plan(plan)
    {}

    LoadResult run(const NodeConfig &node)
    {
        for (int i = 0; i < m_plan.connections; ++i) {
            QString error;
            std::unique_ptr<Probe> probe = m_context.connect(node, &error);
            if (!probe) {
                m_result.error =
                    QStringLiteral("connection %1 of %2: %3").arg(i + 1).arg(m_plan.connections).arg(error);
                return m_result;
            }
            m_connections.push_back({std::move(probe), {}, {}, {}, 0, true});
        }
        m_clock.start();
        for (int i = 0; i < m_plan.connections; ++i) {
            for (int d = 0; d < m_plan.depth; ++d)
                queue(i);
        }
        loop();
        m_context.transcript().note(
            QStringLiteral("%1 connection(s), %2 request(s) in flight on each, for %3 ms: "
                           "%4 replies, %5/s%6")
                .arg(m_plan.connections)
                .arg(m_plan.depth)
                .arg(m_result.elapsedNs / 1'000'000)
                .arg(m_result.answered)
                .arg(qRound64(m_result.perSecond()))
                .arg(m_result.error.isEmpty() ? QString() : u"; " + m_result.error));
        std::sort(m_result.latenciesNs.begin(), m_result.latenciesNs.end());
        return m_result;
    }

private:
    bool counting() const { return !m_drain.has_value(); }

    void loop()
    {
        const qint64 durationNs = qint64(m_plan.durationMs) * 1'000'000;
        std::vector<pollfd> fds(m_connections.size());
        for (;;) {
            if (counting() && m_clock.nsecsElapsed() >= durationNs) {
                m_result.elapsedNs = m_clock.nsecsElapsed();
                m_drain = QDeadlineTimer(m_context.settings().replyTimeoutMs);
            }
            if (!counting() && (m_drain->hasExpired() || inFlight() == 0))
                return;
            if (m_context.cancelled()) {
                stop(QStringLiteral("the run was stopped"));
                return;
            }
            for (size_t i = 0; i < fds.size(); ++i) {
                const Connection &c = m_connections[i];
                fds[i] = {c.open ? c.probe->descriptor() : -1,
                          short(POLLIN | (c.out.isEmpty() ? 0 : POLLOUT)), 0};
            }
            if (::poll(fds.data(), nfds_t(fds.size()), SliceMs) < 0 && errno != EINTR) {
                stop(QStringLiteral("poll failed"));
                return;
            }
            for (size_t i = 0; i < fds.size(); ++i) {
                if (fds[i].revents & POLLOUT)
                    flush(int(i));
                if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) && !receive(int(i)))
                    return;
            }
        }
    }

    qint64 inFlight() const
    {
        qint64 count = 0;
        for (const Connection &c : m_connections)
            count += c.open ? qint64(c.sentNs.size()) : 0;
        return count;
    }

    void stop(const QString &error)
    {
        if (counting())
            m_result.elapsedNs = m_clock.nsecsElapsed();
        m_result.error = error;
    }

    void queue(int index)
    {
        Connection &c = m_connections[size_t(index)];
        const QByteArray line = m_plan.request(index, c.next++);
        if (index == 0 && c.next == 1)
            m_context.transcript().sent(c.probe->label(), line);
        c.out += line;
        c.sentNs.push_back(m_clock.nsecsElapsed());
        flush(index);
    }

    void flush(int index)
    {
        Connection &c = m_connections[size_t(index)];
        while (!c.out.isEmpty()) {
            const ssize_t n =
                ::send(c.probe->descriptor(), c.out.constData(), size_t(c.out.size()), MSG_NOSIGNAL);
            if (n <= 0)
                return; // full (or failed: the read side will tell)
            c.out.remove(0, n);
        }
    }

    // Reads what connection `index` has and takes its whole replies. False
    // when the load must stop.
    bool receive(int index)
    {
        Connection &c = m_connections[size_t(index)];
        char buffer[65536];
        for (;;) {
            const ssize_t n = ::recv(c.probe->descriptor(), buffer, sizeof buffer, 0);
            if (n > 0) {
                c.in.append(buffer, n);
                continue;
            }
            if (n < 0 && (errno == EAGAIN || errno == EINTR))
                break;
            c.open = false;
            if (!counting())
                return true; // owed replies lost after the count: not a measure
            stop(QStringLiteral("%1: %2 by the node after %3 replies")
                     .arg(c.probe->label(), n == 0 ? QStringLiteral("closed") : QStringLiteral("reset"))
                     .arg(c.next - qint64(c.sentNs.size())));
            return false;
        }
        qsizetype taken = 0;
        while (const qsizetype length = replyLength(QByteArrayView(c.in).sliced(taken), m_plan.whatsat)) {
            const QByteArray reply = c.in.sliced(taken, length);
            taken += length;
            if (index == 0 && c.next - qint64(c.sentNs.size()) == 0)
                m_context.transcript().received(c.probe->label(), reply);
            if (!reply.startsWith("AT ")) {
                stop(QStringLiteral("%1: %2 came back to a request, not an AT line")
                         .arg(c.probe->label(), shown(reply)));
                return false;
            }
            const qint64 sent = c.sentNs.front();
            c.sentNs.pop_front();
            if (counting()) {
                m_result.latenciesNs.push_back(m_clock.nsecsElapsed() - sent);
                ++m_result.answered;
                queue(index);
            }
        }
        c.in.remove(0, taken);
        return true;
    }

    CheckContext &m_context;
    const LoadPlan &m_plan;
    std::vector<Connection> m_connections;
    QElapsedTimer m_clock;
    std::optional<QDeadlineTimer> m_drain; // set when the time is up: the owed replies' wait
    LoadResult m_result;
};

} // namespace

LoadResult runLoad(CheckContext &context, const NodeConfig &node, const LoadPlan &plan)
{
    return LoadRunner(context, plan).run(node);
}

} // namespace Herd::Check
