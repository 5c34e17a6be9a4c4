// SPDX-License-Identifier: GPL-3.0-or-later
// The iamat.* rules: each passes against Herd and against a correct herd-double,
// and fails against the double with its defect (tests/rulesuite.h).
#include "tests/rulesuite.h"

using namespace Qt::StringLiterals;

int main(int argc, char **argv)
{
    return runRuleSuite(argc, argv, u"iamat.*"_s,
                        {
                            {u"wrong-name"_s, u"iamat.reply"_s},
                            {u"no-echo"_s, u"iamat.echo"_s},
                            {u"unsigned-diff"_s, u"iamat.diff-format"_s},
                            {u"clock-ahead"_s, u"iamat.diff-clock"_s},
                            {u"round-diff"_s, u"iamat.diff-exact"_s},
                            {u"space-only"_s, u"iamat.white-space"_s},
                        });
}
