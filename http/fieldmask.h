// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Herd {

// A Google field mask, as a client sends it in X-Goog-FieldMask: paths into
// the answer, comma-separated ("places.displayName,places.location"). A path
// keeps its member whole ("places.displayName") or only part of it
// ("places.displayName.text"); "*" keeps everything from where it stands.
// Arrays are looked through: "places.id" keeps the id of every place.
class FieldMask
{
public:
    // Null, with the reason in *error, for text that is not a mask: empty, or
    // a path with an empty or malformed name ("places..id", "places.id!").
    static std::optional<FieldMask> parse(const QString &text, QString *error);

    // The first name of every path ("places" for "places.id"; "*" for "*").
    QStringList roots() const;

    // `object` with only the members the mask selects. A path to a member
    // that `object` lacks selects nothing, as Google leaves out what a place
    // does not have.
    QJsonObject apply(const QJsonObject &object) const;

private:
    QList<QStringList> m_paths; // each split at its dots
};

} // namespace Herd
