// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QObject>
#include <QString>

#include "herd/monitor/listenaddress.h"
#include "herd/monitor/metrics.h"
#include "http/eventstream.h"

class QHttpServerResponder;
class QTcpServer;

namespace Herd {

class Cluster;

// A process's monitor (herd --server --monitor, docs/monitor.md): over
// HTTP, GET /metrics (Prometheus), GET /state (JSON), GET /events (a live
// stream of the cluster's events) and POST /control/ACTION (the window's
// faults, on this process's nodes). It reads the cluster's event stream and
// public state, as the window does.
//
// Access: control needs `Authorization: Bearer TOKEN`, and is off without
// a token; reads are open on a loopback address and need the token on any
// other, where listen() refuses to start without one. Every refusal is
// reported as a Refused event of node EventNode, with the peer's address
// and never the token; Qt's HTTP server's own debug output stays off.
//
// Thread affinity: the cluster's.
class MonitorServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MonitorServer)

public:
    // The node name of the monitor's own events (refusals, dropped readers).
    static constexpr QLatin1StringView EventNode {"monitor"};

    // `cluster` is borrowed and must outlive the server.
    explicit MonitorServer(Cluster &cluster, QObject *parent = nullptr);
    ~MonitorServer() override;

    // Before listen(). Empty: control off.
    void setToken(const QByteArray &token) { m_token = token; }
    // False, with the reason in *error, for an address beyond loopback and
    // no token: a monitor there would be open to anyone.
    static bool mayListen(const ListenAddress &where, const QByteArray &token, QString *error);
    // Call once. False, with the reason in *error, if the address cannot be
    // listened on, or mayListen() says no.
    bool listen(const ListenAddress &where, QString *error);
    quint16 port() const;
    // "http://127.0.0.1:9100"; empty until listening.
    QString url() const;
    EventStream &stream() { return m_stream; }

private:
    using Answer = void (MonitorServer::*)(const QHttpServerRequest &request,
                                           QHttpServerResponder &&responder);
    void serve(const QString &path, QHttpServerRequest::Method method, Answer answer);
    // True if the request may go on; otherwise it is answered 401 or 403 and
    // the refusal reported.
    bool admit(const QHttpServerRequest &request, QHttpServerResponder &responder, bool control);
    void refuse(const QHttpServerRequest &request, QHttpServerResponder &responder, int status,
                const QString &why);
    void answerMetrics(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void answerState(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void answerEvents(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void answerControl(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void report(EventKind kind, const QString &peer, const QString &detail);

    Cluster &m_cluster;
    Metrics m_metrics;
    EventStream m_stream;
    QByteArray m_token;
    bool m_loopback = true;
    quint64 m_refused = 0;
    QHttpServer m_http;
    QTcpServer *m_listener = nullptr; // owned by m_http once listening
};

} // namespace Herd
