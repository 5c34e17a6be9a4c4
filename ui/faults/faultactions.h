// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <functional>
#include <optional>
#include <utility>

class QAction;
class QMenu;
class QToolBar;
class QUndoStack;
class QWidget;

namespace Herd {
class HerdSource;
}

namespace HerdUi {

class TopologyView;

// The window's fault actions on the herd: cut and restore a link, delay,
// jitter and flaky links, a node's clock skew, the named partitions
// (isolate, split in two, around a bridge node, majorities ring), Heal All,
// Clear All Faults and Slow Motion, with their dialogs.
//
// Every fault goes through apply(), which snapshots the faults before and
// after and pushes the difference on an undo stack (Edit > Undo). Partition
// actions preview what they would leave on the topology while hovered in a
// menu or on the toolbar; applying one clears the preview.
//
// Works on the herd and topology given to setHerd(); both borrowed, and
// replaced (with the undo history cleared) whenever the window opens
// another herd. A null herd (none, or one that is not live) turns every
// action off. The actions are children of this object.
class FaultActions final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FaultActions)

public:
    static constexpr int SlowMotionDelayMs = 800;
    using Link = std::pair<QString, QString>;

    // `window` parents the dialogs and this object.
    explicit FaultActions(QWidget *window);
    ~FaultActions() override;

    void setHerd(Herd::HerdSource *herd, TopologyView *topology);
    // Enables what fits the topology's selection; call when it changes.
    void updateActions();

    QAction *isolateAction() const { return m_isolate; }
    QAction *clockSkewAction() const { return m_clockSkew; }
    QAction *cutAction() const { return m_cut; }
    QAction *restoreAction() const { return m_restore; }
    QAction *delayAction() const { return m_delay; }
    QAction *jitterAction() const { return m_jitter; }
    QAction *flakyAction() const { return m_flaky; }
    QAction *splitAction() const { return m_split; }
    QAction *bridgeAction() const { return m_bridge; }
    QAction *ringAction() const { return m_ring; }
    QAction *healAction() const { return m_heal; }
    QAction *clearAction() const { return m_clear; }
    QAction *slowMotionAction() const { return m_slow; }
    QAction *undoAction() const { return m_undoAction; }
    QAction *redoAction() const { return m_redoAction; }
    QUndoStack *undoStack() const { return m_undo; }

    // Makes `change` (calls into the herd) one undoable step named `text`;
    // nothing is recorded if it changed no fault.
    void apply(const QString &text, const std::function<void()> &change);
    void setSlowMotion(bool on);

    // The links a partition action would cut now; nullopt if it cannot
    // apply (Isolate with no node selected, a herd without a bridge node).
    std::optional<QList<Link>> partitionCuts(QAction *action, QString *error = nullptr) const;
    // Shows what `action` would leave on the topology; false if it is not a
    // partition action or cannot apply now.
    bool previewPartition(QAction *action);
    void clearPreview();
    // Hovering another action of `menu`, or closing it, ends a preview.
    void watchMenu(QMenu *menu);
    // Leaving a partition action's button ends a preview.
    void watchToolBar(QToolBar *bar);

signals:
    // Something went wrong worth telling the user (a preset that cannot apply).
    void errorOccurred(const QString &title, const QString &message);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QAction *make(const QString &text, const QKeySequence &shortcut, const QString &tip);
    void setLinkCut(const QString &a, const QString &b, bool cut);
    void askDelay(const QString &a, const QString &b);
    void askJitter(const QString &a, const QString &b);
    void askFlaky(const QString &a, const QString &b);
    void askClockSkew(const QString &node);
    void applyPartition(QAction *action);
    std::optional<Link> selectedLink() const;
    QString selectedNode() const;
    void syncSlowMotion();

    QWidget *m_window;                      // borrowed: parent
    QPointer<Herd::HerdSource> m_herd;      // borrowed
    QPointer<TopologyView> m_topology;      // borrowed
    QUndoStack *m_undo;                     // owned (child)
    QHash<QAction *, QString> m_partitions; // action -> Partition::preset name

    QAction *m_isolate = nullptr; // all owned (children)
    QAction *m_clockSkew = nullptr;
    QAction *m_cut = nullptr;
    QAction *m_restore = nullptr;
    QAction *m_delay = nullptr;
    QAction *m_jitter = nullptr;
    QAction *m_flaky = nullptr;
    QAction *m_split = nullptr;
    QAction *m_bridge = nullptr;
    QAction *m_ring = nullptr;
    QAction *m_heal = nullptr;
    QAction *m_clear = nullptr;
    QAction *m_slow = nullptr;
    QAction *m_undoAction = nullptr;
    QAction *m_redoAction = nullptr;
};

} // namespace HerdUi
