// SPDX-License-Identifier: GPL-3.0-or-later
#include "check/context.h"

#include <QDeadlineTimer>
#include <QRandomGenerator>
#include <QThread>

#include "check/referenceherd.h"

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

CheckContext::~CheckContext() = default;

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

ReferenceHerd *CheckContext::referenceHerd(QString *why)
{
    if (!m_reference && m_referenceError.isEmpty()) {
        if (m_settings.herdProgram.isEmpty()) {
            m_referenceError = QStringLiteral("no Herd program to run as a reference");
        } else {
            auto herd =
                std::make_unique<ReferenceHerd>(config(), m_settings.herdProgram, m_placesBase, m_cancelled);
            QString error;
            if (herd->start(m_settings.startTimeoutMs, &error))
                m_reference = std::move(herd);
            else
                m_referenceError = u"Herd's reference nodes would not start: " + error;
        }
    }
    if (!m_reference && why)
        *why = m_referenceError;
    return m_reference.get();
}

} // namespace Herd::Check
