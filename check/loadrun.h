// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

#include <functional>
#include <vector>

namespace Herd {
struct NodeConfig;
}

namespace Herd::Check {

class CheckContext;

// A load the speed rules put on one node: `connections` connections, each
// keeping `depth` requests in flight (pipelined: the next one leaves as a
// reply comes back), for `durationMs`.
struct LoadPlan
{
    int connections = 1;
    int depth = 1;
    int durationMs = 1000;
    // Replies framed as WHATSAT's (an AT line, the JSON, an empty line)
    // rather than as one line.
    bool whatsat = false;
    // The line (with its "\n") that connection `connection` sends as its
    // `index`th request.
    std::function<QByteArray(int connection, qint64 index)> request;
};

struct LoadResult
{
    qint64 answered = 0;             // replies that came back within the duration
    qint64 elapsedNs = 0;            // the duration as it was
    std::vector<qint64> latenciesNs; // from a request's send to its whole reply, sorted
    // Why the load stopped early (a connection refused or closed, a reply
    // that is not an AT line); empty if it ran its time.
    QString error;

    double perSecond() const;
    // The latency below which `fraction` of the replies came (0.5, 0.99), in ms.
    double percentileMs(double fraction) const;
};

// Runs `plan` against `node` on the calling thread, over non-blocking
// sockets and poll(). Replies still owed when the time is up are awaited
// (for at most the reply timeout) but not counted, so the next load finds
// the node idle. The transcript gets the connections, the first request
// and reply, and a summary.
LoadResult runLoad(CheckContext &context, const NodeConfig &node, const LoadPlan &plan);

} // namespace Herd::Check
