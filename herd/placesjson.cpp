#include "placesjson.h"

#include <cmath>

#include <QJsonArray>
#include <QJsonValue>
#include <QLocale>

namespace Herd {

namespace {

constexpr int IndentWidth = 3;

void writeValue(QByteArray &out, const QJsonValue &value, int depth);

void newLine(QByteArray &out, int depth)
{
    out.append('\n');
    out.append(qsizetype(depth) * IndentWidth, ' ');
}

void writeString(QByteArray &out, const QString &text)
{
    static constexpr char Hex[] = "0123456789abcdef";
    out.append('"');
    for (const char c : text.toUtf8()) {
        switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\b': out.append("\\b"); break;
        case '\f': out.append("\\f"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        default:
            // Bytes >= 0x80 are UTF-8 sequences and stay as they are.
            if (static_cast<unsigned char>(c) < 0x20) {
                out.append("\\u00");
                out.append(Hex[(c >> 4) & 0xf]);
                out.append(Hex[c & 0xf]);
            } else {
                out.append(c);
            }
        }
    }
    out.append('"');
}

void writeNumber(QByteArray &out, const QJsonValue &value)
{
    const double d = value.toDouble();
    if (!std::isfinite(d)) {
        out.append("null"); // JSON has no infinities; QJsonDocument writes null too
        return;
    }
    // toInteger() keeps a large qint64 exact where the double would not.
    constexpr double IntegerLimit = 9.2e18; // below 2^63
    if (d == std::floor(d) && std::fabs(d) < IntegerLimit) {
        out.append(QByteArray::number(value.toInteger(static_cast<qint64>(d))));
        return;
    }
    out.append(QByteArray::number(d, 'g', QLocale::FloatingPointShortest));
}

void writeArray(QByteArray &out, const QJsonArray &array, int depth)
{
    if (array.isEmpty()) {
        out.append("[]");
        return;
    }
    out.append('[');
    for (qsizetype i = 0; i < array.size(); ++i) {
        newLine(out, depth + 1);
        writeValue(out, array.at(i), depth + 1);
        if (i + 1 < array.size())
            out.append(',');
    }
    newLine(out, depth);
    out.append(']');
}

void writeObject(QByteArray &out, const QJsonObject &object, int depth)
{
    if (object.isEmpty()) {
        out.append("{}");
        return;
    }
    out.append('{');
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        newLine(out, depth + 1);
        writeString(out, it.key());
        out.append(" : ");
        writeValue(out, it.value(), depth + 1);
        if (std::next(it) != object.constEnd())
            out.append(',');
    }
    newLine(out, depth);
    out.append('}');
}

void writeValue(QByteArray &out, const QJsonValue &value, int depth)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined: out.append("null"); break;
    case QJsonValue::Bool: out.append(value.toBool() ? "true" : "false"); break;
    case QJsonValue::Double: writeNumber(out, value); break;
    case QJsonValue::String: writeString(out, value.toString()); break;
    case QJsonValue::Array: writeArray(out, value.toArray(), depth); break;
    case QJsonValue::Object: writeObject(out, value.toObject(), depth); break;
    }
}

} // namespace

QByteArray formatPlacesJson(const QJsonObject &response)
{
    QByteArray out;
    writeObject(out, response, 0);
    return squeezeNewlines(std::move(out));
}

QByteArray squeezeNewlines(QByteArray text)
{
    qsizetype kept = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && kept > 0 && text[kept - 1] == '\n')
            continue;
        text[kept++] = text[i];
    }
    while (kept > 0 && text[kept - 1] == '\n')
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
