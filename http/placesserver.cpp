// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/placesserver.h"

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>

#include <functional>
#include <memory>

#include "herd/places/placesjson.h"
#include "herd/places/placessource.h"
#include "http/fieldmask.h"
#include "http/httpserverlog.h"
#include "http/nearbysearch.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

using StatusCode = QHttpServerResponse::StatusCode;
using Shape = std::function<QHttpServerResponse(const QJsonObject &answer)>;

QHttpServerResponse json(const QByteArray &body, StatusCode status = StatusCode::Ok)
{
    return QHttpServerResponse(QByteArrayLiteral("application/json; charset=UTF-8"), body, status);
}

// Google's error JSON, as the Places API (New) and Google's front end answer.
QHttpServerResponse googleError(StatusCode code, const QString &status, const QString &message)
{
    const QJsonObject error {{u"code"_s, int(code)}, {u"message"_s, message}, {u"status"_s, status}};
    return json(QJsonDocument(QJsonObject {{u"error"_s, error}}).toJson(), code);
}

QHttpServerResponse wrongMethod(const QString &path, const char *allowed)
{
    QHttpServerResponse response =
        googleError(StatusCode::MethodNotAllowed, u"METHOD_NOT_ALLOWED"_s,
                    u"%1 answers %2 requests only."_s.arg(path, QString::fromLatin1(allowed)));
    response.addHeader(QByteArrayLiteral("Allow"), QByteArray(allowed));
    return response;
}

QHttpServerResponse legacyResponse(const QJsonObject &answer)
{
    return json(formatPlacesJson(answer) + '\n');
}

QHttpServerResponse legacyInvalidRequest(const QString &message)
{
    return legacyResponse(QJsonObject {
        {u"error_message"_s, message},
        {u"html_attributions"_s, QJsonArray()},
        {u"results"_s, QJsonArray()},
        {u"status"_s, u"INVALID_REQUEST"_s},
    });
}

// The Places API (New) answer for a source's legacy one; a failure (from a
// source that asks elsewhere) becomes the HTTP error Google would give.
QHttpServerResponse placesNewResponse(const QJsonObject &answer, const FieldMask &mask)
{
    const QString status = answer.value("status"_L1).toString();
    if (status == "OK"_L1 || status == "ZERO_RESULTS"_L1)
        return json(QJsonDocument(placesNewAnswer(answer, mask)).toJson());
    const QString message =
        u"the places source answered %1: %2"_s.arg(status, answer.value("error_message"_L1).toString());
    if (status == "INVALID_REQUEST"_L1)
        return googleError(StatusCode::BadRequest, u"INVALID_ARGUMENT"_s, message);
    if (status == "REQUEST_DENIED"_L1)
        return googleError(StatusCode::Forbidden, u"PERMISSION_DENIED"_s, message);
    if (status == "OVER_QUERY_LIMIT"_L1)
        return googleError(StatusCode::TooManyRequests, u"RESOURCE_EXHAUSTED"_s, message);
    return googleError(StatusCode::ServiceUnavailable, u"UNAVAILABLE"_s, message);
}

// Answers once `places` has found the places, in the shape `shape` makes. A
// source may answer on a later turn of the event loop: a client gone by then
// is skipped (its socket, and the responder's pointer to it, are gone).
void answerWhenFound(PlacesSource &places, const PlacesQuery &query, QHttpServerResponder &&responder,
                     Shape shape)
{
    const QPointer<QTcpSocket> socket = responder.socket();
    auto pending = std::make_shared<QHttpServerResponder>(std::move(responder));
    places.search(query, [socket, pending, shape = std::move(shape)](const QJsonObject &answer) {
        if (socket)
            shape(answer).write(std::move(*pending));
    });
}

} // namespace

PlacesServer::PlacesServer(PlacesSource *places, QObject *parent)
    : QObject(parent)
    , m_places(places)
{
    keepHttpServerDebugOff();

    serve(LegacyPath, QHttpServerRequest::Method::Get, "GET", &PlacesServer::answerLegacy);
    serve(PlacesNewPath, QHttpServerRequest::Method::Post, "POST", &PlacesServer::answerPlacesNew);
    // Not the path in the message: a client may have put its key in it.
    m_http.setMissingHandler([](const QHttpServerRequest &, QHttpServerResponder &&responder) {
        googleError(StatusCode::NotFound, u"NOT_FOUND"_s,
                    u"No such endpoint. This server answers GET %1 and POST %2."_s.arg(
                        QString::fromLatin1(LegacyPath), QString::fromLatin1(PlacesNewPath)))
            .write(std::move(responder));
    });
}

PlacesServer::~PlacesServer() = default;

void PlacesServer::serve(const char *path, QHttpServerRequest::Method method, const char *methodName,
                         Answer answer)
{
    // Every method is routed here, so that a wrong one gets a 405, not the
    // 404 of an unknown path.
    m_http.route(QString::fromLatin1(path),
                 [=, this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                     if (request.method() == method)
                         (this->*answer)(request, std::move(responder));
                     else
                         wrongMethod(QString::fromLatin1(path), methodName).write(std::move(responder));
                 });
}

bool PlacesServer::listen(const QHostAddress &address, quint16 port, QString *error)
{
    // Our own QTcpServer rather than QHttpServer::listen(), which keeps the
    // reason a listen failed to its log.
    auto listener = std::make_unique<QTcpServer>();
    if (!listener->listen(address, port)) {
        *error = listener->errorString();
        return false;
    }
    m_listener = listener.release();
    m_http.bind(m_listener); // takes it as a child
    return true;
}

QHostAddress PlacesServer::address() const
{
    return m_listener ? m_listener->serverAddress() : QHostAddress();
}

quint16 PlacesServer::port() const
{
    return m_listener ? m_listener->serverPort() : 0;
}

QString PlacesServer::url() const
{
    if (!m_listener)
        return {};
    const QHostAddress host = address();
    const QString name =
        host.protocol() == QAbstractSocket::IPv6Protocol ? u'[' + host.toString() + u']' : host.toString();
    return u"http://%1:%2"_s.arg(name).arg(port());
}

void PlacesServer::answerLegacy(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    QString error;
    const std::optional<PlacesQuery> query = legacyNearbyQuery(request.query(), &error);
    if (!query)
        legacyInvalidRequest(error).write(std::move(responder));
    else
        answerWhenFound(*m_places, *query, std::move(responder), legacyResponse);
}

void PlacesServer::answerPlacesNew(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    const auto invalid = [&responder](const QString &message) {
        googleError(StatusCode::BadRequest, u"INVALID_ARGUMENT"_s, message).write(std::move(responder));
    };
    const QString maskText = QString::fromUtf8(request.value(QByteArrayLiteral("X-Goog-FieldMask")));
    if (maskText.trimmed().isEmpty()) {
        return invalid(u"FieldMask is a required parameter: name the fields to return in the "
                       u"X-Goog-FieldMask header, e.g. 'places.displayName,places.location', "
                       u"or '*' for all."_s);
    }
    QString error;
    const std::optional<FieldMask> mask = FieldMask::parse(maskText, &error);
    if (!mask)
        return invalid(u"Invalid X-Goog-FieldMask: "_s + error + u'.');
    for (const QString &root : mask->roots()) {
        if (root != "places"_L1 && root != "*"_L1) {
            return invalid(u"Invalid X-Goog-FieldMask: no field '%1' in a searchNearby answer "
                           u"(its fields are places.*)."_s.arg(root));
        }
    }
    const std::optional<PlacesQuery> query = placesNewNearbyQuery(request.body(), &error);
    if (!query)
        return invalid(error);
    answerWhenFound(*m_places, *query, std::move(responder),
                    [mask = *mask](const QJsonObject &answer) { return placesNewResponse(answer, mask); });
}

} // namespace Herd
