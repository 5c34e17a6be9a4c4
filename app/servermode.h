// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

struct Options;

// Runs the herd headless until SIGINT or SIGTERM. Needs a QCoreApplication.
// Returns the process exit status.
int runServer(const Options &options);
