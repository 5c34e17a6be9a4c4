// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/topology/partitionpreview.h"

#include <QCoreApplication>

#include <algorithm>

#include "herd/herdsource.h"
#include "herd/partition.h"

namespace HerdUi {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("PartitionPreview", text);
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
        : QCoreApplication::translate("PartitionPreview", "%1 would go stale", nullptr,
                                      int(staleNodes.size()))
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
        text += u' '
            + tr("Updates arriving in {%1} never reach %2 while the cut lasts.")
                  .arg(components.first().join(u", "), staleNodes.join(u", "));
    return text;
}

QList<QStringList> PartitionPreview::componentsAfter(const Herd::HerdSource &herd, const QList<Link> &cuts)
{
    const Herd::HerdConfig &config = herd.config();
    QList<Link> cut = cuts;
    for (const auto &[a, b] : config.links) {
        if (herd.isLinkCut(a, b) && herd.isLinkCut(b, a))
            cut.append({a, b});
    }
    QList<QStringList> components = Herd::Partition::components(config, cut);
    // Largest first: updates arriving there reach the most nodes, and the
    // nodes outside it are the ones marked stale. Ties keep herd-file order.
    std::stable_sort(components.begin(), components.end(),
                     [](const QStringList &x, const QStringList &y) { return x.size() > y.size(); });
    return components;
}

PartitionPreview PartitionPreview::forCuts(const Herd::HerdSource &herd, const QString &title,
                                           const QList<Link> &cuts)
{
    PartitionPreview preview;
    preview.title = title;
    for (const Link &link : cuts) {
        if (!herd.isLinkCut(link.first, link.second) || !herd.isLinkCut(link.second, link.first))
            preview.newCuts.append(link);
    }
    // The links that still carry updates afterwards hold each group together.
    for (const Link &link : herd.config().links) {
        const bool cutNow =
            herd.isLinkCut(link.first, link.second) && herd.isLinkCut(link.second, link.first);
        const bool cutNext =
            preview.newCuts.contains(link) || preview.newCuts.contains(Link {link.second, link.first});
        if (!cutNow && !cutNext)
            preview.keptLinks.append(link);
    }
    preview.components = componentsAfter(herd, preview.newCuts);
    for (int i = 1; i < preview.components.size(); ++i)
        preview.staleNodes += preview.components.at(i);
    return preview;
}

} // namespace HerdUi
