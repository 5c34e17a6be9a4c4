// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QString>

namespace Herd {

// One of a node's outgoing links to a neighbour, as it stood when
// Node::linkState() was asked: what the window, the benchmarks and the tests
// read of a link, without holding on to the link itself.
// Node::linkStateChanged() says when `state` moves on; the faults change
// through the Cluster (announced as LinkChanged events), and the counts
// change without a signal.
struct LinkState
{
    Q_GADGET

public:
    // A link keeps trying to connect while the neighbour is away, backing
    // off between attempts (exponentially, capped and jittered):
    //
    //   Idle --node starts--> Connecting --connected--> Connected
    //                            ^   |                     |
    //                            |   v  (failed)           | (dropped)
    //                          BackingOff <----------------+
    //   any --node stops--> Idle     any --cut--> Cut --restored--> Connecting
    //   Connected --(flaky fault: a random up time ends)--> BackingOff
    enum class State { Idle, Connecting, Connected, BackingOff, Cut };
    Q_ENUM(State)

    State state = State::Idle;
    QString host; // where the neighbour listens
    quint16 port = 0;
    // Cut by the user. A cut outlasts its node stopping, when `state` goes Idle.
    bool cut = false;
    // The faults set on this direction of the link; 0 when off.
    int delayMs = 0;
    int jitterMs = 0;
    int flakyMeanMs = 0;
    int failedAttempts = 0; // since the link was last connected
    int msUntilRetry = -1;  // while BackingOff, until the next attempt; otherwise -1
    int queuedLines = 0;    // waiting on a delay, or on a neighbour that reads slowly
};

} // namespace Herd
