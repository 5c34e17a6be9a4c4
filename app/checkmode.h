// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

struct Options;

// herd --check FILE: grades the herd the file names, prints a report card
// as the rules run, writes the reports asked for. Exit status: 0 when
// nothing failed, 1 when a rule failed or the run was stopped, 2 for a bad
// herd file or command line.
int runCheck(const Options &options);
// herd --check --list-rules
int listCheckRules();
