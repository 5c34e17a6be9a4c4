// SPDX-License-Identifier: GPL-3.0-or-later
// herd-scale's client side: IAMATs sent from a thread of their own over raw
// epoll sockets, so the herd's thread has a core to itself.
#pragma once

#include <QString>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace ScaleSender {

// Stops herd-scale with `what` on stderr.
[[noreturn]] void die(const QString &what, int status = 1);

// Node i's name: N000, N001, ...
QString nodeName(int i);

// Client k's id: fixed width, so the bench can read k back from the record.
std::string clientId(int k);

// State shared by the herd's thread (which counts convergence) and the
// client thread (which sends while fewer than `window` updates are in flight).
struct Shared
{
    std::vector<std::int64_t> sentAtNs; // written by the client before the send
    std::atomic<std::int64_t> converged {0};
    int wakeFd = -1; // eventfd: the client waits on it for room
};

// The client thread of one phase: IAMATs for clients [from, to), each to its
// node, on one connection per node; returns the number of bad replies.
std::int64_t sendPhase(const std::vector<quint16> &ports, const std::vector<int> &origin, int from, int to,
                       int window, Shared &shared);

} // namespace ScaleSender
