// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace Herd {

struct HerdConfig;

// The first line of a recording (docs/recording.md): what ran, and this
// process's clock at the start, so files from several processes can be
// merged and their clocks compared.
struct RecordingHeader
{
    static constexpr int Version = 1;

    QByteArray herdJson;    // the herd file as run (HerdConfig::toJson()), compact
    QString herdVersion;    // Herd's version, "1.2.0"
    qint64 startNs = 0;     // wall clock at the start, ns since the POSIX epoch
    qint64 monotonicNs = 0; // the monotonic clock read at the same moment
    QStringList nodes;      // the nodes this process ran

    // The header now: both clocks read, the rest as given. A peer secret
    // written in the herd file is left out (a secret never reaches a file
    // Herd writes); the name of the variable that holds one is kept.
    static RecordingHeader now(const HerdConfig &herd, const QString &herdVersion, const QStringList &nodes);
    // One JSON object and "\n".
    QByteArray toLine() const;
    // Null, with a reason, if `line` is not a header this version can read.
    static std::optional<RecordingHeader> fromLine(QByteArrayView line, QString *error);
};

} // namespace Herd
