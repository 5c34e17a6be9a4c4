// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

#include "herd/scenario/scenario.h"

// What the scenario suites (tst_scenario_*) share: scenario texts on the
// built-in Alford herd and on a small inline chain, read as the app reads
// them.
namespace ScenarioSupport {

constexpr int Timeout = 15'000; // ms, for any one wait

// A folder that holds nothing, as the base of "herdFile" paths: the
// scenarios read with it name no file, or one that must not be found.
inline const QString NoDir = QStringLiteral("/nonexistent");

// A scenario on the built-in Alford herd with these steps (JSON text).
QByteArray onAlford(const QByteArray &steps);

// The three-node chain A - B - C, inline, as the fixture runs it.
constexpr auto ChainHerd = R"({"nodes": {"A": {"port": 0}, "B": {"port": 0}, "C": {"port": 0}},
                              "links": [["A", "B"], ["B", "C"]], "reconnect": {"initialMs": 10, "maxMs": 100}})";

// A scenario named "chain" on ChainHerd with these steps.
QByteArray onChain(const QByteArray &steps);

// The scenario `json` holds; an empty one (and a warning) if it is bad.
Herd::Scenario parsed(const QByteArray &json);

} // namespace ScenarioSupport
