// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QVarLengthArray>

#include <utility>

namespace Herd {

class PeerLink;

// Where an update's flood stands: for each link it was written to, the
// sequence number of its line there (PeerLink::lastSequence()). The update
// has left the node once every link's flushedSequence() reached it. Links
// are those of one generation of the node's neighbours: a ticket from an
// older one counts as left (Node::floodLeft()).
struct FloodTicket
{
    QVarLengthArray<std::pair<PeerLink *, qint64>, 4> links;
    quint64 generation = 0;

    bool isEmpty() const { return links.isEmpty(); }
};

} // namespace Herd
