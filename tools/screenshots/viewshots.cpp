// SPDX-License-Identifier: GPL-3.0-or-later
// Pictures of single views: the topology diagram over a live herd (faults,
// a burst, many tokens), the plots and the knowledge table over four minutes
// of a lively made-up herd, the node inspector, and the log.

#include <QSet>
#include <QTableView>
#include <QTableWidget>
#include <QtCore/qtestsupport_core.h>
#include <QtWidgets/qtestsupport_widgets.h>

#include <qcustomplot.h>

#include <memory>

#include "herd/cluster.h"
#include "herd/event.h"
#include "herd/places/offlineplaces.h"
#include "tools/screenshots/album.h"
#include "ui/knowledge/knowledgemodel.h"
#include "ui/knowledge/knowledgeview.h"
#include "ui/knowledge/nodeinspector.h"
#include "ui/log/eventfiltermodel.h"
#include "ui/log/eventlogmodel.h"
#include "ui/log/logview.h"
#include "ui/plots/herdstats.h"
#include "ui/plots/plotsview.h"
#include "ui/topology/linkitem.h"
#include "ui/topology/nodeitem.h"
#include "ui/topology/topologyview.h"

using namespace Qt::StringLiterals;
using Herd::Event;
using Herd::EventKind;

namespace Shots {

namespace {

const QStringList AlfordNodes {u"Alford"_s, u"Bolden"_s, u"Hamilton"_s, u"Parker"_s, u"Powell"_s};

// A running Alford herd in this process. Members go in reverse order: what
// watches the herd first, the places last.
struct LiveHerd
{
    std::unique_ptr<Herd::OfflinePlaces> places;
    std::unique_ptr<Herd::Cluster> cluster;
    std::unique_ptr<HerdUi::TopologyView> view;
};

bool startHerd(Album &album, LiveHerd &herd)
{
    QString error;
    herd.places = Herd::OfflinePlaces::fromEmbedded(&error);
    if (!herd.places)
        return album.fail(u"no offline places: "_s + error);
    herd.cluster = std::make_unique<Herd::Cluster>(alfordOnFreePorts(), herd.places.get());
    if (!herd.cluster->start({}, &error))
        return album.fail(u"cannot start the herd: "_s + error);
    return true;
}

// The herd, and its topology diagram shown at 1280x800 with every link up.
bool showTopology(Album &album, LiveHerd &herd)
{
    if (!startHerd(album, herd))
        return false;
    herd.view = std::make_unique<HerdUi::TopologyView>(herd.cluster.get());
    QObject::connect(herd.cluster.get(), &Herd::Cluster::eventOccurred, herd.view.get(),
                     &HerdUi::TopologyView::onEvent);
    herd.view->resize(1280, 800);
    herd.view->show();
    if (!QTest::qWaitForWindowExposed(herd.view.get()))
        return album.fail(u"the topology view was never shown"_s);
    return waitUntil(
        album, [&herd] { return linksDrawnUp(*herd.view); }, u"the herd's links up"_s);
}

// A killed node, a cut link and a slow one, a link picked, and two floods
// under way, slowed down.
bool topology(Album &album)
{
    LiveHerd herd;
    if (!showTopology(album, herd))
        return false;
    HerdUi::TopologyView &view = *herd.view;
    view.setAnimationSpeed(0.5);
    herd.cluster->kill(u"Hamilton"_s);
    herd.cluster->setLinkCut(u"Alford"_s, u"Powell"_s, true);
    herd.cluster->setLinkDelay(u"Bolden"_s, u"Parker"_s, 500);
    if (!waitUntil(
            album,
            [&view] {
                return view.nodeItem(u"Hamilton"_s)->isKilled()
                    && view.linkItem(u"Alford"_s, u"Powell"_s)->isFullyCut();
            },
            u"Hamilton drawn killed and Alford-Powell cut"_s))
        return false;
    view.scene()->clearSelection();
    view.linkItem(u"Bolden"_s, u"Powell"_s)->setSelected(true);
    sendIamats(*herd.cluster, u"Alford"_s, 1, "kiwi.cs.ucla.edu");
    sendIamats(*herd.cluster, u"Bolden"_s, 1, "lavender.ucla.edu");
    if (!waitUntil(
            album, [&view] { return view.tokensPlaying() >= 2; }, u"two floods on screen"_s))
        return false;
    QTest::qWait(450); // the tokens half-way along their links
    return album.save(u"topology"_s, &view);
}

// 2,000 updates at once: too many for a token each, so links show rates.
bool topologyBusy(Album &album)
{
    LiveHerd herd;
    if (!showTopology(album, herd))
        return false;
    HerdUi::TopologyView &view = *herd.view;
    sendIamats(*herd.cluster, u"Alford"_s, 2000, "burst");
    return waitUntil(
               album,
               [&view] {
                   return view.isAggregating()
                       && view.linkItem(u"Alford"_s, u"Parker"_s)->label()->text().contains(u"/s"_s);
               },
               u"the burst drawn as rates"_s)
        && album.save(u"topology-busy"_s, &view);
}

// Nine updates at once, slowed down: many tokens, still one per message.
bool topologyMany(Album &album)
{
    LiveHerd herd;
    if (!showTopology(album, herd))
        return false;
    HerdUi::TopologyView &view = *herd.view;
    view.setAnimationSpeed(0.25);
    sendIamats(*herd.cluster, u"Alford"_s, 9, "many");
    if (!waitUntil(
            album, [&view] { return view.tokensPlaying() >= 12; }, u"a dozen tokens on screen"_s))
        return false;
    QTest::qWait(300);
    return album.save(u"topology-many"_s, &view);
}

Event event(EventKind kind, const QString &node, qint64 timeNs)
{
    Event e;
    e.kind = kind;
    e.node = node;
    e.timeNs = timeNs;
    return e;
}

// Four minutes of a lively herd, as stats and knowledge see it: a dozen
// phones reporting to any node, Hamilton killed and back, Bolden cut off
// and back, and Hamilton cut off at the end (so it lags).
void feedLivelyHerd(Herd::HerdStats &stats, HerdUi::KnowledgeModel &model, qint64 startNs)
{
    constexpr qint64 Ms = 1'000'000;
    const auto feed = [&](const Event &e) {
        stats.record(e);
        model.record(e);
    };
    const auto link = [&](const QString &from, const QString &to, const QString &what, qint64 timeNs) {
        Event e = event(EventKind::LinkChanged, from, timeNs);
        e.peer = to;
        e.detail = what;
        feed(e);
    };
    quint32 seed = 12345;
    const auto random = [&seed](int bound) {
        seed = seed * 1103515245u + 12345u;
        return int((seed >> 16) % quint32(bound));
    };
    const QList<QByteArray> clients {"kiwi.cs.ucla.edu",  "lime.cs.ucla.edu",  "fig.cs.ucla.edu",
                                     "plum.cs.ucla.edu",  "pear.cs.ucla.edu",  "date.cs.ucla.edu",
                                     "yuzu.cs.ucla.edu",  "sloe.cs.ucla.edu",  "quince.cs.ucla.edu",
                                     "mango.cs.ucla.edu", "guava.cs.ucla.edu", "olive.cs.ucla.edu"};
    bool hamiltonDown = false;
    QSet<QString> isolated; // nodes whose every link is cut
    for (int second = 1; second <= 240; ++second) {
        const qint64 base = startNs + qint64(second) * 1'000'000'000;
        if (second == 95 || second == 140) {
            hamiltonDown = second == 95;
            feed(event(hamiltonDown ? EventKind::NodeStopped : EventKind::NodeStarted, u"Hamilton"_s, base));
        }
        if (second == 170 || second == 205) {
            const QString what = second == 170 ? u"cut"_s : u"restored"_s;
            link(u"Bolden"_s, u"Powell"_s, what, base);
            link(u"Bolden"_s, u"Parker"_s, what, base);
            if (second == 170)
                isolated.insert(u"Bolden"_s);
            else
                isolated.remove(u"Bolden"_s);
        }
        if (second == 230) {
            link(u"Hamilton"_s, u"Parker"_s, u"cut"_s, base);
            isolated.insert(u"Hamilton"_s);
        }
        const int updates = 2 + random(4) + (second > 60 && second < 120 ? 4 : 0);
        for (int u = 0; u < updates; ++u) {
            const QByteArray client = clients.at(random(int(clients.size())));
            const QString origin = AlfordNodes.at(random(int(AlfordNodes.size())));
            if (origin == u"Hamilton"_s && hamiltonDown)
                continue;
            const QByteArray time =
                QByteArray::number(1716159227 + second) + '.' + QByteArray::number(100 + u * 37);
            qint64 at = base + qint64(random(400)) * Ms;
            for (const QString &node : AlfordNodes) {
                if ((node == u"Hamilton"_s && hamiltonDown)
                    || (node != origin && (isolated.contains(node) || isolated.contains(origin))))
                    continue;
                if (node != origin)
                    at += qint64(1 + random(6)) * Ms + (node == u"Hamilton"_s ? 3 * Ms : 0);
                Event stored = event(EventKind::RecordStored, node, at);
                stored.client = client;
                stored.line =
                    "AT " + origin.toUtf8() + " +0.000100000 " + client + " +34.068930-118.445127 " + time;
                stored.detail = node == origin ? u"iamat"_s : u"flood"_s;
                feed(stored);
                const int lines = node == origin ? 2 : 1; // the IAMAT and its reply, then the flood
                for (int l = 0; l < lines; ++l) {
                    feed(event(EventKind::LineReceived, node, at));
                    feed(event(EventKind::LineSent, node, at));
                }
            }
        }
        stats.tickAt(base + 999 * Ms);
    }
    model.flush();
}

// The plots and the knowledge table over the lively herd.
bool plotsAndKnowledge(Album &album, bool plots)
{
    constexpr qint64 StartNs = 1'700'000'000'000'000'000;
    Herd::HerdStats stats(AlfordNodes);
    stats.setAutoSample(false);
    stats.setStartTimeNs(StartNs);
    HerdUi::KnowledgeModel model(AlfordNodes);
    feedLivelyHerd(stats, model, StartNs);
    if (!plots) {
        HerdUi::KnowledgeView knowledge(&model);
        knowledge.resize(1100, 560);
        return album.save(u"knowledge"_s, &knowledge);
    }
    HerdUi::PlotsView view(&stats);
    view.resize(1280, 900);
    // Lay the widgets and plots out once, as showing them would, so the
    // fault labels are placed in real pixels; then draw the final state.
    (void)view.grab();
    view.refresh();
    for (QCustomPlot *plot : {view.messagesPlot(), view.convergencePlot(), view.clientsPlot()})
        plot->replot();
    return album.save(u"plots"_s, &view);
}

// Hamilton's page after an update from Alford reached it.
bool inspector(Album &album)
{
    LiveHerd herd;
    if (!startHerd(album, herd))
        return false;
    HerdUi::NodeInspector inspector(herd.cluster.get());
    inspector.resize(1000, 420);
    inspector.setNode(u"Hamilton"_s);
    const QTableWidget *neighbours = inspector.neighboursTable();
    if (!waitUntil(
            album,
            [neighbours] {
                const QTableWidgetItem *state = neighbours->item(0, HerdUi::NodeInspector::LinkState);
                return state && state->text() == u"connected"_s;
            },
            u"Hamilton's link to Parker up"_s))
        return false;
    sendIamats(*herd.cluster, u"Alford"_s, 1, "kiwi.cs.ucla.edu");
    return waitUntil(
               album, [&inspector] { return inspector.recordsView()->model()->rowCount() == 1; },
               u"the update at Hamilton"_s)
        && album.save(u"inspector"_s, &inspector);
}

// The log with four hundred events of every kind, odd lines among them.
bool logView(Album &album)
{
    constexpr qint64 StartNs = 1'714'566'896'000'000'000;
    const QStringList nodes {u"Bailey"_s, u"Bona"_s, u"Campbell"_s, u"Clark"_s, u"Jaquez"_s};
    static constexpr EventKind kinds[] = {
        EventKind::NodeStarted,  EventKind::ClientConnected, EventKind::LineReceived,
        EventKind::RecordStored, EventKind::LineSent,        EventKind::RecordDropped,
        EventKind::LineInvalid,  EventKind::PeerConnected,   EventKind::PeerDisconnected,
        EventKind::PeerRetrying, EventKind::SendSkipped,     EventKind::LinkChanged,
        EventKind::Refused,      EventKind::Error,           EventKind::ClientDisconnected,
        EventKind::NodeStopped};
    HerdUi::LogView view;
    view.resize(1100, 520);
    view.setNodes(nodes);
    for (int i = 0; i < 400; ++i) {
        Event e =
            event(kinds[i % std::size(kinds)], nodes[i % nodes.size()], StartNs + qint64(i) * 1'000'000);
        e.peer = u"127.0.0.1:%1"_s.arg(40000 + i % 7);
        e.client = "client" + QByteArray::number(i % 3);
        e.line = "IAMAT " + e.client + " +34.068930-118.445127 " + QByteArray::number(i);
        e.detail = i % 10 == 0 ? u"Round ten"_s : QString();
        if (e.kind == EventKind::LineInvalid) {
            e.line = "IAMAT\tbad line\nwith \xff bytes";
            e.detail = u"expected 4 fields"_s;
        }
        if (e.kind == EventKind::RecordDropped)
            e.detail = u"not newer than the stored record"_s;
        if (e.kind == EventKind::PeerConnected || e.kind == EventKind::PeerDisconnected) {
            e.peer = nodes[(i + 1) % nodes.size()];
            e.line.clear();
        }
        view.append(e);
    }
    QSet<EventKind> shown(std::begin(kinds), std::end(kinds));
    shown.remove(EventKind::ClientDisconnected);
    view.filter()->setKinds(shown);
    view.show();
    view.model()->flushNow();
    QTest::qWait(400); // the follow timer
    return album.save(u"logview"_s, &view);
}

} // namespace

QList<Shot> viewShots()
{
    return {
        {u"topology"_s, u"the topology diagram with faults and two floods under way"_s, topology},
        {u"topology-busy"_s, u"the diagram under a burst, showing rates"_s, topologyBusy},
        {u"topology-many"_s, u"the diagram with a dozen tokens at once"_s, topologyMany},
        {u"plots"_s, u"the Plots tab over four minutes of a lively herd"_s,
         [](Album &album) { return plotsAndKnowledge(album, true); }},
        {u"knowledge"_s, u"the Knowledge table over the same herd"_s,
         [](Album &album) { return plotsAndKnowledge(album, false); }},
        {u"inspector"_s, u"the Node tab for Hamilton"_s, inspector},
        {u"logview"_s, u"the log with events of every kind"_s, logView},
    };
}

} // namespace Shots
