// SPDX-License-Identifier: GPL-3.0-or-later
#include "check/rules/areas.h"

namespace Herd::Check {

QList<Rule> robustnessRules()
{
    return {};
}

} // namespace Herd::Check
