// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHostAddress>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QObject>
#include <QString>

class QHttpServerResponder;
class QTcpServer;

namespace Herd {

class PlacesSource;

// Google's Nearby Search endpoints over HTTP, answered from a PlacesSource,
// so that servers written for Google (a course's own herds) can be run and
// graded with no network and no key:
//  - LegacyPath, GET: the legacy Nearby Search. Always HTTP 200, the answer
//    in the legacy JSON, pretty-printed as Google prints it; a missing or bad
//    location or radius is status INVALID_REQUEST with an error_message.
//  - PlacesNewPath, POST: Places API (New) searchNearby, answered with only
//    the fields the X-Goog-FieldMask header names; a missing or bad mask or
//    body is HTTP 400 in Google's error JSON,
//    {"error": {"code": 400, "message": ..., "status": "INVALID_ARGUMENT"}}.
//  - any other path is 404, another method on these paths 405, in the same
//    error JSON.
// nearbysearch.h has the rules for each field.
//
// A key (the key parameter, the X-Goog-Api-Key header) is accepted whatever
// it is, or missing, and never written anywhere: not in an answer, nor a log
// (Qt's HTTP server logs whole requests in its debug output; that output is
// kept off).
//
// A source that answers later (GooglePlaces) is fine: a client gone by then
// is skipped. Answers on one connection then leave in the order they are
// found, so a client that pipelines requests to such a source may see them
// out of order; an offline source answers at once.
//
// Thread affinity: the creating thread.
class PlacesServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PlacesServer)

public:
    static constexpr auto LegacyPath = "/maps/api/place/nearbysearch/json";
    static constexpr auto PlacesNewPath = "/v1/places:searchNearby";

    // `places` is borrowed and must outlive the server.
    explicit PlacesServer(PlacesSource *places, QObject *parent = nullptr);
    ~PlacesServer() override;

    // Call once. Port 0 picks a free one. False, with the reason in *error,
    // if the address cannot be listened on.
    bool listen(const QHostAddress &address, quint16 port, QString *error);
    QHostAddress address() const;
    quint16 port() const;
    // "http://127.0.0.1:8080", "http://[::1]:8080"; empty until listening.
    QString url() const;

private:
    using Answer = void (PlacesServer::*)(const QHttpServerRequest &request,
                                          QHttpServerResponder &&responder);
    // `path` answered by `answer` for `method` (named `methodName`), and
    // with 405 for any other method.
    void serve(const char *path, QHttpServerRequest::Method method, const char *methodName, Answer answer);
    void answerLegacy(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void answerPlacesNew(const QHttpServerRequest &request, QHttpServerResponder &&responder);

    PlacesSource *m_places;
    QHttpServer m_http;
    QTcpServer *m_listener = nullptr; // owned by m_http once listening
};

} // namespace Herd
