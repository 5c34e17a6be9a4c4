// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>

namespace HerdUi {

// Where each node's lane of the space-time diagram goes: its row, and the
// row's height. A lane is never thinner than MinHeight, so names never
// overprint: when the lanes do not all fit, the diagram shows a window of
// rows that scrolls (firstRow), and the lanes that matter now (a picked
// node, an update's hops) can lead, moved to the top rows.
//
// Lane numbers are SpaceTimeHistory's (the herd's node order); rows are
// the order on screen.
class SpaceTimeLanes
{
public:
    static constexpr double MinHeight = 20;

    // `lanes` lanes in a plot `height` pixels tall from `top`; a new
    // number of lanes restores the herd's order.
    void fit(int lanes, double top, double height);
    int count() const { return int(m_rowOf.size()); }
    int visibleRows() const { return m_visibleRows; }
    bool scrolls() const { return m_visibleRows < count(); }
    double rowHeight() const { return m_rowHeight; }

    // Moves `lanes` to the top rows, in this order (the rest keep theirs),
    // and scrolls to the top. Unknown lanes and repeats are skipped.
    void lead(const QList<int> &lanes);
    void setFirstRow(int row); // clamped to the rows there are
    int firstRow() const { return m_firstRow; }
    int rowOf(int lane) const { return lane >= 0 && lane < count() ? m_rowOf[lane] : -1; }
    int laneAt(int row) const { return row >= 0 && row < count() ? m_laneAt[row] : -1; }
    bool isShown(int lane) const;
    // The centre line of `lane`; above or below the plot when scrolled out.
    double y(int lane) const { return m_top + m_rowHeight * (rowOf(lane) - m_firstRow + 0.5); }

private:
    QList<int> m_rowOf;  // lane -> row
    QList<int> m_laneAt; // row -> lane
    double m_top = 0;
    double m_rowHeight = MinHeight;
    int m_visibleRows = 0;
    int m_firstRow = 0;
};

} // namespace HerdUi
