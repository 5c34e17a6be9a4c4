// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>

class QAction;
class QSpinBox;
class QToolBar;

namespace Herd {
class HerdSource;
class SimulatedClients;
} // namespace Herd

namespace HerdUi {

// The window's simulated phones: how many, how fast, and the checkable
// action that starts and stops them, aimed at the herd shown (each node's
// address as the herd reports it: an OS-picked port, or another machine's).
// Only a live herd takes traffic; a replay turns the action off.
class TrafficControls final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficControls)

public:
    explicit TrafficControls(QObject *parent = nullptr);

    QAction *action() const { return m_action; }
    Herd::SimulatedClients *simulation() const { return m_simulation; }
    // The phone and rate boxes and the action, on `bar`.
    void addTo(QToolBar *bar);

    // The herd the phones report to (borrowed); null stops them.
    void setHerd(Herd::HerdSource *herd);
    void start(int clients, double perSecond);
    void stop();
    // " · 10 phones at 5/s, 123 sent" while they run; empty otherwise.
    QString statusText() const;

private:
    void toggle(bool on);

    Herd::HerdSource *m_herd = nullptr;
    Herd::SimulatedClients *m_simulation; // owned (child)
    QAction *m_action;                    // owned (child)
    QSpinBox *m_clients = nullptr;        // on the tool bar given to addTo()
    QSpinBox *m_rate = nullptr;
};

} // namespace HerdUi
