// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

struct Options;

// Whether a GUI can be shown here: a display, or a Qt platform chosen on
// purpose (QT_QPA_PLATFORM, e.g. offscreen).
bool canShowGui();

// Runs the desktop window until it closes. Creates the QApplication itself,
// so call it before any application object exists.
int runGui(int &argc, char **argv, const Options &options);
