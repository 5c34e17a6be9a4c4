// SPDX-License-Identifier: GPL-3.0-or-later
#include "check/rules/invalidlines.h"

using namespace Qt::StringLiterals;

namespace Herd::Check {

namespace {

// `patterns` with every "{c}" replaced by `client`.
QList<InvalidLine> filled(const QList<InvalidLine> &patterns, const QByteArray &client)
{
    QList<InvalidLine> lines;
    for (InvalidLine line : patterns) {
        line.line.replace("{c}", client);
        lines.append(line);
    }
    return lines;
}

} // namespace

QList<InvalidLine> invalidLines(InvalidFamily family, const QByteArray &client)
{
    switch (family) {
    case InvalidFamily::Command:
        return filled(
            {
                {"HELLO {c} +34-118 1", u"unknown command"_s},
                {"iamat {c} +34-118 1", u"commands are upper case"_s},
                {"Iamat {c} +34-118 1", u"commands are upper case"_s},
                {"IAMATX {c} +34-118 1", u"IAMATX is not IAMAT"_s},
                {"whatsat {c} 10 5", u"commands are upper case"_s},
                {"", u"an empty line"_s},
                {"AT Alford 0.x {c} +34-118 1", u"an AT line with a bad diff"_s},
                {"AT Alford +0.1 {c} +34-118", u"an AT line of five fields"_s},
            },
            client);
    case InvalidFamily::Iamat:
        return filled(
            {
                {"IAMAT", u"one field"_s},
                {"IAMAT {c} +34-118", u"three fields, not four"_s},
                {"IAMAT {c} +34 -118 1", u"five fields: a position has no space"_s},
                {"IAMAT {c} 34.068930-118.445127 1", u"latitude without its sign"_s},
                {"IAMAT {c} +34.-118. 1", u"a '.' needs digits after it"_s},
                {"IAMAT {c} +34,5-118 1", u"a comma in the position"_s},
                {"IAMAT {c} +3e1-118 1", u"an exponent in the position"_s},
                {"IAMAT {c} +90.0000001+0 1", u"latitude above 90"_s},
                {"IAMAT {c} +0-180.5 1", u"longitude below -180"_s},
                {"IAMAT {c} +34-118 1.0123456789", u"10 fraction digits"_s},
                {"IAMAT {c} +34-118 1e9", u"an exponent in the time"_s},
                {"IAMAT {c} +34-118 99999999999999999999", u"time past 9223372035.999999999"_s},
                {"IAMAT {c} +34-118 -1", u"a time has no sign"_s},
                {"IAMAT {c} +34-118 +1", u"a time has no sign"_s},
                {"IAMAT {c} +34-118 .5", u"a time needs a digit before its '.'"_s},
                {"IAMAT {c} +34-118 1.", u"a '.' needs digits after it"_s},
            },
            client);
    case InvalidFamily::Whatsat:
        return filled(
            {
                {"WHATSAT {c} 10", u"three fields, not four"_s},
                {"WHATSAT {c} 10 5 5", u"five fields, not four"_s},
                {"WHATSAT {c} 0 5", u"radius must be above 0"_s},
                {"WHATSAT {c} 50.0001 5", u"radius above 50"_s},
                {"WHATSAT {c} -1 5", u"a radius has no sign"_s},
                {"WHATSAT {c} .5 5", u"a radius needs a digit before its '.'"_s},
                {"WHATSAT {c} 1e1 5", u"an exponent in the radius"_s},
                {"WHATSAT {c} nan 5", u"a radius is digits"_s},
                {"WHATSAT {c} 10 0", u"bound below 1"_s},
                {"WHATSAT {c} 10 21", u"bound above 20"_s},
                {"WHATSAT {c} 10 2.5", u"bound must be whole"_s},
                {"WHATSAT {c} 10 +5", u"a bound has no sign"_s},
                {"WHATSAT {c}-nobody 10 5", u"no record of that client"_s},
            },
            client);
    case InvalidFamily::Bytes:
        return filled(
            {
                {QByteArray("IAMAT {c}\0x +34-118 1", 21), u"a NUL byte"_s},
                {"IAMAT {c}\xFF\xFE +34-118 1", u"0xFF 0xFE is not UTF-8"_s},
                {"IAMAT {c}\xC0\xAF +34-118 1", u"an overlong UTF-8 sequence"_s},
                {"IAMAT {c}\xED\xA0\x80 +34-118 1", u"a UTF-16 surrogate in UTF-8"_s},
                {"IAMAT {c}\xE2\x82 +34-118 1", u"a UTF-8 sequence cut short"_s},
                {"HELLO \x1B[31m", u"an ESC byte"_s},
                {"HELLO \x7F", u"a DEL byte"_s},
            },
            client);
    }
    return {};
}

} // namespace Herd::Check
