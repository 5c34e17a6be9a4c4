#pragma once

#include <QString>

#include <memory>

#include "logwriter.h"
#include "options.h"

// The per-node logs that --log-dir and --log ask for, shared by the server
// and scenario modes. On success `logs` holds an open writer, or null for
// --log none; false, with a reason, if the directory cannot be made.
bool openLogs(const Options &options, std::unique_ptr<Herd::LogWriter> *logs, QString *error);
