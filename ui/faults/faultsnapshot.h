// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>
#include <QUndoCommand>
#include <QPointer>

namespace Herd {
class HerdSource;
}

namespace HerdUi {

// Every fault the window can set on a herd, at one moment: per direction of
// each link, cut, delay, jitter and flaky mean; per node, its clock skew.
// Only what runs in this process is recorded (only that can be changed).
struct FaultSnapshot
{
    struct Direction
    {
        QString from;
        QString to;
        bool cut = false;
        int delayMs = 0;
        int jitterMs = 0;
        int flakyMs = 0;
        bool operator==(const Direction &) const = default;
    };
    struct Clock
    {
        QString node;
        qint64 skewMs = 0;
        bool operator==(const Clock &) const = default;
    };
    QList<Direction> directions;
    QList<Clock> clocks;

    static FaultSnapshot take(const Herd::HerdSource &herd);
    // Sets on `herd` what differs from this snapshot, and only that, so
    // the event stream lists the real changes.
    void restore(Herd::HerdSource &herd) const;
    bool operator==(const FaultSnapshot &) const = default;
};

// One fault action (a cut, a partition, a delay, Clear All Faults, ...) on
// the undo stack: the faults before and after it. Undo restores the faults
// as they were before, redo as they were after; anything else that changed
// in between (a node restarted) is left alone.
//
// The herd is watched, not owned: a command outliving its herd does
// nothing (the window clears the stack when it opens another herd anyway).
class FaultCommand final : public QUndoCommand
{
public:
    FaultCommand(const QString &text, Herd::HerdSource *herd, FaultSnapshot before, FaultSnapshot after);

    void undo() override;
    void redo() override;

private:
    QPointer<Herd::HerdSource> m_herd;
    FaultSnapshot m_before;
    FaultSnapshot m_after;
    bool m_done = true; // pushed after the change was made: the first redo() has nothing to do
};

} // namespace HerdUi
