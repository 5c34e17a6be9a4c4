// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/topology/floodbanner.h"

#include <QLocale>

#include "ui/topology/floodanimator.h"
#include "ui/topology/topologystyle.h"

using namespace Qt::StringLiterals;

namespace HerdUi {

FloodBanner::FloodBanner(QWidget *parent)
    : QLabel(parent)
{
    setAttribute(Qt::WA_TransparentForMouseEvents);
    setStyleSheet(u"QLabel { background: rgba(255,255,255,235); color: #1e293b;"
                  " border: 1px solid #cbd5e1; border-radius: 12px; padding: 6px 14px; }"_s);
    setFont(TopologyStyle::bannerFont());
    hide();
}

void FloodBanner::refresh(FloodAnimator &animator, qint64 nowMs)
{
    if (m_lastMs >= 0 && nowMs - m_lastMs < 250)
        return;
    m_lastMs = nowMs;
    QStringList parts;
    const QLocale locale;
    if (animator.isPaused()) {
        parts << tr("Paused: %n update(s) waiting", nullptr, animator.tokensInFlight());
    }
    if (animator.isAggregating()) {
        parts << tr("Busy: %1 messages/s between nodes, shown as traffic per link")
                     .arg(locale.toString(qRound64(animator.messageRate(nowMs))));
    }
    if (animator.droppedCount() > 0)
        parts << tr("%1 not animated (queue full)").arg(locale.toString(animator.droppedCount()));
    const QString text = parts.join(u"  ·  "_s);
    if (text == m_text)
        return;
    m_text = text;
    setText(text);
    setVisible(!text.isEmpty());
    adjustSize();
    move(12, 12);
}

} // namespace HerdUi
