// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

struct Options;

// Runs the scenario file of --scenario against its herd in this process,
// printing the report as the steps finish. Needs a QCoreApplication.
// Returns 0 when every step passed, 1 when any failed (or a signal cut the
// run short, or the herd could not start), 2 for a bad scenario file.
int runScenario(const Options &options);
