// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/loadstats.h"

#include <algorithm>

void LatencySamples::merge(const LatencySamples &other)
{
    m_ns.insert(m_ns.end(), other.m_ns.begin(), other.m_ns.end());
    m_sorted = false;
}

LatencySamples::Summary LatencySamples::summarize()
{
    Summary s;
    s.count = m_ns.size();
    if (m_ns.empty())
        return s;
    if (!m_sorted) {
        std::sort(m_ns.begin(), m_ns.end());
        m_sorted = true;
    }
    const auto at = [this](double q) { return static_cast<double>(nearestRank(m_ns, q)) / 1000.0; };
    long double sum = 0;
    for (const std::int64_t v : m_ns)
        sum += static_cast<long double>(v);
    s.meanUs = static_cast<double>(sum / static_cast<long double>(m_ns.size()) / 1000.0L);
    s.p50Us = at(0.50);
    s.p90Us = at(0.90);
    s.p99Us = at(0.99);
    s.p999Us = at(0.999);
    s.maxUs = static_cast<double>(m_ns.back()) / 1000.0;
    return s;
}
