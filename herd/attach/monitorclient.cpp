// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/attach/monitorclient.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <algorithm>

#include "herd/record/eventlines.h"
#include "herd/wire/clock.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

// Events held while the first state is on its way; a process this busy is
// better read again than followed late.
constexpr qsizetype MaxHeldEvents = 100'000;

int statusOf(const QNetworkReply *reply)
{
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

// Stops `reply` without hearing of it again.
void drop(QNetworkReply *reply)
{
    if (!reply)
        return;
    reply->disconnect();
    reply->abort();
    reply->deleteLater();
}

} // namespace

MonitorClient::MonitorClient(const QString &address, const QByteArray &token, QObject *parent)
    : QObject(parent)
    , m_address(address)
    , m_token(token)
    , m_base(u"http://"_s + address)
{
    // The monitor is reached directly, never through a proxy the environment names.
    m_network.setProxy(QNetworkProxy::NoProxy);
    m_headersTimer.setSingleShot(true);
    m_headersTimer.setInterval(RequestTimeoutMs);
    connect(&m_headersTimer, &QTimer::timeout, this,
            [this] { lose(u"no answer to GET /events in %1 ms"_s.arg(RequestTimeoutMs)); });
    m_pollTimer.setInterval(PollMs);
    connect(&m_pollTimer, &QTimer::timeout, this, [this] { readState(false); });
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &MonitorClient::connectStream);
}

MonitorClient::~MonitorClient()
{
    drop(m_stream);
}

void MonitorClient::start()
{
    connectStream();
}

QNetworkRequest MonitorClient::request(const QString &path, int timeoutMs) const
{
    QUrl url = m_base;
    url.setPath(path);
    QNetworkRequest request(url);
    request.setTransferTimeout(timeoutMs);
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token);
    return request;
}

void MonitorClient::connectStream()
{
    drop(m_stream);
    m_streamBuffer.clear();
    m_message.clear();
    m_messageEvent.clear();
    m_held.clear();
    m_stateRequested = false;
    ++m_session;
    // No transfer timeout: a quiet herd sends nothing for as long as it likes.
    m_stream = m_network.get(request(u"/events"_s, 0));
    m_headersTimer.start();
    connect(m_stream, &QNetworkReply::metaDataChanged, this, [this] {
        m_headersTimer.stop();
        if (statusOf(m_stream) != 200)
            return lose(u"GET /events answered %1"_s.arg(statusOf(m_stream)));
        readState(true);
    });
    connect(m_stream, &QNetworkReply::readyRead, this, &MonitorClient::readStream);
    connect(m_stream, &QNetworkReply::finished, this, [this] {
        lose(m_stream->error() == QNetworkReply::NoError ? u"the event stream ended"_s
                                                         : m_stream->errorString());
    });
}

void MonitorClient::readStream()
{
    m_streamBuffer += m_stream->readAll();
    qsizetype start = 0;
    for (qsizetype end = m_streamBuffer.indexOf('\n'); end >= 0; end = m_streamBuffer.indexOf('\n', start)) {
        const QByteArrayView line = QByteArrayView(m_streamBuffer).sliced(start, end - start);
        start = end + 1;
        if (line.isEmpty()) {
            if (!m_message.isEmpty())
                dispatch(m_message, m_messageEvent == "dropped");
            m_message.clear();
            m_messageEvent.clear();
            if (!m_stream)
                return; // lost while dispatching
        } else if (line.startsWith("data:")) {
            m_message += line.sliced(5).trimmed();
        } else if (line.startsWith("event:")) {
            m_messageEvent = line.sliced(6).trimmed().toByteArray();
        }
        // Anything else is a comment (": ...") or a field Herd never sends.
    }
    m_streamBuffer.remove(0, start);
}

void MonitorClient::dispatch(const QByteArray &data, bool dropped)
{
    if (dropped)
        return lose(u"the monitor dropped this reader: "_s + QString::fromUtf8(data));
    const std::optional<Event> event = eventFromJsonLine(data, nullptr);
    if (!event)
        return; // not an event of ours: nothing to show
    if (m_connected)
        emit eventReceived(*event);
    else if (m_held.size() < MaxHeldEvents)
        m_held.append(*event);
    else
        lose(u"more than %1 events before the state was read"_s.arg(MaxHeldEvents));
}

void MonitorClient::readState(bool fresh)
{
    if (m_stateRequested)
        return;
    m_stateRequested = true;
    const qint64 sentNs = wallClockNs();
    QNetworkReply *reply = m_network.get(request(u"/state"_s, RequestTimeoutMs));
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, sentNs, fresh, session = m_session] { onState(reply, sentNs, fresh, session); });
}

void MonitorClient::onState(QNetworkReply *reply, qint64 sentNs, bool fresh, quint64 session)
{
    const qint64 receivedNs = wallClockNs();
    reply->deleteLater();
    if (session != m_session || !m_stream)
        return; // lost meanwhile: the answer is of no use
    m_stateRequested = false;
    if (reply->error() != QNetworkReply::NoError)
        return lose(u"GET /state: "_s + reply->errorString());
    QString error;
    const std::optional<ProcessState> state = ProcessState::fromJson(reply->readAll(), &error);
    if (!state)
        return lose(u"GET /state: "_s + error);
    m_clock.addProbe(sentNs, state->timeNs, receivedNs);
    emit stateRead(*state, fresh);
    if (!fresh || m_connected)
        return;
    m_connected = true;
    m_lastError.clear();
    m_backOffMs = FirstBackOffMs;
    // What the state already shows is not applied twice.
    const QList<Event> held = std::exchange(m_held, {});
    for (const Event &event : held) {
        if (event.timeNs > state->timeNs)
            emit eventReceived(event);
    }
    m_pollTimer.start();
}

void MonitorClient::lose(const QString &why)
{
    drop(std::exchange(m_stream, nullptr));
    // The connections the dropped requests used go back to the manager's
    // cache; to a host that stopped answering (its network cut) they hang
    // until the kernel gives up, minutes on, and the next attempts queue
    // behind them. Flushed, the next attempt connects afresh.
    m_network.clearConnectionCache();
    m_headersTimer.stop();
    m_pollTimer.stop();
    m_connected = false;
    m_held.clear();
    m_lastError = why;
    m_retryTimer.start(m_backOffMs);
    m_backOffMs = std::min(2 * m_backOffMs, MaxBackOffMs);
    emit lost(why);
}

void MonitorClient::control(const QString &action, const QJsonObject &body, ControlDone done)
{
    QNetworkRequest post = request(u"/control/"_s + action, RequestTimeoutMs);
    post.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply *reply = m_network.post(post, QJsonDocument(body).toJson(QJsonDocument::Compact));
    connect(reply, &QNetworkReply::finished, this, [reply, done = std::move(done)] {
        reply->deleteLater();
        done(statusOf(reply), QJsonDocument::fromJson(reply->readAll()).object());
    });
}

} // namespace Herd
