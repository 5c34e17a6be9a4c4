// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/attach/processstate.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaEnum>

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

// Reads one snapshot, remembering the first field that is wrong.
class Reader
{
public:
    bool failed() const { return !m_error.isEmpty(); }
    const QString &error() const { return m_error; }

    QJsonValue member(const QJsonObject &object, const QString &where, QLatin1StringView key,
                      QJsonValue::Type type)
    {
        const QJsonValue value = object.value(key);
        if (value.type() != type && !failed())
            m_error = u"%1\"%2\" is missing or not %3"_s.arg(where, key, typeName(type));
        return value;
    }
    void fail(const QString &why)
    {
        if (!failed())
            m_error = why;
    }

private:
    static QString typeName(QJsonValue::Type type)
    {
        switch (type) {
        case QJsonValue::Bool:
            return u"true or false"_s;
        case QJsonValue::Double:
            return u"a number"_s;
        case QJsonValue::String:
            return u"a string"_s;
        case QJsonValue::Array:
            return u"an array"_s;
        default:
            return u"an object"_s;
        }
    }
    QString m_error;
};

void readRecords(Reader &reader, const QJsonArray &records, const QString &where, Store *store)
{
    for (qsizetype i = 0; i < records.size() && !reader.failed(); ++i) {
        const QString at = u"%1records[%2]."_s.arg(where).arg(i);
        const QByteArray atLine =
            reader.member(records.at(i).toObject(), at, "atLine"_L1, QJsonValue::String).toString().toUtf8();
        if (reader.failed())
            return;
        const std::optional<Record> record = Record::ofAtLine(atLine);
        if (!record)
            return reader.fail(u"%1\"atLine\" is not an AT line: %2"_s.arg(at, QString::fromUtf8(atLine)));
        store->offer(*record);
    }
}

void readNode(Reader &reader, const QJsonObject &object, qsizetype index, ProcessState *state)
{
    QString where = u"nodes[%1]."_s.arg(index);
    const QString name = reader.member(object, where, "name"_L1, QJsonValue::String).toString();
    const bool inProcess = reader.member(object, where, "inProcess"_L1, QJsonValue::Bool).toBool();
    if (reader.failed() || !inProcess)
        return;
    where = u"node %1: "_s.arg(name);
    ProcessNode node;
    node.status.host = reader.member(object, where, "host"_L1, QJsonValue::String).toString();
    node.status.port = quint16(reader.member(object, where, "port"_L1, QJsonValue::Double).toInt());
    node.status.running = reader.member(object, where, "running"_L1, QJsonValue::Bool).toBool();
    node.status.clockSkewMs = reader.member(object, where, "clockSkewMs"_L1, QJsonValue::Double).toInteger();
    node.status.clientConnections =
        reader.member(object, where, "clientConnections"_L1, QJsonValue::Double).toInt();
    readRecords(reader, reader.member(object, where, "records"_L1, QJsonValue::Array).toArray(), where,
                &node.store);
    state->nodes.insert(name, std::move(node));
}

void readLink(Reader &reader, const QJsonObject &object, qsizetype index, ProcessState *state)
{
    const QString where = u"links[%1]."_s.arg(index);
    const QString from = reader.member(object, where, "from"_L1, QJsonValue::String).toString();
    const QString to = reader.member(object, where, "to"_L1, QJsonValue::String).toString();
    const QString stateName = reader.member(object, where, "state"_L1, QJsonValue::String).toString();
    LinkState link;
    link.cut = reader.member(object, where, "cut"_L1, QJsonValue::Bool).toBool();
    link.delayMs = reader.member(object, where, "delayMs"_L1, QJsonValue::Double).toInt();
    link.jitterMs = reader.member(object, where, "jitterMs"_L1, QJsonValue::Double).toInt();
    link.flakyMeanMs = reader.member(object, where, "flakyMeanMs"_L1, QJsonValue::Double).toInt();
    link.failedAttempts = reader.member(object, where, "failedAttempts"_L1, QJsonValue::Double).toInt();
    link.queuedLines = reader.member(object, where, "queuedLines"_L1, QJsonValue::Double).toInt();
    if (reader.failed())
        return;
    const std::optional<LinkState::State> known = linkStateFromName(stateName);
    if (!known)
        return reader.fail(u"%1\"state\" is not a link state: \"%2\""_s.arg(where, stateName));
    link.state = *known;
    state->links.insert({from, to}, link);
}

} // namespace

std::optional<LinkState::State> linkStateFromName(const QString &name)
{
    const QMetaEnum states = QMetaEnum::fromType<LinkState::State>();
    for (int i = 0; i < states.keyCount(); ++i) {
        if (name == QString::fromLatin1(states.key(i)).toLower())
            return LinkState::State(states.value(i));
    }
    return std::nullopt;
}

std::optional<ProcessState> ProcessState::fromJson(const QByteArray &json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        if (error)
            *error = parseError.error != QJsonParseError::NoError
                ? u"not JSON (%1 at offset %2)"_s.arg(parseError.errorString()).arg(parseError.offset)
                : u"not a JSON object"_s;
        return std::nullopt;
    }
    const QJsonObject object = document.object();
    Reader reader;
    ProcessState state;
    state.herd = reader.member(object, {}, "herd"_L1, QJsonValue::String).toString();
    state.timeNs = reader.member(object, {}, "timeNs"_L1, QJsonValue::Double).toInteger();
    const QJsonArray nodes = reader.member(object, {}, "nodes"_L1, QJsonValue::Array).toArray();
    const QJsonArray links = reader.member(object, {}, "links"_L1, QJsonValue::Array).toArray();
    for (qsizetype i = 0; i < nodes.size() && !reader.failed(); ++i)
        readNode(reader, nodes.at(i).toObject(), i, &state);
    for (qsizetype i = 0; i < links.size() && !reader.failed(); ++i)
        readLink(reader, links.at(i).toObject(), i, &state);
    if (reader.failed()) {
        if (error)
            *error = reader.error();
        return std::nullopt;
    }
    return state;
}

} // namespace Herd
