// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/fakegoogle.h"

#include <QHostAddress>
#include <QTcpSocket>

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

// A request head larger than this is a broken client: drop it rather than buffer.
constexpr qsizetype MaxHeadBytes = 64 * 1024;

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

} // namespace

FakeGoogle::FakeGoogle(QObject *parent)
    : QObject(parent)
{
    setResponse(200, R"({"html_attributions":[],"results":[],"status":"ZERO_RESULTS"})");
    connect(&m_server, &QTcpServer::newConnection, this, &FakeGoogle::accept);
}

FakeGoogle::~FakeGoogle()
{
    // The sockets' disconnected() must not reach a half-destroyed fake.
    for (QTcpSocket *socket : m_buffers.keys())
        socket->disconnect(this);
}

bool FakeGoogle::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

QUrl FakeGoogle::url(const QString &path) const
{
    QUrl url;
    url.setScheme(u"http"_s);
    url.setHost(u"127.0.0.1"_s);
    url.setPort(port());
    url.setPath(path);
    return url;
}

void FakeGoogle::setResponse(const FakeResponse &response)
{
    m_responder = [response](const FakeRequest &) { return response; };
}

void FakeGoogle::setResponse(int status, const QByteArray &body)
{
    FakeResponse response;
    response.status = status;
    response.body = body;
    setResponse(response);
}

void FakeGoogle::accept()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        socket->setParent(this);
        m_buffers.insert(socket, {});
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { readFrom(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_buffers.remove(socket);
            socket->deleteLater();
        });
    }
}

void FakeGoogle::readFrom(QTcpSocket *socket)
{
    QByteArray &buffer = m_buffers[socket];
    buffer += socket->readAll();

    const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
    if (headEnd < 0) {
        if (buffer.size() > MaxHeadBytes)
            socket->abort();
        return;
    }
    FakeRequest request;
    const QList<QByteArray> lines = buffer.left(headEnd).split('\n');
    const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
    request.method = first.value(0);
    request.target = first.value(1);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            request.headers.insert(lines[i].left(colon).trimmed().toLower(),
                                   lines[i].mid(colon + 1).trimmed());
    }
    const qsizetype length = request.headers.value("content-length").toLongLong();
    if (buffer.size() < headEnd + 4 + length)
        return; // the rest of the body is still on its way
    request.body = buffer.mid(headEnd + 4, length);
    buffer.clear();

    m_requests.append(request);
    emit requestReceived(int(m_requests.size() - 1));
    answer(socket, request);
}

void FakeGoogle::answer(QTcpSocket *socket, const FakeRequest &request)
{
    const FakeResponse response = m_responder(request);
    switch (response.kind) {
    case FakeResponse::Kind::Silent:
        return;
    case FakeResponse::Kind::Garbage:
        socket->write("\x01\x02 this is not HTTP at all \xff\xfe\r\n\r\n");
        break;
    case FakeResponse::Kind::Http:
        socket->write("HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status)
                      + "\r\n" + "Content-Type: " + response.contentType + "\r\n"
                      + "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n"
                      + "Connection: close\r\n\r\n" + response.body);
        break;
    }
    socket->disconnectFromHost(); // flushes first
}

} // namespace Herd
