#include "peerlink.h"

#include <QRandomGenerator>
#include <QTcpSocket>

namespace Herd {

PeerLink::PeerLink(const Neighbour &neighbour, const NodeSettings &settings, QObject *parent)
    : QObject(parent), m_neighbour(neighbour), m_settings(settings)
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &PeerLink::connectNow);
    m_delayTimer.setSingleShot(true);
    connect(&m_delayTimer, &QTimer::timeout, this, &PeerLink::writeDue);
    m_clock.start();
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
    m_running = true;
    if (m_state != State::Idle || m_cut)
        return;
    m_failedAttempts = 0;
    connectNow();
}

void PeerLink::stop()
{
    m_running = false;
    closeSocket();
    setState(State::Idle);
}

void PeerLink::closeSocket()
{
    const bool wasConnected = m_state == State::Connected;
    m_retryTimer.stop();
    dropDelayed(QStringLiteral("link closed while the line was delayed"));
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    if (wasConnected)
        report(EventKind::PeerDisconnected, m_cut ? QStringLiteral("link cut") : QStringLiteral("link stopped"));
}

void PeerLink::setCut(bool cut)
{
    if (cut == m_cut)
        return;
    m_cut = cut;
    if (cut) {
        closeSocket();
        setState(State::Cut);
        return;
    }
    setState(State::Idle);
    if (m_running)
        start();
}

void PeerLink::setDelayMs(int delayMs)
{
    m_delayMs = qMax(0, delayMs);
    if (m_delayMs == 0)
        writeDue(); // nothing waits on a link that is no longer slow
}

void PeerLink::send(const QByteArray &line)
{
    if (m_state != State::Connected) {
        report(EventKind::SendSkipped, m_cut ? QStringLiteral("link cut") : QStringLiteral("link not connected"), line);
        return;
    }
    if (m_delayMs == 0 && m_delayed.empty()) {
        write(line, {});
        return;
    }
    m_delayed.push_back({m_clock.elapsed() + m_delayMs, line});
    if (!m_delayTimer.isActive())
        m_delayTimer.start(int(qMax<qint64>(0, m_delayed.front().dueMs - m_clock.elapsed())));
}

void PeerLink::writeDue()
{
    const qint64 now = m_clock.elapsed();
    while (!m_delayed.empty() && (m_delayMs == 0 || m_delayed.front().dueMs <= now)) {
        const QByteArray line = std::move(m_delayed.front().line);
        m_delayed.pop_front();
        if (m_state == State::Connected)
            write(line, QStringLiteral("delayed"));
        else
            report(EventKind::SendSkipped, QStringLiteral("link went down while the line was delayed"), line);
    }
    if (!m_delayed.empty())
        m_delayTimer.start(int(qMax<qint64>(0, m_delayed.front().dueMs - now)));
}

void PeerLink::dropDelayed(const QString &reason)
{
    m_delayTimer.stop();
    for (const Delayed &delayed : std::exchange(m_delayed, {}))
        report(EventKind::SendSkipped, reason, delayed.line);
}

void PeerLink::write(const QByteArray &line, const QString &detail)
{
    QByteArray data;
    data.reserve(line.size() + 1);
    data.append(line).append('\n');
    m_socket->write(data);
    report(EventKind::LineSent, detail, line);
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
    if (m_state == State::BackingOff || m_state == State::Idle || m_state == State::Cut)
        return;
    dropDelayed(QStringLiteral("link dropped while the line was delayed")); // errorOccurred and disconnected both fire for one drop
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
