// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

#include <memory>

#include "app/options.h"
#include "herd/record/recorder.h"

namespace Herd {
class HerdSource;
}

// The recording --record asks for, shared by the server and scenario modes:
// on success `recorder` holds an open recorder, its header written (the herd
// as `herd` runs it, `nodes` the ones this process runs) and fed every
// event of `herd`, with write failures printed on stderr; or null without
// --record. False, with "cannot record to FILE: REASON", if the file cannot
// be written: then nothing may start.
bool startRecording(const Options &options, Herd::HerdSource &herd, const QStringList &nodes,
                    std::unique_ptr<Herd::Recorder> *recorder, QString *error);

// Ends the recording before `herd` stops: a recording holds the run, not
// the teardown (every node stopping would read as every record lost).
// Flushes it; false if any of it could not be written (stderr said so).
// Nothing to do, and true, without a recorder.
bool finishRecording(Herd::HerdSource &herd, Herd::Recorder *recorder);
