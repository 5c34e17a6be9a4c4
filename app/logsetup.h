// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

#include <memory>

#include "herd/log/logwriter.h"
#include "app/options.h"

// The per-node logs that --log-dir and --log ask for, shared by the server
// and scenario modes. On success `logs` holds an open writer with the log of
// each of `nodes` (the nodes this process runs) open, or null for --log
// none; false, with a reason naming the directory or file, if the directory
// cannot be made or a log cannot be opened for writing: then nothing may
// start.
bool openLogs(const Options &options, const QStringList &nodes, std::unique_ptr<Herd::LogWriter> *logs,
              QString *error);
