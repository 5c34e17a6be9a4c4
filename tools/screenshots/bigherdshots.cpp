// SPDX-License-Identifier: GPL-3.0-or-later
// Pictures of the whole window on random herds of 5, 30 and 100 nodes
// (Herd::randomHerd, seed 1): the layout, the legend beside the nodes, and
// the space-time diagram's lanes with a picked node's lane first.

#include <memory>

#include "herd/cluster.h"
#include "herd/config/randomherd.h"
#include "tools/screenshots/album.h"
#include "ui/mainwindow.h"
#include "ui/spacetime/spacetimeview.h"
#include "ui/topology/nodeitem.h"
#include "ui/topology/topologyview.h"

using namespace Qt::StringLiterals;

namespace Shots {

namespace {

bool randomHerdWindow(Album &album, int nodes)
{
    auto window = std::make_unique<HerdUi::MainWindow>();
    window->resize(1500, 950);
    window->show();
    Herd::HerdConfig config = Herd::randomHerd(nodes, 3, 1);
    config.reconnectInitialMs = 50;
    QString error;
    if (!window->openHerd(config, &error))
        return album.fail(u"cannot open the %1-node herd: "_s.arg(nodes) + error);
    HerdUi::TopologyView *topology = window->topology();
    if (!waitUntil(
            album, [topology] { return linksDrawnUp(*topology); }, u"the herd's links up"_s))
        return false;
    // A few updates from three corners of the herd, so arrows cross the lanes.
    Herd::Cluster *cluster = window->cluster();
    const QStringList names = cluster->config().nodeNames();
    for (const int i : {0, nodes / 2, nodes - 1})
        sendIamats(*cluster, names.at(i), 2, "phone" + QByteArray::number(i) + '-');
    const QString picked = names.at(nodes / 2);
    if (!waitUntil(
            album, [topology, picked] { return topology->nodeItem(picked)->clientCount() >= 2; },
            picked + u" storing its clients"_s))
        return false;
    topology->nodeItem(picked)->setSelected(true);
    window->spaceTime()->refresh();
    return album.save(u"herd-%1"_s.arg(nodes), window.get());
}

} // namespace

QList<Shot> bigHerdShots()
{
    QList<Shot> shots;
    for (const int nodes : {5, 30, 100}) {
        shots.append({u"herd-%1"_s.arg(nodes),
                      u"the window on a random %1-node herd, the middle node picked"_s.arg(nodes),
                      [nodes](Album &album) { return randomHerdWindow(album, nodes); }});
    }
    return shots;
}

} // namespace Shots
