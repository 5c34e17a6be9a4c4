// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/faults/faultactions.h"

#include <QAction>
#include <QEvent>
#include <QInputDialog>
#include <QKeySequence>
#include <QMenu>
#include <QToolBar>
#include <QToolButton>
#include <QUndoStack>
#include <QWidget>

#include "herd/herdsource.h"
#include "herd/node/store.h"
#include "ui/faults/faultsnapshot.h"
#include "herd/node/node.h"
#include "herd/partition.h"
#include "ui/topology/partitionpreview.h"
#include "ui/topology/topologyview.h"

using namespace Qt::StringLiterals;

namespace HerdUi {

FaultActions::FaultActions(QWidget *window)
    : QObject(window)
    , m_window(window)
    , m_undo(new QUndoStack(this))
{
    m_isolate = make(tr("&Isolate Node"), QKeySequence(Qt::Key_I), tr("Cut every link of the selected node"));
    m_clockSkew =
        make(tr("Set Node C&lock Skew..."), {}, tr("Make the selected node's clock run ahead or behind"));
    m_cut = make(tr("&Cut Link"), QKeySequence(Qt::Key_C), tr("Cut the selected link in both directions"));
    m_restore =
        make(tr("Res&tore Link"), QKeySequence(Qt::SHIFT | Qt::Key_C), tr("Restore the selected link"));
    m_delay = make(tr("Set Link &Delay..."), QKeySequence(Qt::Key_D),
                   tr("Delay every message on the selected link"));
    m_jitter = make(tr("Set Link &Jitter..."), QKeySequence(Qt::Key_J),
                    tr("Vary each message's delay on the selected link at random (order kept)"));
    m_flaky = make(tr("Make Link Fla&ky..."), {},
                   tr("Drop the selected link's connection now and then; it reconnects with back-off"));
    m_split = make(tr("S&plit in Two"), QKeySequence(Qt::Key_S), tr("Cut the herd into two halves"));
    m_bridge = make(tr("Cut Around &Bridge Node"), QKeySequence(Qt::Key_B),
                    tr("Isolate the node whose loss splits the herd most evenly"));
    m_ring = make(
        tr("Majorities Rin&g"), QKeySequence(Qt::Key_G),
        tr("Keep only the links between ring neighbours (herd-file order): each node sees a majority, no two "
           "the same one"));
    m_heal = make(tr("&Heal All"), QKeySequence(Qt::Key_H), tr("Restore every cut link"));
    m_clear = make(tr("Cl&ear All Faults"), QKeySequence(Qt::SHIFT | Qt::Key_H),
                   tr("Restore every link and remove every delay, jitter, flaky link and clock skew"));
    m_slow =
        make(tr("Slow &Motion"), QKeySequence(Qt::Key_M),
             tr("Delay every link by %1 ms so an update can be followed hop by hop").arg(SlowMotionDelayMs));
    m_slow->setCheckable(true);
    m_undoAction = m_undo->createUndoAction(this, tr("&Undo"));
    m_undoAction->setShortcut(QKeySequence::Undo);
    m_redoAction = m_undo->createRedoAction(this, tr("&Redo"));
    m_redoAction->setShortcut(QKeySequence::Redo);

    m_partitions.insert(m_isolate, u"isolate"_s);
    m_partitions.insert(m_split, u"halves"_s);
    m_partitions.insert(m_bridge, u"bridge"_s);
    m_partitions.insert(m_ring, u"majorities-ring"_s);
    for (auto it = m_partitions.cbegin(); it != m_partitions.cend(); ++it) {
        QAction *action = it.key();
        connect(action, &QAction::hovered, this, [this, action] { previewPartition(action); });
        connect(action, &QAction::triggered, this, [this, action] { applyPartition(action); });
    }

    connect(m_clockSkew, &QAction::triggered, this, [this] {
        if (!selectedNode().isEmpty())
            askClockSkew(selectedNode());
    });
    connect(m_cut, &QAction::triggered, this, [this] {
        if (const auto link = selectedLink())
            setLinkCut(link->first, link->second, true);
    });
    connect(m_restore, &QAction::triggered, this, [this] {
        if (const auto link = selectedLink())
            setLinkCut(link->first, link->second, false);
    });
    connect(m_delay, &QAction::triggered, this, [this] {
        if (const auto link = selectedLink())
            askDelay(link->first, link->second);
    });
    connect(m_jitter, &QAction::triggered, this, [this] {
        if (const auto link = selectedLink())
            askJitter(link->first, link->second);
    });
    connect(m_flaky, &QAction::triggered, this, [this] {
        if (const auto link = selectedLink())
            askFlaky(link->first, link->second);
    });
    connect(m_heal, &QAction::triggered, this, [this] { apply(tr("Heal All"), [this] { m_herd->heal(); }); });
    connect(m_clear, &QAction::triggered, this,
            [this] { apply(tr("Clear All Faults"), [this] { m_herd->clearFaults(); }); });
    connect(m_slow, &QAction::toggled, this, &FaultActions::setSlowMotion);
    // Undo and redo change delays behind Slow Motion's back.
    connect(m_undo, &QUndoStack::indexChanged, this, &FaultActions::syncSlowMotion);
}

FaultActions::~FaultActions() = default;

QAction *FaultActions::make(const QString &text, const QKeySequence &shortcut, const QString &tip)
{
    auto *action = new QAction(text, this);
    action->setShortcut(shortcut);
    action->setToolTip(shortcut.isEmpty() ? tip
                                          : tip + u" (" + shortcut.toString(QKeySequence::NativeText) + u')');
    action->setStatusTip(tip);
    return action;
}

void FaultActions::setHerd(Herd::HerdSource *herd, TopologyView *topology)
{
    m_herd = herd;
    m_topology = topology;
    m_undo->clear();
    syncSlowMotion();
    updateActions();
}

QString FaultActions::selectedNode() const
{
    return m_topology ? m_topology->selectedNode() : QString();
}

std::optional<FaultActions::Link> FaultActions::selectedLink() const
{
    return m_topology ? m_topology->selectedLink() : std::nullopt;
}

void FaultActions::updateActions()
{
    const bool haveHerd = m_herd != nullptr;
    const QString node = selectedNode();
    const bool local = haveHerd && !node.isEmpty() && m_herd->nodeStatus(node);
    m_isolate->setEnabled(local);
    m_clockSkew->setEnabled(local);
    // Cut and Restore change both directions: each applies while one is
    // left to change.
    const auto link = selectedLink();
    const bool cutThere = link && haveHerd && m_herd->isLinkCut(link->first, link->second);
    const bool cutBack = link && haveHerd && m_herd->isLinkCut(link->second, link->first);
    m_cut->setEnabled(haveHerd && link && !(cutThere && cutBack));
    m_restore->setEnabled(cutThere || cutBack);
    for (QAction *action : {m_delay, m_jitter, m_flaky})
        action->setEnabled(haveHerd && link.has_value());
    for (QAction *action : {m_split, m_ring, m_heal, m_clear, m_slow})
        action->setEnabled(haveHerd);
    QString error;
    m_bridge->setEnabled(haveHerd && partitionCuts(m_bridge, &error).has_value());
    m_bridge->setToolTip(m_bridge->isEnabled() || error.isEmpty() ? m_bridge->statusTip() : error);
}

void FaultActions::apply(const QString &text, const std::function<void()> &change)
{
    if (!m_herd)
        return;
    FaultSnapshot before = FaultSnapshot::take(*m_herd);
    change();
    FaultSnapshot after = FaultSnapshot::take(*m_herd);
    if (before != after)
        m_undo->push(new FaultCommand(text, m_herd, std::move(before), std::move(after)));
    updateActions();
}

void FaultActions::setLinkCut(const QString &a, const QString &b, bool cut)
{
    apply(cut ? tr("Cut %1 ↔ %2").arg(a, b) : tr("Restore %1 ↔ %2").arg(a, b),
          [this, a, b, cut] { m_herd->setLinkCut(a, b, cut); });
}

void FaultActions::askDelay(const QString &a, const QString &b)
{
    if (!m_herd)
        return;
    bool ok = false;
    const int delay =
        QInputDialog::getInt(m_window, tr("Link Delay"),
                             tr("Delay every message between %1 and %2 by (ms, 0 for none):").arg(a, b),
                             m_herd->linkDelay(a, b), 0, 60'000, 100, &ok);
    if (ok && m_herd)
        apply(tr("Delay %1 ↔ %2: %3 ms").arg(a, b).arg(delay),
              [this, a, b, delay] { m_herd->setLinkDelay(a, b, delay); });
}

void FaultActions::askJitter(const QString &a, const QString &b)
{
    if (!m_herd)
        return;
    bool ok = false;
    const int jitter = QInputDialog::getInt(
        m_window, tr("Link Jitter"),
        tr("Vary the hold of each message between %1 and %2 by up to ± (ms, 0 for none).\n"
           "Messages keep their order: one TCP connection cannot reorder them.")
            .arg(a, b),
        m_herd->linkJitter(a, b) > 0 ? m_herd->linkJitter(a, b) : 200, 0, 60'000, 50, &ok);
    if (ok && m_herd)
        apply(tr("Jitter %1 ↔ %2: ±%3 ms").arg(a, b).arg(jitter),
              [this, a, b, jitter] { m_herd->setLinkJitter(a, b, jitter); });
}

void FaultActions::askFlaky(const QString &a, const QString &b)
{
    if (!m_herd)
        return;
    bool ok = false;
    const int mean = QInputDialog::getInt(
        m_window, tr("Flaky Link"),
        tr("Drop the connection between %1 and %2 after a random up time with this mean (ms, 0 for never).\n"
           "Each side then reconnects with back-off; updates sent meanwhile are lost.")
            .arg(a, b),
        m_herd->linkFlaky(a, b) > 0 ? m_herd->linkFlaky(a, b) : 3000, 0, 600'000, 500, &ok);
    if (ok && m_herd)
        apply(mean > 0 ? tr("Flaky %1 ↔ %2: up %3 ms on average").arg(a, b).arg(mean)
                       : tr("%1 ↔ %2 not flaky").arg(a, b),
              [this, a, b, mean] { m_herd->setLinkFlaky(a, b, mean); });
}

void FaultActions::askClockSkew(const QString &node)
{
    if (!m_herd || !m_herd->nodeStatus(node))
        return;
    bool ok = false;
    const int skew = QInputDialog::getInt(m_window, tr("Clock Skew"),
                                          tr("%1's clock runs ahead (+) or behind (−) by (ms, 0 for none).\n"
                                             "It shows in the time difference of the AT lines %1 makes.")
                                              .arg(node),
                                          int(m_herd->clockSkew(node)), -3'600'000, 3'600'000, 100, &ok);
    if (ok && m_herd)
        apply(tr("Clock skew of %1: %2 ms").arg(node).arg(skew),
              [this, node, skew] { m_herd->setClockSkew(node, skew); });
}

void FaultActions::setSlowMotion(bool on)
{
    if (m_slow->isChecked() != on) {
        m_slow->setChecked(on); // toggled() comes back here
        return;
    }
    if (!m_herd)
        return;
    apply(on ? tr("Slow Motion") : tr("Slow Motion off"), [this, on] {
        for (const auto &[a, b] : m_herd->config().links)
            m_herd->setLinkDelay(a, b, on ? SlowMotionDelayMs : 0);
    });
}

void FaultActions::syncSlowMotion()
{
    // Checked while every link runs at the slow-motion delay.
    bool slow = m_herd && !m_herd->config().links.isEmpty();
    for (const auto &[a, b] : m_herd ? m_herd->config().links : QList<Link>()) {
        slow = slow && m_herd->linkDelay(a, b) == SlowMotionDelayMs
            && m_herd->linkDelay(b, a) == SlowMotionDelayMs;
    }
    const QSignalBlocker blocker(m_slow);
    m_slow->setChecked(slow);
}

// ---------------------------------------------------------------------------
// Partitions

std::optional<QList<FaultActions::Link>> FaultActions::partitionCuts(QAction *action, QString *error) const
{
    const auto name = m_partitions.constFind(action);
    if (!m_herd || name == m_partitions.cend())
        return std::nullopt;
    return Herd::Partition::preset(m_herd->config(), *name, selectedNode(), error);
}

void FaultActions::applyPartition(QAction *action)
{
    clearPreview();
    QString error;
    const auto cuts = partitionCuts(action, &error);
    if (!cuts) {
        if (!error.isEmpty())
            emit errorOccurred(action->text().remove(u'&'), error);
        return;
    }
    const QString title =
        action == m_isolate ? tr("Isolate %1").arg(selectedNode()) : action->text().remove(u'&');
    apply(title, [this, &cuts] { m_herd->cutLinks(*cuts); });
}

bool FaultActions::previewPartition(QAction *action)
{
    const auto cuts = action->isEnabled() ? partitionCuts(action) : std::nullopt;
    if (!cuts || !m_topology) {
        clearPreview();
        return false;
    }
    const QString title =
        action == m_isolate ? tr("Isolate %1").arg(selectedNode()) : action->text().remove(u'&');
    m_topology->showPartitionPreview(PartitionPreview::forCuts(*m_herd, title, *cuts));
    return true;
}

void FaultActions::clearPreview()
{
    if (m_topology)
        m_topology->clearPartitionPreview();
}

void FaultActions::watchMenu(QMenu *menu)
{
    connect(menu, &QMenu::hovered, this, [this](QAction *action) {
        if (!m_partitions.contains(action))
            clearPreview();
    });
    connect(menu, &QMenu::aboutToHide, this, &FaultActions::clearPreview);
}

void FaultActions::watchToolBar(QToolBar *bar)
{
    // Toolbar buttons report hovering through their action; leaving is
    // seen here.
    for (auto it = m_partitions.cbegin(); it != m_partitions.cend(); ++it) {
        if (QWidget *button = bar->widgetForAction(it.key()))
            button->installEventFilter(this);
    }
}

bool FaultActions::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::Leave) {
        if (auto *button = qobject_cast<QToolButton *>(watched);
            button && m_partitions.contains(button->defaultAction()))
            clearPreview();
    }
    return QObject::eventFilter(watched, event);
}

} // namespace HerdUi
