// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>

#include <memory>
#include <vector>

#include "bench/load/config.h"

// What herd-load prints and writes as JSON (--json) after a run.
namespace HerdLoad {

class Worker;
struct FloodResult;

// The load run's figures, summed over its threads; `passed` is false when
// no reply was good or any request failed.
QJsonObject reportLoad(const Config &config, const std::vector<std::unique_ptr<Worker>> &workers,
                       bool *passed);
// The flood check's figures; `passed` is false when a sample failed or none
// was taken.
QJsonObject reportFlood(const Config &config, FloodResult &floodResult, bool *passed);

} // namespace HerdLoad
