// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

struct Options;

// herd --replay FILE... --at SECONDS|end --state: reads the recordings,
// prints the herd at that moment as JSON on stdout and any notes (a file
// cut off mid-line) on stderr. With --save-scenario OUT, writes the
// scenario that runs the recording again. Returns 0; 2 for a file that
// cannot be read as a recording (the error names the file and line) or one
// with no herd to make a scenario of; 1 when OUT cannot be written.
int runReplay(const Options &options);
