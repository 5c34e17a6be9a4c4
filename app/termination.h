// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <functional>

class QCoreApplication;

// SIGINT and SIGTERM quit the event loop instead of killing the process, so
// the herd stops cleanly and its logs are flushed. `onSignal` runs on the
// event loop first (to say why we stop). False if the handlers could not be
// installed.
bool quitOnTerminationSignals(QCoreApplication &app, std::function<void()> onSignal);
// "SIGINT" or "SIGTERM": the signal that arrived, once one has.
QString terminationSignalName();
// quitOnTerminationSignals() for the long-running modes: prints "herd:
// SIGTERM, stopping" (or SIGINT) when one arrives. False, having said so on
// stderr, if the handlers could not be installed.
bool stopOnTerminationSignals(QCoreApplication &app);
