// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QList>
#include <QSet>

#include "herd/attach/processstate.h"
#include "herd/herdsource.h"

namespace Herd {

class MonitorClient;

// A herd of headless processes (herd --server) seen and broken through
// their monitors: the HerdSource of `herd --attach FILE`. The herd file
// names each node's monitor ("monitor": "ADDR:PORT"); one MonitorClient
// follows each distinct one.
//
// What it shows is each process's GET /state, kept up to date by that
// process's event stream, as the embedded Cluster's views would see it.
// Each event's time is moved onto this process's clock by its process's
// ClockEstimate before eventOccurred. Faults go to the monitor of the
// process that runs the node (for a link, the sending end's), and their
// effect comes back as events; a refusal comes back as an Error event of
// the node.
//
// A process whose monitor does not answer is out of sight: its nodes have
// no status (they may well still serve) and isOutOfSight() says so. When it
// answers again its state is read anew; either way sightChanged() tells the
// views to read the herd again.
class AttachedHerd final : public HerdSource
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AttachedHerd)

public:
    // Every node of `config` names its monitor (check with missingMonitors()).
    explicit AttachedHerd(const HerdConfig &config, QObject *parent = nullptr);
    ~AttachedHerd() override;

    // The nodes whose monitor the herd file does not name.
    static QStringList missingMonitors(const HerdConfig &config);

    void start();
    // Whether every monitor has answered or failed at least once.
    bool isSettled() const { return m_settled.size() == m_clients.size(); }
    QList<const MonitorClient *> monitors() const;

    const HerdConfig &config() const override { return m_config; }
    std::optional<NodeStatus> nodeStatus(const QString &node) const override;
    const Store *store(const QString &node) const override;
    std::optional<LinkState> linkState(const QString &from, const QString &to) const override;
    bool isOutOfSight(const QString &node) const override;
    std::optional<ClockSpread> clockSpread() const override;

    bool kill(const QString &node) override;
    bool restart(const QString &node, QString *error = nullptr) override;
    bool setLinkCut(const QString &from, const QString &to, bool cut,
                    Direction direction = Direction::Both) override;
    bool setLinkDelay(const QString &from, const QString &to, int delayMs,
                      Direction direction = Direction::Both) override;
    bool setLinkJitter(const QString &from, const QString &to, int jitterMs,
                       Direction direction = Direction::Both) override;
    bool setLinkFlaky(const QString &from, const QString &to, int meanUpMs,
                      Direction direction = Direction::Both) override;
    bool setClockSkew(const QString &node, qint64 skewMs) override;

signals:
    // Every monitor has answered or failed once (isSettled()).
    void settled();

private:
    using LinkKey = ProcessState::LinkKey;

    void onState(MonitorClient *client, const ProcessState &state, bool fresh);
    void onEvent(MonitorClient *client, Event event);
    void onLost(MonitorClient *client);
    void settle(MonitorClient *client);
    // Out of sight: the nodes `client`'s process ran, and all they held.
    void forgetNodesOf(MonitorClient *client);
    void apply(MonitorClient *client, const Event &event);
    void applyLinkChange(MonitorClient *client, const Event &event);
    // The client of the process that runs `node` as last seen; null if none is in sight.
    MonitorClient *clientInSight(const QString &node) const;
    // Posts `action` to the process of `node`; false if it is out of sight.
    bool post(const QString &node, const QString &action, const QJsonObject &body);
    bool setLinkFault(const QString &from, const QString &to, Direction direction, const QString &action,
                      QJsonObject body);

    HerdConfig m_config;
    QHash<QString, MonitorClient *> m_clients;    // by address; children
    QHash<QString, MonitorClient *> m_runBy;      // node -> the client that saw it, while in sight
    QHash<MonitorClient *, qint64> m_lastEventNs; // the process's clock
    QSet<MonitorClient *> m_settled;
    QHash<QString, ProcessNode> m_nodes;
    QHash<LinkKey, LinkState> m_links;
};

} // namespace Herd
