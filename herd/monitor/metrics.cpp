// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/monitor/metrics.h"

#include <QMetaEnum>

#include "herd/cluster.h"
#include "herd/linkstate.h"
#include "herd/monitor/prometheustext.h"
#include "herd/node/node.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

using Labels = PrometheusText::Labels;

QString stateName(LinkState::State state)
{
    return QString::fromLatin1(QMetaEnum::fromType<LinkState::State>().valueToKey(int(state))).toLower();
}

} // namespace

Metrics::Metrics(const Cluster &cluster, QObject *parent)
    : QObject(parent)
    , m_cluster(cluster)
{
    connect(&cluster, &Cluster::eventOccurred, this, &Metrics::count);
}

Metrics::~Metrics() = default;

void Metrics::count(const Event &event)
{
    if (!m_last || (m_lastNode.constData() != event.node.constData() && m_lastNode != event.node)) {
        auto found = m_counters.find(event.node);
        if (found == m_counters.end()) {
            if (!m_cluster.node(event.node))
                return; // not a node's (the monitor's own refusals)
            found = m_counters.insert(event.node, NodeCounters());
        }
        m_lastNode = event.node;
        m_last = &*found;
    }
    m_last->count(event);
}

const NodeCounters &Metrics::countersOf(const QString &node) const
{
    static const NodeCounters none;
    const auto found = m_counters.constFind(node);
    return found == m_counters.cend() ? none : *found;
}

void Metrics::write(PrometheusText &out) const
{
    writeCounters(out);
    writeLinks(out);
    writeLatency(out);
}

void Metrics::writeCounters(PrometheusText &out) const
{
    const QList<Node *> nodes = m_cluster.nodes();
    const auto each = [&](QByteArrayView name, QByteArrayView type, QByteArrayView help, auto write) {
        out.family(name, type, help);
        for (const Node *node : nodes)
            write(node, countersOf(node->name()));
    };
    const auto perNode = [&](QByteArrayView name, QByteArrayView help, quint64 NodeCounters::*member) {
        each(name, "counter", help, [&](const Node *node, const NodeCounters &counts) {
            out.sample(name, {{"node", node->name()}}, counts.*member);
        });
    };
    const auto byLineKind = [&](QByteArrayView name, QByteArrayView help,
                                std::array<quint64, NodeCounters::LineKindCount> NodeCounters::*member) {
        each(name, "counter", help, [&](const Node *node, const NodeCounters &counts) {
            for (int kind = 0; kind < NodeCounters::LineKindCount; ++kind)
                out.sample(
                    name,
                    {{"node", node->name()}, {"kind", QString::fromLatin1(NodeCounters::lineKindName(kind))}},
                    (counts.*member)[size_t(kind)]);
        });
    };
    byLineKind("herd_lines_received_total",
               "Lines received from clients and neighbours, by first word (invalid: a \"?\" line).",
               &NodeCounters::linesIn);
    byLineKind("herd_lines_sent_total",
               "Lines sent to clients and neighbours, by first word (invalid: a \"?\" reply).",
               &NodeCounters::linesOut);
    perNode("herd_lines_invalid_total", "Lines answered with \"?\" (bad, too long, or refused).",
            &NodeCounters::linesInvalid);
    each("herd_records_stored_total", "counter",
         "Records stored: newer than the one held, by where they came from.",
         [&](const Node *node, const NodeCounters &counts) {
             out.sample("herd_records_stored_total", {{"node", node->name()}, {"source", u"iamat"_s}},
                        counts.storedIamat);
             out.sample("herd_records_stored_total", {{"node", node->name()}, {"source", u"flood"_s}},
                        counts.storedFlood);
         });
    perNode("herd_records_dropped_total", "Records not stored: not newer than the one held.",
            &NodeCounters::dropped);
    perNode("herd_floods_sent_total", "AT lines flooded to neighbours (resync's not counted).",
            &NodeCounters::floodsSent);
    perNode("herd_resync_exchanges_total", "Resync exchanges with a neighbour that ended.",
            &NodeCounters::resyncExchanges);
    perNode("herd_resync_sent_bytes_total",
            "Bytes of resync lines sent (SYNC lines and the AT lines they carry).",
            &NodeCounters::resyncBytesSent);
    each("herd_refusals_total", "counter", "Connections or lines refused, by the limit that refused them.",
         [&](const Node *node, const NodeCounters &counts) {
             for (auto it = counts.refusals.cbegin(); it != counts.refusals.cend(); ++it)
                 out.sample("herd_refusals_total", {{"node", node->name()}, {"limit", it.key()}}, it.value());
         });
    each("herd_node_up", "gauge", "1 while the node runs (0: killed).",
         [&](const Node *node, const NodeCounters &) {
             out.sample("herd_node_up", {{"node", node->name()}}, quint64(node->isRunning()));
         });
    each("herd_clients_known", "gauge", "Clients the node holds a record for.",
         [&](const Node *node, const NodeCounters &) {
             out.sample("herd_clients_known", {{"node", node->name()}}, quint64(node->store().size()));
         });
    each("herd_client_connections", "gauge", "Client connections open (neighbours' links not counted).",
         [&](const Node *node, const NodeCounters &) {
             out.sample("herd_client_connections", {{"node", node->name()}}, quint64(node->clientCount()));
         });
    each("herd_clock_skew_seconds", "gauge", "The clock skew fault on the node (negative: behind).",
         [&](const Node *node, const NodeCounters &) {
             out.sample("herd_clock_skew_seconds", {{"node", node->name()}},
                        double(node->clockSkewMs()) / 1000);
         });
}

void Metrics::writeLinks(PrometheusText &out) const
{
    const QList<Node *> nodes = m_cluster.nodes();
    const auto each = [&](QByteArrayView name, QByteArrayView type, QByteArrayView help, auto write) {
        out.family(name, type, help);
        for (const Node *node : nodes) {
            const NodeCounters &counts = countersOf(node->name());
            for (const QString &peer : node->neighbourNames()) {
                if (const std::optional<LinkState> link = node->linkState(peer))
                    write(Labels {{"node", node->name()}, {"peer", peer}}, *link, counts);
            }
        }
    };
    each("herd_peer_link_up", "gauge", "1 while the outgoing link to the neighbour is connected.",
         [&](const Labels &labels, const LinkState &link, const NodeCounters &) {
             out.sample("herd_peer_link_up", labels, quint64(link.state == LinkState::State::Connected));
         });
    each("herd_peer_link_state", "gauge",
         "1 for the outgoing link's state: idle, connecting, connected, backingoff or cut.",
         [&](Labels labels, const LinkState &link, const NodeCounters &) {
             labels.append({"state", stateName(link.state)});
             out.sample("herd_peer_link_state", labels, quint64(1));
         });
    each("herd_peer_link_cut", "gauge", "1 while the outgoing link is cut by a fault.",
         [&](const Labels &labels, const LinkState &link, const NodeCounters &) {
             out.sample("herd_peer_link_cut", labels, quint64(link.cut));
         });
    each("herd_peer_reconnect_attempts_total", "counter", "Failed attempts to connect the outgoing link.",
         [&](const Labels &labels, const LinkState &, const NodeCounters &counts) {
             out.sample("herd_peer_reconnect_attempts_total", labels,
                        counts.reconnects.value(labels.at(1).second));
         });
    each("herd_peer_link_drops_total", "counter", "Times the outgoing link went down.",
         [&](const Labels &labels, const LinkState &, const NodeCounters &counts) {
             out.sample("herd_peer_link_drops_total", labels, counts.linkDrops.value(labels.at(1).second));
         });
}

void Metrics::writeLatency(PrometheusText &out) const
{
    const auto histogram = [&](const QByteArray &name, QByteArrayView help,
                               NodeCounters::Histogram NodeCounters::*member) {
        out.family(name, "histogram", help);
        const QByteArray bucket = name + "_bucket", sum = name + "_sum", count = name + "_count";
        for (const Node *node : m_cluster.nodes()) {
            const NodeCounters::Histogram &counts = countersOf(node->name()).*member;
            for (size_t i = 0; i < NodeCounters::LatencyBounds.size(); ++i)
                out.sample(bucket,
                           {{"node", node->name()}, {"le", QString::number(NodeCounters::LatencyBounds[i])}},
                           counts.buckets[i]);
            out.sample(bucket, {{"node", node->name()}, {"le", u"+Inf"_s}}, counts.count);
            out.sample(sum, {{"node", node->name()}}, counts.sumSeconds);
            out.sample(count, {{"node", node->name()}}, counts.count);
        }
    };
    histogram("herd_whatsat_duration_seconds", "Time from a WHATSAT received to its answer sent.",
              &NodeCounters::whatsatLatency);
    histogram("herd_places_upstream_duration_seconds",
              "Time the places source took to answer a WHATSAT's search.", &NodeCounters::placesLatency);
}

} // namespace Herd
