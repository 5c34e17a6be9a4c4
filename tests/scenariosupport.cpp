// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/scenariosupport.h"

#include <QtGlobal>

namespace ScenarioSupport {

QByteArray onAlford(const QByteArray &steps)
{
    return R"({"name": "t", "herd": "alford", "steps": [)" + steps + "]}";
}

QByteArray onChain(const QByteArray &steps)
{
    return R"({"name": "chain", "description": "A test.", "herd": )" + QByteArray(ChainHerd)
        + R"(, "steps": [)" + steps + "]}";
}

Herd::Scenario parsed(const QByteArray &json)
{
    QString error;
    std::optional<Herd::Scenario> scenario = Herd::Scenario::fromJson(json, NoDir, &error);
    if (!scenario)
        qWarning("%s", qPrintable(error));
    return scenario.value_or(Herd::Scenario {});
}

} // namespace ScenarioSupport
