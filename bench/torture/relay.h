// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QObject>
#include <QTcpServer>

#include "bench/torture/torture.h"

// Relays: one TCP forwarder per link direction, through which herd-torture
// cuts links and sees the AT lines on them.
namespace HerdTorture {

class RelayPair;

// A TCP forwarder standing for node `to` in node `from`'s herd file. It
// listens only while its link is not cut and `to` is up, as `to` itself
// would: a cut link or a dead node refuses connections.
class Relay : public QObject
{
public:
    Relay(Torture &torture, int from, int to, quint16 port, quint16 targetPort);
    void setTargetUp(bool up);
    void setCut(bool cut);
    bool isCut() const { return m_cut; }
    bool holds(int node, int incarnation) const;
    void senderDied(int node, int incarnation);
    void creditQueued();
    void finished(RelayPair *pair);
    void addBytes(qint64 n) { m_bytes += n; }
    qint64 bytes() const { return m_bytes; }

    Torture &torture() const { return m_torture; }
    int from() const { return m_from; }
    int to() const { return m_to; }
    quint16 targetPort() const { return m_targetPort; }

private:
    bool wanted() const { return !m_cut && m_targetUp; }
    void update();
    void accept();

    Torture &m_torture;
    const int m_from, m_to;
    const quint16 m_port, m_targetPort;
    QTcpServer m_server;
    bool m_cut = false, m_targetUp = false;
    QList<RelayPair *> m_pairs;
    qint64 m_bytes = 0;
};

} // namespace HerdTorture
