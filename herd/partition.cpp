// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/partition.h"

#include <QHash>
#include <QQueue>
#include <QSet>

using namespace Qt::StringLiterals;

namespace Herd::Partition {

namespace {

// The pieces of the herd without the nodes in `removed` and the links in
// `cut`, as components() returns them.
QList<QStringList> piecesWithout(const HerdConfig &config, const QSet<QString> &removed,
                                 const QList<Link> &cut)
{
    QSet<Link> cutSet;
    for (const auto &[a, b] : cut) {
        cutSet.insert({a, b});
        cutSet.insert({b, a});
    }
    QHash<QString, QStringList> adjacent;
    for (const auto &[a, b] : config.links) {
        if (cutSet.contains({a, b}) || removed.contains(a) || removed.contains(b))
            continue;
        adjacent[a].append(b);
        adjacent[b].append(a);
    }
    const QStringList names = config.nodeNames();
    QHash<QString, int> pieceOf;
    int pieces = 0;
    for (const QString &start : names) {
        if (removed.contains(start) || pieceOf.contains(start))
            continue;
        pieceOf.insert(start, pieces);
        QQueue<QString> queue;
        queue.enqueue(start);
        while (!queue.isEmpty()) {
            const QString current = queue.dequeue();
            for (const QString &next : adjacent.value(current)) {
                if (!pieceOf.contains(next)) {
                    pieceOf.insert(next, pieces);
                    queue.enqueue(next);
                }
            }
        }
        ++pieces;
    }
    // Filled in herd-file order, so each piece lists its nodes in that order.
    QList<QStringList> result(pieces);
    for (const QString &name : names) {
        if (pieceOf.contains(name))
            result[pieceOf.value(name)].append(name);
    }
    return result;
}

qsizetype largest(const QList<QStringList> &pieces)
{
    qsizetype result = 0;
    for (const QStringList &piece : pieces)
        result = qMax(result, piece.size());
    return result;
}

} // namespace

QList<QStringList> isolate(const HerdConfig &config, const QString &node)
{
    QStringList rest = config.nodeNames();
    rest.removeAll(node);
    return {{node}, rest};
}

QList<QStringList> halves(const HerdConfig &config)
{
    const QStringList names = config.nodeNames();
    if (names.size() < 2)
        return {names};
    // Start from a node of least degree: an end of the herd, not its hub.
    QString start = names.first();
    for (const QString &name : names) {
        if (config.neighboursOf(name).size() < config.neighboursOf(start).size())
            start = name;
    }
    QStringList order;
    QSet<QString> seen {start};
    QQueue<QString> queue;
    queue.enqueue(start);
    while (order.size() < names.size()) {
        if (queue.isEmpty()) {
            // A herd in pieces already: continue from the first unseen node.
            for (const QString &name : names) {
                if (!seen.contains(name)) {
                    seen.insert(name);
                    queue.enqueue(name);
                    break;
                }
            }
        }
        const QString current = queue.dequeue();
        order.append(current);
        QStringList next = config.neighboursOf(current);
        next.sort();
        for (const QString &neighbour : std::as_const(next)) {
            if (!seen.contains(neighbour)) {
                seen.insert(neighbour);
                queue.enqueue(neighbour);
            }
        }
    }
    const qsizetype half = order.size() / 2;
    return {order.first(half), order.sliced(half)};
}

QList<Link> crossingLinks(const HerdConfig &config, const QList<QStringList> &groups)
{
    QHash<QString, int> groupOf;
    for (int i = 0; i < groups.size(); ++i) {
        for (const QString &name : groups[i])
            groupOf.insert(name, i);
    }
    QList<Link> result;
    for (const auto &[a, b] : config.links) {
        if (groupOf.value(a, -1) != groupOf.value(b, -1) || !groupOf.contains(a))
            result.append({a, b});
    }
    return result;
}

QList<QStringList> components(const HerdConfig &config, const QList<Link> &cut)
{
    return piecesWithout(config, {}, cut);
}

QList<QStringList> bridge(const HerdConfig &config, QString *error)
{
    // Herds are a handful of nodes: removing each in turn is O(n * (n + m))
    // and far simpler to trust than Tarjan's low-link bookkeeping.
    const qsizetype piecesBefore = components(config).size();
    QString best;
    QList<QStringList> bestPieces;
    for (const QString &name : config.nodeNames()) {
        const QList<QStringList> pieces = piecesWithout(config, {name}, {});
        if (pieces.size() <= piecesBefore)
            continue;
        if (best.isEmpty() || largest(pieces) < largest(bestPieces)) {
            best = name;
            bestPieces = pieces;
        }
    }
    if (best.isEmpty()) {
        if (error)
            *error = QStringLiteral("herd \"%1\" has no bridge node: "
                                    "removing any one node leaves the others connected")
                         .arg(config.name);
        return {};
    }
    bestPieces.prepend({best});
    return bestPieces;
}

QList<Link> majoritiesRing(const HerdConfig &config)
{
    const QStringList names = config.nodeNames();
    const qsizetype count = names.size();
    const auto ringNeighbours = [&](const QString &a, const QString &b) {
        const qsizetype i = names.indexOf(a);
        const qsizetype j = names.indexOf(b);
        const qsizetype gap = qAbs(i - j);
        return gap == 1 || gap == count - 1;
    };
    QList<Link> result;
    for (const auto &[a, b] : config.links) {
        if (!ringNeighbours(a, b))
            result.append({a, b});
    }
    return result;
}

QStringList presetNames()
{
    return {u"isolate"_s, u"halves"_s, u"bridge"_s, u"majorities-ring"_s};
}

std::optional<QList<Link>> preset(const HerdConfig &config, const QString &name, const QString &node,
                                  QString *error)
{
    const auto fail = [error](const QString &message) -> std::optional<QList<Link>> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    if (name == u"isolate") {
        if (node.isEmpty())
            return fail(u"partition \"isolate\" needs the node to isolate"_s);
        if (!config.node(node))
            return fail(QStringLiteral("partition \"isolate\": no node named \"%1\" in herd \"%2\" "
                                       "(nodes: %3)")
                            .arg(node, config.name, config.nodeNames().join(u", ")));
        return crossingLinks(config, isolate(config, node));
    }
    if (name == u"halves")
        return crossingLinks(config, halves(config));
    if (name == u"bridge") {
        QString why;
        const QList<QStringList> groups = bridge(config, &why);
        if (groups.isEmpty())
            return fail(u"partition \"bridge\": "_s + why);
        return crossingLinks(config, groups);
    }
    if (name == u"majorities-ring")
        return majoritiesRing(config);
    return fail(QStringLiteral("unknown partition \"%1\" (expected one of: %2)")
                    .arg(name, presetNames().join(u", ")));
}

} // namespace Herd::Partition
