// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

#include <array>
#include <utility>

// The herd herd-torture runs (the CS 131 topology, five processes) and the
// limits of a run: what the checks allow and how long each wait may take.
namespace HerdTorture {

constexpr int NodeCount = 5;
inline constexpr std::array<const char *, NodeCount> NodeNames {"Alford", "Bolden", "Hamilton", "Parker",
                                                                "Powell"};
inline constexpr std::array<std::pair<int, int>, 5> Links {{{0, 3}, {0, 4}, {1, 3}, {1, 4}, {2, 3}}};

// A connect slower than this fails the check: a full backlog costs a 1 s
// SYN retransmission.
constexpr qint64 ConnectLimitNs = 500'000'000;
// A connect not established by then is given up (and, if judged, failed).
constexpr qint64 ConnectGiveUpNs = 10'000'000'000;
constexpr int StormSize = 300;
// What a relay holds for a slow receiver before it stops reading the sender,
// as a router's queue would: past it, the sender's kernel buffers fill and
// its peer link feels the back-pressure of a stopped neighbour.
constexpr qint64 RelayWindowBytes = 256 * 1024;
// How far around an acknowledgement a link must have been up for the node
// to have had to send the update on it: covers our own reading lag.
constexpr qint64 LinkMarginMs = 500;
constexpr int ListenTimeoutMs = 15'000;
// After a kill, how long the sockets of the dead process may take to close
// before its evidence is settled anyway.
constexpr int SettleTimeoutMs = 3'000;
constexpr int SteadyDepth = 16;
constexpr int SplitDepth = 4;
constexpr int PollRoundTimeoutMs = 10'000;
constexpr int PollPauseMs = 100;
constexpr int StrangerTimeoutMs = 3'000;
constexpr int ShutdownTimeoutMs = 10'000;

} // namespace HerdTorture
