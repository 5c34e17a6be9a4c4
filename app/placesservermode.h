// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

struct Options;

// Runs only the places server (--places-server) until SIGINT or SIGTERM.
// Needs a QCoreApplication. Returns the process exit status.
int runPlacesServer(const Options &options);
