// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/load/config.h"

namespace HerdLoad {

// Request text for the herd: moving clients, strictly increasing client times.
class RequestMaker
{
public:
    RequestMaker(const Config &config, int thread);
    Kind next(std::string &out);

private:
    std::uint64_t rand();

    const Config &m_config;
    std::uint64_t m_rng;
    std::vector<std::string> m_ids;
    std::vector<bool> m_reported;
    std::vector<std::size_t> m_reportedList;
    std::size_t m_nextClient = 0;
    std::uint64_t m_step = 0;
    std::int64_t m_lastTime = 0;
};

} // namespace HerdLoad
