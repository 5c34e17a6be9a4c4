// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLabel>

namespace HerdUi {

class FloodAnimator;

// The notice in the topology's top left corner while the animation does
// not show every message as it happens: paused (with the updates waiting),
// busy (traffic drawn per link instead of tokens), updates left out of a
// full queue. Hidden when there is nothing to say; clicks go through it.
class FloodBanner final : public QLabel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FloodBanner)

public:
    explicit FloodBanner(QWidget *parent = nullptr);

    // Says what `animator` is doing at `nowMs` (its wall clock). Called
    // every frame; the text changes at most four times a second, so it
    // can be read, unless refreshNow() asked for it.
    void refresh(FloodAnimator &animator, qint64 nowMs);
    // The next refresh() rewrites the text at once (pause toggled).
    void refreshNow() { m_lastMs = -1; }

private:
    QString m_text;
    qint64 m_lastMs = -1;
};

} // namespace HerdUi
