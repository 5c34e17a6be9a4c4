// SPDX-License-Identifier: GPL-3.0-or-later
// The input.* rules: each passes against Herd and against a correct herd-double,
// and fails against the double with its defect (tests/rulesuite.h).
#include "tests/rulesuite.h"

using namespace Qt::StringLiterals;

int main(int argc, char **argv)
{
    return runRuleSuite(argc, argv, u"input.*"_s,
                        {
                            {u"any-case"_s, u"input.invalid-command"_s},
                            {u"lax-iamat"_s, u"input.invalid-iamat"_s},
                            {u"lax-whatsat"_s, u"input.invalid-whatsat"_s},
                            {u"echo-replaced"_s, u"input.invalid-bytes"_s},
                            {u"echo-trimmed"_s, u"input.echo-white-space"_s},
                            {u"keeps-cr"_s, u"input.crlf"_s},
                            {u"drops-cr"_s, u"input.one-cr"_s},
                            {u"unicode-space"_s, u"input.unicode-space"_s},
                            {u"no-pipelining"_s, u"input.pipelined"_s},
                            {u"no-split"_s, u"input.split"_s},
                            {u"whatsat-deferred"_s, u"input.order"_s},
                            {u"no-halfclose"_s, u"input.half-close"_s},
                            {u"short-lines"_s, u"input.long-line"_s},
                        });
}
