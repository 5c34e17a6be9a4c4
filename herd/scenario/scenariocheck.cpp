// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/scenario/scenariocheck.h"

#include <QStringList>

#include "herd/cluster.h"
#include "herd/node/node.h"
#include "herd/wire/protocol.h"

using namespace Qt::StringLiterals;

namespace Herd::ScenarioCheck {

namespace {

// A failed agreement names this many nodes at most; the rest are counted.
constexpr int MaxListed = 4;

} // namespace

Seen holds(const Cluster &cluster, const QString &nodeName, const QByteArray &client, qint64 timeNs)
{
    const QString who = QString::fromUtf8(client);
    const Node *node = cluster.node(nodeName);
    if (!node)
        return {false, QStringLiteral("no node named %1 runs in this herd").arg(nodeName)};
    if (!node->isRunning())
        return {false, QStringLiteral("%1 is down").arg(nodeName)};
    const Record *record = node->store().find(client);
    if (!record)
        return {false, QStringLiteral("%1 holds nothing for %2").arg(nodeName, who)};
    return {record->timeNs == timeNs,
            QStringLiteral("%1 holds %2 from %3").arg(nodeName, who, shortTime(record->timeNs))};
}

Seen agree(const Cluster &cluster, const QMap<QByteArray, qint64> &newest)
{
    QStringList problems;
    int running = 0;
    int lagging = 0;
    for (const Node *node : cluster.nodes()) {
        if (!node->isRunning())
            continue;
        ++running;
        bool behind = false;
        for (auto it = newest.begin(); it != newest.end(); ++it) {
            const Seen seen = holds(cluster, node->name(), it.key(), it.value());
            if (!seen.ok) {
                behind = true;
                problems.append(seen.text + QStringLiteral(" (expected %1)").arg(shortTime(it.value())));
            }
        }
        lagging += int(behind);
    }
    if (running == 0)
        return {false, u"no node is running"_s};
    if (lagging == 0) {
        return {true,
                QStringLiteral("all %1 running nodes hold the newest record of %2 client(s)")
                    .arg(running)
                    .arg(newest.size())};
    }
    QString text = QStringLiteral("%1 of %2 running nodes lag: ").arg(lagging).arg(running)
        + problems.first(qMin(qsizetype(MaxListed), problems.size())).join(u"; ");
    if (problems.size() > MaxListed)
        text += QStringLiteral("; and %1 more").arg(problems.size() - MaxListed);
    return {false, text};
}

QString shortTime(qint64 ns)
{
    QString text = QString::fromLatin1(formatTime(ns));
    while (text.endsWith(u'0'))
        text.chop(1);
    if (text.endsWith(u'.'))
        text.chop(1);
    return text;
}

} // namespace Herd::ScenarioCheck
