// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/load/requestmaker.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "bench/benchsupport.h"

namespace HerdLoad {

RequestMaker::RequestMaker(const Config &config, int thread)
    : m_config(config)
    , m_rng(0x9E3779B97F4A7C15ull ^ (std::uint64_t(thread) + 1) * 0xBF58476D1CE4E5B9ull)
{
    const int perThread = std::max(1, config.clients / std::max(1, config.threads));
    m_ids.reserve(std::size_t(perThread));
    for (int i = 0; i < perThread; ++i)
        m_ids.push_back(config.clientPrefix + "-t" + std::to_string(thread) + "-c" + std::to_string(i));
    m_reported.assign(m_ids.size(), false);
}

Kind RequestMaker::next(std::string &out)
{
    if (!m_config.raw.empty()) {
        out += m_config.raw;
        out += '\n';
        return Kind::Raw;
    }
    const int total = m_config.iamatWeight + m_config.whatsatWeight;
    const bool whatsat =
        !m_reportedList.empty() && int(rand() % std::uint64_t(total)) >= m_config.iamatWeight;
    char buf[256];
    if (whatsat) {
        const std::size_t id = m_reportedList[rand() % m_reportedList.size()];
        const int n = std::snprintf(buf, sizeof buf, "WHATSAT %s %g %d\n", m_ids[id].c_str(),
                                    m_config.radiusKm, m_config.bound);
        out.append(buf, std::size_t(n));
        return Kind::Whatsat;
    }
    const std::size_t id = m_nextClient++ % m_ids.size();
    if (!m_reported[id]) {
        m_reported[id] = true;
        m_reportedList.push_back(id);
    }
    // Clients walk around UCLA: a step per report, bounded to a small box.
    const std::uint64_t step = m_step++;
    const double lat = 34.068930 + 0.0001 * double(step % 997) - 0.05;
    const double lng = -118.445127 + 0.0001 * double((step * 7) % 991) - 0.05;
    std::int64_t now = Bench::realNs();
    if (now <= m_lastTime)
        now = m_lastTime + 1;
    m_lastTime = now;
    const int n = std::snprintf(buf, sizeof buf, "IAMAT %s %+.6f%+.6f %" PRId64 ".%09" PRId64 "\n",
                                m_ids[id].c_str(), lat, lng, now / 1'000'000'000, now % 1'000'000'000);
    out.append(buf, std::size_t(n));
    return Kind::Iamat;
}

std::uint64_t RequestMaker::rand()
{
    // xorshift64*
    m_rng ^= m_rng >> 12;
    m_rng ^= m_rng << 25;
    m_rng ^= m_rng >> 27;
    return m_rng * 2685821657736338717ull;
}

} // namespace HerdLoad
