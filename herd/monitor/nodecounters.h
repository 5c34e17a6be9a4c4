// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

#include <array>
#include <deque>

#include "herd/event.h"

namespace Herd {

// What the monitor counts of one node, from its events alone (the same
// stream the logs read), so a count is exactly the events seen: every
// counter only rises, from 0 when the monitor started.
class NodeCounters final
{
public:
    // The first word of a line, for the lines in and out by kind.
    enum LineKind { Iamat, Whatsat, At, Sync, Auth, InvalidReply, Other, LineKindCount };
    static const char *lineKindName(int kind);
    static LineKind lineKind(const QByteArray &line);

    // WHATSAT answer times and the places source's, in seconds (le
    // bounds, then +Inf).
    static constexpr std::array<double, 13> LatencyBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                             0.1,    0.25,  0.5,    1,     2.5,  10};
    struct Histogram
    {
        std::array<quint64, LatencyBounds.size()> buckets {}; // cumulative, as exposed
        quint64 count = 0;
        double sumSeconds = 0;
    };

    void count(const Event &event);

    std::array<quint64, LineKindCount> linesIn {};
    std::array<quint64, LineKindCount> linesOut {};
    quint64 linesInvalid = 0;
    quint64 storedIamat = 0;
    quint64 storedFlood = 0;
    quint64 dropped = 0;
    quint64 floodsSent = 0;
    quint64 resyncExchanges = 0;
    quint64 resyncBytesSent = 0;
    QHash<QString, quint64> refusals;   // by limit
    QHash<QString, quint64> reconnects; // by neighbour: failed attempts
    QHash<QString, quint64> linkDrops;  // by neighbour
    Histogram whatsatLatency;
    Histogram placesLatency; // the places source's own, of each WHATSAT answered

private:
    void onClientLine(const Event &event);
    void onClientReply(const Event &event);
    static void observe(Histogram &histogram, double seconds);

    // Each client connection's WHATSATs still waiting for their answers,
    // oldest first: replies leave in the order the requests came
    // (clientsession.h), so the next WHATSAT answer is the oldest's.
    QHash<QString, std::deque<qint64>> m_waitingWhatsats; // by peer address: received time ns
    bool m_whatsatJustReceived = false;                   // the last event counted was a client's WHATSAT
};

} // namespace Herd
