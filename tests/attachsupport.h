// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>
#include <vector>

#include "herd/config/herdconfig.h"
#include "tests/processsupport.h"

// The attach suites' herd (docs/monitor.md, attaching): A, B and C, all
// linked, each run by its own `herd --server --node X` process whose
// monitor the herd file names, control open with a test token.
namespace AttachSupport {

// The environment variable the herd file names for the monitors' token; set
// by writeHerd(), so this process and its children read the same token.
inline constexpr char TokenEnv[] = "HERD_ATTACH_TEST_TOKEN";

struct ProcessHerd
{
    QTemporaryDir dir;
    QString file;
    Herd::HerdConfig config;
    QStringList names;
    QList<quint16> ports;        // each node's, in the order of names
    QList<quint16> monitorPorts; // each process's monitor
    std::vector<std::unique_ptr<ProcessSupport::HerdServer>> processes;

    // Writes the herd file on free ports; false if it could not.
    bool write();
    // Starts the process of names[index] and waits until its monitor listens.
    bool startProcess(int index);
    bool startAll();
};

} // namespace AttachSupport
