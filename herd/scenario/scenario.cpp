#include "herd/scenario/scenario.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <cmath>

#include "herd/config/boundedfile.h"
#include "herd/config/jsonkeys.h"
#include "herd/partition.h"
#include "herd/wire/protocol.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

using Kind = ScenarioStep::Kind;

constexpr auto LabDir = ":/labs";
constexpr qint64 MaxMs = 3'600'000; // an hour: longer is a typo, not a lab

struct KindInfo
{
    Kind kind;
    const char16_t *name;
};

constexpr KindInfo Kinds[] = {
    {Kind::Iamat, u"iamat"},         {Kind::Whatsat, u"whatsat"}, {Kind::Kill, u"kill"},
    {Kind::Restart, u"restart"},     {Kind::Cut, u"cut"},         {Kind::Restore, u"restore"},
    {Kind::Delay, u"delay"},         {Kind::Flaky, u"flaky"},     {Kind::Skew, u"skew"},
    {Kind::Partition, u"partition"}, {Kind::Heal, u"heal"},       {Kind::Clear, u"clear"},
    {Kind::Wait, u"wait"},           {Kind::Expect, u"expect"},
};

QString quoted(const QString &text)
{
    return u'"' + text + u'"';
}

QString describeJsonError(const QByteArray &json, const QJsonParseError &error)
{
    const QByteArray before = json.left(error.offset);
    const qsizetype line = before.count('\n') + 1;
    const qsizetype column = error.offset - (before.lastIndexOf('\n') + 1) + 1;
    return QStringLiteral("not valid JSON at line %1, column %2: %3")
        .arg(line)
        .arg(column)
        .arg(error.errorString());
}

// Reads the fields of one JSON object of a step (the step itself, or an
// object inside it such as "holds") and reports the first problem as
// `step 4 (cut): "to": unknown node "Hamiltn"`. Every read returns false
// once something is wrong, so callers just chain them.
class FieldReader
{
public:
    FieldReader(const QJsonObject &object, const QString &where, const QString &path, const HerdConfig &herd,
                QString *error)
        : m_object(object), m_where(where), m_path(path), m_herd(herd), m_error(error)
    {
    }

    FieldReader nested(const QString &key, const QJsonObject &object) const
    {
        return FieldReader(object, m_where, m_path + key + u'.', m_herd, m_error);
    }

    bool fail(const QString &key, const QString &what) const
    {
        if (m_error->isEmpty())
            *m_error = m_where + u": " + (key.isEmpty() ? what : quoted(m_path + key) + u": " + what);
        return false;
    }
    bool has(const QString &key) const { return m_object.contains(key); }
    QJsonValue value(const QString &key) const { return m_object.value(key); }

    bool onlyKeys(const QStringList &allowed) const
    {
        for (auto it = m_object.begin(); it != m_object.end(); ++it) {
            if (!allowed.contains(it.key()))
                return fail(it.key(), u"unknown key (expected one of: " + allowed.join(u", ") + u')');
        }
        return true;
    }

    bool string(const QString &key, QString *out, bool required, const QString &example) const
    {
        if (!has(key))
            return !required || fail(key, u"missing (" + example + u')');
        const QJsonValue v = value(key);
        if (!v.isString() || v.toString().isEmpty())
            return fail(key, u"must be a non-empty string (" + example + u')');
        *out = v.toString();
        return true;
    }

    // A client id, or any other protocol field: text without white space.
    bool field(const QString &key, QByteArray *out, bool required, const QString &example) const
    {
        QString text;
        if (!string(key, &text, required, example))
            return false;
        for (const QChar c : std::as_const(text)) {
            if (c.isSpace())
                return fail(key,
                            quoted(text) + u" contains white space, which would split it into two fields");
        }
        *out = text.toUtf8();
        return true;
    }

    bool node(const QString &key, QString *out, bool required = true) const
    {
        if (!string(key, out, required, u"a node name"_s))
            return false;
        if (has(key) && !m_herd.node(*out))
            return fail(key,
                        QStringLiteral("unknown node %1 (nodes: %2)")
                            .arg(quoted(*out), m_herd.nodeNames().join(u", ")));
        return true;
    }

    bool integer(const QString &key, qint64 min, qint64 max, qint64 *out, bool required) const
    {
        if (!has(key))
            return !required
                || fail(key, QStringLiteral("missing (a whole number from %1 to %2)").arg(min).arg(max));
        const QJsonValue v = value(key);
        const double number = v.toDouble();
        if (!v.isDouble() || number != std::floor(number) || number < double(min) || number > double(max))
            return fail(key, QStringLiteral("must be a whole number from %1 to %2").arg(min).arg(max));
        *out = qint64(number);
        return true;
    }

    bool integer(const QString &key, qint64 min, qint64 max, int *out, bool required) const
    {
        qint64 wide = *out;
        if (!integer(key, min, max, &wide, required))
            return false;
        *out = int(wide);
        return true;
    }

    bool boolean(const QString &key, bool *out) const
    {
        if (!has(key))
            return true;
        if (!value(key).isBool())
            return fail(key, u"must be true or false"_s);
        *out = value(key).toBool();
        return true;
    }

    // A number sent as a WHATSAT field: written the way JSON gave it, so
    // 10 stays "10" and 0.5 stays "0.5".
    bool number(const QString &key, QByteArray *out, const QString &example) const
    {
        if (!has(key))
            return fail(key, u"missing (" + example + u')');
        const QJsonValue v = value(key);
        if (!v.isDouble())
            return fail(key, u"must be a number (" + example + u')');
        const double number = v.toDouble();
        *out = number == std::floor(number) && std::fabs(number) < 1e15 ? QByteArray::number(qint64(number))
                                                                        : QByteArray::number(number, 'g', 15);
        return true;
    }

    bool clientTime(const QString &key, QByteArray *text, qint64 *ns) const
    {
        QString given;
        if (!string(key, &given, false, u"POSIX seconds, like \"1621464827.959498503\""_s))
            return false;
        if (!has(key) || given == u"now")
            return true;
        const QByteArray utf8 = given.toUtf8();
        if (!parseTime(utf8, ns))
            return fail(key, quoted(given) + u" is not POSIX seconds like \"1621464827.959498503\""_s);
        *text = utf8;
        return true;
    }

    // Both ends must be nodes and linked in the herd.
    bool link(QString *from, QString *to) const
    {
        if (!node(u"from"_s, from) || !node(u"to"_s, to))
            return false;
        for (const auto &[a, b] : m_herd.links) {
            if ((a == *from && b == *to) || (a == *to && b == *from))
                return true;
        }
        return fail(u"to"_s,
                    QStringLiteral("%1 and %2 are not linked (%1's neighbours: %3)")
                        .arg(*from, *to, m_herd.neighboursOf(*from).join(u", ")));
    }

    const HerdConfig &herd() const { return m_herd; }

private:
    QJsonObject m_object;
    QString m_where; // "step 4 (cut)"
    QString m_path;  // "" or "holds."
    const HerdConfig &m_herd;
    QString *m_error;
};

// What each kind of step reads beyond "do", "at", "after" and "note".
class StepParser
{
public:
    StepParser(const HerdConfig &herd, const QSet<QByteArray> &clientsSoFar)
        : m_herd(herd), m_clientsSoFar(clientsSoFar)
    {
    }

    bool parse(const FieldReader &r, ScenarioStep *step) const
    {
        switch (step->kind) {
        case Kind::Iamat:
            return r.onlyKeys(keys({u"node"_s, u"client"_s, u"position"_s, u"time"_s}))
                && r.node(u"node"_s, &step->node)
                && r.field(u"client"_s, &step->client, true, u"the client's id, like \"kiwi.cs.ucla.edu\""_s)
                && position(r, step) && r.clientTime(u"time"_s, &step->time, &step->timeNs);
        case Kind::Whatsat:
            return r.onlyKeys(keys({u"node"_s, u"client"_s, u"radius"_s, u"bound"_s, u"expect"_s}))
                && r.node(u"node"_s, &step->node)
                && r.field(u"client"_s, &step->client, true, u"the client asked about"_s)
                && r.number(u"radius"_s, &step->radius, u"kilometres, like 10"_s)
                && r.number(u"bound"_s, &step->bound, u"at most this many places, like 5"_s)
                && whatsatExpect(r, step);
        case Kind::Kill:
        case Kind::Restart:
            return r.onlyKeys(keys({u"node"_s})) && r.node(u"node"_s, &step->node);
        case Kind::Cut:
        case Kind::Restore:
            return r.onlyKeys(keys({u"from"_s, u"to"_s, u"oneWay"_s})) && r.link(&step->from, &step->to)
                && r.boolean(u"oneWay"_s, &step->oneWay);
        case Kind::Delay:
            return r.onlyKeys(keys({u"from"_s, u"to"_s, u"ms"_s, u"jitterMs"_s, u"oneWay"_s}))
                && r.link(&step->from, &step->to) && r.integer(u"ms"_s, 0, 60'000, &step->ms, true)
                && r.integer(u"jitterMs"_s, 0, 60'000, &step->jitterMs, false)
                && r.boolean(u"oneWay"_s, &step->oneWay);
        case Kind::Flaky:
            return r.onlyKeys(keys({u"from"_s, u"to"_s, u"meanMs"_s, u"oneWay"_s}))
                && r.link(&step->from, &step->to) && r.integer(u"meanMs"_s, 0, MaxMs, &step->meanMs, true)
                && r.boolean(u"oneWay"_s, &step->oneWay);
        case Kind::Skew:
            return r.onlyKeys(keys({u"node"_s, u"ms"_s})) && r.node(u"node"_s, &step->node)
                && r.integer(u"ms"_s, -86'400'000, 86'400'000, &step->ms, true);
        case Kind::Partition:
            return partition(r, step);
        case Kind::Heal:
        case Kind::Clear:
            return r.onlyKeys(keys({}));
        case Kind::Wait:
            return r.onlyKeys(keys({u"ms"_s})) && r.integer(u"ms"_s, 0, MaxMs, &step->ms, true);
        case Kind::Expect:
            return expect(r, step);
        }
        return false;
    }

private:
    static QStringList keys(QStringList own)
    {
        return QStringList{u"do"_s} << own << u"at"_s << u"after"_s << u"note"_s;
    }

    static bool position(const FieldReader &r, ScenarioStep *step)
    {
        if (!r.field(u"position"_s, &step->position, true, u"ISO 6709, like \"+34.068930-118.445127\""_s))
            return false;
        double latitude = 0;
        double longitude = 0;
        Problem problem = Problem::None;
        if (!parsePosition(step->position, &latitude, &longitude, &problem)) {
            const char *why = problem == Problem::LatitudeRange ? " (latitude out of -90..90)"
                : problem == Problem::LongitudeRange            ? " (longitude out of -180..180)"
                                                                : "";
            return r.fail(u"position"_s,
                          quoted(QString::fromUtf8(step->position))
                              + u" is not an ISO 6709 position like \"+34.068930-118.445127\""
                              + QString::fromLatin1(why));
        }
        return true;
    }

    static bool whatsatExpect(const FieldReader &r, ScenarioStep *step)
    {
        if (!r.has(u"expect"_s))
            return true;
        if (!r.value(u"expect"_s).isObject())
            return r.fail(u"expect"_s,
                          u"must be an object: {\"contains\": \"text\"} or {\"invalid\": true}"_s);
        const FieldReader e = r.nested(u"expect"_s, r.value(u"expect"_s).toObject());
        if (!e.onlyKeys({u"contains"_s, u"invalid"_s}))
            return false;
        if (e.has(u"contains"_s) == e.has(u"invalid"_s))
            return r.fail(u"expect"_s, u"give one of \"contains\" or \"invalid\""_s);
        if (e.has(u"contains"_s)) {
            step->reply = ScenarioStep::Reply::Contains;
            return e.string(u"contains"_s, &step->replyText, true, u"text the reply must contain"_s);
        }
        if (e.value(u"invalid"_s) != QJsonValue(true))
            return e.fail(u"invalid"_s, u"must be true (the node answers \"? ...\")"_s);
        step->reply = ScenarioStep::Reply::Invalid;
        return true;
    }

    bool partition(const FieldReader &r, ScenarioStep *step) const
    {
        const QString presets = Partition::presetNames().join(u", ");
        if (!r.onlyKeys(keys({u"preset"_s, u"node"_s, u"groups"_s})))
            return false;
        if (r.has(u"preset"_s) == r.has(u"groups"_s))
            return r.fail({}, u"give \"preset\" (" + presets + u") or \"groups\", not both"_s);
        if (r.has(u"groups"_s)) {
            if (r.has(u"node"_s))
                return r.fail(u"node"_s, u"goes with \"preset\": \"isolate\", not \"groups\""_s);
            if (!groups(r, step))
                return false;
            step->links = Partition::crossingLinks(m_herd, step->groups);
            return true;
        }
        if (!r.string(u"preset"_s, &step->preset, true, presets))
            return false;
        if (!Partition::presetNames().contains(step->preset))
            return r.fail(
                u"preset"_s,
                QStringLiteral("unknown preset %1 (expected one of: %2)").arg(quoted(step->preset), presets));
        // Only "isolate" reads a node; one given to another preset is a slip.
        const bool isolate = step->preset == u"isolate";
        if (isolate && !r.node(u"node"_s, &step->node))
            return false;
        if (!isolate && r.has(u"node"_s))
            return r.fail(u"node"_s, u"goes with \"preset\": \"isolate\" only"_s);
        QString why;
        const std::optional<QList<Partition::Link>> links
            = Partition::preset(m_herd, step->preset, step->node, &why);
        if (!links)
            return r.fail(u"preset"_s, why);
        step->links = *links;
        return true;
    }

    static bool groups(const FieldReader &r, ScenarioStep *step)
    {
        const QString example
            = u"an array of groups of node names, like [[\"Alford\", \"Parker\"], [\"Bolden\"]]"_s;
        const QJsonValue value = r.value(u"groups"_s);
        if (!value.isArray() || value.toArray().isEmpty())
            return r.fail(u"groups"_s, u"must be " + example);
        QHash<QString, qsizetype> groupOf;
        const QJsonArray groups = value.toArray();
        for (qsizetype i = 0; i < groups.size(); ++i) {
            const QString where = QStringLiteral("groups[%1]").arg(i);
            if (!groups.at(i).isArray() || groups.at(i).toArray().isEmpty())
                return r.fail(where, u"must be a non-empty array of node names"_s);
            QStringList names;
            const QJsonArray group = groups.at(i).toArray();
            for (qsizetype j = 0; j < group.size(); ++j) {
                const QString at = where + QStringLiteral("[%1]").arg(j);
                const QString name = group.at(j).toString();
                if (!group.at(j).isString())
                    return r.fail(at, u"must be a node name"_s);
                if (!r.herd().node(name))
                    return r.fail(at,
                                  QStringLiteral("unknown node %1 (nodes: %2)")
                                      .arg(quoted(name), r.herd().nodeNames().join(u", ")));
                if (groupOf.contains(name))
                    return r.fail(at,
                                  QStringLiteral("%1 is in groups[%2] already")
                                      .arg(quoted(name))
                                      .arg(groupOf.value(name)));
                groupOf.insert(name, i);
                names.append(name);
            }
            step->groups.append(names);
        }
        return true;
    }

    bool expect(const FieldReader &r, ScenarioStep *step) const
    {
        using Check = ScenarioStep::Check;
        if (!r.onlyKeys(keys({u"holds"_s, u"agree"_s, u"stale"_s, u"withinMs"_s, u"forMs"_s})))
            return false;
        const int given = int(r.has(u"holds"_s)) + int(r.has(u"agree"_s)) + int(r.has(u"stale"_s));
        if (given != 1)
            return r.fail({}, u"give exactly one of \"holds\", \"agree\" or \"stale\""_s);
        if (r.has(u"stale"_s)) {
            step->check = Check::Stale;
            if (r.has(u"withinMs"_s))
                return r.fail(u"withinMs"_s,
                              u"goes with \"holds\" and \"agree\"; \"stale\" lasts \"forMs\""_s);
            return clientAtNode(r, u"stale"_s, step, false)
                && r.integer(u"forMs"_s, 1, MaxMs, &step->windowMs, true);
        }
        if (r.has(u"forMs"_s))
            return r.fail(u"forMs"_s, u"goes with \"stale\"; \"holds\" and \"agree\" wait \"withinMs\""_s);
        if (r.has(u"agree"_s)) {
            step->check = Check::Agree;
            if (r.value(u"agree"_s) != QJsonValue(true))
                return r.fail(u"agree"_s, u"must be true"_s);
            if (m_clientsSoFar.isEmpty())
                return r.fail(u"agree"_s,
                              u"no earlier iamat step reports a client, so there is nothing to agree on"_s);
        } else {
            step->check = Check::Holds;
            if (!clientAtNode(r, u"holds"_s, step, true))
                return false;
        }
        return r.integer(u"withinMs"_s, 0, MaxMs, &step->windowMs, true);
    }

    // {"node": X, "client": C} (and "time" when `withTime`).
    bool clientAtNode(const FieldReader &r, const QString &key, ScenarioStep *step, bool withTime) const
    {
        if (!r.value(key).isObject())
            return r.fail(
                key, u"must be an object like {\"node\": \"Bolden\", \"client\": \"kiwi.cs.ucla.edu\"}"_s);
        const FieldReader o = r.nested(key, r.value(key).toObject());
        QStringList allowed{u"node"_s, u"client"_s};
        if (withTime)
            allowed.append(u"time"_s);
        if (!o.onlyKeys(allowed) || !o.node(u"node"_s, &step->node)
            || !o.field(u"client"_s, &step->client, true, u"a client id"_s)
            || (withTime && !o.clientTime(u"time"_s, &step->time, &step->timeNs)))
            return false;
        if (step->time.isEmpty() && !m_clientsSoFar.contains(step->client))
            return o.fail(u"client"_s,
                          QStringLiteral("no earlier iamat step reports %1, so it has no newest time%2")
                              .arg(quoted(QString::fromUtf8(step->client)),
                                   withTime ? u" (give \"time\")"_s : QString()));
        return true;
    }

    const HerdConfig &m_herd;
    const QSet<QByteArray> &m_clientsSoFar;
};

bool readTiming(const FieldReader &r, ScenarioStep *step, qint64 *lastAt)
{
    if (r.has(u"at"_s) && r.has(u"after"_s))
        return r.fail({}, u"give \"at\" or \"after\", not both"_s);
    if (r.has(u"at"_s)) {
        step->timing = ScenarioStep::Timing::At;
        if (!r.integer(u"at"_s, 0, MaxMs, &step->timingMs, true))
            return false;
        if (step->timingMs < *lastAt)
            return r.fail(u"at"_s,
                          QStringLiteral("%1 ms is before an earlier step's \"at\" (%2 ms)")
                              .arg(step->timingMs)
                              .arg(*lastAt));
        *lastAt = step->timingMs;
    } else if (r.has(u"after"_s)) {
        step->timing = ScenarioStep::Timing::After;
        if (!r.integer(u"after"_s, 0, MaxMs, &step->timingMs, true))
            return false;
    }
    if (r.has(u"note"_s) && !r.string(u"note"_s, &step->note, false, u"text for the report"_s))
        return false;
    return true;
}

std::optional<HerdConfig> readHerd(const QJsonObject &root, const QString &baseDir, QString *herdSource,
                                   QString *error)
{
    const bool inline_ = root.contains(u"herd");
    if (inline_ == root.contains(u"herdFile")) {
        *error = inline_ ? u"give \"herd\" or \"herdFile\", not both"_s
                         : u"missing \"herd\" (a built-in herd's name or a herd object) or \"herdFile\""_s;
        return std::nullopt;
    }
    QString problem;
    std::optional<HerdConfig> herd;
    if (inline_) {
        const QJsonValue value = root.value(u"herd");
        if (value.isString()) {
            herd = HerdConfig::preset(value.toString(), &problem);
            *herdSource = u"built-in " + quoted(value.toString());
        } else if (value.isObject()) {
            herd = HerdConfig::fromJson(QJsonDocument(value.toObject()).toJson(), &problem);
            *herdSource = u"inline"_s;
        } else {
            problem = u"must be a built-in herd's name (" + HerdConfig::presetNames().join(u", ")
                + u") or a herd object"_s;
        }
        if (!herd)
            *error = u"\"herd\": " + problem;
        return herd;
    }
    const QJsonValue file = root.value(u"herdFile");
    if (!file.isString() || file.toString().isEmpty()) {
        *error = u"\"herdFile\": must be a path, relative to the scenario file"_s;
        return std::nullopt;
    }
    herd = HerdConfig::fromFile(QDir(baseDir).filePath(file.toString()), &problem);
    *herdSource = file.toString();
    if (!herd)
        *error = u"\"herdFile\": " + problem;
    return herd;
}

} // namespace

QString ScenarioStep::kindName(Kind kind)
{
    for (const KindInfo &info : Kinds) {
        if (info.kind == kind)
            return QString::fromUtf16(info.name);
    }
    return {};
}

QStringList ScenarioStep::kindNames()
{
    QStringList names;
    for (const KindInfo &info : Kinds)
        names.append(QString::fromUtf16(info.name));
    return names;
}

QList<QByteArray> Scenario::clients() const
{
    QList<QByteArray> result;
    for (const ScenarioStep &step : steps) {
        if (step.kind == ScenarioStep::Kind::Iamat && !result.contains(step.client))
            result.append(step.client);
    }
    return result;
}

std::optional<Scenario> Scenario::fromJson(const QByteArray &json, const QString &baseDir, QString *error)
{
    QString problem;
    auto failed = [&](const QString &message) -> std::optional<Scenario> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return failed(describeJsonError(json, parseError));
    if (!document.isObject())
        return failed(u"a scenario file must hold a JSON object"_s);
    if (const std::optional<DuplicateKey> duplicate = findDuplicateKey(json))
        return failed(quoted(duplicate->path) + u": " + duplicate->describe());
    const QJsonObject root = document.object();
    const QStringList topKeys{u"name"_s, u"description"_s, u"herd"_s, u"herdFile"_s, u"resync"_s, u"steps"_s};
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (!topKeys.contains(it.key()))
            return failed(quoted(it.key()) + u": unknown key (expected one of: " + topKeys.join(u", ")
                          + u')');
    }

    Scenario scenario;
    if (!root.value(u"name").isString() || root.value(u"name").toString().isEmpty())
        return failed(u"\"name\": must be a non-empty string"_s);
    scenario.name = root.value(u"name").toString();
    if (root.contains(u"description") && !root.value(u"description").isString())
        return failed(u"\"description\": must be a string"_s);
    scenario.description = root.value(u"description").toString();
    std::optional<HerdConfig> herd = readHerd(root, baseDir, &scenario.herdSource, &problem);
    if (!herd)
        return failed(problem);
    scenario.herd = *herd;
    if (root.contains(u"resync")) {
        if (!root.value(u"resync").isBool())
            return failed(u"\"resync\": must be true or false"_s);
        scenario.resync = root.value(u"resync").toBool();
        scenario.herd.resync = *scenario.resync;
    }

    const QJsonArray steps = root.value(u"steps").toArray();
    if (!root.value(u"steps").isArray() || steps.isEmpty())
        return failed(
            u"\"steps\": must be a non-empty array of steps like {\"do\": \"kill\", \"node\": \"Alford\"}"_s);
    QSet<QByteArray> clientsSoFar;
    qint64 lastAt = 0;
    for (qsizetype i = 0; i < steps.size(); ++i) {
        const QString number = QStringLiteral("step %1").arg(i + 1);
        if (!steps.at(i).isObject())
            return failed(number + u": must be an object like {\"do\": \"kill\", \"node\": \"Alford\"}");
        const QJsonObject object = steps.at(i).toObject();
        const QJsonValue kindValue = object.value(u"do");
        if (!object.contains(u"do"))
            return failed(number + u": missing \"do\" (one of: " + ScenarioStep::kindNames().join(u", ")
                          + u')');
        const qsizetype kindIndex = ScenarioStep::kindNames().indexOf(kindValue.toString());
        if (!kindValue.isString() || kindIndex < 0)
            return failed(number + u": \"do\": unknown step kind " + quoted(kindValue.toVariant().toString())
                          + u" (expected one of: " + ScenarioStep::kindNames().join(u", ") + u')');
        ScenarioStep step;
        step.kind = Kinds[kindIndex].kind;
        const FieldReader reader(object, number + u" (" + ScenarioStep::kindName(step.kind) + u')', {},
                                 scenario.herd, &problem);
        if (!readTiming(reader, &step, &lastAt)
            || !StepParser(scenario.herd, clientsSoFar).parse(reader, &step))
            return failed(problem);
        if (step.kind == ScenarioStep::Kind::Iamat)
            clientsSoFar.insert(step.client);
        scenario.steps.append(step);
    }
    return scenario;
}

std::optional<Scenario> Scenario::fromFile(const QString &path, QString *error)
{
    const std::optional<QByteArray> json = readBoundedFile(path, MaxHerdFileBytes, error);
    if (!json)
        return std::nullopt;
    QString problem;
    std::optional<Scenario> scenario = fromJson(*json, QFileInfo(path).absolutePath(), &problem);
    if (!scenario && error)
        *error = path + u": " + problem;
    return scenario;
}

QStringList Scenario::labNames()
{
    QStringList names;
    const QStringList files
        = QDir(QString::fromLatin1(LabDir)).entryList({u"*.json"_s}, QDir::Files, QDir::Name);
    for (const QString &file : files)
        names.append(file.chopped(5));
    return names;
}

std::optional<Scenario> Scenario::lab(const QString &name, QString *error)
{
    if (!labNames().contains(name)) {
        if (error)
            *error = QStringLiteral("no lab named \"%1\" (labs: %2)").arg(name, labNames().join(u", "));
        return std::nullopt;
    }
    return fromFile(QString::fromLatin1(LabDir) + u'/' + name + u".json", error);
}

} // namespace Herd
