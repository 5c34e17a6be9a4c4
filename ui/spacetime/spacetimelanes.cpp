// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/spacetime/spacetimelanes.h"

#include <algorithm>
#include <numeric>

namespace HerdUi {

void SpaceTimeLanes::fit(int lanes, double top, double height)
{
    if (lanes != count()) {
        m_rowOf.resize(lanes);
        std::iota(m_rowOf.begin(), m_rowOf.end(), 0);
        m_laneAt = m_rowOf;
        m_firstRow = 0;
    }
    m_top = top;
    const int shown = std::max(1, lanes);
    m_visibleRows = std::clamp(int(height / MinHeight), 1, shown);
    m_rowHeight = height / m_visibleRows;
    setFirstRow(m_firstRow);
}

void SpaceTimeLanes::lead(const QList<int> &lanes)
{
    QList<int> order;
    for (const int lane : lanes) {
        if (lane >= 0 && lane < count() && !order.contains(lane))
            order.append(lane);
    }
    for (const int lane : std::as_const(m_laneAt)) {
        if (!order.contains(lane))
            order.append(lane);
    }
    m_laneAt = order;
    for (int row = 0; row < count(); ++row)
        m_rowOf[m_laneAt[row]] = row;
    m_firstRow = 0;
}

void SpaceTimeLanes::setFirstRow(int row)
{
    m_firstRow = std::clamp(row, 0, std::max(0, count() - m_visibleRows));
}

bool SpaceTimeLanes::isShown(int lane) const
{
    const int row = rowOf(lane);
    return row >= m_firstRow && row < m_firstRow + m_visibleRows;
}

} // namespace HerdUi
