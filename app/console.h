// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <cstdio>

// Writes `text` and a newline to `stream` (stdout or stderr) at once: the
// headless modes' lines are read by people and by scripts as they come.
void printLine(FILE *stream, const QString &text);
