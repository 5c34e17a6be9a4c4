// SPDX-License-Identifier: GPL-3.0-or-later
#include "check/context.h"

#include <QDeadlineTimer>
#include <QRandomGenerator>
#include <QThread>

namespace Herd::Check {

CheckContext::CheckContext(const CheckTarget &target, const CheckSettings &settings,
                           QStringList selectedNodes, NodeProcesses *processes, const OfflinePlaces *places,
                           QString placesBase, const std::atomic<bool> *cancelled)
    : m_target(target)
    , m_settings(settings)
    , m_selected(std::move(selectedNodes))
    , m_processes(processes)
    , m_places(places)
    , m_placesBase(std::move(placesBase))
    , m_cancelled(cancelled)
    , m_runTag(QString::number(QRandomGenerator::global()->bounded(0x100000, 0xffffff), 16))
{}

std::unique_ptr<Probe> CheckContext::probe()
{
    return std::make_unique<Probe>(&m_transcript, u'c' + QString::number(++m_probes), m_cancelled);
}

std::unique_ptr<Probe> CheckContext::connect(const NodeConfig &node, QString *error)
{
    std::unique_ptr<Probe> probe = this->probe();
    if (!probe->connectTo(node.host, node.port, m_settings.replyTimeoutMs)) {
        if (error)
            *error = probe->error();
        return nullptr;
    }
    return probe;
}

QString CheckContext::uniqueClient(const QString &hint)
{
    return QStringLiteral("check-%1-%2-%3").arg(m_runTag, hint).arg(++m_clients);
}

bool CheckContext::pause(int ms) const
{
    QDeadlineTimer deadline(ms);
    while (!deadline.hasExpired()) {
        if (cancelled())
            return false;
        QThread::msleep(quint64(qMin<qint64>(20, deadline.remainingTime())));
    }
    return !cancelled();
}

} // namespace Herd::Check
