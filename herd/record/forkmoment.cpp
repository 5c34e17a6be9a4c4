// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/record/forkmoment.h"

#include "herd/cluster.h"
#include "herd/node/node.h"

namespace Herd {

HerdConfig forkConfig(const HerdConfig &recorded)
{
    HerdConfig config = recorded;
    for (NodeConfig &node : config.nodes) {
        node.host = QStringLiteral("127.0.0.1");
        node.port = 0;
    }
    return config;
}

void restoreMoment(Cluster &cluster, const HerdMoment &moment)
{
    using Direction = HerdSource::Direction;
    for (auto node = moment.nodes.cbegin(); node != moment.nodes.cend(); ++node) {
        Node *running = cluster.node(node.key());
        if (!running)
            continue;
        for (auto record = node->records.cbegin(); record != node->records.cend(); ++record)
            running->preload(record->toRecord(record.key()));
        if (node->clockSkewMs != 0)
            cluster.setClockSkew(node.key(), node->clockSkewMs);
    }
    for (auto link = moment.links.cbegin(); link != moment.links.cend(); ++link) {
        const auto &[from, to] = link.key();
        if (link->cut)
            cluster.setLinkCut(from, to, true, Direction::OneWay);
        if (link->delayMs != 0)
            cluster.setLinkDelay(from, to, link->delayMs, Direction::OneWay);
        if (link->jitterMs != 0)
            cluster.setLinkJitter(from, to, link->jitterMs, Direction::OneWay);
        if (link->flakyMeanMs != 0)
            cluster.setLinkFlaky(from, to, link->flakyMeanMs, Direction::OneWay);
    }
    for (auto node = moment.nodes.cbegin(); node != moment.nodes.cend(); ++node) {
        if (!node->running)
            cluster.kill(node.key());
    }
}

} // namespace Herd
