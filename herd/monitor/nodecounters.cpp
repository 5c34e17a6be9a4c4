// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/monitor/nodecounters.h"

#include <utility>

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

// Far above any node's WHATSATs in flight on one connection
// (limits.maxWhatsatPerConnection): a bound on memory, never reached.
constexpr size_t MaxWaitingPerConnection = 1 << 16;

// "limits.maxConnections" in a refusal's detail names its limit; the others
// are a neighbour's lines refused (peer authentication).
QString refusalLimit(const QString &detail)
{
    const qsizetype at = detail.indexOf("limits."_L1);
    if (at < 0)
        return detail.contains("peer line"_L1) ? u"peerAuth"_s : u"other"_s;
    qsizetype end = at + 7;
    while (end < detail.size() && detail.at(end).isLetterOrNumber())
        ++end;
    return detail.sliced(at + 7, end - at - 7);
}

} // namespace

const char *NodeCounters::lineKindName(int kind)
{
    static const char *const names[] = {"IAMAT", "WHATSAT", "AT", "SYNC", "AUTH", "invalid", "other"};
    return names[kind];
}

NodeCounters::LineKind NodeCounters::lineKind(const QByteArray &line)
{
    if (line.startsWith("AT "))
        return At;
    if (line.startsWith("IAMAT "))
        return Iamat;
    if (line.startsWith("WHATSAT "))
        return Whatsat;
    if (line.startsWith("SYNC "))
        return Sync;
    if (line.startsWith("AUTH "))
        return Auth;
    if (line.startsWith('?'))
        return InvalidReply;
    return Other;
}

void NodeCounters::count(const Event &event)
{
    const bool followsWhatsat = std::exchange(m_whatsatJustReceived, false);
    switch (event.kind) {
    case EventKind::LineReceived:
        ++linesIn[lineKind(event.line)];
        if (!event.viaPeerLink)
            onClientLine(event);
        break;
    case EventKind::LineSent: {
        const LineKind kind = lineKind(event.line);
        ++linesOut[kind];
        const bool resync = event.detail == "resync"_L1;
        if (resync || kind == Sync)
            resyncBytesSent += quint64(event.line.size()) + 1;
        else if (event.viaPeerLink && kind == At)
            ++floodsSent;
        if (!event.viaPeerLink)
            onClientReply(event);
        break;
    }
    case EventKind::LineInvalid:
        ++linesInvalid;
        // A WHATSAT about a client no one knows is refused as soon as it is
        // received, and answered "?": no answer to time.
        if (followsWhatsat && event.line.startsWith("WHATSAT "))
            m_waitingWhatsats[event.peer].pop_back();
        break;
    case EventKind::RecordStored:
        ++(event.detail == "iamat"_L1 ? storedIamat : storedFlood);
        break;
    case EventKind::RecordDropped:
        ++dropped;
        break;
    case EventKind::Resynced:
        ++resyncExchanges;
        break;
    case EventKind::Refused:
        ++refusals[refusalLimit(event.detail)];
        break;
    case EventKind::PeerRetrying:
        ++reconnects[event.peer];
        break;
    case EventKind::PeerDisconnected:
        ++linkDrops[event.peer];
        break;
    case EventKind::ClientDisconnected:
        m_waitingWhatsats.remove(event.peer);
        break;
    case EventKind::NodeStopped:
        m_waitingWhatsats.clear();
        break;
    default:
        break;
    }
}

void NodeCounters::onClientLine(const Event &event)
{
    if (!event.line.startsWith("WHATSAT "))
        return;
    std::deque<qint64> &waiting = m_waitingWhatsats[event.peer];
    if (waiting.size() >= MaxWaitingPerConnection)
        waiting.pop_front();
    waiting.push_back(event.timeNs);
    m_whatsatJustReceived = true;
}

void NodeCounters::onClientReply(const Event &event)
{
    // A WHATSAT's answer is its AT line, then the places JSON: the only
    // reply with a line break in it.
    if (!event.line.startsWith("AT ") || !event.line.contains('\n'))
        return;
    if (const std::optional<double> upstream = placesTimeSeconds(event.detail))
        observe(placesLatency, *upstream);
    auto waiting = m_waitingWhatsats.find(event.peer);
    if (waiting == m_waitingWhatsats.end() || waiting->empty())
        return;
    observe(whatsatLatency, double(event.timeNs - waiting->front()) / 1e9);
    waiting->pop_front();
}

void NodeCounters::observe(Histogram &histogram, double seconds)
{
    for (size_t i = 0; i < LatencyBounds.size(); ++i) {
        if (seconds <= LatencyBounds[i])
            ++histogram.buckets[i];
    }
    ++histogram.count;
    histogram.sumSeconds += seconds;
}

} // namespace Herd
