// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QMap>
#include <QString>

namespace Herd {

class Cluster;

// What a scenario's expectations see in the herd at one moment: plain reads
// of the nodes' stores, each with a sentence saying what was seen. The
// runner asks again whenever the herd changes; these never wait.
namespace ScenarioCheck {

struct Seen
{
    bool ok = false;
    // What is there: "Bolden holds kiwi from 1621464827.9", "Bolden holds
    // nothing for kiwi", "Bolden is down"; for agree, what every node lacks.
    QString text;
};

// `node` runs and holds `client` with exactly this client time.
Seen holds(const Cluster &cluster, const QString &node, const QByteArray &client, qint64 timeNs);
// Every running node holds, for each client, the record with its time in
// `newest` (client -> newest client time sent).
Seen agree(const Cluster &cluster, const QMap<QByteArray, qint64> &newest);

// POSIX seconds, trailing zeros of the fraction dropped: "1621464830.1".
QString shortTime(qint64 ns);

} // namespace ScenarioCheck
} // namespace Herd
