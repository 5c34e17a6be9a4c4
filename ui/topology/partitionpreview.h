// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <utility>

namespace Herd {
class HerdSource;
}

namespace HerdUi {

// What a partition would do before it is applied: the links it would cut,
// the groups of nodes that could still reach each other afterwards (the
// links already cut count too), and the nodes that would go stale. Shown by
// the topology while the user hovers a partition action.
//
// "Stale": updates that arrive in the largest group never reach the nodes
// outside it while the cut lasts (and the other way round); the nodes
// outside the largest group are the ones marked.
struct PartitionPreview
{
    using Link = std::pair<QString, QString>;

    QString title;                 // the action, e.g. "Split in Two"
    QList<Link> newCuts;           // links this would cut (not cut yet)
    QList<Link> keptLinks;         // links that still carry updates afterwards
    QList<QStringList> components; // after applying, largest first
    QStringList staleNodes;        // every node outside components.first()

    bool isEmpty() const { return components.isEmpty(); }
    // The index of the component holding `node`, or -1.
    int componentOf(const QString &node) const;
    // One line for the banner above the topology.
    QString caption() const;
    // The groups and who misses what, in a sentence (tooltips, tests).
    QString description() const;

    // The preview of cutting `cuts` (both directions) on `herd`.
    static PartitionPreview forCuts(const Herd::HerdSource &herd, const QString &title,
                                    const QList<Link> &cuts);
    // The groups left when `cuts` are added to the links already cut (both
    // ways; a link still open one way still carries updates), largest first.
    static QList<QStringList> componentsAfter(const Herd::HerdSource &herd, const QList<Link> &cuts);
};

} // namespace HerdUi
