// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/topology/topologylayout.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

#include "ui/topology/stresslayout.h"

namespace HerdUi {

namespace {

// Chords (i, j) and (k, l) of a circle cross when exactly one of k, l lies
// strictly between i and j.
int crossings(const QList<int> &slotOf, const QList<std::pair<int, int>> &edges)
{
    int count = 0;
    for (qsizetype e = 0; e < edges.size(); ++e) {
        int a = slotOf[edges[e].first], b = slotOf[edges[e].second];
        if (a > b)
            std::swap(a, b);
        for (qsizetype f = e + 1; f < edges.size(); ++f) {
            const int c = slotOf[edges[f].first], d = slotOf[edges[f].second];
            if (c == a || c == b || d == a || d == b)
                continue;
            const bool cIn = c > a && c < b;
            const bool dIn = d > a && d < b;
            if (cIn != dIn)
                ++count;
        }
    }
    return count;
}

} // namespace

QHash<QString, QPointF> circleLayout(const QStringList &names,
                                     const QList<std::pair<QString, QString>> &links)
{
    QHash<QString, QPointF> positions;
    const int n = int(names.size());
    QList<std::pair<int, int>> edges;
    for (const auto &[a, b] : links) {
        const int i = int(names.indexOf(a)), j = int(names.indexOf(b));
        if (i >= 0 && j >= 0 && i != j)
            edges.append({i, j});
    }
    // Place the nodes on a circle, in the order with the fewest crossing
    // links: every order for small herds, pairwise swaps for larger ones.
    QList<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    auto slotsFor = [n](const QList<int> &o) {
        QList<int> slotOf(n);
        for (int s = 0; s < n; ++s)
            slotOf[o[s]] = s;
        return slotOf;
    };
    int best = crossings(slotsFor(order), edges);
    if (n <= kCircleMax) {
        QList<int> candidate = order;
        while (best > 0 && std::next_permutation(candidate.begin() + 1, candidate.end())) {
            const int c = crossings(slotsFor(candidate), edges);
            if (c < best) {
                best = c;
                order = candidate;
            }
        }
    } else {
        for (int round = 0; round < 4 && best > 0; ++round) {
            for (int i = 0; i < n; ++i) {
                for (int j = i + 1; j < n; ++j) {
                    std::swap(order[i], order[j]);
                    const int c = crossings(slotsFor(order), edges);
                    if (c < best)
                        best = c;
                    else
                        std::swap(order[i], order[j]);
                }
            }
        }
    }
    // Neighbours on the circle about 250 px apart, centre to centre.
    const double radius = std::max(190.0, 250.0 * n / (2 * std::numbers::pi));
    for (int s = 0; s < n; ++s) {
        const double angle = -std::numbers::pi / 2 + 2 * std::numbers::pi * s / n;
        positions.insert(
            names[order[s]],
            QPointF(std::round(radius * std::cos(angle) * 1.25), std::round(radius * std::sin(angle))));
    }
    return positions;
}

QHash<QString, QPointF> automaticLayout(const QStringList &names,
                                        const QList<std::pair<QString, QString>> &links, const QSizeF &card)
{
    if (names.isEmpty())
        return {};
    if (names.size() == 1)
        return {{names.first(), QPointF(0, 0)}};
    if (names.size() > kCircleMax) {
        QHash<QString, QPointF> positions = stressLayout(names, links, card, kGapShare * card.height());
        if (positions.size() == names.size())
            return positions;
    }
    return circleLayout(names, links);
}

} // namespace HerdUi
