// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>
#include <QTcpServer>
#include <QTcpSocket>

#include <functional>

#include "herd/event.h"
#include "herd/config/herdconfig.h"

namespace Herd {
class Cluster;
}

// Helpers for the flooding and command-line suites: a raw line client, a
// "foreign" node that only speaks docs/protocol.md, an event recorder, and ports
// picked by the OS. Everything here is driven by the test's event loop
// (QTRY_*), never by sleeps.
namespace FloodSupport {

// A port the OS says is free right now: bind 127.0.0.1:0, read, close. For
// herd files that need fixed ports; use it just before the port is needed.
quint16 freePort();

// The same herd with every node on port 0 (the OS picks at start) and a
// short reconnect back-off, so tests never depend on fixed ports or wait.
Herd::HerdConfig withOsPorts(Herd::HerdConfig config, int reconnectInitialMs = 20, int reconnectMaxMs = 200);

QByteArray iamatLine(const QByteArray &clientId, const QByteArray &time,
                     const QByteArray &position = QByteArrayLiteral("+34.068930-118.445127"));

// Every event a cluster reported, in order.
class EventLog final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventLog)

public:
    explicit EventLog(Herd::Cluster *cluster, QObject *parent = nullptr);

    const QList<Herd::Event> &events() const { return m_events; }
    void clear() { m_events.clear(); }

    int count(const std::function<bool(const Herd::Event &)> &predicate) const;
    int count(Herd::EventKind kind, const QByteArray &line = {}, const QString &node = {}) const;
    // AT lines written on / read from peer links.
    int sentOnLinks(const QByteArray &line) const;
    int receivedOnLinks(const QByteArray &line) const;
    // The whole log, one formatted line per event, for failure messages.
    QByteArray dump() const;

private:
    QList<Herd::Event> m_events;
};

// A client on a real TCP connection that collects every line it receives
// (without the "\n").
class LineClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LineClient)

public:
    explicit LineClient(QObject *parent = nullptr);
    explicit LineClient(QTcpSocket *adopted, QObject *parent = nullptr);

    void connectTo(quint16 port, const QString &host = QStringLiteral("127.0.0.1"));
    bool isConnected() const { return m_socket->state() == QAbstractSocket::ConnectedState; }
    void send(const QByteArray &line); // adds "\n"

    const QList<QByteArray> &lines() const { return m_lines; }
    QByteArray lastLine() const { return m_lines.isEmpty() ? QByteArray() : m_lines.constLast(); }
    QTcpSocket *socket() const { return m_socket; }

private:
    void onReadyRead();

    QTcpSocket *m_socket; // owned (child)
    QByteArray m_buffer;
    QList<QByteArray> m_lines;
};

// A node "written by someone else": a plain QTcpServer that accepts the
// herd's peer links and records every line they send, in arrival order.
class ForeignNode final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ForeignNode)

public:
    explicit ForeignNode(QObject *parent = nullptr);

    bool listen();
    quint16 port() const { return m_server.serverPort(); }
    int connectionCount() const { return int(m_connections.size()); }
    // Every line received on any accepted connection.
    QList<QByteArray> received() const;

private:
    QTcpServer m_server;
    QList<LineClient *> m_connections; // owned (children)
};

} // namespace FloodSupport
