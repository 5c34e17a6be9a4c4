// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/monitorserver.h"

#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>

#include <memory>

#include "herd/cluster.h"
#include "herd/monitor/control.h"
#include "herd/monitor/prometheustext.h"
#include "herd/monitor/statesnapshot.h"
#include "http/httpserverlog.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

using StatusCode = QHttpServerResponse::StatusCode;

const QString Endpoints = u"GET /metrics, GET /state, GET /events, POST /control/ACTION"_s;

QHttpServerResponse json(const QJsonObject &object, int status = 200)
{
    return QHttpServerResponse(QByteArrayLiteral("application/json"),
                               QJsonDocument(object).toJson(QJsonDocument::Indented), StatusCode(status));
}

QHttpServerResponse error(int status, const QString &message, const QString &parameter = {})
{
    QJsonObject object {{u"error"_s, message}};
    if (!parameter.isEmpty())
        object.insert(u"parameter", parameter);
    return json(object, status);
}

QString peerOf(const QHttpServerRequest &request, const QHttpServerResponder &responder)
{
    const QHostAddress address = request.remoteAddress();
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
        ? u'[' + address.toString() + u']'
        : address.toString();
    return host + u':' + QString::number(responder.socket() ? responder.socket()->peerPort() : 0);
}

// Compares in time that does not depend on where the first difference is,
// so the token cannot be guessed byte by byte from answer times.
bool sameSecret(const QByteArray &given, const QByteArray &expected)
{
    unsigned char difference = given.size() == expected.size() ? 0 : 1;
    for (qsizetype i = 0; i < expected.size(); ++i)
        difference |= (i < given.size() ? given.at(i) : 0) ^ expected.at(i);
    return difference == 0;
}

QString methodName(QHttpServerRequest::Method method)
{
    return method == QHttpServerRequest::Method::Post ? u"POST"_s : u"GET"_s;
}

} // namespace

MonitorServer::MonitorServer(Cluster &cluster, QObject *parent)
    : QObject(parent)
    , m_cluster(cluster)
    , m_metrics(cluster)
{
    keepHttpServerDebugOff();
    connect(&cluster, &Cluster::eventOccurred, &m_stream, &EventStream::publish);
    connect(&m_stream, &EventStream::readerDropped, this, [this](const QString &peer, const QString &why) {
        report(EventKind::Error, peer, u"event stream reader %1 dropped: %2"_s.arg(peer, why));
    });
    serve(u"/metrics"_s, QHttpServerRequest::Method::Get, &MonitorServer::answerMetrics);
    serve(u"/state"_s, QHttpServerRequest::Method::Get, &MonitorServer::answerState);
    serve(u"/events"_s, QHttpServerRequest::Method::Get, &MonitorServer::answerEvents);
    for (const QString &action : controlActions())
        serve(u"/control/"_s + action, QHttpServerRequest::Method::Post, &MonitorServer::answerControl);
    m_http.setMissingHandler([](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        const bool control = request.url().path().startsWith(u"/control/");
        error(404,
              control ? u"no such action; actions: %1"_s.arg(controlActions().join(u", "))
                      : u"no such endpoint; this monitor answers %1"_s.arg(Endpoints))
            .write(std::move(responder));
    });
}

MonitorServer::~MonitorServer() = default;

void MonitorServer::serve(const QString &path, QHttpServerRequest::Method method, Answer answer)
{
    // Every method is routed here, so that a wrong one gets a 405, not the
    // 404 of an unknown path.
    m_http.route(path, [=, this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        if (request.method() != method) {
            QHttpServerResponse response =
                error(405, u"%1 answers %2 requests only"_s.arg(path, methodName(method)));
            response.addHeader(QByteArrayLiteral("Allow"), methodName(method).toLatin1());
            response.write(std::move(responder));
            return;
        }
        if (admit(request, responder, method == QHttpServerRequest::Method::Post))
            (this->*answer)(request, std::move(responder));
    });
}

bool MonitorServer::mayListen(const ListenAddress &where, const QByteArray &token, QString *error)
{
    if (where.isLoopback() || !token.isEmpty())
        return true;
    *error = u"a monitor on %1, beyond loopback, needs a token: set \"monitor\": {\"tokenEnv\": "
             u"\"VARIABLE\"} in the herd file"_s.arg(where.toString());
    return false;
}

bool MonitorServer::listen(const ListenAddress &where, QString *error)
{
    if (!mayListen(where, m_token, error))
        return false;
    // Our own QTcpServer rather than QHttpServer::listen(), which keeps the
    // reason a listen failed to its log.
    auto listener = std::make_unique<QTcpServer>();
    if (!listener->listen(where.address, where.port)) {
        *error = listener->errorString();
        return false;
    }
    m_loopback = where.isLoopback();
    m_listener = listener.release();
    m_http.bind(m_listener); // takes it as a child
    return true;
}

quint16 MonitorServer::port() const
{
    return m_listener ? m_listener->serverPort() : 0;
}

QString MonitorServer::url() const
{
    return m_listener ? u"http://"_s + ListenAddress {m_listener->serverAddress(), port()}.toString()
                      : QString();
}

bool MonitorServer::admit(const QHttpServerRequest &request, QHttpServerResponder &responder, bool control)
{
    if (!control && m_loopback)
        return true;
    if (m_token.isEmpty()) {
        refuse(request, responder, 403, u"control is off: the herd file names no monitor token"_s);
        return false;
    }
    const QByteArray authorization = request.value(QByteArrayLiteral("Authorization"));
    if (!authorization.startsWith("Bearer ")) {
        refuse(request, responder, 401, u"no bearer token (Authorization: Bearer TOKEN)"_s);
        return false;
    }
    if (!sameSecret(authorization.sliced(7).trimmed(), m_token)) {
        refuse(request, responder, 401, u"wrong bearer token"_s);
        return false;
    }
    return true;
}

void MonitorServer::refuse(const QHttpServerRequest &request, QHttpServerResponder &responder, int status,
                           const QString &why)
{
    ++m_refused;
    const QString peer = peerOf(request, responder);
    report(EventKind::Refused, peer,
           u"%1 %2 refused: %3"_s.arg(methodName(request.method()), request.url().path(), why));
    QHttpServerResponse response = error(status, why);
    if (status == 401)
        response.addHeader(QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Bearer"));
    response.write(std::move(responder));
}

void MonitorServer::report(EventKind kind, const QString &peer, const QString &detail)
{
    Event event;
    event.node = EventNode;
    event.kind = kind;
    event.peer = peer;
    event.detail = detail;
    m_cluster.report(std::move(event));
}

void MonitorServer::answerMetrics(const QHttpServerRequest &, QHttpServerResponder &&responder)
{
    PrometheusText out;
    m_metrics.write(out);
    out.family("herd_monitor_stream_readers", "gauge", "Readers of GET /events connected now.");
    out.sample("herd_monitor_stream_readers", {}, quint64(m_stream.readerCount()));
    out.family("herd_monitor_stream_dropped_total", "counter",
               "Readers of GET /events dropped for falling behind.");
    out.sample("herd_monitor_stream_dropped_total", {}, m_stream.droppedCount());
    out.family("herd_monitor_refusals_total", "counter", "Monitor requests refused (no or wrong token).");
    out.sample("herd_monitor_refusals_total", {}, m_refused);
    QHttpServerResponse(QByteArray(PrometheusText::ContentType), out.text()).write(std::move(responder));
}

void MonitorServer::answerState(const QHttpServerRequest &, QHttpServerResponder &&responder)
{
    json(stateSnapshot(m_cluster)).write(std::move(responder));
}

void MonitorServer::answerEvents(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    QString parameter;
    QString why;
    const std::optional<EventSelection> selection =
        EventSelection::fromQuery(request.query(), m_cluster.config(), &parameter, &why);
    if (!selection)
        return error(400, why, parameter).write(std::move(responder));
    if (m_stream.isFull())
        return error(503, u"%1 readers already; try later"_s.arg(EventStream::MaxReaders))
            .write(std::move(responder));
    const QString peer = peerOf(request, responder);
    m_stream.add(std::move(responder), *selection, peer);
}

void MonitorServer::answerControl(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    const QString action = request.url().path().sliced(qsizetype(qstrlen("/control/")));
    const ControlOutcome outcome = applyControl(m_cluster, action, request.body());
    json(outcome.body, outcome.status).write(std::move(responder));
}

} // namespace Herd
