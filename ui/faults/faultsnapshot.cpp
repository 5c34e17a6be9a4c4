// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/faults/faultsnapshot.h"

#include "herd/herdsource.h"
#include "herd/node/store.h"
#include "herd/node/node.h"

namespace HerdUi {

FaultSnapshot FaultSnapshot::take(const Herd::HerdSource &herd)
{
    FaultSnapshot snapshot;
    for (const auto &[a, b] : herd.config().links) {
        for (const auto &[from, to] : {std::pair {a, b}, std::pair {b, a}}) {
            if (!herd.linkState(from, to))
                continue;
            snapshot.directions.append({from, to, herd.isLinkCut(from, to), herd.linkDelay(from, to),
                                        herd.linkJitter(from, to), herd.linkFlaky(from, to)});
        }
    }
    for (const QString &node : herd.config().nodeNames()) {
        if (herd.nodeStatus(node))
            snapshot.clocks.append({node, herd.clockSkew(node)});
    }
    return snapshot;
}

void FaultSnapshot::restore(Herd::HerdSource &herd) const
{
    constexpr auto oneWay = Herd::HerdSource::Direction::OneWay;
    for (const Direction &d : directions) {
        if (herd.isLinkCut(d.from, d.to) != d.cut)
            herd.setLinkCut(d.from, d.to, d.cut, oneWay);
        if (herd.linkDelay(d.from, d.to) != d.delayMs)
            herd.setLinkDelay(d.from, d.to, d.delayMs, oneWay);
        if (herd.linkJitter(d.from, d.to) != d.jitterMs)
            herd.setLinkJitter(d.from, d.to, d.jitterMs, oneWay);
        if (herd.linkFlaky(d.from, d.to) != d.flakyMs)
            herd.setLinkFlaky(d.from, d.to, d.flakyMs, oneWay);
    }
    for (const Clock &clock : clocks) {
        if (herd.clockSkew(clock.node) != clock.skewMs)
            herd.setClockSkew(clock.node, clock.skewMs);
    }
}

FaultCommand::FaultCommand(const QString &text, Herd::HerdSource *herd, FaultSnapshot before,
                           FaultSnapshot after)
    : QUndoCommand(text)
    , m_herd(herd)
    , m_before(std::move(before))
    , m_after(std::move(after))
{}

void FaultCommand::undo()
{
    if (m_herd)
        m_before.restore(*m_herd);
    m_done = false;
}

void FaultCommand::redo()
{
    if (m_done)
        return;
    if (m_herd)
        m_after.restore(*m_herd);
    m_done = true;
}

} // namespace HerdUi
