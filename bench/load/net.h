// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

// herd-load's sockets: plain POSIX, one line per line.
namespace HerdLoad {

bool startsWith(std::string_view s, std::string_view prefix);

// A TCP socket connecting to host:port (IPv4), with TCP_NODELAY; -1 on
// failure. Non-blocking unless `blocking`, then connected on return.
int connectTo(const std::string &host, std::uint16_t port, bool blocking);

} // namespace HerdLoad
