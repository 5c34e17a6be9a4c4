// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QTemporaryDir>

#include <atomic>
#include <memory>
#include <optional>

#include "check/target.h"

namespace Herd::Check {

class NodeProcesses;

// Herd's own nodes on the target's topology, so that every speed figure has
// a yardstick from the same machine in the same run: the same node names
// and links, each node a `herd --server --node NAME` process of its own (as
// a course herd runs one process per node) on a free port of 127.0.0.1,
// asking the checker's places server for places as the target's nodes may.
// Stopped, every node, when it is destroyed.
//
// Used on the checker's worker thread.
class ReferenceHerd
{
public:
    ReferenceHerd(const HerdConfig &target, QString herdProgram, QString placesBase,
                  const std::atomic<bool> *cancelled);
    ~ReferenceHerd();
    ReferenceHerd(const ReferenceHerd &) = delete;
    ReferenceHerd &operator=(const ReferenceHerd &) = delete;

    // Writes the herd file and starts every node. False, with what went
    // wrong, if one would not listen within `timeoutMs`.
    bool start(int timeoutMs, QString *error);
    // Its herd, once started: the target's names and links, its own ports.
    const HerdConfig &config() const { return m_herd->config; }

private:
    const HerdConfig &m_targetConfig;
    QString m_herdProgram;
    QString m_placesBase;
    const std::atomic<bool> *m_cancelled;
    QTemporaryDir m_dir; // the herd file and the nodes' output
    std::optional<CheckTarget> m_herd;
    std::unique_ptr<NodeProcesses> m_processes; // after m_herd: it refers to it
};

} // namespace Herd::Check
