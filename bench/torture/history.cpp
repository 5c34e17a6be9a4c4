// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/torture/history.h"

#include <algorithm>

namespace HerdTorture {

History::History(int clients)
    : m_clients(clients)
    , m_required(std::size_t(clients), 0)
    , m_releasedMax(std::size_t(clients), 0)
{
    for (NodeView &node : m_nodes)
        node.clear(clients);
}

void History::started(int node, int incarnation)
{
    NodeView &n = m_nodes[std::size_t(node)];
    n.clear(m_clients);
    n.incarnation = incarnation;
    n.alive = true;
}

void History::acked(int node, int incarnation, int client, qint64 time, qint64 atMs)
{
    NodeView &n = m_nodes[std::size_t(node)];
    const auto c = std::size_t(client);
    if (!n.alive || n.incarnation != incarnation) {
        // Read after its node's death was settled: only what a living
        // node is known to hold can still be asked for.
        const qint64 kept = heldByLiving(client);
        if (time > kept)
            release(client, time);
        m_required[c] = std::max(m_required[c], std::min(time, kept));
        return;
    }
    m_required[c] = std::max(m_required[c], time);
    n.holds[c] = std::max(n.holds[c], time);
    // Had the node heard of a newer record, it would not flood this one.
    if (n.heard[c] < time && time > n.unsent[c].first)
        n.unsent[c] = {time, atMs};
}

void History::sent(int node, int incarnation, int client, qint64 time)
{
    NodeView &n = m_nodes[std::size_t(node)];
    if (!n.alive || n.incarnation != incarnation)
        return;
    n.sentMax[std::size_t(client)] = std::max(n.sentMax[std::size_t(client)], time);
    n.holds[std::size_t(client)] = std::max(n.holds[std::size_t(client)], time);
}

void History::delivered(int node, int incarnation, int client, qint64 time)
{
    NodeView &n = m_nodes[std::size_t(node)];
    if (n.alive && n.incarnation == incarnation)
        n.holds[std::size_t(client)] = std::max(n.holds[std::size_t(client)], time);
}

void History::killed(int node, qint64 atMs, bool caughtUp)
{
    m_nodes[std::size_t(node)].killedMs = atMs;
    m_nodes[std::size_t(node)].judged = caughtUp;
}

void History::heard(int node, int incarnation, int client, qint64 time)
{
    NodeView &n = m_nodes[std::size_t(node)];
    if (n.alive && n.incarnation == incarnation)
        n.heard[std::size_t(client)] = std::max(n.heard[std::size_t(client)], time);
}

int History::linkUp(int node, int incarnation, qint64 atMs)
{
    NodeView &n = m_nodes[std::size_t(node)];
    if (!n.alive || n.incarnation != incarnation)
        return -1;
    n.links.push_back({atMs, std::numeric_limits<qint64>::max()});
    return int(n.links.size()) - 1;
}

void History::linkDown(int node, int incarnation, int link, qint64 atMs)
{
    NodeView &n = m_nodes[std::size_t(node)];
    if (n.alive && n.incarnation == incarnation && link >= 0 && std::size_t(link) < n.links.size())
        n.links[std::size_t(link)].second = std::min(n.links[std::size_t(link)].second, atMs);
}

void History::died(int node, qint64 atMs)
{
    NodeView &n = m_nodes[std::size_t(node)];
    if (!n.alive)
        return;
    n.alive = false;
    for (int client = 0; client < m_clients; ++client) {
        const auto c = std::size_t(client);
        const qint64 kept = heldByLiving(client);
        if (m_required[c] <= kept)
            continue;
        const auto [time, ackedMs] = n.unsent[c];
        if (n.judged && time > kept && time > n.sentMax[c] && linkCovered(n, ackedMs)) {
            m_losses.push_back({client, time, node, ackedMs, atMs});
            m_required[c] = std::max(kept, time);
        } else {
            release(client, m_required[c]);
            m_required[c] = kept;
        }
    }
    n.clear(m_clients);
}

void History::release(int client, qint64 time)
{
    ++m_released;
    m_releasedMax[std::size_t(client)] = std::max(m_releasedMax[std::size_t(client)], time);
}

qint64 History::heldByLiving(int client) const
{
    qint64 kept = 0;
    for (const NodeView &n : m_nodes)
        if (n.alive)
            kept = std::max(kept, n.holds[std::size_t(client)]);
    return kept;
}

bool History::linkCovered(const NodeView &n, qint64 atMs)
{
    return std::any_of(n.links.begin(), n.links.end(), [&n, atMs](const auto &link) {
        return link.first <= atMs - LinkMarginMs
            && (link.second >= atMs + LinkMarginMs || link.second >= n.killedMs);
    });
}

} // namespace HerdTorture
