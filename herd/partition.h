#pragma once

#include <QList>
#include <QStringList>

#include <utility>

#include "herdconfig.h"

namespace Herd {

// Named partitions, computed on the herd's own graph. A partition is a list
// of groups of node names; applying it cuts every link between groups.
namespace Partition {

using Link = std::pair<QString, QString>;

// The node alone, and everyone else.
QList<QStringList> isolate(const HerdConfig &config, const QString &node);
// Two halves of (nearly) equal size, each grown breadth-first from one end of
// the herd so each half stays connected where the graph allows.
QList<QStringList> halves(const HerdConfig &config);
// The links whose ends lie in different groups. Nodes in no group count as
// a group of their own.
QList<Link> crossingLinks(const HerdConfig &config, const QList<QStringList> &groups);

} // namespace Partition
} // namespace Herd
