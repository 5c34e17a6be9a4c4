// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

namespace Herd {

// A neighbour that vanishes without a word (a cable pulled, a machine gone,
// a partition in the network) leaves a connection that looks up: by the
// kernel's defaults, lines go unanswered for some fifteen minutes before it
// gives up. On a connection between two nodes, this makes the kernel close
// it (ETIMEDOUT) once what it sent stays unacknowledged for 10 s, or, when
// it carries nothing, once keepalive probes (after 5 s idle, one a second)
// go unanswered. Both ends call it: the link that connected and the session
// that accepted.
void dropWhenSilent(qintptr descriptor);

} // namespace Herd
