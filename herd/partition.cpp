#include "partition.h"

#include <QHash>
#include <QQueue>
#include <QSet>

namespace Herd::Partition {

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
    QSet<QString> seen{start};
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

} // namespace Herd::Partition
