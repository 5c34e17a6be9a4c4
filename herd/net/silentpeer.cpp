// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/net/silentpeer_p.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace Herd {

namespace {

constexpr int UnacknowledgedTimeoutMs = 10000;
constexpr int KeepAliveIdleS = 5;
constexpr int KeepAliveIntervalS = 1;
constexpr int KeepAliveProbes = 5;

} // namespace

void dropWhenSilent(qintptr descriptor)
{
    // A failure leaves the kernel's defaults: the link still works, it just
    // notices a silent neighbour late.
    const auto set = [descriptor](int level, int option, int value) {
        setsockopt(int(descriptor), level, option, &value, sizeof value);
    };
    set(SOL_SOCKET, SO_KEEPALIVE, 1);
    set(IPPROTO_TCP, TCP_KEEPIDLE, KeepAliveIdleS);
    set(IPPROTO_TCP, TCP_KEEPINTVL, KeepAliveIntervalS);
    set(IPPROTO_TCP, TCP_KEEPCNT, KeepAliveProbes);
    set(IPPROTO_TCP, TCP_USER_TIMEOUT, UnacknowledgedTimeoutMs);
}

} // namespace Herd
