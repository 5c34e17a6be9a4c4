// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QTcpServer>
#include <QUrl>
#include <QUrlQuery>

#include <functional>

class QTcpSocket;

namespace Herd {

// One HTTP request as the fake saw it.
struct FakeRequest
{
    QByteArray method;                     // "GET", "POST"
    QByteArray target;                     // path and query, as sent: "/json?location=..."
    QHash<QByteArray, QByteArray> headers; // names lower-cased
    QByteArray body;

    QByteArray path() const { return target.left(target.indexOf('?')); }
    QUrlQuery query() const { return QUrlQuery(QUrl::fromEncoded("http://x" + target)); }
    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
};

// What the fake does with a request.
struct FakeResponse
{
    enum class Kind {
        Http,    // a normal HTTP/1.1 answer, then close
        Silent,  // never answer (timeouts); the connection stays open
        Garbage, // bytes that are not HTTP, then close
    };
    Kind kind = Kind::Http;
    int status = 200;
    QByteArray body;
    QByteArray contentType = "application/json";
};

// A tiny HTTP/1.1 server on 127.0.0.1 with an ephemeral port, for tests that
// must not touch the real network: it records every request and answers each
// as its responder says (setResponse() for a fixed answer). Every answer
// carries "Connection: close", so one connection serves one request.
// Request bodies are read by Content-Length (no chunked uploads).
//
// Owns its sockets; destroying it drops every connection.
class FakeGoogle final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FakeGoogle)

public:
    using Responder = std::function<FakeResponse(const FakeRequest &request)>;

    explicit FakeGoogle(QObject *parent = nullptr);
    ~FakeGoogle() override;

    bool listen(); // false if no port could be had
    quint16 port() const { return m_server.serverPort(); }
    QUrl url(const QString &path) const; // "http://127.0.0.1:<port><path>"

    void setResponder(Responder responder) { m_responder = std::move(responder); }
    void setResponse(const FakeResponse &response);
    void setResponse(int status, const QByteArray &body);

    const QList<FakeRequest> &requests() const { return m_requests; }
    void clearRequests() { m_requests.clear(); }
    int openConnections() const { return int(m_buffers.size()); }

signals:
    void requestReceived(int index); // index into requests()

private:
    void accept();
    void readFrom(QTcpSocket *socket);
    void answer(QTcpSocket *socket, const FakeRequest &request);

    QTcpServer m_server;
    Responder m_responder;
    QList<FakeRequest> m_requests;
    QHash<QTcpSocket *, QByteArray> m_buffers; // sockets are children of this
};

} // namespace Herd
