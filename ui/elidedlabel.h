// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLabel>

namespace HerdUi {

// A one-line label for text that changes many times a second: it never
// asks the layout for room (each change would otherwise lay the window out
// again and repaint all of it), and text wider than the label is elided
// with "…", not clipped mid-word, and shown whole in the tooltip, above
// the explanation if there is one.
class ElidedLabel final : public QLabel
{
    Q_OBJECT

public:
    // `mode`: which end gives way (Qt::ElideLeft keeps the text's end).
    explicit ElidedLabel(Qt::TextElideMode mode, QWidget *parent = nullptr);

    // Plain text only.
    void setFullText(const QString &text);
    const QString &fullText() const { return m_full; }
    // The tooltip's text, after the whole text when that is elided.
    void setExplanation(const QString &explanation);

    QSize minimumSizeHint() const override;

protected:
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override; // a new font elides anew

private:
    void elide();

    Qt::TextElideMode m_mode;
    QString m_full;
    QString m_explanation;
};

} // namespace HerdUi
