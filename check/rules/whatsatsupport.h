// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

#include "check/verdict.h"

namespace Herd {
struct NodeConfig;
}

namespace Herd::Check {

class CheckContext;

// What the whatsat.* and input.* rules share: a client placed where its
// places are known, a WHATSAT reply cut into its parts, and the places a
// correct reply lists.

// A position as an IAMAT writes it, and as numbers.
struct Spot
{
    QByteArray position;
    double latitude = 0;
    double longitude = 0;
};
// UCLA: 15 places within 10 km, 16 within 10.5871263 km, none within 1 km.
inline const Spot Westwood {"+34.068930-118.445127", 34.068930, -118.445127};
// South and east: both signs the other way.
inline const Spot Sydney {"-33.8688+151.2093", -33.8688, 151.2093};

// A client the node now holds, and the AT line it replied to the IAMAT.
struct KnownClient
{
    QString client;
    QByteArray atLine;
};
// Sends "IAMAT <a new client> <position> <time>" (the time: now, unless
// given) on a connection of its own. Nothing, with *failure set, unless
// the reply is an AT line about that client.
std::optional<KnownClient> placeClient(CheckContext &context, const NodeConfig &node, const QString &hint,
                                       const QByteArray &position, Verdict *failure,
                                       const QByteArray &time = {});

// A WHATSAT reply in its parts.
struct WhatsatReply
{
    QByteArray atLine;  // the first line, without "\n"
    QByteArray json;    // what follows it, up to the first empty line
    QByteArray rest;    // what follows that empty line
    bool ended = false; // an empty line ended the JSON
};
WhatsatReply splitWhatsatReply(const QByteArray &bytes);

// The JSON object of the reply to "WHATSAT <client> <radius> <bound>",
// asked on a connection of its own; nothing, with *failure set, if the
// reply is not an AT line and a JSON object.
std::optional<QJsonObject> askPlaces(CheckContext &context, const NodeConfig &node, const QString &client,
                                     const QByteArray &radius, const QByteArray &bound, Verdict *failure);
// What `answer` lacks of a Nearby Search answer's shape, e.g.
// "results[2].geometry.location.lat is not a number"; empty if nothing.
QString shapeProblem(const QJsonObject &answer);

// The answer the checker's own places give: what a correct node lists.
QJsonObject expectedPlaces(const CheckContext &context, const Spot &spot, double radiusKm, int bound);
// "3 places (status OK): Bel Air, Westwood, Century City"
QString describePlaces(const QJsonObject &answer);
// How `got` differs from `expected` in its places (by place_id, in
// order) and its status, e.g. "missing Ladera Heights"; empty if not.
QString placesDifference(const QJsonObject &expected, const QJsonObject &got);

} // namespace Herd::Check
