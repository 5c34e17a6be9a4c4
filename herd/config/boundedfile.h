// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace Herd {

// The most a file a user names may hold. Herd files and scenarios are a few
// KiB; a GeoJSON file of a million points is about 150 MiB.
constexpr qint64 MaxHerdFileBytes = 16 * 1024 * 1024;    // herd files, scenarios
constexpr qint64 MaxPlacesFileBytes = 256 * 1024 * 1024; // GeoJSON places

// The whole of a file a user named (a herd file, a scenario, GeoJSON
// points), or null with `error` set to "PATH: cannot read: REASON". Refuses
// what would never end: anything but a regular file ("not a regular file
// (a named pipe)": opening a pipe with no writer blocks forever, and
// /dev/zero grows until memory runs out), and more than `maxBytes`
// ("larger than 16 MiB"), even when the file grows while it is read. The
// type is checked before the file is opened, so a pipe or a device is never
// opened at all. Qt resources (":/herds/alford.json") are read through
// QFile, under the same cap.
std::optional<QByteArray> readBoundedFile(const QString &path, qint64 maxBytes, QString *error);

} // namespace Herd
