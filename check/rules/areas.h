// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>

#include "check/rule.h"

// The rules, by area, one file each; rules.cpp puts them in order.
namespace Herd::Check {

QList<Rule> iamatRules();      // iamatrules.cpp
QList<Rule> whatsatRules();    // whatsatrules.cpp
QList<Rule> inputRules();      // inputrules.cpp: invalid lines, long lines, order, half-close
QList<Rule> floodRules();      // floodrules.cpp
QList<Rule> robustnessRules(); // robustnessrules.cpp
QList<Rule> speedRules();      // speedrules.cpp
QList<Rule> faultRules();      // faultrules.cpp

} // namespace Herd::Check
