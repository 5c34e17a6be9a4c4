// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>

#include "herd/node/nodesettings.h"

namespace Herd {

struct PlacesSettings
{
    enum class Source { Offline, GeoJson, Google, GoogleNew };
    Source source = Source::Offline;
    QString url;  // Google endpoint; empty: Google's own
    QString file; // GeoJSON points, for Source::GeoJson
    int timeoutMs = 10'000;
};

// How to start a node that Herd did not write, so `herd --check` can kill
// and restart it (docs/check.md). Placeholders such as {name} and {port}
// stay as written; the checker fills them in.
struct RunSpec
{
    QStringList command; // the program, then its arguments
    QString cwd;         // empty: the herd file's folder; relative: from it
    QList<std::pair<QString, QString>> env;

    bool operator==(const RunSpec &) const = default;
};

struct NodeConfig
{
    QString name;
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 0;
    std::optional<std::pair<double, double>> position; // where the GUI draws it
    // Speaks only docs/protocol.md (a course server, say): neighbours send it AT
    // lines and nothing else. Herd nodes also speak the resync lines.
    bool plain = false;
    std::optional<RunSpec> run;
    // "monitor": "ADDR:PORT", where the monitor of the process running this
    // node listens (docs/monitor.md); empty: none named.
    QString monitor;
};

// A herd file (see README): nodes, two-way links, places and limits. Every
// load error names the key, node or link at fault.
struct HerdConfig
{
    QString name;
    QList<NodeConfig> nodes;
    QList<std::pair<QString, QString>> links;
    PlacesSettings places;
    qsizetype maxLineBytes = NodeSettings {}.maxLineBytes;
    int maxConnections = NodeSettings {}.maxConnections;
    int idleTimeoutMs = NodeSettings {}.idleTimeoutMs;
    qsizetype maxPendingReplyBytes = NodeSettings {}.maxPendingReplyBytes;
    int maxWhatsatPerConnection = NodeSettings {}.maxWhatsatPerConnection;
    int maxWhatsatPerNode = NodeSettings {}.maxWhatsatPerNode;
    qint64 maxClientTimeAheadMs = NodeSettings {}.maxClientTimeAheadMs;
    int reconnectInitialMs = NodeSettings {}.reconnectInitialMs;
    int reconnectMaxMs = NodeSettings {}.reconnectMaxMs;
    // Off: the course's behaviour, where a node that missed updates while
    // down or cut off never learns them.
    bool resync = NodeSettings {}.resync;
    int antiEntropyMs = NodeSettings {}.antiEntropyMs;
    // "auth": the shared secret, given in the file or read at load from the
    // environment variable named by secretEnv (kept, so a save writes the
    // name, not the secret).
    QByteArray peerSecret;
    QString peerSecretEnv;
    // "monitor": {"tokenEnv": "VARIABLE"}: the bearer token of the
    // processes' monitors (docs/monitor.md), read at load from the
    // environment like auth's secretEnv; a save writes the name only.
    QByteArray monitorToken;
    QString monitorTokenEnv;

    static std::optional<HerdConfig> fromJson(const QByteArray &json, QString *error);
    static std::optional<HerdConfig> fromFile(const QString &path, QString *error);
    // Built-in herds, by lower-case name ("alford", "blake", ...).
    static QStringList presetNames();
    static std::optional<HerdConfig> preset(const QString &name, QString *error);
    static QString defaultPreset() { return QStringLiteral("alford"); }

    QByteArray toJson() const;
    const NodeConfig *node(const QString &name) const;
    QStringList nodeNames() const;
    // True if every one of `names` is a node of the herd; else false, with
    // the first that is not named in *error beside the herd's nodes.
    bool hasNodes(const QStringList &names, QString *error) const;
    QStringList neighboursOf(const QString &name) const;
    NodeSettings settingsFor(const NodeConfig &node) const;
};

} // namespace Herd
