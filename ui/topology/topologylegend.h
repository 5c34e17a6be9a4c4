// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

namespace HerdUi {

// The key to the topology's drawing, in a corner of the view: what each
// link style means (per direction), what running and killed nodes look
// like, tokens, and the space-time highlight. Drawn with TopologyStyle's own
// pens, so it cannot disagree with the diagram. A click folds it to a small
// "Legend" tab and back.
class TopologyLegend final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TopologyLegend)

public:
    explicit TopologyLegend(QWidget *parent = nullptr);

    bool isFolded() const { return m_folded; }
    void setFolded(bool folded);
    QSize sizeHint() const override;

signals:
    void foldedChanged(bool folded);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;

private:
    bool m_folded = false;
};

} // namespace HerdUi
