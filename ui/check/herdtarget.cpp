// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/check/herdtarget.h"

#include "herd/herdsource.h"

namespace HerdUi {

std::optional<Herd::Check::CheckTarget> checkTargetOf(const Herd::HerdSource &herd, QString *error)
{
    Herd::Check::CheckTarget target {herd.config(), {}};
    for (Herd::NodeConfig &node : target.config.nodes) {
        node.run.reset();
        if (const std::optional<Herd::NodeStatus> seen = herd.nodeStatus(node.name))
            node.port = seen->port;
        if (node.port == 0) {
            *error = QObject::tr("%1 runs outside this window and its port is 0 in the herd file: "
                                 "there is nowhere to reach it")
                         .arg(node.name);
            return std::nullopt;
        }
    }
    return target;
}

} // namespace HerdUi
