// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QString>

#include <optional>
#include <utility>

namespace Herd::Test {

// One HTTP answer, as a test sees it.
struct HttpReply
{
    int status = 0;
    QByteArray body;
    QList<QNetworkReply::RawHeaderPair> headers;

    QJsonObject json() const;
};

// An HTTP client for tests of Herd's HTTP endpoints: any method, raw
// headers. Waits run the event loop until the answer is in or a deadline
// passes (QTest::qWaitFor); none sleeps, so a server living in the same
// thread keeps working while the test waits.
class HttpClient
{
public:
    using Headers = QList<std::pair<QByteArray, QByteArray>>;

    // send() and finish() apart: for a test that acts while the request is
    // out (answers a search the server's source holds, say).
    QNetworkReply *send(const QByteArray &method, const QString &url, const QByteArray &body = {},
                        const Headers &headers = {});
    // Takes `reply`; null if it did not finish within `timeoutMs`.
    static std::optional<HttpReply> finish(QNetworkReply *reply, int timeoutMs = 5000);

    std::optional<HttpReply> request(const QByteArray &method, const QString &url,
                                     const QByteArray &body = {}, const Headers &headers = {})
    {
        return finish(send(method, url, body, headers));
    }

private:
    QNetworkAccessManager m_network;
};

} // namespace Herd::Test
