// SPDX-License-Identifier: GPL-3.0-or-later
// The whatsat.* rules: each passes against Herd and against a correct herd-double,
// and fails against the double with its defect (tests/rulesuite.h).
#include "tests/rulesuite.h"

using namespace Qt::StringLiterals;

int main(int argc, char **argv)
{
    return runRuleSuite(argc, argv, u"whatsat.*"_s,
                        {
                            {u"whatsat-fresh-at"_s, u"whatsat.at-line"_s},
                            {u"whatsat-list"_s, u"whatsat.json"_s},
                            {u"whatsat-swapped"_s, u"whatsat.places"_s},
                            {u"whatsat-whole-radius"_s, u"whatsat.radius"_s},
                            {u"whatsat-unbounded"_s, u"whatsat.bound"_s},
                            {u"whatsat-no-blank"_s, u"whatsat.ending"_s},
                            {u"last-wins"_s, u"whatsat.newest"_s},
                        });
}
