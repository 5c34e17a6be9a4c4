// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

// The nearest-rank quantile `q` (0 to 1) of `sorted`, ascending; 0 if empty.
template <typename T> T nearestRank(const std::vector<T> &sorted, double q)
{
    if (sorted.empty())
        return 0;
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
    return sorted[rank == 0 ? 0 : std::min(rank - 1, sorted.size() - 1)];
}

// Latency samples of one load run, in nanoseconds. Every sample is kept (a
// sorted vector gives exact percentiles; 10 million samples cost 80 MB, far
// more than a bounded bench run makes), so there is no bucket error to explain.
class LatencySamples
{
public:
    void reserve(std::size_t n) { m_ns.reserve(n); }
    void add(std::int64_t ns) { m_ns.push_back(ns < 0 ? 0 : ns); }
    void merge(const LatencySamples &other);
    std::size_t count() const { return m_ns.size(); }

    struct Summary
    {
        std::size_t count = 0;
        double meanUs = 0, p50Us = 0, p90Us = 0, p99Us = 0, p999Us = 0, maxUs = 0;
    };
    // Sorts in place (once); nearest-rank percentiles.
    Summary summarize();

private:
    std::vector<std::int64_t> m_ns;
    bool m_sorted = false;
};
