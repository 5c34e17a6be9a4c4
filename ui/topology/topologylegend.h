// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QWidget>

#include "ui/topology/topologystyle.h"

namespace HerdUi {

// The key to the topology's drawing, in a corner of the view: what each
// link style means (per direction), what running and killed nodes look
// like, tokens, and the space-time highlight; and, while a node's process
// does not answer (an attached herd's), what a node not monitored looks
// like. Drawn with TopologyStyle's own pens, so it cannot disagree with the
// diagram. A click folds it to a small "Legend" tab and back.
class TopologyLegend final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TopologyLegend)

public:
    explicit TopologyLegend(QWidget *parent = nullptr);

    bool isFolded() const { return m_folded; }
    void setFolded(bool folded);
    // With a row for NodeLook::NotMonitored. The legend grows by that row.
    bool showsNotMonitored() const { return m_notMonitored; }
    void setShowsNotMonitored(bool shows);
    // The same for NodeLook::NotStarted (a recording replayed).
    bool showsNotStarted() const { return m_notStarted; }
    void setShowsNotStarted(bool shows);
    QSize sizeHint() const override;

signals:
    void foldedChanged(bool folded);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;

private:
    QList<TopologyStyle::NodeLook> nodeLooks() const;
    // Shows or hides an optional row (`row`: its flag); the legend grows
    // or shrinks by it.
    void showRow(bool &row, bool shows);

    bool m_folded = false;
    bool m_notMonitored = false;
    bool m_notStarted = false;
};

} // namespace HerdUi
