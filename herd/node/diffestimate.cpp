// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/node/diffestimate_p.h"

#include "herd/node/digest_p.h"
#include "herd/node/store.h"

#include <QtEndian>

#include <bit>
#include <cmath>

namespace Herd {

namespace {

constexpr quint64 StratumSalt = 0x2545f4914f6cdd1dULL;

} // namespace

DiffEstimate DiffEstimate::of(const Store &store)
{
    DiffEstimate estimate;
    for (const Record &record : store.records())
        estimate.add(Digest::recordHash(record.clientHash, record.timeNs));
    return estimate;
}

std::optional<DiffEstimate> DiffEstimate::fromBytes(QByteArrayView bytes)
{
    if (bytes.size() != Bytes)
        return std::nullopt;
    DiffEstimate estimate;
    for (size_t i = 0; i < estimate.m_cells.size(); ++i)
        estimate.m_cells[i] = qFromLittleEndian<quint16>(bytes.data() + 2 * i);
    return estimate;
}

void DiffEstimate::add(quint64 recordHash)
{
    const quint64 spread = Digest::mix(recordHash ^ StratumSalt);
    const int stratum = qMin(std::countr_zero(spread), Strata - 1);
    // The cell and the tag come from bits the stratum did not use.
    const quint64 cell = (spread >> 48) % CellsPerStratum;
    const quint16 tag = quint16(recordHash >> 16) | 1;
    m_cells[size_t(stratum * CellsPerStratum + int(cell))] ^= tag;
}

QByteArray DiffEstimate::bytes() const
{
    QByteArray out(Bytes, Qt::Uninitialized);
    for (size_t i = 0; i < m_cells.size(); ++i)
        qToLittleEndian(m_cells[i], out.data() + 2 * i);
    return out;
}

qint64 DiffEstimate::differences(const DiffEstimate &other) const
{
    // From the deepest stratum up, count by linear counting until a stratum
    // is too full to count; the strata below it hold the other 1 - 2^-(s+1)
    // of the pairs, so scale by 2^(s+1).
    double counted = 0;
    for (int stratum = Strata - 1; stratum >= 0; --stratum) {
        int nonEmpty = 0;
        for (int i = 0; i < CellsPerStratum; ++i) {
            const size_t at = size_t(stratum * CellsPerStratum + i);
            nonEmpty += (m_cells[at] ^ other.m_cells[at]) != 0;
        }
        if (nonEmpty > CellsPerStratum * 7 / 8)
            return qint64(std::ceil(std::ldexp(counted, stratum + 1)));
        counted += -CellsPerStratum * std::log(1.0 - double(nonEmpty) / CellsPerStratum);
    }
    return qint64(std::ceil(counted));
}

} // namespace Herd
