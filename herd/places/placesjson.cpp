// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/places/placesjson.h"

#include <cmath>
#include <string>

#include <QJsonArray>
#include <QJsonValue>
#include <QLocale>

namespace Herd {

namespace {

constexpr int IndentWidth = 3;

// The text is built in a std::string, whose appends are inline and cheap,
// and copied into a QByteArray once at the end: a WHATSAT body is a few
// hundred appends, and QByteArray::append(char) costs a call and a detach
// check each.
class Writer
{
public:
    std::string out;

    void value(const QJsonValue &value, int depth)
    {
        switch (value.type()) {
        case QJsonValue::Null:
        case QJsonValue::Undefined:
            out += "null";
            break;
        case QJsonValue::Bool:
            out += value.toBool() ? "true" : "false";
            break;
        case QJsonValue::Double:
            number(value);
            break;
        case QJsonValue::String:
            string(value.toString());
            break;
        case QJsonValue::Array:
            array(value.toArray(), depth);
            break;
        case QJsonValue::Object:
            object(value.toObject(), depth);
            break;
        }
    }

    void object(const QJsonObject &object, int depth)
    {
        if (object.isEmpty()) {
            out += "{}";
            return;
        }
        out += '{';
        for (auto it = object.constBegin(), end = object.constEnd(); it != end;) {
            newLine(depth + 1);
            string(it.key());
            out += " : ";
            value(it.value(), depth + 1);
            if (++it != end)
                out += ',';
        }
        newLine(depth);
        out += '}';
    }

private:
    void newLine(int depth)
    {
        out += '\n';
        out.append(size_t(depth) * IndentWidth, ' ');
    }

    // One UTF-8 byte of a string's text, JSON-escaped; bytes >= 0x80 are
    // UTF-8 sequences and stay as they are.
    void escapedByte(char c)
    {
        static constexpr char Hex[] = "0123456789abcdef";
        switch (c) {
        case '"':
            out += "\\\"";
            return;
        case '\\':
            out += "\\\\";
            return;
        case '\b':
            out += "\\b";
            return;
        case '\f':
            out += "\\f";
            return;
        case '\n':
            out += "\\n";
            return;
        case '\r':
            out += "\\r";
            return;
        case '\t':
            out += "\\t";
            return;
        default:
            break;
        }
        if (static_cast<unsigned char>(c) < 0x20) {
            out += "\\u00";
            out += Hex[(c >> 4) & 0xf];
            out += Hex[c & 0xf];
            return;
        }
        out += c;
    }

    void string(const QString &text)
    {
        out += '"';
        // Printable ASCII but '"' and '\\', the usual case, is copied straight
        // from UTF-16; anything else goes byte by byte through toUtf8().
        const QChar *const units = text.constData();
        const qsizetype size = text.size();
        const size_t start = out.size();
        out.resize(start + size_t(size));
        char *const to = out.data() + start;
        for (qsizetype i = 0; i < size; ++i) {
            const char16_t unit = units[i].unicode();
            if (unit < 0x20 || unit >= 0x7f || unit == '"' || unit == '\\') {
                out.resize(start);
                for (const char c : text.toUtf8())
                    escapedByte(c);
                break;
            }
            to[i] = char(unit);
        }
        out += '"';
    }

    void number(const QJsonValue &value)
    {
        const double d = value.toDouble();
        if (!std::isfinite(d)) {
            out += "null"; // JSON has no infinities; QJsonDocument writes null too
            return;
        }
        // toInteger() keeps a large qint64 exact where the double would not.
        constexpr double IntegerLimit = 9.2e18; // below 2^63
        const QByteArray text = d == std::floor(d) && std::fabs(d) < IntegerLimit
            ? QByteArray::number(value.toInteger(static_cast<qint64>(d)))
            : QByteArray::number(d, 'g', QLocale::FloatingPointShortest);
        out.append(text.constData(), size_t(text.size()));
    }

    void array(const QJsonArray &array, int depth)
    {
        if (array.isEmpty()) {
            out += "[]";
            return;
        }
        out += '[';
        const qsizetype size = array.size();
        for (qsizetype i = 0; i < size; ++i) {
            newLine(depth + 1);
            value(array.at(i), depth + 1);
            if (i + 1 < size)
                out += ',';
        }
        newLine(depth);
        out += ']';
    }
};

} // namespace

QByteArray formatPlacesJson(const QJsonObject &response)
{
    Writer writer;
    writer.out.reserve(2048);
    writer.object(response, 0);
    // Already what squeezeNewlines() makes: every '\n' is followed by an
    // indent or a bracket and never by another '\n' (newlines inside strings
    // are escaped), and the text ends with '}'.
    return QByteArray(writer.out.data(), qsizetype(writer.out.size()));
}

QByteArray squeezeNewlines(QByteArray text)
{
    char *const data = text.data();
    const qsizetype size = text.size();
    qsizetype kept = 0;
    for (qsizetype i = 0; i < size; ++i) {
        if (data[i] == '\n' && kept > 0 && data[kept - 1] == '\n')
            continue;
        data[kept++] = data[i];
    }
    while (kept > 0 && data[kept - 1] == '\n')
        --kept;
    text.truncate(kept);
    return text;
}

QJsonObject trimResults(QJsonObject response, int bound)
{
    const auto it = response.find(QLatin1StringView("results"));
    if (it == response.end() || !it->isArray())
        return response;
    QJsonArray results = it->toArray();
    const qsizetype keep = qMax(0, bound);
    if (results.size() <= keep)
        return response;
    while (results.size() > keep)
        results.removeLast();
    *it = results;
    return response;
}

} // namespace Herd
