// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <QUrl>

#include <functional>

#include "herd/attach/clockestimate.h"
#include "herd/attach/processstate.h"
#include "herd/event.h"

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

namespace Herd {

// One process's monitor (docs/monitor.md) seen from the window: its event
// stream (GET /events, read as it comes), its state (GET /state, read on
// connecting and then every PollMs, each read also a clock probe), and its
// control (POST /control/ACTION with the herd file's token, which nothing
// here logs).
//
// Nothing blocks: every request is asynchronous and bounded by
// RequestTimeoutMs. A monitor that goes away (the stream ends, a read fails
// or times out) is reported lost() and tried again after a back-off that
// doubles up to MaxBackOffMs; once it answers, stateRead(fresh = true)
// hands over its whole state, then the events that came after it.
class MonitorClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MonitorClient)

public:
    static constexpr int RequestTimeoutMs = 2000;
    static constexpr int PollMs = 1000;
    static constexpr int FirstBackOffMs = 200;
    static constexpr int MaxBackOffMs = 5000;

    // `address` is "HOST:PORT" as the herd file names it.
    MonitorClient(const QString &address, const QByteArray &token, QObject *parent = nullptr);
    ~MonitorClient() override;

    void start();
    const QString &address() const { return m_address; }
    bool isConnected() const { return m_connected; }
    // Why the monitor was last lost; empty while connected.
    const QString &lastError() const { return m_lastError; }
    const ClockEstimate &clock() const { return m_clock; }

    // Answered with the HTTP status and the JSON body; status 0 if the
    // monitor did not answer in time. Always called, later, never now.
    using ControlDone = std::function<void(int status, const QJsonObject &answer)>;
    void control(const QString &action, const QJsonObject &body, ControlDone done);

signals:
    // The monitor's state; `fresh` after (re)connecting, when it replaces
    // all that was known of the process.
    void stateRead(const Herd::ProcessState &state, bool fresh);
    // An event as the process stamped it (its own clock).
    void eventReceived(const Herd::Event &event);
    void lost(const QString &why);

private:
    QNetworkRequest request(const QString &path, int timeoutMs) const;
    void connectStream();
    void readStream();
    void dispatch(const QByteArray &data, bool dropped);
    void readState(bool fresh);
    // `session`: the connection the read was made on; a later one ignores it.
    void onState(QNetworkReply *reply, qint64 sentNs, bool fresh, quint64 session);
    void lose(const QString &why);

    QString m_address;
    QByteArray m_token;
    // Its own, not shared: a lost monitor's connections are flushed
    // (lose()) without touching another process's stream.
    QNetworkAccessManager m_network;
    QUrl m_base;
    QPointer<QNetworkReply> m_stream;
    QByteArray m_streamBuffer; // what came after the last complete line
    QByteArray m_message;      // the data lines of the message being read
    QByteArray m_messageEvent; // its "event:" name
    QList<Event> m_held;       // events that came before the fresh state
    bool m_connected = false;
    bool m_stateRequested = false;
    quint64 m_session = 0; // counts connections
    QString m_lastError;
    QTimer m_headersTimer;
    QTimer m_pollTimer;
    QTimer m_retryTimer;
    int m_backOffMs = FirstBackOffMs;
    ClockEstimate m_clock;
};

} // namespace Herd
