#include "herd/config/jsonkeys.h"

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QList>

#include <tuple>
#include <utility>

namespace Herd {

namespace {

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

std::pair<qsizetype, qsizetype> lineAndColumn(QByteArrayView json, qsizetype offset)
{
    const QByteArrayView before = json.first(offset);
    const qsizetype line = before.count('\n') + 1;
    const qsizetype column = offset - (before.lastIndexOf('\n') + 1) + 1;
    return {line, column};
}

} // namespace

QString DuplicateKey::describe() const
{
    return QStringLiteral("duplicate key at line %1, column %2 (first at line %3, column %4)")
        .arg(line)
        .arg(column)
        .arg(firstLine)
        .arg(firstColumn);
}

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

} // namespace Herd
