// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

#include <optional>

#include "herd/config/herdconfig.h"
#include "herd/monitor/listenaddress.h"

struct Options;

// Where --server serves its monitor: --monitor, or else the one monitor the
// nodes this process runs (`nodes`) name in the herd file. Null when there
// is none to serve; sets *error (a bad herd file's wording) when those nodes
// name different monitors.
std::optional<Herd::ListenAddress> monitorAddress(const Options &options, const Herd::HerdConfig &config,
                                                  const QStringList &nodes, QString *error);
