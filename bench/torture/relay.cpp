// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/torture/relay.h"

#include <QTcpSocket>

#include <algorithm>
#include <deque>
#include <unordered_map>
#include <utility>

#include <sys/socket.h>

#include "bench/torture/herdlines.h"

namespace HerdTorture {

// One connection through a relay: `in` from node `from` (its outgoing link),
// `out` to node `to`. Bytes go both ways (resync answers come back on the
// asker's connection), and every AT line of the workload's clients is shown
// to the history: as sent by one end when read, as held by the other once
// its kernel took the bytes. Closing either end closes the other after
// forwarding what was already read.
class RelayPair : public QObject
{
public:
    RelayPair(Relay &relay, QTcpSocket *in)
        : QObject(&relay)
        , m_relay(relay)
        , m_forth(in, new QTcpSocket(this), relay.from(), relay.to())
        , m_back(m_forth.to, in, relay.to(), relay.from())
    {
        in->setParent(this);
        m_incarnation[m_forth.sender] = relay.torture().node(relay.from()).incarnation;
        for (Direction *d : {&m_forth, &m_back}) {
            d->from->setReadBufferSize(RelayWindowBytes);
            connect(d->from, &QTcpSocket::readyRead, this, [this, d] { forward(*d); });
            connect(d->to, &QTcpSocket::bytesWritten, this, [this, d](qint64 n) { taken(*d, n); });
            connect(d->from, &QTcpSocket::stateChanged, this, [this](QAbstractSocket::SocketState state) {
                if (state == QAbstractSocket::UnconnectedState)
                    closeBoth();
            });
        }
        connect(m_forth.to, &QTcpSocket::connected, this, [this] {
            m_incarnation[m_forth.receiver] = m_relay.torture().node(m_relay.to()).incarnation;
            m_forth.to->write(std::exchange(m_early, {}));
            maybeLinkUp();
            forward(m_forth);
        });
        m_forth.to->connectToHost(QHostAddress::LocalHost, relay.targetPort());
    }

    // The link is cut: what was sent before is forwarded, then both ends close.
    void cut() { closeBoth(); }

    // `node` was killed: nothing more comes from it, so whatever it sent is
    // read now, whatever the window (its last lines count as sent).
    void senderDied(int node, int incarnation)
    {
        if (!holds(node, incarnation))
            return;
        for (Direction *d : {&m_forth, &m_back}) {
            if (d->sender == node && !d->unthrottled) {
                d->unthrottled = true;
                d->from->setReadBufferSize(0);
                forward(*d);
            }
        }
    }

    bool holds(int node, int incarnation) const
    {
        const auto it = m_incarnation.find(node);
        return it != m_incarnation.end() && it->second == incarnation;
    }

    // Lines queued for a receiver that is connected (or being closed after
    // its pending writes) reach it unless it dies, and then what it holds
    // is gone anyway: at a death they count as held, as if taken already
    // (a stopped receiver may take seconds to take them).
    void creditQueued()
    {
        for (Direction *d : {&m_forth, &m_back}) {
            if (d->to->state() != QAbstractSocket::ConnectedState
                && d->to->state() != QAbstractSocket::ClosingState)
                continue;
            for (const Direction::Delivery &delivery : d->deliveries)
                m_relay.torture().history().delivered(d->receiver, incarnation(d->receiver), delivery.client,
                                                      delivery.time);
        }
    }

private:
    struct Direction
    {
        Direction(QTcpSocket *source, QTcpSocket *sink, int senderNode, int receiverNode)
            : from(source)
            , to(sink)
            , sender(senderNode)
            , receiver(receiverNode)
        {}
        QTcpSocket *from;
        QTcpSocket *to;
        int sender;
        int receiver;
        bool unthrottled = false;
        LineScan lines;
        qint64 queued = 0; // bytes written to `to`, by Qt or not yet
        qint64 taken = 0;  // bytes `to`'s kernel took
        struct Delivery
        {
            qint64 end; // offset in the stream after its line
            int client;
            qint64 time;
        };
        std::deque<Delivery> deliveries;
    };

    int incarnation(int node) const
    {
        const auto it = m_incarnation.find(node);
        return it == m_incarnation.end() ? -1 : it->second;
    }

    // Whether `to` still takes bytes: connected, or (forth only) connecting,
    // the bytes waiting in m_early.
    bool early(const Direction &d) const
    {
        return &d == &m_forth
            && (d.to->state() == QAbstractSocket::HostLookupState
                || d.to->state() == QAbstractSocket::ConnectingState);
    }

    void forward(Direction &d)
    {
        const qint64 waiting = early(d) ? m_early.size() : d.to->bytesToWrite();
        if (d.from->bytesAvailable() == 0 || (!d.unthrottled && waiting >= RelayWindowBytes))
            return; // the rest waits in Qt's buffer (bounded), then in the kernel's
        pass(d, d.from->readAll());
    }

    // Shows `data`'s AT lines to the history and sends it on, if `to` takes it.
    void pass(Direction &d, const QByteArray &data)
    {
        if (data.isEmpty())
            return;
        m_relay.addBytes(data.size());
        const bool deliver = !m_closing && (d.to->state() == QAbstractSocket::ConnectedState || early(d));
        History &history = m_relay.torture().history();
        const qint64 end = d.queued + data.size();
        d.lines.feed(data, [&](QByteArrayView line) {
            int client;
            qint64 time;
            if (!m_relay.torture().parseAt(line, &client, &time))
                return;
            history.sent(d.sender, incarnation(d.sender), client, time);
            history.heard(d.receiver, m_relay.torture().node(d.receiver).incarnation, client, time);
            if (deliver)
                d.deliveries.push_back({end, client, time});
        });
        if (!deliver)
            return;
        d.queued = end;
        if (&d == &m_forth)
            m_seenIn = true;
        if (early(d))
            m_early += data;
        else
            d.to->write(data);
        if (&d == &m_forth)
            maybeLinkUp();
    }

    void taken(Direction &d, qint64 n)
    {
        d.taken += n;
        for (; !d.deliveries.empty() && d.deliveries.front().end <= d.taken; d.deliveries.pop_front())
            m_relay.torture().history().delivered(d.receiver, incarnation(d.receiver),
                                                  d.deliveries.front().client, d.deliveries.front().time);
        forward(d); // room again, maybe
    }

    // The link carries `from`'s lines once `from` wrote on it and `to` is
    // connected; that interval is what LinkMarginMs is measured against.
    void maybeLinkUp()
    {
        if (m_link < 0 && !m_closing && m_seenIn && m_forth.to->state() == QAbstractSocket::ConnectedState)
            m_link = m_relay.torture().history().linkUp(m_forth.sender, incarnation(m_forth.sender),
                                                        m_relay.torture().nowMs());
    }

    // Everything `from` sent before now: Qt's buffer, then the kernel's.
    void drain(Direction &d)
    {
        QByteArray data = d.from->bytesAvailable() > 0 ? d.from->readAll() : QByteArray();
        const int fd = int(d.from->socketDescriptor());
        char buffer[65536];
        for (ssize_t n; fd >= 0 && (n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT)) > 0;)
            data.append(buffer, n);
        pass(d, data);
    }

    void closeBoth()
    {
        if (!m_closing) {
            drain(m_forth);
            drain(m_back);
            m_closing = true;
            m_relay.torture().history().linkDown(m_forth.sender, incarnation(m_forth.sender), m_link,
                                                 m_relay.torture().nowMs());
            for (QTcpSocket *socket : {m_forth.from, m_forth.to}) {
                if (socket->state() == QAbstractSocket::ConnectedState)
                    socket->disconnectFromHost(); // after the pending writes
                else if (socket->state() != QAbstractSocket::ClosingState)
                    socket->abort();
            }
        }
        if (!m_finished && m_forth.from->state() == QAbstractSocket::UnconnectedState
            && m_forth.to->state() == QAbstractSocket::UnconnectedState) {
            m_finished = true;
            m_relay.finished(this);
        }
    }

    Relay &m_relay;
    Direction m_forth;                          // from -> to: `from`'s floods and resync questions
    Direction m_back;                           // to -> from: the answers on `from`'s connection
    std::unordered_map<int, int> m_incarnation; // of each end, once known
    QByteArray m_early;                         // from `from` before `to` connected
    bool m_seenIn = false, m_closing = false, m_finished = false;
    int m_link = -1;
};

Relay::Relay(Torture &torture, int from, int to, quint16 port, quint16 targetPort)
    : QObject(&torture)
    , m_torture(torture)
    , m_from(from)
    , m_to(to)
    , m_port(port)
    , m_targetPort(targetPort)
{
    connect(&m_server, &QTcpServer::newConnection, this, &Relay::accept);
}

void Relay::setTargetUp(bool up)
{
    m_targetUp = up;
    update();
}

void Relay::update()
{
    if (wanted() && !m_server.isListening()) {
        if (!m_server.listen(QHostAddress::LocalHost, m_port))
            m_torture.fatal(QStringLiteral("the relay %1->%2 cannot listen on port %3: %4")
                                .arg(m_torture.node(m_from).name, m_torture.node(m_to).name)
                                .arg(m_port)
                                .arg(m_server.errorString()));
    } else if (!wanted() && m_server.isListening()) {
        m_server.close();
    }
}

void Relay::setCut(bool cut)
{
    m_cut = cut;
    update();
    if (cut)
        for (RelayPair *pair : QList<RelayPair *>(m_pairs))
            pair->cut();
}

bool Relay::holds(int node, int incarnation) const
{
    return std::any_of(m_pairs.begin(), m_pairs.end(),
                       [&](const RelayPair *p) { return p->holds(node, incarnation); });
}

void Relay::senderDied(int node, int incarnation)
{
    for (RelayPair *pair : QList<RelayPair *>(m_pairs))
        pair->senderDied(node, incarnation);
}

void Relay::creditQueued()
{
    for (RelayPair *pair : std::as_const(m_pairs))
        pair->creditQueued();
}

void Relay::finished(RelayPair *pair)
{
    m_pairs.removeOne(pair);
    pair->deleteLater();
    m_torture.socketClosed();
}

void Relay::accept()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        if (!wanted()) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        m_pairs.append(new RelayPair(*this, socket));
    }
}

} // namespace HerdTorture
