// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/places/googleplaces.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QLoggingCategory>
#include <QMetaEnum>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <QUrlQuery>

#include "herd/places/placesjson.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

Q_LOGGING_CATEGORY(lcGooglePlaces, "herd.places.google")

// Google answers a nearby search in tens of kilobytes; anything far larger is
// not an answer, and must not grow our memory.
constexpr qint64 MaxReplyBytes = 8 * 1024 * 1024;

// The Places API (New) bills by field: ask only for what legacyFromPlacesNew() reads.
constexpr auto FieldMask =
    "places.id,places.displayName,places.location,places.types,places.shortFormattedAddress";

// Whole millimetres: "10587.126" for 10.5871263 km, never "10587.126300000001".
qint64 radiusMillimetres(double km)
{
    return qMax<qint64>(1, qRound64(km * 1'000'000));
}

QString metresText(qint64 mm)
{
    QString text = QString::number(mm / 1000);
    if (const qint64 fraction = mm % 1000) {
        QString digits = QString::number(fraction).rightJustified(3, u'0');
        while (digits.endsWith(u'0'))
            digits.chop(1);
        text += u'.' + digits;
    }
    return text;
}

// Plain decimals: Google does not promise to read "1e-05" in a location.
QString degreesText(double degrees)
{
    return QString::number(degrees, 'f', QLocale::FloatingPointShortest);
}

QString statusForHttp(int code)
{
    switch (code) {
    case 400:
        return u"INVALID_REQUEST"_s;
    case 401:
    case 403:
        return u"REQUEST_DENIED"_s;
    case 429:
        return u"OVER_QUERY_LIMIT"_s;
    default:
        return u"UNKNOWN_ERROR"_s;
    }
}

// Our own words, never QNetworkReply::errorString(): Qt's text for HTTP
// errors quotes the whole URL, query and key included.
QString networkErrorText(QNetworkReply::NetworkError error)
{
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
        return u"connection refused"_s;
    case QNetworkReply::RemoteHostClosedError:
        return u"connection closed by upstream"_s;
    case QNetworkReply::HostNotFoundError:
        return u"host not found"_s;
    case QNetworkReply::TimeoutError:
        return u"network timeout"_s;
    case QNetworkReply::SslHandshakeFailedError:
        return u"TLS handshake failed"_s;
    case QNetworkReply::ProtocolFailure:
        return u"malformed HTTP reply"_s;
    default:
        return QString::fromLatin1(QMetaEnum::fromType<QNetworkReply::NetworkError>().valueToKey(error));
    }
}

QString upstreamName(const QUrl &url)
{
    return url.port() < 0 ? url.host() : url.host() + u':' + QString::number(url.port());
}

// The reason an upstream gives in an error body: legacy "error_message", or
// the Places API (New) {"error": {"message": ...}}.
QString upstreamMessage(const QByteArray &body)
{
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    const QString legacy = object.value("error_message"_L1).toString();
    return legacy.isEmpty() ? object.value("error"_L1).toObject().value("message"_L1).toString() : legacy;
}

QJsonObject convertPlace(const QJsonObject &place)
{
    QJsonObject result {
        {u"name"_s, place.value("displayName"_L1).toObject().value("text"_L1).toString()},
        {u"place_id"_s, place.value("id"_L1).toString()},
        {u"types"_s, place.value("types"_L1).toArray()},
        {u"vicinity"_s, place.value("shortFormattedAddress"_L1).toString()},
    };
    const QJsonValue location = place.value("location"_L1);
    if (location.isObject()) {
        const QJsonObject latLng {
            {u"lat"_s, location["latitude"_L1].toDouble()},
            {u"lng"_s, location["longitude"_L1].toDouble()},
        };
        result.insert(u"geometry"_s, QJsonObject {{u"location"_s, latLng}});
    }
    return result;
}

} // namespace

GooglePlaces::GooglePlaces(GooglePlacesOptions options, QObject *parent)
    : PlacesSource(parent)
    , m_options(std::move(options))
    , m_network(new QNetworkAccessManager(this))
{
    if (m_options.url.isEmpty())
        m_options.url = defaultUrl(m_options.api);
    if (m_options.timeoutMs <= 0)
        m_options.timeoutMs = GooglePlacesOptions {}.timeoutMs;
}

GooglePlaces::~GooglePlaces()
{
    // Silence before abort: abort() emits finished(), and `done` must not
    // run against an owner that is being torn down.
    const auto replies = m_pending.keys();
    m_pending.clear();
    for (QNetworkReply *reply : replies) {
        reply->disconnect(this);
        reply->abort();
        delete reply;
    }
}

QString GooglePlaces::description() const
{
    const QString flavour = m_options.api == GoogleApi::Legacy ? u"Nearby Search"_s : u"Places API (New)"_s;
    const QString where =
        m_options.url.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment);
    const QString key = m_options.key.isEmpty() ? u"no key"_s : u"key set"_s;
    return hideKey(u"Google "_s + flavour + u" at "_s + where + u", "_s + key);
}

QUrl GooglePlaces::defaultUrl(GoogleApi api)
{
    return api == GoogleApi::Legacy ? QUrl(u"https://maps.googleapis.com/maps/api/place/nearbysearch/json"_s)
                                    : QUrl(u"https://places.googleapis.com/v1/places:searchNearby"_s);
}

QString GooglePlaces::keyFromEnvironment()
{
    QString key = qEnvironmentVariable("HERD_PLACES_KEY").trimmed();
    if (key.isEmpty())
        key = qEnvironmentVariable("GOOGLE_PLACES_API_KEY").trimmed();
    return key;
}

void GooglePlaces::search(const PlacesQuery &query, Callback done)
{
    QNetworkReply *reply = m_options.api == GoogleApi::Legacy ? sendLegacy(query) : sendPlacesNew(query);
    m_pending.insert(reply, Pending {std::move(done), query.bound, {}});

    connect(reply, &QNetworkReply::finished, this, [this, reply] { finish(reply); });
    connect(reply, &QNetworkReply::downloadProgress, this, [this, reply](qint64 received) {
        if (received > MaxReplyBytes)
            abortWith(reply, u"reply larger than %1 bytes"_s.arg(MaxReplyBytes));
    });
    // Our own deadline rather than setTransferTimeout(): that one only fires
    // when no byte moves, so a server that drips would hold a search forever.
    auto *deadline = new QTimer(reply);
    deadline->setSingleShot(true);
    connect(deadline, &QTimer::timeout, this,
            [this, reply] { abortWith(reply, u"timed out after %1 ms"_s.arg(m_options.timeoutMs)); });
    deadline->start(m_options.timeoutMs);

    // Defensive: should a reply ever come back finished, finished() is gone.
    if (reply->isFinished())
        QMetaObject::invokeMethod(
            this, [this, reply] { finish(reply); }, Qt::QueuedConnection);
}

QNetworkReply *GooglePlaces::sendLegacy(const PlacesQuery &query)
{
    QUrl url = m_options.url;
    QUrlQuery params(url);
    params.addQueryItem(u"location"_s, degreesText(query.latitude) + u',' + degreesText(query.longitude));
    params.addQueryItem(u"radius"_s, metresText(radiusMillimetres(query.radiusKm)));
    if (!m_options.key.isEmpty())
        params.addQueryItem(u"key"_s, QString::fromLatin1(QUrl::toPercentEncoding(m_options.key)));
    url.setQuery(params);
    return m_network->get(QNetworkRequest(url));
}

QNetworkReply *GooglePlaces::sendPlacesNew(const PlacesQuery &query)
{
    QNetworkRequest request(m_options.url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    if (!m_options.key.isEmpty())
        request.setRawHeader("X-Goog-Api-Key", m_options.key.toUtf8());
    request.setRawHeader("X-Goog-FieldMask", FieldMask);

    const QJsonObject center {{u"latitude"_s, query.latitude}, {u"longitude"_s, query.longitude}};
    const double metres = double(radiusMillimetres(query.radiusKm)) / 1000;
    const QJsonObject circle {{u"center"_s, center}, {u"radius"_s, metres}};
    const QJsonObject body {
        {u"maxResultCount"_s, query.bound},
        {u"locationRestriction"_s, QJsonObject {{u"circle"_s, circle}}},
    };
    return m_network->post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

void GooglePlaces::abortWith(QNetworkReply *reply, const QString &reason)
{
    const auto it = m_pending.find(reply);
    if (it == m_pending.end() || !it->abortReason.isEmpty())
        return;
    it->abortReason = reason;
    reply->abort(); // emits finished(), so finish() answers
}

void GooglePlaces::finish(QNetworkReply *reply)
{
    // Taken out of m_pending: whatever fires next (a late timer, the queued
    // call in search()), `done` runs once.
    if (!m_pending.contains(reply))
        return;
    const Pending pending = m_pending.take(reply);
    reply->disconnect(this);
    reply->deleteLater();

    const QJsonObject answer = answerFor(reply, pending);
    const QString status = answer.value("status"_L1).toString();
    if (status != "OK"_L1 && status != "ZERO_RESULTS"_L1)
        qCDebug(lcGooglePlaces) << "search failed:" << status << answer.value("error_message"_L1).toString();
    pending.done(answer); // last: it may start new searches
}

QJsonObject GooglePlaces::answerFor(QNetworkReply *reply, const Pending &pending) const
{
    if (!pending.abortReason.isEmpty())
        return failure(u"UNKNOWN_ERROR"_s, pending.abortReason);

    const QString upstream = u"upstream "_s + upstreamName(m_options.url);
    const QVariant code = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    const int http = code.isValid() ? code.toInt() : 0;
    const QByteArray body = reply->readAll();
    if (http != 0 && (http < 200 || http > 299)) {
        QString message = u"HTTP %1 %2 from %3"_s.arg(http).arg(
            reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString(), upstream);
        if (const QString why = upstreamMessage(body); !why.isEmpty())
            message += u": "_s + why;
        return failure(statusForHttp(http), message);
    }
    if (reply->error() != QNetworkReply::NoError)
        return failure(u"UNKNOWN_ERROR"_s, upstream + u": "_s + networkErrorText(reply->error()));

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return failure(u"UNKNOWN_ERROR"_s,
                       u"invalid JSON from upstream: %1 at offset %2"_s.arg(parseError.errorString())
                           .arg(parseError.offset));
    if (!document.isObject())
        return failure(u"UNKNOWN_ERROR"_s, u"invalid JSON from upstream: not an object"_s);

    if (m_options.api == GoogleApi::PlacesNew)
        return legacyFromPlacesNew(document.object(), pending.bound);

    QJsonObject answer = document.object();
    if (!answer.value("status"_L1).isString())
        return failure(u"UNKNOWN_ERROR"_s, u"upstream answer has no \"status\""_s);
    if (!answer.value("html_attributions"_L1).isArray())
        answer.insert(u"html_attributions"_s, QJsonArray());
    if (!answer.value("results"_L1).isArray())
        answer.insert(u"results"_s, QJsonArray());
    if (answer.contains("error_message"_L1))
        answer.insert(u"error_message"_s, hideKey(answer.value("error_message"_L1).toString()));
    return trimResults(std::move(answer), pending.bound);
}

QJsonObject GooglePlaces::legacyFromPlacesNew(const QJsonObject &answer, int bound)
{
    QJsonArray results;
    const QJsonArray places = answer.value("places"_L1).toArray();
    for (const QJsonValue &place : places) {
        if (results.size() >= bound)
            break;
        results.append(convertPlace(place.toObject()));
    }
    const QString status = results.isEmpty() ? u"ZERO_RESULTS"_s : u"OK"_s;
    return QJsonObject {
        {u"html_attributions"_s, QJsonArray()},
        {u"results"_s, results},
        {u"status"_s, status},
    };
}

QJsonObject GooglePlaces::failure(const QString &status, const QString &message) const
{
    return QJsonObject {
        {u"html_attributions"_s, QJsonArray()},
        {u"results"_s, QJsonArray()},
        {u"status"_s, status},
        {u"error_message"_s, hideKey(message)},
    };
}

// An upstream may quote the key back (or a custom URL may carry it in its
// path); whatever we pass on or log must not.
QString GooglePlaces::hideKey(QString text) const
{
    if (!m_options.key.isEmpty())
        text.replace(m_options.key, u"<key>"_s);
    return text;
}

} // namespace Herd
