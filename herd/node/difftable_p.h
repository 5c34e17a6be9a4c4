// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QtGlobal>

#include <array>
#include <optional>
#include <vector>

namespace Herd {

class Store;

// An invertible Bloom lookup table of a store's (client hash, client time)
// pairs: what resyncer.h sends so that two nodes find the records they
// differ on at a cost that grows with the difference, not with the stores.
// Each pair is added to 3 of the table's cells (one in each third); a cell
// keeps the count of its pairs (mod 256) and the XOR of their client hashes,
// times and 32-bit checks. Subtracting the other side's table of the same
// size leaves only the pairs one side holds and the other does not, and a
// cell left with one pair gives it back whole (peeling). That succeeds, with
// high probability, when the table has about 1.5 cells per differing pair;
// with fewer, subtract() says so and the asker tries a bigger table.
//
// The positions and checks are docs/protocol.md's, so the nodes of one herd
// agree on them whatever machine each runs on.
class DiffTable final
{
public:
    static constexpr qsizetype CellBytes = 21;       // on the wire: count, hash, time, check
    static constexpr qsizetype MaxCells = 3 * 16384; // 1 MiB of cells at most, whoever asks
    static bool validSize(qint64 cells) { return cells >= 3 && cells <= MaxCells && cells % 3 == 0; }
    // Cells enough for `pairs` differing pairs, or 0 if that is over MaxCells.
    static qsizetype cellsFor(qint64 pairs);

    explicit DiffTable(qsizetype cells);
    static DiffTable of(const Store &store, qsizetype cells);

    void add(quint64 clientHash, qint64 timeNs);
    qsizetype size() const { return qsizetype(m_cells.size()); }

    // Cells [first, first + count) as the wire carries them.
    QByteArray bytes(qsizetype first, qsizetype count) const;
    // Reads whole cells from `bytes` into [first, ...); false if they do not fit.
    bool setBytes(qsizetype first, QByteArrayView bytes);

    struct Pair
    {
        quint64 clientHash = 0;
        qint64 timeNs = 0;
        bool operator==(const Pair &) const = default;
    };
    struct Difference
    {
        QList<Pair> onlyHere;  // in this table only
        QList<Pair> onlyThere; // in `other` only
    };
    // This table minus `other` (the same size), peeled; nullopt if it does
    // not peel to nothing (too many differences for the size).
    std::optional<Difference> subtract(const DiffTable &other) const;

private:
    struct Cell
    {
        quint8 count = 0;
        quint64 clientHash = 0;
        quint64 time = 0;
        quint32 check = 0;
    };
    void toggle(const Pair &pair, int sign);
    std::array<qsizetype, 3> cellsOf(quint64 recordHash) const; // one in each third
    bool isPure(const Cell &cell) const;

    std::vector<Cell> m_cells;
};

} // namespace Herd
