// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/config/herdconfig.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include "herd/config/jsonreader.h"
#include "herd/monitor/listenaddress.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

const QString PresetDir = QStringLiteral(":/herds");
const QString NotAnObject = QStringLiteral("the herd file must hold a JSON object");

bool isValidName(const QString &name)
{
    if (name.isEmpty())
        return false;
    for (const QChar c : name) {
        if (c.isSpace() || c.unicode() < 0x21)
            return false;
    }
    return true;
}

bool readRun(const JsonFields &object, RunSpec *run)
{
    if (!object.onlyKeys({u"command"_s, u"cwd"_s, u"env"_s}))
        return false;
    const QJsonValue command = object.value(u"command"_s);
    const auto wanted = QStringLiteral("must be a non-empty array of strings, the program first, "
                                       "like [\"python3\", \"server.py\", \"{name}\"]");
    if (!command.isArray() || command.toArray().isEmpty())
        return object.fail(u"command"_s, wanted);
    for (const QJsonValue &part : command.toArray()) {
        if (!part.isString())
            return object.fail(u"command"_s, wanted);
        run->command.append(part.toString());
    }
    if (run->command.constFirst().isEmpty())
        return object.fail(u"command"_s, QStringLiteral("the program's name is empty"));
    if (!object.string(u"cwd"_s, &run->cwd))
        return false;
    if (object.has(u"env"_s)) {
        const std::optional<JsonFields> env =
            object.object(u"env"_s, QStringLiteral("{\"PLACES_URL\": \"{places_url}\"}"));
        if (!env)
            return false;
        for (const QString &name : env->keys()) {
            if (name.isEmpty())
                return env->fail({}, QStringLiteral("a variable's name is empty"));
            if (name.contains(u'='))
                return env->fail(name, QStringLiteral("not a valid environment variable name"));
            QString value;
            if (!env->string(name, &value))
                return false;
            run->env.append({name, value});
        }
    }
    return true;
}

bool readNode(const JsonFields &object, NodeConfig *node)
{
    if (!object.onlyKeys({u"host"_s, u"port"_s, u"x"_s, u"y"_s, u"protocol"_s, u"run"_s, u"monitor"_s}))
        return false;
    if (object.has(u"host"_s)) {
        node->host = object.value(u"host"_s).toString();
        if (node->host != u"localhost" && QHostAddress(node->host).isNull())
            return object.fail(u"host"_s,
                               QStringLiteral("\"%1\" is not an IP address or localhost")
                                   .arg(object.value(u"host"_s).toVariant().toString()));
    }
    qint64 port = 0;
    if (!object.integer(u"port"_s, 0, 65535, &port, JsonFields::Required))
        return false;
    node->port = quint16(port);
    if (object.has(u"x"_s) != object.has(u"y"_s))
        return object.fail({}, QStringLiteral("give both \"x\" and \"y\", or neither"));
    if (object.has(u"x"_s)) {
        if (!object.value(u"x"_s).isDouble() || !object.value(u"y"_s).isDouble())
            return object.fail({}, QStringLiteral("\"x\" and \"y\" must be numbers"));
        node->position = std::pair {object.value(u"x"_s).toDouble(), object.value(u"y"_s).toDouble()};
    }
    if (object.has(u"protocol"_s)) {
        const QString protocol = object.value(u"protocol"_s).toString();
        if (protocol != u"herd" && protocol != u"plain")
            return object.fail(u"protocol"_s,
                               QStringLiteral("must be \"herd\" (a Herd node, the default) or \"plain\" "
                                              "(speaks only the course's protocol, docs/protocol.md)"));
        node->plain = protocol == u"plain";
    }
    if (!object.string(u"monitor"_s, &node->monitor))
        return false;
    if (object.has(u"monitor"_s) && !ListenAddress::parse(node->monitor))
        return object.fail(u"monitor"_s,
                           QStringLiteral("must be \"ADDR:PORT\", where this node's process serves its "
                                          "monitor, like \"127.0.0.1:9100\""));
    if (object.has(u"run"_s)) {
        const std::optional<JsonFields> run = object.object(
            u"run"_s, QStringLiteral("{\"command\": [\"python3\", \"server.py\", \"{name}\"]}"));
        if (!run || !readRun(*run, &node->run.emplace()))
            return false;
    }
    return true;
}

bool readNodes(const JsonFields &root, HerdConfig *config)
{
    const JsonFields nodes = *root.object(u"nodes"_s);
    QHash<QString, QString> endpoints;
    for (const QString &name : nodes.keys()) {
        // The path spelt out: an empty name shows as "nodes.".
        if (!isValidName(name))
            return root.fail(u"nodes." + name,
                             QStringLiteral("a node name must be non-empty, without white space"));
        const std::optional<JsonFields> object =
            nodes.object(name, QStringLiteral("{\"host\": \"127.0.0.1\", \"port\": 13000}"));
        NodeConfig node;
        node.name = name;
        if (!object || !readNode(*object, &node))
            return false;
        const QString endpoint = node.host + u':' + QString::number(node.port);
        if (node.port != 0 && endpoints.contains(endpoint))
            return nodes.fail(
                name,
                QStringLiteral("uses %1, as node \"%2\" does").arg(endpoint, endpoints.value(endpoint)));
        endpoints.insert(endpoint, node.name);
        config->nodes.append(node);
    }
    return true;
}

bool readLinks(const JsonFields &root, HerdConfig *config)
{
    if (!root.value(u"links"_s).isArray())
        return root.fail(u"links"_s, QStringLiteral("must be an array of [\"A\", \"B\"] pairs"));
    QSet<QString> seen;
    const QJsonArray links = root.value(u"links"_s).toArray();
    for (qsizetype i = 0; i < links.size(); ++i) {
        const QString where = QStringLiteral("links[%1]").arg(i);
        const QJsonArray pair = links.at(i).toArray();
        if (!links.at(i).isArray() || pair.size() != 2 || !pair.at(0).isString() || !pair.at(1).isString())
            return root.fail(where,
                             QStringLiteral("must be a pair of node names, like [\"Alford\", \"Parker\"]"));
        const QString a = pair.at(0).toString();
        const QString b = pair.at(1).toString();
        for (const QString &end : {a, b}) {
            if (!config->node(end))
                return root.fail(where, QStringLiteral("unknown node \"%1\"").arg(end));
        }
        if (a == b)
            return root.fail(where, QStringLiteral("links node \"%1\" to itself").arg(a));
        const QString key = a < b ? a + u'\n' + b : b + u'\n' + a;
        if (seen.contains(key))
            return root.fail(where, QStringLiteral("link %1-%2 is listed twice").arg(a, b));
        seen.insert(key);
        config->links.append({a, b});
    }
    return true;
}

bool readPlaces(const JsonFields &root, PlacesSettings *places)
{
    const std::optional<JsonFields> object =
        root.object(u"places"_s, QStringLiteral("{\"source\": \"offline\"}"));
    if (!object || !object->onlyKeys({u"source"_s, u"url"_s, u"file"_s, u"timeoutMs"_s}))
        return false;
    const QString source = object->value(u"source"_s).toString(u"offline"_s);
    if (source == u"offline")
        places->source = PlacesSettings::Source::Offline;
    else if (source == u"geojson")
        places->source = PlacesSettings::Source::GeoJson;
    else if (source == u"google")
        places->source = PlacesSettings::Source::Google;
    else if (source == u"google-new")
        places->source = PlacesSettings::Source::GoogleNew;
    else
        return object->fail(
            u"source"_s,
            QStringLiteral("\"%1\" is not one of offline, geojson, google, google-new").arg(source));
    if (!object->string(u"url"_s, &places->url) || !object->string(u"file"_s, &places->file))
        return false;
    if (places->source == PlacesSettings::Source::GeoJson && places->file.isEmpty())
        return object->fail(u"file"_s, QStringLiteral("a GeoJSON file is needed when source is \"geojson\""));
    return object->integer(u"timeoutMs"_s, 1, 600'000, &places->timeoutMs);
}

bool readLimits(const JsonFields &root, HerdConfig *config)
{
    const std::optional<JsonFields> limits = root.object(u"limits"_s);
    if (!limits)
        return false;
    struct Limit
    {
        QString key;
        qint64 min;
        qint64 max;
        qint64 value;
    };
    // Lower bounds keep a typo from making a node unusable (a 0 byte
    // reply budget would drop every client).
    Limit table[] = {
        {u"maxLineBytes"_s, 64, 64 * 1024 * 1024, config->maxLineBytes},
        {u"maxConnections"_s, 1, 1'000'000, config->maxConnections},
        {u"idleTimeoutMs"_s, 0, 86'400'000, config->idleTimeoutMs},
        {u"maxPendingReplyBytes"_s, 1024, qint64(1) << 32, config->maxPendingReplyBytes},
        {u"maxWhatsatPerConnection"_s, 1, 1'000'000, config->maxWhatsatPerConnection},
        {u"maxWhatsatPerNode"_s, 1, 1'000'000, config->maxWhatsatPerNode},
        {u"maxClientTimeAheadMs"_s, 0, 86'400'000, config->maxClientTimeAheadMs},
    };
    QStringList keys;
    for (const Limit &limit : table)
        keys.append(limit.key);
    if (!limits->onlyKeys(keys))
        return false;
    for (Limit &limit : table) {
        if (!limits->integer(limit.key, limit.min, limit.max, &limit.value))
            return false;
    }
    config->maxLineBytes = table[0].value;
    config->maxConnections = int(table[1].value);
    config->idleTimeoutMs = int(table[2].value);
    config->maxPendingReplyBytes = table[3].value;
    config->maxWhatsatPerConnection = int(table[4].value);
    config->maxWhatsatPerNode = int(table[5].value);
    config->maxClientTimeAheadMs = table[6].value;
    return true;
}

bool readReconnect(const JsonFields &root, HerdConfig *config)
{
    const std::optional<JsonFields> reconnect = root.object(u"reconnect"_s);
    if (!reconnect || !reconnect->onlyKeys({u"initialMs"_s, u"maxMs"_s}))
        return false;
    int initial = config->reconnectInitialMs;
    int max = config->reconnectMaxMs;
    if (!reconnect->integer(u"initialMs"_s, 1, 60'000, &initial)
        || !reconnect->integer(u"maxMs"_s, 1, 600'000, &max))
        return false;
    if (max < initial)
        return reconnect->fail(u"maxMs"_s, QStringLiteral("must not be less than initialMs"));
    config->reconnectInitialMs = initial;
    config->reconnectMaxMs = max;
    return true;
}

// `key` names an environment variable holding at least 16 characters: read
// into *value, the name kept in *variable.
bool readSecretEnv(const JsonFields &object, const QString &key, const char *what, QByteArray *value,
                   QString *variable)
{
    const QString name = object.value(key).toString();
    if (name.isEmpty())
        return object.fail(key, QStringLiteral("must name an environment variable"));
    const QByteArray secret = qgetenv(name.toLocal8Bit().constData());
    if (secret.size() < 16)
        return object.fail(key,
                           QStringLiteral("environment variable %1 must hold %2 of at least 16 characters%3")
                               .arg(name, QString::fromLatin1(what),
                                    secret.isEmpty() ? QStringLiteral(" (it is not set)") : QString()));
    *value = secret;
    *variable = name;
    return true;
}

bool readAuth(const JsonFields &root, HerdConfig *config)
{
    const QString usage = QStringLiteral("must be {\"secret\": \"...\"} or {\"secretEnv\": \"VARIABLE\"}");
    if (!root.value(u"auth"_s).isObject())
        return root.fail(u"auth"_s, usage);
    const JsonFields auth = *root.object(u"auth"_s);
    if (!auth.onlyKeys({u"secret"_s, u"secretEnv"_s}))
        return false;
    if (auth.keys().size() != 1)
        return auth.fail({}, usage);
    if (auth.has(u"secret"_s)) {
        const QString secret = auth.value(u"secret"_s).toString();
        if (secret.size() < 16)
            return auth.fail(u"secret"_s, QStringLiteral("must be a string of at least 16 characters"));
        config->peerSecret = secret.toUtf8();
        return true;
    }
    return readSecretEnv(auth, u"secretEnv"_s, "a secret", &config->peerSecret, &config->peerSecretEnv);
}

bool readMonitor(const JsonFields &root, HerdConfig *config)
{
    const std::optional<JsonFields> monitor =
        root.object(u"monitor"_s, QStringLiteral("{\"tokenEnv\": \"HERD_MONITOR_TOKEN\"}"));
    if (!monitor || !monitor->onlyKeys({u"tokenEnv"_s}))
        return false;
    return !monitor->has(u"tokenEnv"_s)
        || readSecretEnv(*monitor, u"tokenEnv"_s, "a token", &config->monitorToken, &config->monitorTokenEnv);
}

bool readHerd(const JsonFields &root, HerdConfig *config)
{
    if (!root.onlyKeys({u"name"_s, u"nodes"_s, u"links"_s, u"places"_s, u"limits"_s, u"reconnect"_s,
                        u"resync"_s, u"antiEntropyMs"_s, u"auth"_s, u"monitor"_s})
        || !root.string(u"name"_s, &config->name))
        return false;
    if (!root.value(u"nodes"_s).isObject() || root.value(u"nodes"_s).toObject().isEmpty())
        return root.fail(u"nodes"_s, QStringLiteral("must be an object with at least one node"));
    return root.boolean(u"resync"_s, &config->resync)
        && root.integer(u"antiEntropyMs"_s, 0, 86'400'000, &config->antiEntropyMs)
        && (!root.has(u"auth"_s) || readAuth(root, config))
        && (!root.has(u"monitor"_s) || readMonitor(root, config)) && readNodes(root, config)
        && (!root.has(u"links"_s) || readLinks(root, config))
        && (!root.has(u"places"_s) || readPlaces(root, &config->places))
        && (!root.has(u"limits"_s) || readLimits(root, config))
        && (!root.has(u"reconnect"_s) || readReconnect(root, config));
}

std::optional<HerdConfig> configFrom(const JsonReader &reader, const std::optional<JsonFields> &root,
                                     QString *error)
{
    HerdConfig config;
    if (root && readHerd(*root, &config))
        return config;
    if (error)
        *error = reader.message();
    return std::nullopt;
}

QJsonObject runToJson(const RunSpec &run)
{
    QJsonObject object {{u"command"_s, QJsonArray::fromStringList(run.command)}};
    if (!run.cwd.isEmpty())
        object.insert(u"cwd", run.cwd);
    if (!run.env.isEmpty()) {
        QJsonObject env;
        for (const auto &[name, value] : run.env)
            env.insert(name, value);
        object.insert(u"env", env);
    }
    return object;
}

} // namespace

std::optional<HerdConfig> HerdConfig::fromJson(const QByteArray &json, QString *error)
{
    JsonReader reader(JsonReader::Wording::HerdFile);
    return configFrom(reader, reader.read(json, NotAnObject), error);
}

std::optional<HerdConfig> HerdConfig::fromFile(const QString &path, QString *error)
{
    JsonReader reader(JsonReader::Wording::HerdFile);
    return configFrom(reader, reader.readFile(path, NotAnObject), error);
}

QStringList HerdConfig::presetNames()
{
    return jsonFileNames(PresetDir);
}

std::optional<HerdConfig> HerdConfig::preset(const QString &name, QString *error)
{
    if (!presetNames().contains(name)) {
        if (error)
            *error = QStringLiteral("no built-in herd named \"%1\" (built-in: %2)")
                         .arg(name, presetNames().join(u", "));
        return std::nullopt;
    }
    return fromFile(PresetDir + u'/' + name + u".json", error);
}

QByteArray HerdConfig::toJson() const
{
    QJsonObject root;
    if (!name.isEmpty())
        root.insert(u"name", name);
    QJsonObject nodeObjects;
    for (const NodeConfig &node : nodes) {
        QJsonObject object {{u"host"_s, node.host}, {u"port"_s, node.port}};
        if (node.position) {
            object.insert(u"x", node.position->first);
            object.insert(u"y", node.position->second);
        }
        if (node.plain)
            object.insert(u"protocol", u"plain"_s);
        if (node.run)
            object.insert(u"run", runToJson(*node.run));
        if (!node.monitor.isEmpty())
            object.insert(u"monitor", node.monitor);
        nodeObjects.insert(node.name, object);
    }
    root.insert(u"nodes", nodeObjects);
    QJsonArray linkArray;
    for (const auto &[a, b] : links)
        linkArray.append(QJsonArray {a, b});
    root.insert(u"links", linkArray);
    static const char *const sources[] = {"offline", "geojson", "google", "google-new"};
    QJsonObject placesObject {{u"source"_s, QString::fromLatin1(sources[int(places.source)])}};
    if (!places.url.isEmpty())
        placesObject.insert(u"url", places.url);
    if (!places.file.isEmpty())
        placesObject.insert(u"file", places.file);
    if (places.timeoutMs != PlacesSettings {}.timeoutMs)
        placesObject.insert(u"timeoutMs", places.timeoutMs);
    root.insert(u"places", placesObject);
    const NodeSettings defaults;
    QJsonObject limits;
    if (maxLineBytes != defaults.maxLineBytes)
        limits.insert(u"maxLineBytes", qint64(maxLineBytes));
    if (maxConnections != defaults.maxConnections)
        limits.insert(u"maxConnections", maxConnections);
    if (idleTimeoutMs != defaults.idleTimeoutMs)
        limits.insert(u"idleTimeoutMs", idleTimeoutMs);
    if (maxPendingReplyBytes != defaults.maxPendingReplyBytes)
        limits.insert(u"maxPendingReplyBytes", qint64(maxPendingReplyBytes));
    if (maxWhatsatPerConnection != defaults.maxWhatsatPerConnection)
        limits.insert(u"maxWhatsatPerConnection", maxWhatsatPerConnection);
    if (maxWhatsatPerNode != defaults.maxWhatsatPerNode)
        limits.insert(u"maxWhatsatPerNode", maxWhatsatPerNode);
    if (maxClientTimeAheadMs != defaults.maxClientTimeAheadMs)
        limits.insert(u"maxClientTimeAheadMs", maxClientTimeAheadMs);
    if (!limits.isEmpty())
        root.insert(u"limits", limits);
    if (reconnectInitialMs != NodeSettings {}.reconnectInitialMs
        || reconnectMaxMs != NodeSettings {}.reconnectMaxMs)
        root.insert(u"reconnect",
                    QJsonObject {{u"initialMs"_s, reconnectInitialMs}, {u"maxMs"_s, reconnectMaxMs}});
    if (resync != NodeSettings {}.resync)
        root.insert(u"resync", resync);
    if (antiEntropyMs != NodeSettings {}.antiEntropyMs)
        root.insert(u"antiEntropyMs", antiEntropyMs);
    if (!peerSecretEnv.isEmpty())
        root.insert(u"auth", QJsonObject {{u"secretEnv"_s, peerSecretEnv}});
    else if (!peerSecret.isEmpty())
        root.insert(u"auth", QJsonObject {{u"secret"_s, QString::fromUtf8(peerSecret)}});
    if (!monitorTokenEnv.isEmpty())
        root.insert(u"monitor", QJsonObject {{u"tokenEnv"_s, monitorTokenEnv}});
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

const NodeConfig *HerdConfig::node(const QString &nodeName) const
{
    for (const NodeConfig &node : nodes) {
        if (node.name == nodeName)
            return &node;
    }
    return nullptr;
}

QStringList HerdConfig::nodeNames() const
{
    QStringList names;
    for (const NodeConfig &node : nodes)
        names.append(node.name);
    return names;
}

bool HerdConfig::hasNodes(const QStringList &names, QString *error) const
{
    for (const QString &name : names) {
        if (!node(name)) {
            if (error)
                *error = QStringLiteral("no node named \"%1\" in the herd (nodes: %2)")
                             .arg(name, nodeNames().join(u", "));
            return false;
        }
    }
    return true;
}

QStringList HerdConfig::neighboursOf(const QString &nodeName) const
{
    QStringList result;
    for (const auto &[a, b] : links) {
        if (a == nodeName)
            result.append(b);
        else if (b == nodeName)
            result.append(a);
    }
    return result;
}

NodeSettings HerdConfig::settingsFor(const NodeConfig &node) const
{
    NodeSettings settings;
    settings.name = node.name;
    settings.host = node.host;
    settings.port = node.port;
    settings.maxLineBytes = maxLineBytes;
    settings.maxConnections = maxConnections;
    settings.idleTimeoutMs = idleTimeoutMs;
    settings.maxPendingReplyBytes = maxPendingReplyBytes;
    settings.maxWhatsatPerConnection = maxWhatsatPerConnection;
    settings.maxWhatsatPerNode = maxWhatsatPerNode;
    settings.maxClientTimeAheadMs = maxClientTimeAheadMs;
    settings.reconnectInitialMs = reconnectInitialMs;
    settings.reconnectMaxMs = reconnectMaxMs;
    settings.resync = resync;
    settings.antiEntropyMs = antiEntropyMs;
    settings.peerSecret = peerSecret;
    return settings;
}

} // namespace Herd
