// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/record/forkmoment.h"

#include <QElapsedTimer>

#include <memory>

#include "herd/cluster.h"
#include "herd/node/node.h"
#include "herd/node/peerlink_p.h"

namespace Herd {

namespace {

// Sends `line` from `sender` once its link to the receiver is connected, held
// for what was left of its hold less the time since the fork began; on a cut
// link, at once (the link reports it skipped).
void carry(Node &sender, const InFlightLine &line, const QElapsedTimer &forked)
{
    PeerLink *link = sender.link(line.to);
    if (!link)
        return;
    const auto send = [link, line, forked] {
        link->sendHeld(line.line, line.holdLeftMs - forked.elapsed(),
                       QStringLiteral("in flight at the fork"));
    };
    const auto ready = [link] { return link->state() == LinkState::State::Connected || link->isCut(); };
    if (ready()) {
        send();
        return;
    }
    auto connection = std::make_shared<QMetaObject::Connection>();
    *connection = QObject::connect(&sender, &Node::linkStateChanged, &sender,
                                   [line, send, ready, connection](const QString &neighbour) {
                                       if (neighbour != line.to || !ready())
                                           return;
                                       QObject::disconnect(*connection);
                                       send();
                                   });
}

} // namespace

HerdConfig forkConfig(const HerdConfig &recorded)
{
    HerdConfig config = recorded;
    for (NodeConfig &node : config.nodes) {
        node.host = QStringLiteral("127.0.0.1");
        node.port = 0;
    }
    return config;
}

void restoreMoment(Cluster &cluster, const HerdMoment &moment, const QList<InFlightLine> &inFlight)
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
    QElapsedTimer forked;
    forked.start();
    for (const InFlightLine &line : inFlight) {
        Node *sender = cluster.node(line.from);
        const Node *receiver = cluster.node(line.to);
        // A line whose process is gone, or whose receiver is, went with it.
        if (sender && sender->isRunning() && receiver && receiver->isRunning())
            carry(*sender, line, forked);
    }
}

} // namespace Herd
