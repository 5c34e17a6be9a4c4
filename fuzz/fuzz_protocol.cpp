// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for the line parser (herd/wire/protocol.h): arbitrary bytes go
// to Herd::parseLine, whole and split on '\n', and every result is held to
// the invariants docs/protocol.md states. See fuzz/README.md.

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

#include <QByteArray>
#include <QByteArrayView>
#include <QString> // QStringBuilder: operator+ on QByteArray

#include "herd/wire/protocol.h"

namespace {

[[noreturn]] void fail(const char *what, QByteArrayView line)
{
    std::fprintf(stderr, "fuzz_protocol: invariant broken: %s\n  line (%lld bytes): ", what,
                 static_cast<long long>(line.size()));
    for (const char c : line)
        std::fprintf(stderr, "\\x%02x", static_cast<unsigned char>(c));
    std::fprintf(stderr, "\n");
    std::abort();
}

void check(bool ok, const char *what, QByteArrayView line)
{
    if (!ok)
        fail(what, line);
}

// formatDiff computed independently: integer arithmetic and printf.
QByteArray referenceDiff(std::int64_t ns)
{
    const bool negative = ns < 0;
    // -(ns + 1) + 1 avoids negating INT64_MIN in signed arithmetic.
    const std::uint64_t magnitude =
        negative ? static_cast<std::uint64_t>(-(ns + 1)) + 1u : static_cast<std::uint64_t>(ns);
    char text[64];
    std::snprintf(text, sizeof text, "%c%" PRIu64 ".%09" PRIu64, negative ? '-' : '+',
                  magnitude / 1000000000u, magnitude % 1000000000u);
    return QByteArray(text);
}

void checkDiff(std::int64_t ns, QByteArrayView line)
{
    const QByteArray diff = Herd::formatDiff(ns);
    check(diff == referenceDiff(ns), "formatDiff differs from the integer reference", line);
    // A diff is always a valid AT field.
    const QByteArray at = QByteArray("AT n ") + diff + " c +0+0 0";
    check(Herd::parseLine(at).command == Herd::Command::At, "a formatted diff is not a valid AT diff", at);
}

// The time field as parseTime must have read it: whole part without leading
// zeros, fraction padded to nine digits.
QByteArray canonicalTime(QByteArrayView text)
{
    const qsizetype dot = text.indexOf('.');
    QByteArrayView whole = dot < 0 ? text : text.first(dot);
    const QByteArrayView fraction = dot < 0 ? QByteArrayView() : text.sliced(dot + 1);
    while (whole.size() > 1 && whole.front() == '0')
        whole = whole.sliced(1);
    QByteArray out = whole.toByteArray();
    out.append('.').append(fraction.toByteArray()).append(QByteArray(9 - fraction.size(), '0'));
    return out;
}

void checkClientFields(const Herd::Message &m, QByteArrayView line)
{
    check(!m.clientId.isEmpty() && !m.position.isEmpty() && !m.time.isEmpty(),
          "a valid message has an empty field", line);
    double latitude = 0;
    double longitude = 0;
    Herd::Problem problem = Herd::Problem::None;
    check(Herd::parsePosition(m.position, &latitude, &longitude, &problem),
          "a position parseLine took is not one parsePosition takes", line);
    check(latitude >= -90.0 && latitude <= 90.0, "latitude out of [-90, 90] accepted", line);
    check(longitude >= -180.0 && longitude <= 180.0, "longitude out of [-180, 180] accepted", line);
    check(m.timeNs >= 0, "negative client time", line);
    char text[48];
    std::snprintf(text, sizeof text, "%lld.%09lld", static_cast<long long>(m.timeNs / 1000000000),
                  static_cast<long long>(m.timeNs % 1000000000));
    check(canonicalTime(m.time) == QByteArray(text), "timeNs differs from the time field's digits", line);
    for (const QByteArrayView field : {QByteArrayView(m.clientId), m.position, m.time}) {
        for (const char c : field)
            check(!Herd::isProtocolSpace(c), "a field contains white space", line);
    }
}

void checkLine(QByteArrayView line)
{
    const Herd::Message m = Herd::parseLine(line);
    switch (m.command) {
    case Herd::Command::Invalid: {
        check(m.problem != Herd::Problem::None, "an invalid line without a problem", line);
        const QByteArray reply = Herd::invalidReply(line);
        check(reply.startsWith("? ") && QByteArrayView(reply).sliced(2) == line,
              "invalidReply is not \"? \" + the line", line);
        return;
    }
    case Herd::Command::Iamat: {
        check(m.problem == Herd::Problem::None, "a valid IAMAT with a problem", line);
        checkClientFields(m, line);
        // The AT reply, for a few receive times, parses back with the same fields.
        const std::int64_t receivedTimes[] = {m.timeNs, 1'621'464'828'223'372'036,
                                              std::numeric_limits<std::int64_t>::max() / 2};
        for (const std::int64_t received : receivedTimes) {
            const QByteArray at = Herd::formatAt("Fuzz", received, m);
            const Herd::Message back = Herd::parseLine(at);
            check(back.command == Herd::Command::At, "formatAt's line does not parse as AT", at);
            check(back.server == "Fuzz" && back.clientId == m.clientId && back.position == m.position
                      && back.time == m.time && back.timeNs == m.timeNs,
                  "formatAt's line does not round-trip", at);
            check(back.diff == referenceDiff(received - m.timeNs), "formatAt's diff is wrong", at);
        }
        return;
    }
    case Herd::Command::Whatsat:
        check(m.problem == Herd::Problem::None, "a valid WHATSAT with a problem", line);
        check(!m.clientId.isEmpty(), "WHATSAT without a client", line);
        check(m.radiusKm > 0 && m.radiusKm <= 50, "radius out of (0, 50] accepted", line);
        check(m.bound >= 1 && m.bound <= 20, "bound out of [1, 20] accepted", line);
        return;
    case Herd::Command::At:
        check(m.problem == Herd::Problem::None, "a valid AT with a problem", line);
        checkClientFields(m, line);
        check(!m.server.isEmpty() && !m.diff.isEmpty(), "AT with an empty server or diff", line);
        return;
    }
    fail("parseLine returned an unknown command", line);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    checkLine(input);
    qsizetype start = 0;
    while (start <= input.size()) {
        qsizetype end = input.indexOf('\n', start);
        if (end < 0)
            end = input.size();
        checkLine(input.sliced(start, end - start));
        start = end + 1;
    }

    std::int64_t ns = 0;
    if (size >= sizeof ns)
        std::memcpy(&ns, data, sizeof ns);
    checkDiff(ns, input);
    checkDiff(-(ns / 3), input);
    return 0;
}

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    // Fixed extremes once, so a broken formatDiff shows on the first run.
    for (const std::int64_t ns :
         {std::int64_t(0), std::int64_t(-1), std::int64_t(1), std::numeric_limits<std::int64_t>::min(),
          std::numeric_limits<std::int64_t>::max()})
        checkDiff(ns, "init");
    return 0;
}
