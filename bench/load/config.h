// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <cstdint>
#include <string>
#include <vector>

// herd-load's run as the command line asked for it.
namespace HerdLoad {

enum class Kind : std::uint8_t { Iamat, Whatsat, Raw };

struct Config
{
    std::string host = "127.0.0.1";
    std::vector<std::uint16_t> ports;
    int connections = 100;
    double durationS = 5;
    std::int64_t requests = 0; // 0: no limit
    bool open = false;
    int depth = 1;
    double rate = 10'000;
    int iamatWeight = 100;
    int whatsatWeight = 0;
    int clients = 1000;
    std::string raw; // non-empty: raw line mode
    int threads = 1;
    int timeoutMs = 5000;
    double radiusKm = 10;
    int bound = 5;
    std::string clientPrefix;
    std::vector<std::uint16_t> floodPorts;
    int floodSamples = 200;
    QString jsonPath;
};

} // namespace HerdLoad
