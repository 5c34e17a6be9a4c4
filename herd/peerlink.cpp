#include "peerlink.h"

#include <QRandomGenerator>
#include <QTcpSocket>

namespace Herd {

PeerLink::PeerLink(const Neighbour &neighbour, const NodeSettings &settings, QObject *parent)
    : QObject(parent), m_neighbour(neighbour), m_settings(settings)
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &PeerLink::connectNow);
}

PeerLink::~PeerLink()
{
    if (m_socket)
        m_socket->abort();
}

void PeerLink::setNeighbour(const Neighbour &neighbour)
{
    m_neighbour = neighbour;
}

quint16 PeerLink::localPort() const
{
    return m_socket && m_state == State::Connected ? m_socket->localPort() : 0;
}

void PeerLink::start()
{
    if (m_state != State::Idle)
        return;
    m_failedAttempts = 0;
    connectNow();
}

void PeerLink::stop()
{
    const bool wasConnected = m_state == State::Connected;
    m_retryTimer.stop();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    setState(State::Idle);
    if (wasConnected)
        report(EventKind::PeerDisconnected, QStringLiteral("link stopped"));
}

void PeerLink::send(const QByteArray &line)
{
    if (m_state != State::Connected) {
        report(EventKind::SendSkipped, QStringLiteral("link not connected"), line);
        return;
    }
    QByteArray data;
    data.reserve(line.size() + 1);
    data.append(line).append('\n');
    m_socket->write(data);
    report(EventKind::LineSent, {}, line);
}

void PeerLink::connectNow()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->deleteLater();
    }
    m_socket = new QTcpSocket(this);
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(m_socket, &QTcpSocket::connected, this, &PeerLink::onConnected);
    connect(m_socket, &QTcpSocket::disconnected, this,
            [this] { onDropped(QStringLiteral("connection closed")); });
    connect(m_socket, &QTcpSocket::errorOccurred, this,
            [this] { onDropped(m_socket->errorString()); });
    connect(m_socket, &QTcpSocket::readyRead, this, [this] {
        // A neighbour has nothing to say on this link; log what it says anyway.
        while (m_socket->canReadLine()) {
            QByteArray line = m_socket->readLine().trimmed();
            report(EventKind::LineReceived, {}, line);
        }
        if (m_socket->bytesAvailable() > m_settings.maxLineBytes)
            m_socket->readAll();
    });
    setState(State::Connecting);
    m_socket->connectToHost(m_neighbour.host, m_neighbour.port);
}

void PeerLink::onConnected()
{
    m_failedAttempts = 0;
    setState(State::Connected);
    report(EventKind::PeerConnected, m_socket->peerAddress().toString() + u':'
                                         + QString::number(m_socket->peerPort()));
}

void PeerLink::onDropped(const QString &reason)
{
    if (m_state == State::BackingOff || m_state == State::Idle)
        return; // errorOccurred and disconnected both fire for one drop
    if (m_state == State::Connected)
        report(EventKind::PeerDisconnected, reason);
    ++m_failedAttempts;
    const int exponent = qMin(m_failedAttempts - 1, 20);
    const qint64 base = qMin<qint64>(qint64(m_settings.reconnectInitialMs) << exponent,
                                     m_settings.reconnectMaxMs);
    const double jitter = 0.75 + 0.5 * QRandomGenerator::global()->generateDouble();
    const int delayMs = qMax(1, int(double(base) * jitter));
    setState(State::BackingOff);
    report(EventKind::PeerRetrying, QStringLiteral("attempt %1 failed (%2); retrying in %3 ms")
                                        .arg(m_failedAttempts).arg(reason).arg(delayMs));
    m_retryTimer.start(delayMs);
}

void PeerLink::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void PeerLink::report(EventKind kind, const QString &detail, const QByteArray &line)
{
    Event event;
    event.kind = kind;
    event.peer = m_neighbour.name;
    event.line = line;
    event.detail = detail;
    event.viaPeerLink = true;
    emit eventOccurred(event);
}

} // namespace Herd
