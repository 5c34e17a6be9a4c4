// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

namespace Herd::Check {

// Raises this process's limit on open files (RLIMIT_NOFILE's soft limit) to
// its hard limit, so that a robustness rule can hold 1,000 connections; the
// nodes the checker starts afterwards inherit it. Returns the limit now in
// force.
qint64 raiseOpenFileLimit();
// The limit now in force.
qint64 openFileLimit();

} // namespace Herd::Check
