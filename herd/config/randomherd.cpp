// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/config/randomherd.h"

#include <algorithm>
#include <random>
#include <set>

namespace Herd {

HerdConfig randomHerd(int nodes, double degree, quint64 seed)
{
    // mt19937_64's sequence is fixed by the standard, so a seed means the
    // same herd on every machine.
    std::mt19937_64 rng {seed};
    std::set<std::pair<int, int>> links;
    for (int i = 1; i < nodes; ++i)
        links.insert({int(rng() % std::uint64_t(i)), i});
    const auto wanted = std::max<std::size_t>(links.size(), std::size_t(degree * nodes / 2 + 0.5));
    const auto possible = nodes > 1 ? std::size_t(nodes) * std::size_t(nodes - 1) / 2 : 0;
    while (links.size() < std::min(wanted, possible)) {
        const int a = int(rng() % std::uint64_t(nodes));
        const int b = int(rng() % std::uint64_t(nodes));
        if (a != b)
            links.insert({std::min(a, b), std::max(a, b)});
    }
    const auto name = [](int i) { return QStringLiteral("N%1").arg(i, 3, 10, QLatin1Char('0')); };
    HerdConfig config;
    config.name = QStringLiteral("%1 random nodes, seed %2").arg(nodes).arg(seed);
    for (int i = 0; i < nodes; ++i) {
        NodeConfig node;
        node.name = name(i);
        node.port = 0;
        config.nodes.append(node);
    }
    for (const auto &[a, b] : links)
        config.links.append({name(a), name(b)});
    return config;
}

} // namespace Herd
