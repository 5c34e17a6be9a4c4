// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QString>
#include <QUrl>

#include "herd/places/placessource.h"

class QNetworkAccessManager;
class QNetworkReply;

namespace Herd {

// The two Google web services that can answer a WHATSAT.
enum class GoogleApi {
    Legacy,   // Places API Nearby Search: GET .../nearbysearch/json?location=&radius=&key=
    PlacesNew // Places API (New): POST .../v1/places:searchNearby, JSON body, field mask
};

struct GooglePlacesOptions
{
    GoogleApi api = GoogleApi::Legacy;
    QString key;            // may be empty (a test server or a proxy); then none is sent
    QUrl url;               // empty: Google's own endpoint for `api`
    int timeoutMs = 10'000; // whole request, connect to last byte
};

// A PlacesSource that asks Google over HTTPS, asynchronously: many searches
// may be in flight, each `done` is called exactly once, later, from the event
// loop, always with a legacy-shaped object (PlacesSource). Failures (HTTP
// error, refused connection, timeout, a body that is not a JSON object) become
//   {"html_attributions": [], "results": [], "status": S, "error_message": M}
// with S = REQUEST_DENIED (401/403), OVER_QUERY_LIMIT (429), INVALID_REQUEST
// (400) or UNKNOWN_ERROR. A legacy answer with its own non-OK status is
// passed through. Places API (New) answers are converted to the legacy shape.
//
// The key is a secret: it is never put in description(), an error_message or
// a log line (an upstream message that echoes it gets it masked).
//
// Destroying the source aborts every search in flight WITHOUT calling their
// `done`: the owner is going away, and its callbacks likely point into it.
// `done` must not delete the source directly (deleteLater() is fine): it runs
// inside a signal of a reply the source owns.
//
// Thread affinity: the creating thread.
class GooglePlaces final : public PlacesSource
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GooglePlaces)

public:
    explicit GooglePlaces(GooglePlacesOptions options, QObject *parent = nullptr);
    ~GooglePlaces() override;

    QString description() const override;
    void search(const PlacesQuery &query, Callback done) override;

    GoogleApi api() const { return m_options.api; }
    QUrl url() const { return m_options.url; } // may hold a key in its query: never log it
    int timeoutMs() const { return m_options.timeoutMs; }

    static QUrl defaultUrl(GoogleApi api);

    // The key from the environment: HERD_PLACES_KEY, or else
    // GOOGLE_PLACES_API_KEY; empty if neither is set. Surrounding white space
    // is dropped (a key pasted into a shell file often carries a newline).
    static QString keyFromEnvironment();

    // The legacy answer for a Places API (New) searchNearby answer: results
    // with geometry.location, name, place_id, types, vicinity; status OK, or
    // ZERO_RESULTS when "places" is empty or missing. At most `bound` results.
    static QJsonObject legacyFromPlacesNew(const QJsonObject &answer, int bound);

private:
    struct Pending
    {
        Callback done;
        int bound = 0;
        QString abortReason; // set when we abort the reply ourselves
    };

    QNetworkReply *sendLegacy(const PlacesQuery &query);
    QNetworkReply *sendPlacesNew(const PlacesQuery &query);
    void finish(QNetworkReply *reply);
    void abortWith(QNetworkReply *reply, const QString &reason);
    QJsonObject answerFor(QNetworkReply *reply, const Pending &pending) const;
    QJsonObject failure(const QString &status, const QString &message) const;
    QString hideKey(QString text) const;

    GooglePlacesOptions m_options;
    QNetworkAccessManager *m_network = nullptr; // owned (child)
    QHash<QNetworkReply *, Pending> m_pending;  // replies owned by m_network
};

} // namespace Herd
