// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/fieldmask.h"

#include <algorithm>

#include <QJsonArray>
#include <QJsonValue>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

using Paths = QList<const QStringList *>;

bool isName(const QString &name)
{
    static const QRegularExpression pattern(u"^(\\*|[A-Za-z_][A-Za-z0-9_]*)$"_s);
    return pattern.match(name).hasMatch();
}

// What of `value` the `paths` select, each of them having led here by its
// names before `depth`; undefined when they select nothing.
QJsonValue select(const QJsonValue &value, const Paths &paths, qsizetype depth)
{
    for (const QStringList *path : paths) {
        if (path->size() == depth || path->at(depth) == "*"_L1)
            return value;
    }
    if (value.isArray()) {
        QJsonArray kept;
        for (const QJsonValue &element : value.toArray()) {
            if (const QJsonValue part = select(element, paths, depth); !part.isUndefined())
                kept.append(part);
        }
        return kept;
    }
    if (!value.isObject())
        return QJsonValue::Undefined; // the paths go on below a plain value
    const QJsonObject object = value.toObject();
    QJsonObject kept;
    for (auto member = object.begin(); member != object.end(); ++member) {
        Paths below;
        for (const QStringList *path : paths) {
            if (path->at(depth) == member.key())
                below.append(path);
        }
        if (below.isEmpty())
            continue;
        if (const QJsonValue part = select(member.value(), below, depth + 1); !part.isUndefined())
            kept.insert(member.key(), part);
    }
    return kept;
}

} // namespace

std::optional<FieldMask> FieldMask::parse(const QString &text, QString *error)
{
    if (text.trimmed().isEmpty()) {
        *error = u"the field mask is empty"_s;
        return std::nullopt;
    }
    FieldMask mask;
    for (const QString &part : text.split(u',')) {
        const QString path = part.trimmed();
        const QStringList names = path.split(u'.');
        if (!std::all_of(names.begin(), names.end(), isName)) {
            *error = u"the field mask path \"%1\" is not a dotted list of field names"_s.arg(path);
            return std::nullopt;
        }
        mask.m_paths.append(names);
    }
    return mask;
}

QStringList FieldMask::roots() const
{
    QStringList roots;
    for (const QStringList &path : m_paths)
        roots.append(path.constFirst());
    return roots;
}

QJsonObject FieldMask::apply(const QJsonObject &object) const
{
    Paths paths;
    for (const QStringList &path : m_paths)
        paths.append(&path);
    return select(object, paths, 0).toObject();
}

} // namespace Herd
