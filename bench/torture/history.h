// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

#include <array>
#include <limits>
#include <utility>
#include <vector>

#include "bench/torture/settings.h"

// The history: who is known to hold what. Fed with what herd-torture sees
// from outside (acknowledgements, lines on the links, deaths), it says what
// every node must hold in the end, and which acknowledged updates were lost.
namespace HerdTorture {

class History
{
public:
    struct Loss
    {
        int client;
        qint64 time;
        int node;
        qint64 ackedMs;
        qint64 diedMs;
    };

    explicit History(int clients);
    void started(int node, int incarnation);

    // `node` answered the IAMAT (client, time) with its exact AT line.
    void acked(int node, int incarnation, int client, qint64 time, qint64 atMs);

    // An AT line of (client, time) seen leaving `node` on a link.
    void sent(int node, int incarnation, int client, qint64 time);

    // An AT line of (client, time) is in `node`'s kernel: it will read it
    // unless it dies, and then it holds a record at least that new.
    void delivered(int node, int incarnation, int client, qint64 time);

    // We are about to SIGKILL `node`: links that close from now on close
    // because it died, not under it.
    // `caughtUp`: it was running, and had been since well before; else
    // what it held unsent may have been dropped by its kernel, and an update
    // it answered but never sent is not held against it.
    void killed(int node, qint64 atMs, bool caughtUp);

    // An AT line of (client, time) read on its way to `node`.
    void heard(int node, int incarnation, int client, qint64 time);

    // One of `node`'s own links carries its lines from `atMs`; the index for
    // linkDown(), or -1.
    int linkUp(int node, int incarnation, qint64 atMs);
    void linkDown(int node, int incarnation, int link, qint64 atMs);

    // `node` was killed (or died) and every socket of it is closed: what it
    // held is gone.
    void died(int node, qint64 atMs);

    // Per client: the time every node must hold at least (0: nothing).
    const std::vector<qint64> &required() const { return m_required; }
    const std::vector<Loss> &losses() const { return m_losses; }
    qint64 released() const { return m_released; }
    // Per client: the newest acknowledged time released (0: none).
    const std::vector<qint64> &releasedMax() const { return m_releasedMax; }

private:
    struct NodeView
    {
        int incarnation = 0;
        bool alive = false;
        qint64 killedMs = std::numeric_limits<qint64>::max();
        bool judged = true;                            // its unsent updates count as lost
        std::vector<qint64> holds;                     // holds a record at least this new
        std::vector<qint64> sentMax;                   // newest seen leaving it
        std::vector<qint64> heard;                     // newest seen on its way to it
        std::vector<std::pair<qint64, qint64>> unsent; // newest acknowledged (time, at ms) it had to flood
        std::vector<std::pair<qint64, qint64>> links;  // its links carrying its lines, from..to ms

        void clear(int clients)
        {
            holds.assign(std::size_t(clients), 0);
            sentMax.assign(std::size_t(clients), 0);
            heard.assign(std::size_t(clients), 0);
            unsent.assign(std::size_t(clients), {0, 0});
            links.clear();
            killedMs = std::numeric_limits<qint64>::max();
            judged = true;
        }
    };

    void release(int client, qint64 time);
    qint64 heldByLiving(int client) const;

    // A link carried the node's lines from well before `atMs` until well
    // after, or until the node was killed (the node's own death does not
    // make the link down in its eyes; a cut or the far end's death may, but
    // only from the moment it shows).
    static bool linkCovered(const NodeView &n, qint64 atMs);

    int m_clients;
    std::array<NodeView, NodeCount> m_nodes;
    std::vector<qint64> m_required;
    std::vector<qint64> m_releasedMax;
    std::vector<Loss> m_losses;
    qint64 m_released = 0;
};

} // namespace HerdTorture
