// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QtGlobal>

#include <array>
#include <optional>

namespace Herd {

class Store;

// How many (client, time) pairs two stores differ on, roughly (within about
// 10-15%), from 1.5 KiB whatever their size: what resyncer.h sizes its
// difference table (difftable_p.h) by. A strata estimator: each pair falls
// into stratum s with probability 2^-(s+1), and into one of the stratum's
// cells, which keeps the XOR of its pairs' 16-bit tags. XOR two of them and
// count the cells left non-zero: the deepest strata, which few pairs reach,
// can be counted; the shallow ones fill up, and what the deep ones hold,
// scaled by how few pairs reach them, estimates the whole.
class DiffEstimate final
{
public:
    static constexpr int Strata = 12;
    static constexpr int CellsPerStratum = 64;
    static constexpr qsizetype Bytes = Strata * CellsPerStratum * 2;

    static DiffEstimate of(const Store &store);
    static std::optional<DiffEstimate> fromBytes(QByteArrayView bytes);
    void add(quint64 recordHash);
    QByteArray bytes() const;

    // Pairs in one of the two and not the other.
    qint64 differences(const DiffEstimate &other) const;

private:
    std::array<quint16, Strata * CellsPerStratum> m_cells {};
};

} // namespace Herd
