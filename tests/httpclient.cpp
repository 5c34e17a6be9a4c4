// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/httpclient.h"

#include <QJsonDocument>
#include <QNetworkRequest>
#include <QTest>

#include <memory>

namespace Herd::Test {

QJsonObject HttpReply::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QNetworkReply *HttpClient::send(const QByteArray &method, const QString &url, const QByteArray &body,
                                const Headers &headers)
{
    QNetworkRequest request {QUrl(url)};
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    return m_network.sendCustomRequest(request, method, body);
}

std::optional<HttpReply> HttpClient::finish(QNetworkReply *sent, int timeoutMs)
{
    const std::unique_ptr<QNetworkReply> reply(sent);
    if (!QTest::qWaitFor([&reply] { return reply->isFinished(); }, timeoutMs))
        return std::nullopt;
    return HttpReply {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll(),
                      reply->rawHeaderPairs()};
}

} // namespace Herd::Test
