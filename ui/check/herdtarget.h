// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <optional>

#include "check/target.h"

namespace Herd {
class HerdSource;
}

namespace HerdUi {

// The herd on screen as a check target: its herd file's nodes and links,
// each node this process runs at the port it really listens on (the file
// may say 0), the others (a `plain` node of another implementation, say)
// where the file says. No `run` blocks: the checker must not start a second
// copy of a node the window runs, so the rules that kill nodes are not run.
// Null, with the node at fault in *error, if a node elsewhere has port 0.
std::optional<Herd::Check::CheckTarget> checkTargetOf(const Herd::HerdSource &herd, QString *error);

} // namespace HerdUi
