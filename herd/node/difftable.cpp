// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/node/difftable_p.h"

#include "herd/node/digest_p.h"
#include "herd/node/store.h"

#include <QtEndian>

namespace Herd {

namespace {

constexpr quint64 CheckSalt = 0x5851f42d4c957f2dULL;

quint32 checkOf(quint64 recordHash)
{
    return quint32(Digest::mix(recordHash ^ CheckSalt));
}

template <typename T> void appendLittleEndian(QByteArray &out, T value)
{
    char bytes[sizeof(T)];
    qToLittleEndian(value, bytes);
    out.append(bytes, sizeof(T));
}

} // namespace

qsizetype DiffTable::cellsFor(qint64 pairs)
{
    // 1.5 cells a pair is well above the 1.22 a 3-way table needs in the
    // limit; the 30 keep small tables, whose luck varies most, peelable.
    const qint64 cells = (pairs * 3 / 2 + 30 + 2) / 3 * 3;
    return cells <= MaxCells ? qsizetype(cells) : 0;
}

DiffTable::DiffTable(qsizetype cells)
    : m_cells(size_t(cells))
{
    Q_ASSERT(validSize(cells));
}

DiffTable DiffTable::of(const Store &store, qsizetype cells)
{
    DiffTable table(cells);
    for (const Record &record : store.records())
        table.add(record.clientHash, record.timeNs);
    return table;
}

void DiffTable::add(quint64 clientHash, qint64 timeNs)
{
    toggle({clientHash, timeNs}, 1);
}

void DiffTable::toggle(const Pair &pair, int sign)
{
    const quint64 record = Digest::recordHash(pair.clientHash, pair.timeNs);
    const quint32 check = checkOf(record);
    for (const qsizetype index : cellsOf(record)) {
        Cell &cell = m_cells[size_t(index)];
        cell.count = quint8(cell.count + sign);
        cell.clientHash ^= pair.clientHash;
        cell.time ^= quint64(pair.timeNs);
        cell.check ^= check;
    }
}

std::array<qsizetype, 3> DiffTable::cellsOf(quint64 recordHash) const
{
    const quint64 third = m_cells.size() / 3;
    std::array<qsizetype, 3> cells {};
    for (quint64 part = 0; part < 3; ++part)
        cells[part] = qsizetype(part * third + Digest::mix(recordHash + part + 1) % third);
    return cells;
}

bool DiffTable::isPure(const Cell &cell) const
{
    return (cell.count == 1 || cell.count == 255)
        && cell.check == checkOf(Digest::recordHash(cell.clientHash, qint64(cell.time)));
}

QByteArray DiffTable::bytes(qsizetype first, qsizetype count) const
{
    QByteArray out;
    out.reserve(count * CellBytes);
    for (qsizetype i = first; i < first + count && i < size(); ++i) {
        const Cell &cell = m_cells[size_t(i)];
        out.append(char(cell.count));
        appendLittleEndian(out, cell.clientHash);
        appendLittleEndian(out, cell.time);
        appendLittleEndian(out, cell.check);
    }
    return out;
}

bool DiffTable::setBytes(qsizetype first, QByteArrayView bytes)
{
    if (first < 0 || bytes.size() % CellBytes != 0 || first + bytes.size() / CellBytes > size())
        return false;
    for (qsizetype at = 0; at < bytes.size(); at += CellBytes) {
        Cell &cell = m_cells[size_t(first + at / CellBytes)];
        const char *data = bytes.data() + at;
        cell.count = quint8(data[0]);
        cell.clientHash = qFromLittleEndian<quint64>(data + 1);
        cell.time = qFromLittleEndian<quint64>(data + 9);
        cell.check = qFromLittleEndian<quint32>(data + 17);
    }
    return true;
}

std::optional<DiffTable::Difference> DiffTable::subtract(const DiffTable &other) const
{
    if (other.size() != size())
        return std::nullopt;
    DiffTable diff(size());
    for (size_t i = 0; i < m_cells.size(); ++i) {
        const Cell &mine = m_cells[i];
        const Cell &theirs = other.m_cells[i];
        diff.m_cells[i] = {quint8(mine.count - theirs.count), mine.clientHash ^ theirs.clientHash,
                           mine.time ^ theirs.time, mine.check ^ theirs.check};
    }
    // Peeling: a pure cell gives one pair, whose removal may leave more
    // cells pure. A table has at most as many pairs to give as cells, so a
    // table built to mislead stops there.
    Difference difference;
    std::vector<qsizetype> pending;
    pending.reserve(m_cells.size());
    for (qsizetype i = 0; i < size(); ++i)
        pending.push_back(i);
    while (!pending.empty()) {
        const Cell cell = diff.m_cells[size_t(pending.back())];
        pending.pop_back();
        if (!diff.isPure(cell))
            continue;
        const Pair pair {cell.clientHash, qint64(cell.time)};
        const int sign = cell.count == 1 ? 1 : -1;
        (sign > 0 ? difference.onlyHere : difference.onlyThere).append(pair);
        if (difference.onlyHere.size() + difference.onlyThere.size() > size())
            return std::nullopt;
        diff.toggle(pair, -sign);
        for (const qsizetype index : cellsOf(Digest::recordHash(pair.clientHash, pair.timeNs)))
            pending.push_back(index);
    }
    for (const Cell &cell : diff.m_cells) {
        if (cell.count != 0 || cell.clientHash != 0 || cell.time != 0 || cell.check != 0)
            return std::nullopt;
    }
    return difference;
}

} // namespace Herd
