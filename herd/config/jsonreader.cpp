// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/config/jsonreader.h"

#include <QDir>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QList>

#include <cmath>
#include <tuple>
#include <utility>

#include "herd/config/boundedfile.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

// Line and column (in bytes, as QJsonParseError's offsets are) from 1.
std::pair<qsizetype, qsizetype> lineAndColumn(QByteArrayView json, qsizetype offset)
{
    const QByteArrayView before = json.first(qMin(offset, json.size()));
    const qsizetype line = before.count('\n') + 1;
    const qsizetype column = offset - (before.lastIndexOf('\n') + 1) + 1;
    return {line, column};
}

QString describeJsonError(const QByteArray &json, const QJsonParseError &error)
{
    const auto [line, column] = lineAndColumn(json, error.offset);
    return QStringLiteral("not valid JSON at line %1, column %2: %3")
        .arg(line)
        .arg(column)
        .arg(error.errorString());
}

// A key given twice in one JSON object.
struct DuplicateKey
{
    QString path; // of the key, from the top: "nodes.Alford", "steps[3].node"
    qsizetype line = 0;
    qsizetype column = 0;
    qsizetype firstLine = 0;
    qsizetype firstColumn = 0;

    QString describe() const
    {
        return QStringLiteral("duplicate key at line %1, column %2 (first at line %3, column %4)")
            .arg(line)
            .arg(column)
            .arg(firstLine)
            .arg(firstColumn);
    }
};

// An object or array the scan is inside.
struct Container
{
    bool object = false;
    QString path;
    QHash<QString, qsizetype> keys; // objects: each key's offset
    qsizetype index = 0;            // arrays: the element under way
    bool expectKey = false;         // objects: the next string is a key
    QString key;                    // objects: the key of the value under way
};

QString childPath(const Container &parent)
{
    if (!parent.object)
        return parent.path + u'[' + QString::number(parent.index) + u']';
    return parent.path.isEmpty() ? parent.key : parent.path + u'.' + parent.key;
}

// A key's text; escapes are rare in keys, so only then is the JSON parser
// asked to decode it.
QString decodeKey(QByteArrayView quoted)
{
    const QByteArrayView inner = quoted.sliced(1, quoted.size() - 2);
    if (!inner.contains('\\'))
        return QString::fromUtf8(inner);
    const QJsonDocument document = QJsonDocument::fromJson('[' + quoted.toByteArray() + ']');
    return document.array().at(0).toString();
}

// The first duplicate key of `json`, at any depth, in text order. Keys are
// compared as decoded text, so "port" and "p\u006frt" are the same key.
// Meant for text QJsonDocument has accepted; on anything else it returns
// without reading out of bounds, but what it finds means little.
std::optional<DuplicateKey> findDuplicateKey(QByteArrayView json)
{
    QList<Container> open;
    const qsizetype size = json.size();
    for (qsizetype i = 0; i < size; ++i) {
        const char c = json[i];
        switch (c) {
        case '{':
        case '[': {
            Container container;
            container.object = c == '{';
            container.expectKey = container.object;
            if (!open.isEmpty())
                container.path = childPath(open.constLast());
            open.append(std::move(container));
            break;
        }
        case '}':
        case ']':
            if (!open.isEmpty())
                open.removeLast();
            break;
        case ',':
            if (!open.isEmpty()) {
                Container &container = open.last();
                if (container.object)
                    container.expectKey = true;
                else
                    ++container.index;
            }
            break;
        case '"': {
            const qsizetype start = i;
            for (++i; i < size && json[i] != '"'; ++i) {
                if (json[i] == '\\')
                    ++i; // the escaped byte, a quote perhaps
            }
            if (i >= size)
                return std::nullopt; // unterminated: not JSON
            if (open.isEmpty() || !open.constLast().object || !open.constLast().expectKey)
                break; // a value
            Container &container = open.last();
            container.expectKey = false;
            container.key = decodeKey(json.sliced(start, i - start + 1));
            const auto first = container.keys.constFind(container.key);
            if (first == container.keys.cend()) {
                container.keys.insert(container.key, start);
                break;
            }
            DuplicateKey duplicate;
            duplicate.path = childPath(container);
            std::tie(duplicate.line, duplicate.column) = lineAndColumn(json, start);
            std::tie(duplicate.firstLine, duplicate.firstColumn) = lineAndColumn(json, first.value());
            return duplicate;
        }
        default:
            break; // white space, ':', numbers, true, false, null
        }
    }
    return std::nullopt;
}

// A JSON number that is a whole number a qint64 holds.
std::optional<qint64> wholeNumber(const QJsonValue &value)
{
    const double number = value.toDouble();
    constexpr double Limit = 9'223'372'036'854'775'808.0; // 2^63
    if (!value.isDouble() || number != std::floor(number) || number < -Limit || number >= Limit)
        return std::nullopt;
    return qint64(number);
}

} // namespace

JsonFields::JsonFields(const QJsonObject &object, JsonReader *reader, const QString &path,
                       const QString &context)
    : m_object(object)
    , m_reader(reader)
    , m_path(path)
    , m_context(context)
{}

bool JsonFields::fail(const QString &key, const QString &what) const
{
    return m_reader->fail(m_context, key.isEmpty() ? m_path : pathOf(key), what);
}

bool JsonFields::onlyKeys(const QStringList &allowed) const
{
    for (auto it = m_object.begin(); it != m_object.end(); ++it) {
        if (!allowed.contains(it.key()))
            return fail(it.key(), u"unknown key (expected one of: " + allowed.join(u", ") + u')');
    }
    return true;
}

std::optional<JsonFields> JsonFields::object(const QString &key, const QString &example) const
{
    const QJsonValue v = value(key);
    if (!v.isObject()) {
        fail(key, example.isEmpty() ? u"must be an object"_s : u"must be an object like " + example);
        return std::nullopt;
    }
    return JsonFields(v.toObject(), m_reader, pathOf(key), m_context);
}

bool JsonFields::boolean(const QString &key, bool *out) const
{
    if (!has(key))
        return true;
    if (!value(key).isBool())
        return fail(key, u"must be true or false"_s);
    *out = value(key).toBool();
    return true;
}

bool JsonFields::string(const QString &key, QString *out) const
{
    if (!has(key))
        return true;
    if (!value(key).isString())
        return fail(key, u"must be a string"_s);
    *out = value(key).toString();
    return true;
}

bool JsonFields::nonEmptyString(const QString &key, QString *out, Need need, const QString &example) const
{
    if (!has(key))
        return need == Optional || missing(key, example);
    const QJsonValue v = value(key);
    if (!v.isString() || v.toString().isEmpty())
        return fail(key, u"must be a non-empty string (" + example + u')');
    *out = v.toString();
    return true;
}

bool JsonFields::integer(const QString &key, qint64 min, qint64 max, qint64 *out, Need need) const
{
    const QString range = QStringLiteral("a whole number from %1 to %2").arg(min).arg(max);
    if (!has(key))
        return need == Optional || missing(key, range);
    const std::optional<qint64> number = wholeNumber(value(key));
    const bool inRange = number && *number >= min && *number <= max;
    if (m_reader->wording() == JsonReader::Wording::HerdFile) {
        if (!number)
            return fail(key, u"must be a whole number"_s);
        if (!inRange)
            return fail(key, QStringLiteral("must be between %1 and %2").arg(min).arg(max));
    } else if (!inRange) {
        return fail(key, u"must be " + range);
    }
    *out = *number;
    return true;
}

bool JsonFields::integer(const QString &key, qint64 min, qint64 max, int *out, Need need) const
{
    qint64 wide = *out;
    if (!integer(key, min, max, &wide, need))
        return false;
    *out = int(wide);
    return true;
}

QString JsonFields::pathOf(const QString &key) const
{
    return m_path.isEmpty() ? key : m_path + u'.' + key;
}

bool JsonFields::missing(const QString &key, const QString &expected) const
{
    if (m_reader->wording() == JsonReader::Wording::HerdFile)
        return fail({}, u"missing key \"" + key + u'"');
    return fail(key, u"missing (" + expected + u')');
}

std::optional<JsonFields> JsonReader::read(const QByteArray &json, const QString &notAnObject)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        fail({}, {}, describeJsonError(json, parseError));
        return std::nullopt;
    }
    if (!document.isObject()) {
        fail({}, {}, notAnObject);
        return std::nullopt;
    }
    if (const std::optional<DuplicateKey> duplicate = findDuplicateKey(json)) {
        fail({}, duplicate->path, duplicate->describe());
        return std::nullopt;
    }
    return JsonFields(document.object(), this);
}

std::optional<JsonFields> JsonReader::readFile(const QString &path, const QString &notAnObject)
{
    QString error;
    const std::optional<QByteArray> json = readBoundedFile(path, MaxHerdFileBytes, &error);
    if (!json) {
        fail({}, {}, error);
        return std::nullopt;
    }
    m_file = path;
    return read(*json, notAnObject);
}

bool JsonReader::fail(const QString &context, const QString &path, const QString &what)
{
    if (!m_message.isEmpty())
        return false;
    QStringList parts;
    if (!m_file.isEmpty())
        parts.append(m_file);
    if (!context.isEmpty())
        parts.append(context);
    if (!path.isEmpty())
        parts.append(m_wording == Wording::Scenario ? u'"' + path + u'"' : path);
    parts.append(what);
    m_message = parts.join(u": ");
    return false;
}

QStringList jsonFileNames(const QString &folder)
{
    QStringList names;
    const QStringList files = QDir(folder).entryList({u"*.json"_s}, QDir::Files, QDir::Name);
    for (const QString &file : files)
        names.append(file.chopped(5));
    return names;
}

} // namespace Herd
