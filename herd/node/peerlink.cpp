// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/node/peerlink_p.h"

#include <QAbstractEventDispatcher>
#include <QPointer>
#include <QRandomGenerator>
#include <QTcpSocket>

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <limits>
#include <vector>

#include "herd/net/silentpeer_p.h"
#include "herd/wire/protocol.h"

namespace Herd {

namespace {

// A neighbour that reads slower than we flood: past this many bytes in the
// socket's buffer, lines wait in the coalescing queue instead, so the
// memory a link holds is bounded by one line per client.
constexpr qint64 MaxSocketBacklog = 64 * 1024;

// A flaky link stays up at least this long, so a tiny mean still lets a
// connection be seen up (and carry a line) before it drops.
constexpr qint64 MinFlakyUpMs = 5;

// The links of this thread that wrote since its event loop last waited, and
// the dispatcher whose aboutToBlock (or awake) flushes them.
struct WrittenLinks
{
    std::vector<PeerLink *> links;
    QPointer<QAbstractEventDispatcher> dispatcher;
};
thread_local WrittenLinks t_written;

} // namespace

PeerLink::PeerLink(const Neighbour &neighbour, const NodeSettings &settings, Reporter reporter,
                   QObject *parent)
    : QObject(parent)
    , m_neighbour(neighbour)
    , m_settings(settings)
    , m_reporter(std::move(reporter))
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &PeerLink::connectNow);
    m_delayTimer.setSingleShot(true);
    // A coarse timer may fire 5% early or late: on a 1.5 s hold, 75 ms off what the link promises.
    m_delayTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_delayTimer, &QTimer::timeout, this, &PeerLink::writeDue);
    m_flakyTimer.setSingleShot(true);
    connect(&m_flakyTimer, &QTimer::timeout, this, &PeerLink::dropFlaky);
    m_clock.start();
}

PeerLink::~PeerLink()
{
    if (m_flushQueued)
        std::erase(t_written.links, this);
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
    forgetUnsent();
    if (wasConnected)
        report(EventKind::PeerDisconnected,
               m_cut ? QStringLiteral("link cut") : QStringLiteral("link stopped"));
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
    if (!slow())
        writeDue(); // nothing waits on a link that is no longer slow
}

void PeerLink::setJitterMs(int jitterMs)
{
    m_jitterMs = qMax(0, jitterMs);
    if (!slow())
        writeDue();
}

void PeerLink::setFlakyMeanMs(int meanUpMs)
{
    m_flakyMeanMs = qMax(0, meanUpMs);
    m_flakyTimer.stop();
    // A new mean draws a new up time: the old draw was for the old mean.
    if (m_state == State::Connected)
        scheduleFlakyDrop();
}

qint64 PeerLink::holdMs() const
{
    if (m_jitterMs == 0)
        return m_delayMs;
    const qint64 jitter = QRandomGenerator::global()->bounded(-qint64(m_jitterMs), qint64(m_jitterMs) + 1);
    return qMax<qint64>(0, m_delayMs + jitter);
}

void PeerLink::scheduleFlakyDrop()
{
    if (m_flakyMeanMs <= 0)
        return;
    // Inverse transform sampling; 1 - u is in (0, 1], so the log is finite.
    const double u = QRandomGenerator::global()->generateDouble();
    const double upMs = -double(m_flakyMeanMs) * std::log(1.0 - u);
    const qint64 capped = std::clamp<qint64>(qint64(upMs), MinFlakyUpMs, std::numeric_limits<int>::max());
    m_flakyTimer.start(int(capped));
}

void PeerLink::dropFlaky()
{
    if (m_state != State::Connected)
        return;
    // Detached first, so the abort does not report the drop a second time
    // as "connection closed"; connectNow() disposes of the socket.
    m_socket->disconnect(this);
    m_socket->abort();
    onDropped(QStringLiteral("dropped by the flaky fault (mean up time %1 ms)").arg(m_flakyMeanMs));
}

void PeerLink::send(const QByteArray &line, const QString &detail, const QByteArray &client)
{
    enqueue(line, detail, client, -1);
}

void PeerLink::sendHeld(const QByteArray &line, qint64 holdMs, const QString &detail)
{
    // A link without delay or jitter holds nothing (writeDue() would let it go at once).
    enqueue(line, detail, {}, slow() ? qMax<qint64>(0, holdMs) : 0);
}

void PeerLink::enqueue(const QByteArray &line, const QString &detail, const QByteArray &client, qint64 heldMs)
{
    if (m_state != State::Connected) {
        report(EventKind::SendSkipped,
               m_cut ? QStringLiteral("link cut") : QStringLiteral("link not connected"), line);
        return;
    }
    const bool held = heldMs < 0 ? slow() : heldMs > 0;
    if (!held && m_delayed.empty() && !backlogged()) {
        write(line, detail, ++m_lastSequence, client);
        return;
    }
    // Only an AT line names a client; any other line is never coalesced.
    const QByteArray updated = client.isEmpty() ? updateClient(line) : client;
    if (!updated.isEmpty()) {
        const auto queued = m_delayedClient.constFind(updated);
        if (queued != m_delayedClient.cend()) {
            Delayed &older = m_delayed[size_t(*queued - m_firstDelayed)];
            ++m_coalesced;
            report(
                EventKind::SendSkipped,
                QStringLiteral("replaced while queued by a newer record for the same client (%1 coalesced)")
                    .arg(m_coalesced),
                older.line);
            older.line = line;
            older.detail = detail;
            return;
        }
        m_delayedClient.insert(updated, m_firstDelayed + qint64(m_delayed.size()));
    }
    // In ns: a due time counted in whole ms could release a line up to 1 ms before its hold ends.
    qint64 dueNs = m_clock.nsecsElapsed() + (heldMs < 0 ? holdMs() : heldMs) * 1'000'000;
    if (!m_delayed.empty())
        dueNs = qMax(dueNs, m_delayed.back().dueNs); // due no earlier than the line ahead: FIFO, as TCP
    m_delayed.push_back({dueNs, line, detail, ++m_lastSequence});
    if (!m_delayTimer.isActive())
        startDelayTimer(m_clock.nsecsElapsed());
}

void PeerLink::startDelayTimer(qint64 nowNs)
{
    const qint64 leftNs = qMax<qint64>(0, m_delayed.front().dueNs - nowNs);
    m_delayTimer.start(int((leftNs + 999'999) / 1'000'000)); // rounded up: never before it is due
}

void PeerLink::writeDue()
{
    const qint64 nowNs = m_clock.nsecsElapsed();
    while (!m_delayed.empty() && (!slow() || m_delayed.front().dueNs <= nowNs)) {
        if (m_state == State::Connected && backlogged())
            return; // bytesWritten calls again; no timer spinning meanwhile
        const QByteArray line = std::move(m_delayed.front().line);
        QString detail = std::move(m_delayed.front().detail);
        const qint64 sequence = m_delayed.front().sequence;
        m_delayed.pop_front();
        m_delayedClient.remove(updateClient(line));
        ++m_firstDelayed;
        if (detail.isEmpty())
            detail = slow() ? QStringLiteral("delayed") : QStringLiteral("queued");
        if (m_state == State::Connected)
            write(line, detail, sequence);
        else
            report(EventKind::SendSkipped, QStringLiteral("link went down while the line was delayed"), line);
    }
    if (!m_delayed.empty())
        startDelayTimer(nowNs);
}

bool PeerLink::backlogged() const
{
    return m_socket && m_socket->bytesToWrite() + m_outgoing.size() > MaxSocketBacklog;
}

void PeerLink::dropDelayed(const QString &reason)
{
    m_delayTimer.stop();
    m_delayedClient.clear();
    m_firstDelayed += qint64(m_delayed.size());
    for (const Delayed &delayed : std::exchange(m_delayed, {}))
        report(EventKind::SendSkipped, reason, delayed.line);
}

void PeerLink::write(const QByteArray &line, const QString &detail, qint64 sequence, const QByteArray &client)
{
    append(m_sealer ? m_sealer->seal(line) : line, sequence);
    flushBeforeWaiting();
    report(EventKind::LineSent, detail, line, client);
}

void PeerLink::append(const QByteArray &bytes, qint64 sequence)
{
    m_outgoing.append(bytes);
    m_outgoing.append('\n');
    m_bytesAppended += bytes.size() + 1;
    if (sequence > 0)
        m_marks.push_back({sequence, m_bytesAppended});
}

void PeerLink::movedToKernel(qint64 bytes)
{
    m_bytesInKernel += bytes;
    const qint64 before = m_flushedSequence;
    while (!m_marks.empty() && m_marks.front().end <= m_bytesInKernel) {
        m_flushedSequence = m_marks.front().sequence;
        m_marks.pop_front();
    }
    if (m_flushedSequence != before)
        emit flushed();
}

void PeerLink::forgetUnsent()
{
    // What this connection held unsent is gone with it: resync carries it
    // once the link is back, so nobody waits for it any longer.
    m_outgoing.clear();
    m_marks.clear();
    m_bytesAppended = 0;
    m_bytesInKernel = 0;
    if (m_flushedSequence != m_lastSequence) {
        m_flushedSequence = m_lastSequence;
        emit flushed();
    }
}

void PeerLink::flushBeforeWaiting()
{
    if (m_flushQueued)
        return;
    QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance();
    if (!dispatcher) {
        flushOutgoing(); // no event loop here to wait for
        return;
    }
    if (t_written.dispatcher != dispatcher) {
        t_written.dispatcher = dispatcher;
        // aboutToBlock alone is not enough: a loop driven by processEvents()
        // without WaitForMoreEvents (QTest::qWait, a GUI's busy loop) never
        // emits it, but emits awake on each pass.
        connect(dispatcher, &QAbstractEventDispatcher::aboutToBlock, dispatcher, &PeerLink::sendWritten);
        connect(dispatcher, &QAbstractEventDispatcher::awake, dispatcher, &PeerLink::sendWritten);
    }
    m_flushQueued = true;
    t_written.links.push_back(this);
}

void PeerLink::sendWritten()
{
    // One at a time from the live list: a flush can report events, and a
    // receiver may write more lines or delete a link meanwhile.
    while (!t_written.links.empty()) {
        PeerLink *link = t_written.links.back();
        t_written.links.pop_back();
        link->m_flushQueued = false;
        link->flushOutgoing();
    }
}

void PeerLink::flushOutgoing()
{
    if (m_outgoing.isEmpty() || !m_socket)
        return;
    // Straight to the kernel while the socket holds nothing older: QTcpSocket
    // would enable its write notifier for every write and disable it again
    // once sent, and GLib wakes the event loop (an eventfd write and read)
    // each time. What the kernel will not take, and any error, is left to
    // QTcpSocket, which keeps the order and reports the error as usual.
    qsizetype sent = 0;
    if (m_socket->bytesToWrite() == 0 && m_socket->socketDescriptor() >= 0) {
        const int fd = int(m_socket->socketDescriptor());
        while (sent < m_outgoing.size()) {
            const ssize_t n =
                ::send(fd, m_outgoing.constData() + sent, size_t(m_outgoing.size() - sent), MSG_NOSIGNAL);
            if (n > 0)
                sent += n;
            else if (!(n < 0 && errno == EINTR))
                break;
        }
    }
    if (sent < m_outgoing.size())
        m_socket->write(m_outgoing.constData() + sent, m_outgoing.size() - sent);
    m_outgoing.clear();
    movedToKernel(sent);
    // Lines queued behind a backlog go on as soon as there is room. The
    // kernel took what was sent above straight away, so no bytesWritten()
    // will come for it: waiting for one would strand the queue.
    if (!m_delayed.empty() && !backlogged())
        writeDue();
}

void PeerLink::retryNow()
{
    if (m_state != State::BackingOff)
        return;
    m_retryTimer.stop();
    connectNow();
}

void PeerLink::connectNow()
{
    forgetUnsent(); // lines for the connection that went, like those in its socket
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->deleteLater();
    }
    m_socket = new QTcpSocket(this);
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(m_socket, &QTcpSocket::connected, this, &PeerLink::onConnected);
    connect(m_socket, &QTcpSocket::disconnected, this,
            [this] { onDropped(QStringLiteral("connection closed")); });
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this] { onDropped(m_socket->errorString()); });
    connect(m_socket, &QTcpSocket::bytesWritten, this, [this](qint64 bytes) {
        movedToKernel(bytes);
        if (!m_delayed.empty())
            writeDue();
    });
    connect(m_socket, &QTcpSocket::readyRead, this, &PeerLink::onReadyRead);
    setState(State::Connecting);
    m_socket->connectToHost(m_neighbour.host, m_neighbour.port);
}

void PeerLink::onReadyRead()
{
    // The neighbour says AUTH CHALLENGE, "?" to a line it does not speak, and
    // the AT and SYNC lines that answer a resync exchange of ours.
    while (m_socket && m_socket->canReadLine()) {
        QByteArray line = m_socket->readLine();
        line.chop(line.endsWith("\r\n") ? 2 : 1);
        if (m_sealer && !m_sealer->isReady()) {
            report(EventKind::LineReceived, {}, line);
            QString why;
            if (m_sealer->acceptChallenge(line, &why)) {
                onAuthenticated();
                continue;
            }
            report(EventKind::Error, QStringLiteral("authentication failed: %1").arg(why));
            onDropped(QStringLiteral("authentication failed"));
            m_socket->disconnect(this);
            m_socket->abort();
            return;
        }
        if (m_sealer) {
            QString why;
            std::optional<QByteArray> opened = m_sealer->open(line, &why);
            if (!opened) {
                report(EventKind::LineReceived, {}, line);
                report(EventKind::Error,
                       QStringLiteral("a line from %1 failed its seal (%2): connection dropped")
                           .arg(m_neighbour.name, why));
                m_socket->disconnect(this);
                m_socket->abort();
                onDropped(QStringLiteral("a line failed its seal"));
                return;
            }
            line = std::move(*opened);
        }
        handleLine(line);
    }
    if (m_socket && m_socket->bytesAvailable() > m_settings.maxLineBytes) {
        report(EventKind::Error,
               QStringLiteral("%1 sent a line over %2 bytes on our link: discarded")
                   .arg(m_neighbour.name)
                   .arg(m_settings.maxLineBytes));
        m_socket->readAll();
    }
}

void PeerLink::handleLine(const QByteArray &line)
{
    report(EventKind::LineReceived, {}, line);
    if (line.startsWith("? ")) {
        if (line.startsWith("? SYNC ") && !m_neighbour.plain)
            emit syncRefused(line);
        return;
    }
    if (line.startsWith("AT ") || line.startsWith("SYNC "))
        emit answerReceived(line);
}

void PeerLink::onConnected()
{
    dropWhenSilent(m_socket->socketDescriptor());
    m_sealer.reset();
    if (!m_settings.peerSecret.isEmpty() && !m_neighbour.plain) {
        m_sealer.emplace(m_settings.peerSecret, m_settings.name.toUtf8(), m_neighbour.name.toUtf8());
        const QByteArray hello = m_sealer->hello();
        append(hello, 0);
        flushOutgoing();
        report(EventKind::LineSent, QStringLiteral("authenticating"), hello);
        return; // Connected once the challenge checks out
    }
    onAuthenticated();
}

void PeerLink::onAuthenticated()
{
    m_failedAttempts = 0;
    setState(State::Connected);
    report(EventKind::PeerConnected,
           m_socket->peerAddress().toString() + u':' + QString::number(m_socket->peerPort()));
    scheduleFlakyDrop();
}

void PeerLink::onDropped(const QString &reason)
{
    if (m_state == State::BackingOff || m_state == State::Idle || m_state == State::Cut)
        return;
    dropDelayed(QStringLiteral(
        "link dropped while the line was delayed")); // errorOccurred and disconnected both fire for one drop
    forgetUnsent();
    if (m_state == State::Connected)
        report(EventKind::PeerDisconnected, reason);
    ++m_failedAttempts;
    const int exponent = qMin(m_failedAttempts - 1, 20);
    const qint64 base =
        qMin<qint64>(qint64(m_settings.reconnectInitialMs) << exponent, m_settings.reconnectMaxMs);
    const double jitter = 0.75 + 0.5 * QRandomGenerator::global()->generateDouble();
    const int delayMs = qMax(1, int(double(base) * jitter));
    // The timer first: whoever hears of the new state can ask msUntilRetry().
    m_retryTimer.start(delayMs);
    setState(State::BackingOff);
    report(EventKind::PeerRetrying,
           QStringLiteral("attempt %1 failed (%2); retrying in %3 ms")
               .arg(m_failedAttempts)
               .arg(reason)
               .arg(delayMs));
}

void PeerLink::setState(State state)
{
    if (m_state == state)
        return;
    // An up time drawn for one connection must not end the next one.
    if (state != State::Connected)
        m_flakyTimer.stop();
    m_state = state;
    emit stateChanged(state);
}

void PeerLink::report(EventKind kind, const QString &detail, const QByteArray &line, const QByteArray &client)
{
    Event event;
    event.kind = kind;
    event.peer = m_neighbour.name;
    event.client = client;
    event.line = line;
    event.detail = detail;
    event.viaPeerLink = true;
    m_reporter(std::move(event));
}

} // namespace Herd
