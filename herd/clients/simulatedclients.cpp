// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/clients/simulatedclients.h"

#include <QRandomGenerator>
#include <QTcpSocket>

#include <cmath>

#include "herd/wire/clock.h"
#include "herd/wire/protocol.h"

namespace Herd {

namespace {

constexpr int TickMs = 10;
// Phones start around UCLA's Boelter Hall, where the course's examples live.
constexpr double HomeLatitude = 34.068930;
constexpr double HomeLongitude = -118.445127;
constexpr double StartSpreadDegrees = 0.05;
constexpr double StepDegrees = 0.0005;
// A burst after a stall (a busy GUI, a debugger) must not flood the herd.
constexpr double MaxOwedSeconds = 0.25;

QByteArray coordinate(double value)
{
    return (value < 0 ? "-" : "+") + QByteArray::number(std::fabs(value), 'f', 6);
}

} // namespace

SimulatedClients::SimulatedClients(QObject *parent)
    : QObject(parent)
{
    m_timer.setInterval(TickMs);
    connect(&m_timer, &QTimer::timeout, this, &SimulatedClients::tick);
}

SimulatedClients::~SimulatedClients()
{
    stop();
}

QByteArray SimulatedClients::clientId(int index, int count)
{
    const int width = qMax(2, int(QByteArray::number(count).size()));
    return "phone-" + QByteArray::number(index + 1).rightJustified(width, '0');
}

void SimulatedClients::start(const QList<Target> &targets, int clients, double updatesPerSecond)
{
    stop();
    if (targets.isEmpty() || clients <= 0 || updatesPerSecond <= 0)
        return;
    auto *random = QRandomGenerator::global();
    for (int i = 0; i < clients; ++i) {
        m_phones.append({clientId(i, clients),
                         HomeLatitude + (random->generateDouble() - 0.5) * StartSpreadDegrees,
                         HomeLongitude + (random->generateDouble() - 0.5) * StartSpreadDegrees});
    }
    for (const Target &target : targets)
        m_connections.append({target, nullptr});
    m_rate = updatesPerSecond;
    m_owed = 0;
    m_sent = m_answered = m_skipped = 0;
    m_clock.start();
    m_lastTickMs = 0;
    m_timer.start();
}

void SimulatedClients::stop()
{
    m_timer.stop();
    for (Connection &connection : m_connections) {
        if (connection.socket) {
            connection.socket->disconnect(this);
            connection.socket->abort();
            connection.socket->deleteLater();
        }
    }
    m_connections.clear();
    m_phones.clear();
}

void SimulatedClients::tick()
{
    const qint64 now = m_clock.elapsed();
    m_owed = qMin(m_owed + m_rate * double(now - m_lastTickMs) / 1000.0, m_rate * MaxOwedSeconds + 1);
    m_lastTickMs = now;
    while (m_owed >= 1) {
        m_owed -= 1;
        sendOne();
    }
}

void SimulatedClients::sendOne()
{
    auto *random = QRandomGenerator::global();
    Phone &phone = m_phones[random->bounded(int(m_phones.size()))];
    phone.latitude = qBound(-89.0, phone.latitude + (random->generateDouble() - 0.5) * StepDegrees, 89.0);
    phone.longitude = qBound(-179.0, phone.longitude + (random->generateDouble() - 0.5) * StepDegrees, 179.0);
    Connection &connection = m_connections[random->bounded(int(m_connections.size()))];
    QTcpSocket *socket = socketFor(connection);
    if (!socket) {
        ++m_skipped;
        return;
    }
    const QByteArray line = "IAMAT " + phone.id + ' ' + coordinate(phone.latitude)
        + coordinate(phone.longitude) + ' ' + formatTime(wallClockNs()) + '\n';
    socket->write(line);
    ++m_sent;
}

QTcpSocket *SimulatedClients::socketFor(Connection &connection)
{
    if (connection.socket && connection.socket->state() == QAbstractSocket::ConnectedState)
        return connection.socket;
    if (!connection.socket || connection.socket->state() == QAbstractSocket::UnconnectedState) {
        if (connection.socket)
            connection.socket->deleteLater();
        auto *socket = new QTcpSocket(this);
        connection.socket = socket;
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
            while (socket->canReadLine()) {
                if (socket->readLine().startsWith("AT "))
                    ++m_answered;
            }
        });
        socket->connectToHost(connection.target.host, connection.target.port);
    }
    return nullptr; // connecting: this update goes elsewhere or is skipped
}

} // namespace Herd
