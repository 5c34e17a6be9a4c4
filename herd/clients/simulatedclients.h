// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QTimer>

class QTcpSocket;

namespace Herd {

// Mobile clients for demos and load: N phones that wander around a starting
// point and report (IAMAT) to random nodes at a chosen total rate, over real
// TCP like any other client. One connection per node is shared by all
// phones; a node that is down is skipped until it comes back.
//
// Thread affinity: the creating thread.
class SimulatedClients final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SimulatedClients)

public:
    struct Target
    {
        QString name;
        QString host;
        quint16 port = 0;
    };

    explicit SimulatedClients(QObject *parent = nullptr);
    ~SimulatedClients() override;

    // Replaces any running simulation.
    void start(const QList<Target> &targets, int clients, double updatesPerSecond);
    void stop();
    bool isRunning() const { return m_timer.isActive(); }

    int clients() const { return int(m_phones.size()); }
    double rate() const { return m_rate; }
    quint64 sent() const { return m_sent; }
    quint64 answered() const { return m_answered; } // AT replies received
    quint64 skipped() const { return m_skipped; }   // no connection to the chosen node

    // Client ids are "phone-01", "phone-02", ...
    static QByteArray clientId(int index, int count);

private:
    struct Phone
    {
        QByteArray id;
        double latitude;
        double longitude;
    };
    struct Connection
    {
        Target target;
        QTcpSocket *socket = nullptr; // owned (child)
    };

    void tick();
    void sendOne();
    QTcpSocket *socketFor(Connection &connection);

    QList<Phone> m_phones;
    QList<Connection> m_connections;
    QTimer m_timer;
    QElapsedTimer m_clock;
    double m_rate = 0;
    double m_owed = 0; // updates due but not yet sent, fractional
    qint64 m_lastTickMs = 0;
    quint64 m_sent = 0;
    quint64 m_answered = 0;
    quint64 m_skipped = 0;
};

} // namespace Herd
