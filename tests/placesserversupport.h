// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

#include "herd/places/placessource.h"
#include "http/placesserver.h"
#include "tests/httpclient.h"

// Helpers for the places server's suite: Google's request and answer
// formats written out independently of the server's code (so the formats
// themselves are checked), and a source that answers when the test says.
namespace PlacesServerSupport {

// A searchNearby body: a circle and, unless undefined, a maxResultCount.
QByteArray nearbyBody(double latitude, double longitude, double metres,
                      const QJsonValue &count = QJsonValue::Undefined);

// The Places API (New) place for one legacy result, every field.
QJsonObject expectedPlace(const QJsonObject &result);

// Google's error JSON, {"error": {"code": ..., "message": ..., "status": ...}}:
// the inner object.
QJsonObject googleError(const Herd::Test::HttpReply &reply);

// A source that holds every search until the test answers it: one that
// answers later, as GooglePlaces does, with no timer involved.
class HeldPlaces final : public Herd::PlacesSource
{
public:
    QString description() const override;
    void search(const Herd::PlacesQuery &query, Callback done) override;
    qsizetype held() const { return m_held.size(); }
    // Answers the oldest search held.
    void answerFirst(const QJsonObject &answer);

private:
    QList<Callback> m_held;
};

// A places server of its own over held places.
struct HeldServer
{
    HeldPlaces places;
    Herd::PlacesServer server {&places};
};

} // namespace PlacesServerSupport
