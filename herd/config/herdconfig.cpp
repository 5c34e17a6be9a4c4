#include "herd/config/herdconfig.h"

#include <QDir>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include "herd/config/boundedfile.h"
#include "herd/config/jsonkeys.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

constexpr auto PresetDir = ":/herds";

// Reports the first problem, prefixed with the path of the key at fault
// ("nodes.Alford.port: ..."), and remembers it so loading stops there.
class Problems
{
public:
    bool fail(const QString &where, const QString &what)
    {
        if (m_message.isEmpty())
            m_message = where.isEmpty() ? what : where + u": " + what;
        return false;
    }
    QString message() const { return m_message; }

private:
    QString m_message;
};

bool onlyKeys(const QJsonObject &object, const QStringList &allowed, const QString &where,
              Problems &problems)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!allowed.contains(it.key())) {
            const QString path = where.isEmpty() ? it.key() : where + u'.' + it.key();
            return problems.fail(path, u"unknown key (expected one of: " + allowed.join(u", ")
                                           + u')');
        }
    }
    return true;
}

bool readInt(const QJsonObject &object, const QString &key, const QString &where, qint64 min,
             qint64 max, qint64 *out, Problems &problems)
{
    if (!object.contains(key))
        return true;
    const QJsonValue value = object.value(key);
    const QString path = where.isEmpty() ? key : where + u'.' + key;
    const double number = value.toDouble(-1e300);
    if (!value.isDouble() || number != double(qint64(number)))
        return problems.fail(path, QStringLiteral("must be a whole number"));
    if (number < double(min) || number > double(max))
        return problems.fail(path, QStringLiteral("must be between %1 and %2").arg(min).arg(max));
    *out = qint64(number);
    return true;
}

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

bool readNode(const QString &name, const QJsonValue &value, NodeConfig *node, Problems &problems)
{
    const QString where = u"nodes." + name;
    if (!isValidName(name))
        return problems.fail(where, QStringLiteral("a node name must be non-empty, without white space"));
    if (!value.isObject())
        return problems.fail(where, QStringLiteral("must be an object like {\"host\": \"127.0.0.1\", \"port\": 13000}"));
    const QJsonObject object = value.toObject();
    if (!onlyKeys(object, {u"host"_s, u"port"_s, u"x"_s, u"y"_s, u"protocol"_s}, where, problems))
        return false;
    node->name = name;
    if (object.contains(u"host")) {
        node->host = object.value(u"host").toString();
        if (node->host != u"localhost" && QHostAddress(node->host).isNull())
            return problems.fail(where + u".host", QStringLiteral("\"%1\" is not an IP address or localhost")
                                                        .arg(object.value(u"host").toVariant().toString()));
    }
    if (!object.contains(u"port"))
        return problems.fail(where, QStringLiteral("missing key \"port\""));
    qint64 port = 0;
    if (!readInt(object, u"port"_s, where, 0, 65535, &port, problems))
        return false;
    node->port = quint16(port);
    if (object.contains(u"x") != object.contains(u"y"))
        return problems.fail(where, QStringLiteral("give both \"x\" and \"y\", or neither"));
    if (object.contains(u"x")) {
        if (!object.value(u"x").isDouble() || !object.value(u"y").isDouble())
            return problems.fail(where, QStringLiteral("\"x\" and \"y\" must be numbers"));
        node->position = std::pair{object.value(u"x").toDouble(), object.value(u"y").toDouble()};
    }
    if (object.contains(u"protocol")) {
        const QString protocol = object.value(u"protocol").toString();
        if (protocol != u"herd" && protocol != u"plain")
            return problems.fail(where + u".protocol",
                                 QStringLiteral("must be \"herd\" (a Herd node, the default) or \"plain\" "
                                                "(speaks only the course's protocol, docs/protocol.md)"));
        node->plain = protocol == u"plain";
    }
    return true;
}

bool readLinks(const QJsonValue &value, HerdConfig *config, Problems &problems)
{
    if (!value.isArray())
        return problems.fail(u"links"_s, QStringLiteral("must be an array of [\"A\", \"B\"] pairs"));
    QSet<QString> seen;
    const QJsonArray links = value.toArray();
    for (qsizetype i = 0; i < links.size(); ++i) {
        const QString where = QStringLiteral("links[%1]").arg(i);
        const QJsonArray pair = links.at(i).toArray();
        if (!links.at(i).isArray() || pair.size() != 2 || !pair.at(0).isString() || !pair.at(1).isString())
            return problems.fail(where, QStringLiteral("must be a pair of node names, like [\"Alford\", \"Parker\"]"));
        const QString a = pair.at(0).toString();
        const QString b = pair.at(1).toString();
        for (const QString &end : {a, b}) {
            if (!config->node(end))
                return problems.fail(where, QStringLiteral("unknown node \"%1\"").arg(end));
        }
        if (a == b)
            return problems.fail(where, QStringLiteral("links node \"%1\" to itself").arg(a));
        const QString key = a < b ? a + u'\n' + b : b + u'\n' + a;
        if (seen.contains(key))
            return problems.fail(where, QStringLiteral("link %1-%2 is listed twice").arg(a, b));
        seen.insert(key);
        config->links.append({a, b});
    }
    return true;
}

bool readPlaces(const QJsonValue &value, PlacesSettings *places, Problems &problems)
{
    if (!value.isObject())
        return problems.fail(u"places"_s, QStringLiteral("must be an object like {\"source\": \"offline\"}"));
    const QJsonObject object = value.toObject();
    if (!onlyKeys(object, {u"source"_s, u"url"_s, u"file"_s, u"timeoutMs"_s}, u"places"_s, problems))
        return false;
    const QString source = object.value(u"source").toString(u"offline"_s);
    if (source == u"offline")
        places->source = PlacesSettings::Source::Offline;
    else if (source == u"geojson")
        places->source = PlacesSettings::Source::GeoJson;
    else if (source == u"google")
        places->source = PlacesSettings::Source::Google;
    else if (source == u"google-new")
        places->source = PlacesSettings::Source::GoogleNew;
    else
        return problems.fail(u"places.source"_s, QStringLiteral("\"%1\" is not one of offline, geojson, google, google-new").arg(source));
    for (const auto &[key, target] : {std::pair{u"url"_s, &places->url}, std::pair{u"file"_s, &places->file}}) {
        if (object.contains(key) && !object.value(key).isString())
            return problems.fail(u"places." + key, QStringLiteral("must be a string"));
        *target = object.value(key).toString();
    }
    if (places->source == PlacesSettings::Source::GeoJson && places->file.isEmpty())
        return problems.fail(u"places.file"_s, QStringLiteral("a GeoJSON file is needed when source is \"geojson\""));
    qint64 timeout = places->timeoutMs;
    if (!readInt(object, u"timeoutMs"_s, u"places"_s, 1, 600'000, &timeout, problems))
        return false;
    places->timeoutMs = int(timeout);
    return true;
}

bool readLimits(const QJsonObject &root, HerdConfig *config, Problems &problems)
{
    if (root.contains(u"limits")) {
        if (!root.value(u"limits").isObject())
            return problems.fail(u"limits"_s, QStringLiteral("must be an object"));
        const QJsonObject limits = root.value(u"limits").toObject();
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
        if (!onlyKeys(limits, keys, u"limits"_s, problems))
            return false;
        for (Limit &limit : table) {
            if (!readInt(limits, limit.key, u"limits"_s, limit.min, limit.max, &limit.value, problems))
                return false;
        }
        config->maxLineBytes = table[0].value;
        config->maxConnections = int(table[1].value);
        config->idleTimeoutMs = int(table[2].value);
        config->maxPendingReplyBytes = table[3].value;
        config->maxWhatsatPerConnection = int(table[4].value);
        config->maxWhatsatPerNode = int(table[5].value);
        config->maxClientTimeAheadMs = table[6].value;
    }
    if (root.contains(u"reconnect")) {
        if (!root.value(u"reconnect").isObject())
            return problems.fail(u"reconnect"_s, QStringLiteral("must be an object"));
        const QJsonObject reconnect = root.value(u"reconnect").toObject();
        if (!onlyKeys(reconnect, {u"initialMs"_s, u"maxMs"_s}, u"reconnect"_s, problems))
            return false;
        qint64 initial = config->reconnectInitialMs;
        qint64 max = config->reconnectMaxMs;
        if (!readInt(reconnect, u"initialMs"_s, u"reconnect"_s, 1, 60'000, &initial, problems)
            || !readInt(reconnect, u"maxMs"_s, u"reconnect"_s, 1, 600'000, &max, problems))
            return false;
        if (max < initial)
            return problems.fail(u"reconnect.maxMs"_s, QStringLiteral("must not be less than initialMs"));
        config->reconnectInitialMs = int(initial);
        config->reconnectMaxMs = int(max);
    }
    return true;
}

bool readAuth(const QJsonValue &value, HerdConfig *config, Problems &problems)
{
    const QString usage = QStringLiteral("must be {\"secret\": \"...\"} or {\"secretEnv\": \"VARIABLE\"}");
    if (!value.isObject())
        return problems.fail(u"auth"_s, usage);
    const QJsonObject auth = value.toObject();
    if (!onlyKeys(auth, {u"secret"_s, u"secretEnv"_s}, u"auth"_s, problems))
        return false;
    if (auth.size() != 1)
        return problems.fail(u"auth"_s, usage);
    if (auth.contains(u"secret")) {
        const QString secret = auth.value(u"secret").toString();
        if (secret.size() < 16)
            return problems.fail(u"auth.secret"_s, QStringLiteral("must be a string of at least 16 characters"));
        config->peerSecret = secret.toUtf8();
        return true;
    }
    const QString name = auth.value(u"secretEnv").toString();
    if (name.isEmpty())
        return problems.fail(u"auth.secretEnv"_s, QStringLiteral("must name an environment variable"));
    const QByteArray secret = qgetenv(name.toLocal8Bit().constData());
    if (secret.size() < 16)
        return problems.fail(u"auth.secretEnv"_s,
                             QStringLiteral("environment variable %1 must hold a secret of at least 16 characters%2")
                                 .arg(name, secret.isEmpty() ? QStringLiteral(" (it is not set)") : QString()));
    config->peerSecret = secret;
    config->peerSecretEnv = name;
    return true;
}

QString describeJsonError(const QByteArray &json, const QJsonParseError &error)
{
    const QByteArray before = json.left(error.offset);
    const qsizetype line = before.count('\n') + 1;
    const qsizetype column = error.offset - (before.lastIndexOf('\n') + 1) + 1;
    return QStringLiteral("not valid JSON at line %1, column %2: %3").arg(line).arg(column).arg(error.errorString());
}

} // namespace

std::optional<HerdConfig> HerdConfig::fromJson(const QByteArray &json, QString *error)
{
    Problems problems;
    auto failed = [&]() -> std::optional<HerdConfig> {
        if (error)
            *error = problems.message();
        return std::nullopt;
    };
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        problems.fail({}, describeJsonError(json, parseError));
        return failed();
    }
    if (!document.isObject()) {
        problems.fail({}, QStringLiteral("the herd file must hold a JSON object"));
        return failed();
    }
    if (const std::optional<DuplicateKey> duplicate = findDuplicateKey(json)) {
        problems.fail(duplicate->path, duplicate->describe());
        return failed();
    }
    const QJsonObject root = document.object();
    if (!onlyKeys(root, {u"name"_s, u"nodes"_s, u"links"_s, u"places"_s, u"limits"_s, u"reconnect"_s, u"resync"_s, u"auth"_s}, {},
                  problems))
        return failed();

    HerdConfig config;
    config.name = root.value(u"name").toString();
    if (root.contains(u"name") && !root.value(u"name").isString()) {
        problems.fail(u"name"_s, QStringLiteral("must be a string"));
        return failed();
    }
    if (!root.value(u"nodes").isObject() || root.value(u"nodes").toObject().isEmpty()) {
        problems.fail(u"nodes"_s, QStringLiteral("must be an object with at least one node"));
        return failed();
    }
    if (root.contains(u"resync")) {
        if (!root.value(u"resync").isBool()) {
            problems.fail(u"resync"_s, QStringLiteral("must be true or false"));
            return failed();
        }
        config.resync = root.value(u"resync").toBool();
    }
    if (root.contains(u"auth") && !readAuth(root.value(u"auth"), &config, problems))
        return failed();
    const QJsonObject nodes = root.value(u"nodes").toObject();
    QHash<QString, QString> endpoints;
    for (auto it = nodes.begin(); it != nodes.end(); ++it) {
        NodeConfig node;
        if (!readNode(it.key(), it.value(), &node, problems))
            return failed();
        const QString endpoint = node.host + u':' + QString::number(node.port);
        if (node.port != 0 && endpoints.contains(endpoint)) {
            problems.fail(u"nodes." + node.name, QStringLiteral("uses %1, as node \"%2\" does").arg(endpoint, endpoints.value(endpoint)));
            return failed();
        }
        endpoints.insert(endpoint, node.name);
        config.nodes.append(node);
    }
    if (root.contains(u"links") && !readLinks(root.value(u"links"), &config, problems))
        return failed();
    if (root.contains(u"places") && !readPlaces(root.value(u"places"), &config.places, problems))
        return failed();
    if (!readLimits(root, &config, problems))
        return failed();
    return config;
}

std::optional<HerdConfig> HerdConfig::fromFile(const QString &path, QString *error)
{
    const std::optional<QByteArray> json = readBoundedFile(path, MaxHerdFileBytes, error);
    if (!json)
        return std::nullopt;
    QString problem;
    auto config = fromJson(*json, &problem);
    if (!config && error)
        *error = path + u": " + problem;
    return config;
}

QStringList HerdConfig::presetNames()
{
    QStringList names;
    const QStringList files = QDir(QString::fromLatin1(PresetDir)).entryList({u"*.json"_s}, QDir::Files, QDir::Name);
    for (const QString &file : files)
        names.append(file.chopped(5));
    return names;
}

std::optional<HerdConfig> HerdConfig::preset(const QString &name, QString *error)
{
    if (!presetNames().contains(name)) {
        if (error)
            *error = QStringLiteral("no built-in herd named \"%1\" (built-in: %2)").arg(name, presetNames().join(u", "));
        return std::nullopt;
    }
    return fromFile(QString::fromLatin1(PresetDir) + u'/' + name + u".json", error);
}

QByteArray HerdConfig::toJson() const
{
    QJsonObject root;
    if (!name.isEmpty())
        root.insert(u"name", name);
    QJsonObject nodeObjects;
    for (const NodeConfig &node : nodes) {
        QJsonObject object{{u"host"_s, node.host}, {u"port"_s, node.port}};
        if (node.position) {
            object.insert(u"x", node.position->first);
            object.insert(u"y", node.position->second);
        }
        if (node.plain)
            object.insert(u"protocol", u"plain"_s);
        nodeObjects.insert(node.name, object);
    }
    root.insert(u"nodes", nodeObjects);
    QJsonArray linkArray;
    for (const auto &[a, b] : links)
        linkArray.append(QJsonArray{a, b});
    root.insert(u"links", linkArray);
    static const char *const sources[] = {"offline", "geojson", "google", "google-new"};
    QJsonObject placesObject{{u"source"_s, QString::fromLatin1(sources[int(places.source)])}};
    if (!places.url.isEmpty())
        placesObject.insert(u"url", places.url);
    if (!places.file.isEmpty())
        placesObject.insert(u"file", places.file);
    if (places.timeoutMs != PlacesSettings{}.timeoutMs)
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
    if (reconnectInitialMs != NodeSettings{}.reconnectInitialMs || reconnectMaxMs != NodeSettings{}.reconnectMaxMs)
        root.insert(u"reconnect", QJsonObject{{u"initialMs"_s, reconnectInitialMs}, {u"maxMs"_s, reconnectMaxMs}});
    if (resync != NodeSettings{}.resync)
        root.insert(u"resync", resync);
    if (!peerSecretEnv.isEmpty())
        root.insert(u"auth", QJsonObject{{u"secretEnv"_s, peerSecretEnv}});
    else if (!peerSecret.isEmpty())
        root.insert(u"auth", QJsonObject{{u"secret"_s, QString::fromUtf8(peerSecret)}});
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
    settings.peerSecret = peerSecret;
    return settings;
}

} // namespace Herd
