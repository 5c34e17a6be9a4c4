// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/placesserversupport.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace PlacesServerSupport {

QByteArray nearbyBody(double latitude, double longitude, double metres, const QJsonValue &count)
{
    const QJsonObject center {{u"latitude"_s, latitude}, {u"longitude"_s, longitude}};
    const QJsonObject circle {{u"center"_s, center}, {u"radius"_s, metres}};
    QJsonObject body {{u"locationRestriction"_s, QJsonObject {{u"circle"_s, circle}}}};
    if (!count.isUndefined())
        body.insert(u"maxResultCount"_s, count);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QJsonObject expectedPlace(const QJsonObject &result)
{
    const QString id = result["place_id"_L1].toString();
    const QJsonObject location = result["geometry"_L1]["location"_L1].toObject();
    return QJsonObject {
        {u"id"_s, id},
        {u"name"_s, QString(u"places/"_s + id)},
        {u"displayName"_s, QJsonObject {{u"text"_s, result["name"_L1]}, {u"languageCode"_s, u"en"_s}}},
        {u"location"_s,
         QJsonObject {{u"latitude"_s, location["lat"_L1]}, {u"longitude"_s, location["lng"_L1]}}},
        {u"types"_s, result["types"_L1]},
        {u"formattedAddress"_s, result["vicinity"_L1]},
        {u"shortFormattedAddress"_s, result["vicinity"_L1]},
    };
}

QJsonObject googleError(const Herd::Test::HttpReply &reply)
{
    return reply.json().value("error"_L1).toObject();
}

QString HeldPlaces::description() const
{
    return u"held (test)"_s;
}

void HeldPlaces::search(const Herd::PlacesQuery &, Callback done)
{
    m_held.append(std::move(done));
}

void HeldPlaces::answerFirst(const QJsonObject &answer)
{
    m_held.takeFirst()(answer);
}

} // namespace PlacesServerSupport
