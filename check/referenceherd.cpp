// SPDX-License-Identifier: GPL-3.0-or-later
#include "check/referenceherd.h"

#include <QFile>

#include "check/nodeprocesses.h"

namespace Herd::Check {

ReferenceHerd::ReferenceHerd(const HerdConfig &target, QString herdProgram, QString placesBase,
                             const std::atomic<bool> *cancelled)
    : m_targetConfig(target)
    , m_herdProgram(std::move(herdProgram))
    , m_placesBase(std::move(placesBase))
    , m_cancelled(cancelled)
{}

ReferenceHerd::~ReferenceHerd() = default;

bool ReferenceHerd::start(int timeoutMs, QString *error)
{
    if (!m_dir.isValid()) {
        *error = u"cannot make a temporary folder: " + m_dir.errorString();
        return false;
    }
    const QList<quint16> ports = freePorts(m_targetConfig.nodes.size());
    if (ports.size() != m_targetConfig.nodes.size()) {
        *error = QStringLiteral("no free ports on 127.0.0.1");
        return false;
    }
    HerdConfig config;
    config.name = QStringLiteral("Herd's reference");
    config.links = m_targetConfig.links;
    const RunSpec run {{m_herdProgram, QStringLiteral("--server"), QStringLiteral("--config"),
                        QStringLiteral("{config}"), QStringLiteral("--node"), QStringLiteral("{name}"),
                        QStringLiteral("--log"), QStringLiteral("none"), QStringLiteral("--places-url"),
                        QStringLiteral("{places_url}")},
                       {},
                       {}};
    for (qsizetype i = 0; i < ports.size(); ++i) {
        NodeConfig node;
        node.name = m_targetConfig.nodes[i].name;
        node.port = ports[i];
        node.run = run;
        config.nodes.append(node);
    }
    const QString path = m_dir.filePath(QStringLiteral("reference.json"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(config.toJson()) < 0) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    file.close();
    m_herd = CheckTarget::load(path, error);
    if (!m_herd)
        return false;
    m_processes = std::make_unique<NodeProcesses>(*m_herd, Placeholders {path, m_placesBase}, m_dir.path(),
                                                  m_cancelled);
    for (const NodeConfig &node : std::as_const(m_herd->config.nodes)) {
        if (!m_processes->start(node.name, timeoutMs, error))
            return false;
    }
    return true;
}

} // namespace Herd::Check
