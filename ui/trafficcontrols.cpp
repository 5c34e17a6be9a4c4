// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/trafficcontrols.h"

#include <QAction>
#include <QSpinBox>
#include <QToolBar>

#include "herd/clients/simulatedclients.h"
#include "herd/herdsource.h"

namespace HerdUi {

TrafficControls::TrafficControls(QObject *parent)
    : QObject(parent)
    , m_simulation(new Herd::SimulatedClients(this))
    , m_action(new QAction(tr("Simulated &Clients"), this))
{
    const QString tip = tr("Start or stop simulated phones reporting to random nodes");
    m_action->setShortcut(QKeySequence(Qt::Key_T));
    m_action->setToolTip(tip + u" (" + m_action->shortcut().toString(QKeySequence::NativeText) + u')');
    m_action->setStatusTip(tip);
    m_action->setCheckable(true);
    m_action->setEnabled(false);
    connect(m_action, &QAction::toggled, this, &TrafficControls::toggle);
}

void TrafficControls::addTo(QToolBar *bar)
{
    m_clients = new QSpinBox(bar);
    m_clients->setRange(1, 10'000);
    m_clients->setValue(10);
    m_clients->setSuffix(tr(" phones"));
    m_rate = new QSpinBox(bar);
    m_rate->setRange(1, 20'000);
    m_rate->setValue(5);
    m_rate->setSuffix(tr(" /s"));
    m_rate->setToolTip(tr("Updates per second, all phones together"));
    m_clients->setEnabled(m_action->isEnabled());
    m_rate->setEnabled(m_action->isEnabled());
    bar->addWidget(m_clients);
    bar->addWidget(m_rate);
    bar->addAction(m_action);
}

void TrafficControls::setHerd(Herd::HerdSource *herd)
{
    stop();
    m_herd = herd;
    const bool live = m_herd && m_herd->isLive();
    m_action->setEnabled(live);
    // Greyed with the action, so a replay does not look as if phones could join it.
    if (m_clients) {
        m_clients->setEnabled(live);
        m_rate->setEnabled(live);
    }
}

void TrafficControls::start(int clients, double perSecond)
{
    if (m_clients) {
        m_clients->setValue(clients);
        m_rate->setValue(qRound(perSecond));
    }
    if (!m_herd || !m_herd->isLive())
        return;
    QList<Herd::SimulatedClients::Target> targets;
    for (const QString &node : m_herd->config().nodeNames()) {
        if (const auto status = m_herd->nodeStatus(node); status && status->port != 0)
            targets.append({node, status->host, status->port});
    }
    m_simulation->start(targets, clients, perSecond);
    if (!m_action->isChecked())
        m_action->setChecked(true);
}

void TrafficControls::stop()
{
    m_simulation->stop();
    if (m_action->isChecked())
        m_action->setChecked(false);
}

void TrafficControls::toggle(bool on)
{
    if (on && !m_simulation->isRunning() && m_herd && m_clients)
        start(m_clients->value(), m_rate->value());
    else if (!on)
        stop();
}

QString TrafficControls::statusText() const
{
    if (!m_simulation->isRunning())
        return {};
    return tr(" · %1 phones at %2/s, %3 sent")
        .arg(m_simulation->clients())
        .arg(m_simulation->rate())
        .arg(m_simulation->sent());
}

} // namespace HerdUi
