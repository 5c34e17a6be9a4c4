// SPDX-License-Identifier: GPL-3.0-or-later
#include "check/rules/areas.h"

namespace Herd::Check {

QList<Rule> inputRules()
{
    return {};
}

} // namespace Herd::Check
