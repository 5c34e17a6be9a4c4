// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/faults/faultsnapshot.h"

#include "herd/cluster.h"
#include "herd/node/node.h"

namespace HerdUi {

FaultSnapshot FaultSnapshot::take(const Herd::Cluster &cluster)
{
    FaultSnapshot snapshot;
    for (const auto &[a, b] : cluster.config().links) {
        for (const auto &[from, to] : {std::pair {a, b}, std::pair {b, a}}) {
            const Herd::Node *sender = cluster.node(from);
            if (!sender || !sender->link(to))
                continue;
            snapshot.directions.append({from, to, cluster.isLinkCut(from, to), cluster.linkDelay(from, to),
                                        cluster.linkJitter(from, to), cluster.linkFlaky(from, to)});
        }
    }
    for (const Herd::Node *node : cluster.nodes())
        snapshot.clocks.append({node->name(), cluster.clockSkew(node->name())});
    return snapshot;
}

void FaultSnapshot::restore(Herd::Cluster &cluster) const
{
    constexpr auto oneWay = Herd::Cluster::Direction::OneWay;
    for (const Direction &d : directions) {
        if (cluster.isLinkCut(d.from, d.to) != d.cut)
            cluster.setLinkCut(d.from, d.to, d.cut, oneWay);
        if (cluster.linkDelay(d.from, d.to) != d.delayMs)
            cluster.setLinkDelay(d.from, d.to, d.delayMs, oneWay);
        if (cluster.linkJitter(d.from, d.to) != d.jitterMs)
            cluster.setLinkJitter(d.from, d.to, d.jitterMs, oneWay);
        if (cluster.linkFlaky(d.from, d.to) != d.flakyMs)
            cluster.setLinkFlaky(d.from, d.to, d.flakyMs, oneWay);
    }
    for (const Clock &clock : clocks) {
        if (cluster.clockSkew(clock.node) != clock.skewMs)
            cluster.setClockSkew(clock.node, clock.skewMs);
    }
}

FaultCommand::FaultCommand(const QString &text, Herd::Cluster *cluster, FaultSnapshot before,
                           FaultSnapshot after)
    : QUndoCommand(text)
    , m_cluster(cluster)
    , m_before(std::move(before))
    , m_after(std::move(after))
{}

void FaultCommand::undo()
{
    if (m_cluster)
        m_before.restore(*m_cluster);
    m_done = false;
}

void FaultCommand::redo()
{
    if (m_done)
        return;
    if (m_cluster)
        m_after.restore(*m_cluster);
    m_done = true;
}

} // namespace HerdUi
