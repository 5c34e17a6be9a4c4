// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/scenario/scenario.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <cmath>

#include "herd/config/jsonreader.h"
#include "herd/partition.h"
#include "herd/wire/protocol.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

using Kind = ScenarioStep::Kind;
using enum JsonFields::Need;

const QString LabDir = QStringLiteral(":/labs");
const QString NotAnObject = QStringLiteral("a scenario file must hold a JSON object");
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

// A client id, or any other protocol field: text without white space.
bool field(const JsonFields &r, const QString &key, QByteArray *out, const QString &example)
{
    QString text;
    if (!r.nonEmptyString(key, &text, Required, example))
        return false;
    for (const QChar c : std::as_const(text)) {
        if (c.isSpace())
            return r.fail(key, quoted(text) + u" contains white space, which would split it into two fields");
    }
    *out = text.toUtf8();
    return true;
}

// A number sent as a WHATSAT field: written the way JSON gave it, so 10
// stays "10" and 0.5 stays "0.5".
bool number(const JsonFields &r, const QString &key, QByteArray *out, const QString &example)
{
    if (!r.has(key))
        return r.fail(key, u"missing (" + example + u')');
    const QJsonValue v = r.value(key);
    if (!v.isDouble())
        return r.fail(key, u"must be a number (" + example + u')');
    const double number = v.toDouble();
    *out = number == std::floor(number) && std::fabs(number) < 1e15 ? QByteArray::number(qint64(number))
                                                                    : QByteArray::number(number, 'g', 15);
    return true;
}

bool clientTime(const JsonFields &r, const QString &key, QByteArray *text, qint64 *ns)
{
    QString given;
    if (!r.nonEmptyString(key, &given, Optional, u"POSIX seconds, like \"1621464827.959498503\""_s))
        return false;
    if (!r.has(key) || given == u"now")
        return true;
    const QByteArray utf8 = given.toUtf8();
    if (!parseTime(utf8, ns))
        return r.fail(key, quoted(given) + u" is not POSIX seconds like \"1621464827.959498503\""_s);
    *text = utf8;
    return true;
}

// Reads the steps of a scenario, in order, and names a problem's step
// ("step 4 (cut)"). Remembers what earlier steps said: the clients they
// reported, and the last "at", which a later one may not go back before.
class StepReader
{
public:
    StepReader(const HerdConfig &herd, JsonReader *reader)
        : m_herd(herd)
        , m_reader(reader)
    {}

    bool read(const QJsonValue &value, qsizetype index, ScenarioStep *step)
    {
        const QString number = QStringLiteral("step %1").arg(index + 1);
        if (!value.isObject())
            return m_reader->fail(number, {},
                                  u"must be an object like {\"do\": \"kill\", \"node\": \"Alford\"}"_s);
        const JsonFields object(value.toObject(), m_reader, {}, number);
        const QString kinds = ScenarioStep::kindNames().join(u", ");
        if (!object.has(u"do"_s))
            return object.fail({}, u"missing \"do\" (one of: " + kinds + u')');
        const QJsonValue kind = object.value(u"do"_s);
        const qsizetype kindIndex = ScenarioStep::kindNames().indexOf(kind.toString());
        if (!kind.isString() || kindIndex < 0)
            return object.fail(u"do"_s,
                               u"unknown step kind " + quoted(kind.toVariant().toString())
                                   + u" (expected one of: " + kinds + u')');
        step->kind = Kinds[kindIndex].kind;
        const JsonFields fields(value.toObject(), m_reader, {},
                                number + u" (" + ScenarioStep::kindName(step->kind) + u')');
        if (!timing(fields, step) || !parse(fields, step))
            return false;
        if (step->kind == Kind::Iamat)
            m_clientsSoFar.insert(step->client);
        return true;
    }

private:
    bool timing(const JsonFields &r, ScenarioStep *step)
    {
        if (r.has(u"at"_s) && r.has(u"after"_s))
            return r.fail({}, u"give \"at\" or \"after\", not both"_s);
        if (r.has(u"at"_s)) {
            step->timing = ScenarioStep::Timing::At;
            if (!r.integer(u"at"_s, 0, MaxMs, &step->timingMs, Required))
                return false;
            if (step->timingMs < m_lastAt)
                return r.fail(u"at"_s,
                              QStringLiteral("%1 ms is before an earlier step's \"at\" (%2 ms)")
                                  .arg(step->timingMs)
                                  .arg(m_lastAt));
            m_lastAt = step->timingMs;
        } else if (r.has(u"after"_s)) {
            step->timing = ScenarioStep::Timing::After;
            if (!r.integer(u"after"_s, 0, MaxMs, &step->timingMs, Required))
                return false;
        }
        return r.nonEmptyString(u"note"_s, &step->note, Optional, u"text for the report"_s);
    }

    // What each kind of step reads beyond "do", "at", "after" and "note".
    bool parse(const JsonFields &r, ScenarioStep *step) const
    {
        switch (step->kind) {
        case Kind::Iamat:
            return r.onlyKeys(keys({u"node"_s, u"client"_s, u"position"_s, u"time"_s}))
                && node(r, u"node"_s, &step->node)
                && field(r, u"client"_s, &step->client, u"the client's id, like \"kiwi.cs.ucla.edu\""_s)
                && position(r, step) && clientTime(r, u"time"_s, &step->time, &step->timeNs);
        case Kind::Whatsat:
            return r.onlyKeys(keys({u"node"_s, u"client"_s, u"radius"_s, u"bound"_s, u"expect"_s}))
                && node(r, u"node"_s, &step->node)
                && field(r, u"client"_s, &step->client, u"the client asked about"_s)
                && number(r, u"radius"_s, &step->radius, u"kilometres, like 10"_s)
                && number(r, u"bound"_s, &step->bound, u"at most this many places, like 5"_s)
                && whatsatExpect(r, step);
        case Kind::Kill:
        case Kind::Restart:
            return r.onlyKeys(keys({u"node"_s})) && node(r, u"node"_s, &step->node);
        case Kind::Cut:
        case Kind::Restore:
            return r.onlyKeys(keys({u"from"_s, u"to"_s, u"oneWay"_s})) && link(r, &step->from, &step->to)
                && r.boolean(u"oneWay"_s, &step->oneWay);
        case Kind::Delay:
            return r.onlyKeys(keys({u"from"_s, u"to"_s, u"ms"_s, u"jitterMs"_s, u"oneWay"_s}))
                && link(r, &step->from, &step->to) && r.integer(u"ms"_s, 0, 60'000, &step->ms, Required)
                && r.integer(u"jitterMs"_s, 0, 60'000, &step->jitterMs, Optional)
                && r.boolean(u"oneWay"_s, &step->oneWay);
        case Kind::Flaky:
            return r.onlyKeys(keys({u"from"_s, u"to"_s, u"meanMs"_s, u"oneWay"_s}))
                && link(r, &step->from, &step->to)
                && r.integer(u"meanMs"_s, 0, MaxMs, &step->meanMs, Required)
                && r.boolean(u"oneWay"_s, &step->oneWay);
        case Kind::Skew:
            return r.onlyKeys(keys({u"node"_s, u"ms"_s})) && node(r, u"node"_s, &step->node)
                && r.integer(u"ms"_s, -86'400'000, 86'400'000, &step->ms, Required);
        case Kind::Partition:
            return partition(r, step);
        case Kind::Heal:
        case Kind::Clear:
            return r.onlyKeys(keys({}));
        case Kind::Wait:
            return r.onlyKeys(keys({u"ms"_s})) && r.integer(u"ms"_s, 0, MaxMs, &step->ms, Required);
        case Kind::Expect:
            return expect(r, step);
        }
        return false;
    }

    static QStringList keys(QStringList own)
    {
        return QStringList {u"do"_s} << own << u"at"_s << u"after"_s << u"note"_s;
    }

    static bool position(const JsonFields &r, ScenarioStep *step)
    {
        if (!field(r, u"position"_s, &step->position, u"ISO 6709, like \"+34.068930-118.445127\""_s))
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

    static bool whatsatExpect(const JsonFields &r, ScenarioStep *step)
    {
        if (!r.has(u"expect"_s))
            return true;
        if (!r.value(u"expect"_s).isObject())
            return r.fail(u"expect"_s,
                          u"must be an object: {\"contains\": \"text\"} or {\"invalid\": true}"_s);
        const JsonFields e = *r.object(u"expect"_s);
        if (!e.onlyKeys({u"contains"_s, u"invalid"_s}))
            return false;
        if (e.has(u"contains"_s) == e.has(u"invalid"_s))
            return r.fail(u"expect"_s, u"give one of \"contains\" or \"invalid\""_s);
        if (e.has(u"contains"_s)) {
            step->reply = ScenarioStep::Reply::Contains;
            return e.nonEmptyString(u"contains"_s, &step->replyText, Required,
                                    u"text the reply must contain"_s);
        }
        if (e.value(u"invalid"_s) != QJsonValue(true))
            return e.fail(u"invalid"_s, u"must be true (the node answers \"? ...\")"_s);
        step->reply = ScenarioStep::Reply::Invalid;
        return true;
    }

    bool partition(const JsonFields &r, ScenarioStep *step) const
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
        if (!r.nonEmptyString(u"preset"_s, &step->preset, Required, presets))
            return false;
        if (!Partition::presetNames().contains(step->preset))
            return r.fail(
                u"preset"_s,
                QStringLiteral("unknown preset %1 (expected one of: %2)").arg(quoted(step->preset), presets));
        // Only "isolate" reads a node; one given to another preset is a slip.
        const bool isolate = step->preset == u"isolate";
        if (isolate && !node(r, u"node"_s, &step->node))
            return false;
        if (!isolate && r.has(u"node"_s))
            return r.fail(u"node"_s, u"goes with \"preset\": \"isolate\" only"_s);
        QString why;
        const std::optional<QList<Partition::Link>> links =
            Partition::preset(m_herd, step->preset, step->node, &why);
        if (!links)
            return r.fail(u"preset"_s, why);
        step->links = *links;
        return true;
    }

    bool groups(const JsonFields &r, ScenarioStep *step) const
    {
        const QString example =
            u"an array of groups of node names, like [[\"Alford\", \"Parker\"], [\"Bolden\"]]"_s;
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
                if (!m_herd.node(name))
                    return r.fail(at,
                                  QStringLiteral("unknown node %1 (nodes: %2)")
                                      .arg(quoted(name), m_herd.nodeNames().join(u", ")));
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

    bool expect(const JsonFields &r, ScenarioStep *step) const
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
                && r.integer(u"forMs"_s, 1, MaxMs, &step->windowMs, Required);
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
        return r.integer(u"withinMs"_s, 0, MaxMs, &step->windowMs, Required);
    }

    // {"node": X, "client": C} (and "time" when `withTime`).
    bool clientAtNode(const JsonFields &r, const QString &key, ScenarioStep *step, bool withTime) const
    {
        const std::optional<JsonFields> o =
            r.object(key, u"{\"node\": \"Bolden\", \"client\": \"kiwi.cs.ucla.edu\"}"_s);
        if (!o)
            return false;
        QStringList allowed {u"node"_s, u"client"_s};
        if (withTime)
            allowed.append(u"time"_s);
        if (!o->onlyKeys(allowed) || !node(*o, u"node"_s, &step->node)
            || !field(*o, u"client"_s, &step->client, u"a client id"_s)
            || (withTime && !clientTime(*o, u"time"_s, &step->time, &step->timeNs)))
            return false;
        if (step->time.isEmpty() && !m_clientsSoFar.contains(step->client))
            return o->fail(u"client"_s,
                           QStringLiteral("no earlier iamat step reports %1, so it has no newest time%2")
                               .arg(quoted(QString::fromUtf8(step->client)),
                                    withTime ? u" (give \"time\")"_s : QString()));
        return true;
    }

    bool node(const JsonFields &r, const QString &key, QString *out) const
    {
        if (!r.nonEmptyString(key, out, Required, u"a node name"_s))
            return false;
        if (!m_herd.node(*out))
            return r.fail(key,
                          QStringLiteral("unknown node %1 (nodes: %2)")
                              .arg(quoted(*out), m_herd.nodeNames().join(u", ")));
        return true;
    }

    // Both ends must be nodes and linked in the herd.
    bool link(const JsonFields &r, QString *from, QString *to) const
    {
        if (!node(r, u"from"_s, from) || !node(r, u"to"_s, to))
            return false;
        for (const auto &[a, b] : m_herd.links) {
            if ((a == *from && b == *to) || (a == *to && b == *from))
                return true;
        }
        return r.fail(u"to"_s,
                      QStringLiteral("%1 and %2 are not linked (%1's neighbours: %3)")
                          .arg(*from, *to, m_herd.neighboursOf(*from).join(u", ")));
    }

    const HerdConfig &m_herd;
    JsonReader *m_reader;
    QSet<QByteArray> m_clientsSoFar;
    qint64 m_lastAt = 0;
};

bool readHerd(const JsonFields &root, const QString &baseDir, Scenario *scenario)
{
    const bool inline_ = root.has(u"herd"_s);
    if (inline_ == root.has(u"herdFile"_s))
        return root.fail(
            {},
            inline_ ? u"give \"herd\" or \"herdFile\", not both"_s
                    : u"missing \"herd\" (a built-in herd's name or a herd object) or \"herdFile\""_s);
    QString problem;
    std::optional<HerdConfig> herd;
    if (inline_) {
        const QJsonValue value = root.value(u"herd"_s);
        if (value.isString()) {
            herd = HerdConfig::preset(value.toString(), &problem);
            scenario->herdSource = u"built-in " + quoted(value.toString());
        } else if (value.isObject()) {
            herd = HerdConfig::fromJson(QJsonDocument(value.toObject()).toJson(), &problem);
            scenario->herdSource = u"inline"_s;
        } else {
            problem = u"must be a built-in herd's name (" + HerdConfig::presetNames().join(u", ")
                + u") or a herd object"_s;
        }
    } else {
        const QJsonValue file = root.value(u"herdFile"_s);
        if (!file.isString() || file.toString().isEmpty())
            return root.fail(u"herdFile"_s, u"must be a path, relative to the scenario file"_s);
        herd = HerdConfig::fromFile(QDir(baseDir).filePath(file.toString()), &problem);
        scenario->herdSource = file.toString();
    }
    if (!herd)
        return root.fail(inline_ ? u"herd"_s : u"herdFile"_s, problem);
    scenario->herd = *herd;
    return true;
}

bool readScenario(const JsonFields &root, const QString &baseDir, JsonReader *reader, Scenario *scenario)
{
    if (!root.onlyKeys({u"name"_s, u"description"_s, u"herd"_s, u"herdFile"_s, u"resync"_s, u"steps"_s}))
        return false;
    if (!root.value(u"name"_s).isString() || root.value(u"name"_s).toString().isEmpty())
        return root.fail(u"name"_s, u"must be a non-empty string"_s);
    scenario->name = root.value(u"name"_s).toString();
    if (!root.string(u"description"_s, &scenario->description) || !readHerd(root, baseDir, scenario))
        return false;
    bool resync = scenario->herd.resync;
    if (!root.boolean(u"resync"_s, &resync))
        return false;
    if (root.has(u"resync"_s))
        scenario->resync = scenario->herd.resync = resync;

    const QJsonArray steps = root.value(u"steps"_s).toArray();
    if (!root.value(u"steps"_s).isArray() || steps.isEmpty())
        return root.fail(
            u"steps"_s,
            u"must be a non-empty array of steps like {\"do\": \"kill\", \"node\": \"Alford\"}"_s);
    StepReader stepReader(scenario->herd, reader);
    for (qsizetype i = 0; i < steps.size(); ++i) {
        ScenarioStep step;
        if (!stepReader.read(steps.at(i), i, &step))
            return false;
        scenario->steps.append(step);
    }
    return true;
}

std::optional<Scenario> scenarioFrom(JsonReader &reader, const std::optional<JsonFields> &root,
                                     const QString &baseDir, QString *error)
{
    Scenario scenario;
    if (root && readScenario(*root, baseDir, &reader, &scenario))
        return scenario;
    if (error)
        *error = reader.message();
    return std::nullopt;
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
    JsonReader reader(JsonReader::Wording::Scenario);
    return scenarioFrom(reader, reader.read(json, NotAnObject), baseDir, error);
}

std::optional<Scenario> Scenario::fromFile(const QString &path, QString *error)
{
    JsonReader reader(JsonReader::Wording::Scenario);
    return scenarioFrom(reader, reader.readFile(path, NotAnObject), QFileInfo(path).absolutePath(), error);
}

QStringList Scenario::labNames()
{
    return jsonFileNames(LabDir);
}

std::optional<Scenario> Scenario::lab(const QString &name, QString *error)
{
    if (!labNames().contains(name)) {
        if (error)
            *error = QStringLiteral("no lab named \"%1\" (labs: %2)").arg(name, labNames().join(u", "));
        return std::nullopt;
    }
    return fromFile(LabDir + u'/' + name + u".json", error);
}

} // namespace Herd
