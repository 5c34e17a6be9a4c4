// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QString>

#include "herd/event.h"
#include "herd/monitor/nodecounters.h"

namespace Herd {

class Cluster;
class PrometheusText;

// The numbers of /metrics (docs/monitor.md): what each node of the process
// did, counted from the cluster's event stream from the moment this object
// exists, and what each node holds now (clients known, connections, link
// states, clock skew), read from the cluster when asked.
//
// Thread affinity: the cluster's. Counting runs inside every node's
// report(), so it is a few integer increments per event.
class Metrics final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Metrics)

public:
    explicit Metrics(const Cluster &cluster, QObject *parent = nullptr);
    ~Metrics() override;

    void count(const Event &event);
    // Every family, in Prometheus' text format, into `out`.
    void write(PrometheusText &out) const;

private:
    // Zero for a node that reported nothing yet.
    const NodeCounters &countersOf(const QString &node) const;
    void writeCounters(PrometheusText &out) const;
    void writeLinks(PrometheusText &out) const;
    void writeLatency(PrometheusText &out) const;

    const Cluster &m_cluster;
    QHash<QString, NodeCounters> m_counters; // by node of this process
    // The last event's node: events of one node come in runs.
    QString m_lastNode;
    NodeCounters *m_last = nullptr;
};

} // namespace Herd
