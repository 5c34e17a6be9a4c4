// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/record/recordingheader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <time.h>

#include "herd/config/herdconfig.h"
#include "herd/log/logexport.h"
#include "herd/wire/clock.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

constexpr auto FormatName = "herd-recording"_L1;

} // namespace

RecordingHeader RecordingHeader::now(const HerdConfig &herd, const QString &herdVersion,
                                     const QStringList &nodes)
{
    HerdConfig withoutSecret = herd;
    if (withoutSecret.peerSecretEnv.isEmpty())
        withoutSecret.peerSecret.clear();
    RecordingHeader header;
    header.herdJson = QJsonDocument::fromJson(withoutSecret.toJson()).toJson(QJsonDocument::Compact);
    header.herdVersion = herdVersion;
    header.nodes = nodes;
    header.startNs = wallClockNs();
    timespec monotonic {};
    ::clock_gettime(CLOCK_MONOTONIC, &monotonic);
    header.monotonicNs = qint64(monotonic.tv_sec) * 1'000'000'000 + monotonic.tv_nsec;
    return header;
}

QByteArray RecordingHeader::toLine() const
{
    QJsonObject object;
    object.insert("format"_L1, FormatName);
    object.insert("version"_L1, Version);
    object.insert("herdVersion"_L1, herdVersion);
    object.insert("start"_L1, QString::fromLatin1(isoTimeNs(startNs)));
    object.insert("startNs"_L1, startNs);
    object.insert("monotonicNs"_L1, monotonicNs);
    object.insert("nodes"_L1, QJsonArray::fromStringList(nodes));
    object.insert("herd"_L1, QJsonDocument::fromJson(herdJson).object());
    return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
}

std::optional<RecordingHeader> RecordingHeader::fromLine(QByteArrayView line, QString *error)
{
    auto fail = [error](const QString &reason) -> std::optional<RecordingHeader> {
        if (error)
            *error = reason;
        return std::nullopt;
    };
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line.toByteArray(), &parseError);
    const QJsonObject object = document.object();
    if (!document.isObject() || object.value("format"_L1).toString() != FormatName)
        return fail(u"not a Herd recording (its first line is no \"format\": \"herd-recording\" header)"_s);
    const int version = object.value("version"_L1).toInt();
    if (version != Version)
        return fail(u"recording format version %1; this Herd reads version %2"_s.arg(version).arg(Version));
    RecordingHeader header;
    header.herdVersion = object.value("herdVersion"_L1).toString();
    header.startNs = object.value("startNs"_L1).toInteger();
    header.monotonicNs = object.value("monotonicNs"_L1).toInteger();
    for (const QJsonValue node : object.value("nodes"_L1).toArray())
        header.nodes.append(node.toString());
    header.herdJson = QJsonDocument(object.value("herd"_L1).toObject()).toJson(QJsonDocument::Compact);
    return header;
}

} // namespace Herd
