// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

#include <memory>

#include "app/options.h"
#include "herd/record/recorder.h"

namespace Herd {
class Cluster;
}

// The recording --record asks for, shared by the server and scenario modes:
// on success `recorder` holds an open recorder, its header written (the herd
// as `cluster` runs it, `nodes` the ones this process runs) and fed every
// event of `cluster`, with write failures printed on stderr; or null without
// --record. False, with "cannot record to FILE: REASON", if the file cannot
// be written: then nothing may start.
bool startRecording(const Options &options, Herd::Cluster &cluster, const QStringList &nodes,
                    std::unique_ptr<Herd::Recorder> *recorder, QString *error);

// Ends the recording before `cluster` stops: a recording holds the run, not
// the teardown (every node stopping would read as every record lost).
// Flushes it; false if any of it could not be written (stderr said so).
// Nothing to do, and true, without a recorder.
bool finishRecording(Herd::Cluster &cluster, Herd::Recorder *recorder);
