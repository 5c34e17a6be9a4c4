#include "partitionpreview.h"

#include <QCoreApplication>
#include <QHash>
#include <QSet>

#include <algorithm>

#include "cluster.h"
#include "partition.h"

namespace HerdUi {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("PartitionPreview", text);
}

QString linkKey(const QString &a, const QString &b)
{
    return a < b ? a + u'|' + b : b + u'|' + a;
}

} // namespace

int PartitionPreview::componentOf(const QString &node) const
{
    for (int i = 0; i < components.size(); ++i) {
        if (components.at(i).contains(node))
            return i;
    }
    return -1;
}

QString PartitionPreview::caption() const
{
    if (components.isEmpty())
        return {};
    // One line: the groups themselves are drawn, in their tints.
    const QString cuts = newCuts.isEmpty()
        ? tr("nothing more to cut")
        : QCoreApplication::translate("PartitionPreview", "cuts %n link(s)", nullptr, int(newCuts.size()));
    const QString stale = staleNodes.isEmpty()
        ? tr("every node still reaches every other")
        : QCoreApplication::translate("PartitionPreview", "%1 would go stale", nullptr, int(staleNodes.size()))
              .arg(staleNodes.join(u", "));
    return tr("Preview · %1: %2 · %3").arg(title, cuts, stale);
}

QString PartitionPreview::description() const
{
    if (components.isEmpty())
        return {};
    QStringList groups;
    for (const QStringList &component : components)
        groups << u'{' + component.join(u", ") + u'}';
    QString text = tr("%1 leaves %2 group(s): %3.").arg(title).arg(components.size()).arg(groups.join(u"  "));
    if (!staleNodes.isEmpty())
        text += u' ' + tr("Updates arriving in {%1} never reach %2 while the cut lasts.")
                           .arg(components.first().join(u", "), staleNodes.join(u", "));
    return text;
}

QList<QStringList> PartitionPreview::componentsAfter(const Herd::Cluster &cluster, const QList<Link> &cuts)
{
    const Herd::HerdConfig &config = cluster.config();
    QSet<QString> cut;
    for (const auto &[a, b] : cuts)
        cut.insert(linkKey(a, b));
    // A link still joins its ends while either direction carries updates.
    QHash<QString, QStringList> adjacent;
    for (const auto &[a, b] : config.links) {
        if (cut.contains(linkKey(a, b)) || (cluster.isLinkCut(a, b) && cluster.isLinkCut(b, a)))
            continue;
        adjacent[a].append(b);
        adjacent[b].append(a);
    }
    QList<QStringList> components;
    QSet<QString> seen;
    for (const QString &start : config.nodeNames()) {
        if (seen.contains(start))
            continue;
        QStringList component;
        QStringList stack{start};
        seen.insert(start);
        while (!stack.isEmpty()) {
            const QString node = stack.takeLast();
            component.append(node);
            for (const QString &next : adjacent.value(node)) {
                if (!seen.contains(next)) {
                    seen.insert(next);
                    stack.append(next);
                }
            }
        }
        // Herd-file order inside a group reads better than search order.
        const QStringList order = config.nodeNames();
        std::sort(component.begin(), component.end(),
                  [&order](const QString &x, const QString &y) { return order.indexOf(x) < order.indexOf(y); });
        components.append(component);
    }
    std::stable_sort(components.begin(), components.end(),
                     [](const QStringList &x, const QStringList &y) { return x.size() > y.size(); });
    return components;
}

PartitionPreview PartitionPreview::forGroups(const Herd::Cluster &cluster, const QString &title,
                                             const QList<QStringList> &groups)
{
    PartitionPreview preview;
    preview.title = title;
    for (const Link &link : Herd::Partition::crossingLinks(cluster.config(), groups)) {
        if (!cluster.isLinkCut(link.first, link.second) || !cluster.isLinkCut(link.second, link.first))
            preview.newCuts.append(link);
    }
    preview.components = componentsAfter(cluster, preview.newCuts);
    for (int i = 1; i < preview.components.size(); ++i)
        preview.staleNodes += preview.components.at(i);
    return preview;
}

} // namespace HerdUi
