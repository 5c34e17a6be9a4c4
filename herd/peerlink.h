#pragma once

#include <QObject>
#include <QTimer>

#include "event.h"
#include "nodesettings.h"

class QTcpSocket;

namespace Herd {

// A node's outgoing connection to one neighbour, used to flood AT lines.
// It keeps trying to connect while the neighbour is away, with exponential
// back-off (capped, with jitter so a restarted herd does not reconnect in
// lock-step).
//
//   Idle --start()--> Connecting --connected--> Connected
//                        ^   |                     |
//                        |   v  (failed)           | (dropped)
//                      BackingOff <----------------+
//   any --stop()--> Idle
//
// Lines sent while not Connected are dropped and reported: the course's
// herd does not remember what a neighbour missed.
// Thread affinity: the owning node's thread.
class PeerLink final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PeerLink)

public:
    enum class State { Idle, Connecting, Connected, BackingOff };
    Q_ENUM(State)

    PeerLink(const Neighbour &neighbour, const NodeSettings &settings, QObject *parent = nullptr);
    ~PeerLink() override;

    const Neighbour &neighbour() const { return m_neighbour; }
    void setNeighbour(const Neighbour &neighbour);
    State state() const { return m_state; }
    int failedAttempts() const { return m_failedAttempts; }
    quint16 localPort() const;

    void start();
    void stop();
    // `line` without its "\n".
    void send(const QByteArray &line);

signals:
    void stateChanged(Herd::PeerLink::State state);
    // Events for the owning node to stamp and publish.
    void eventOccurred(const Herd::Event &event);

private:
    void connectNow();
    void onConnected();
    void onDropped(const QString &reason);
    void setState(State state);
    void report(EventKind kind, const QString &detail, const QByteArray &line = {});

    Neighbour m_neighbour;
    NodeSettings m_settings;
    QTcpSocket *m_socket = nullptr; // owned; recreated for each attempt
    QTimer m_retryTimer;
    State m_state = State::Idle;
    int m_failedAttempts = 0;
};

} // namespace Herd
