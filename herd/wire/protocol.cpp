// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/wire/protocol.h"

#include <array>
#include <charconv>
#include <cstring>
#include <limits>
#include <optional>

#include <QStringDecoder>

namespace Herd {

namespace {

constexpr qint64 NsPerSecond = 1'000'000'000;
constexpr int MaxFields = 7; // one more than the longest message, to detect extras

struct Fields
{
    std::array<QByteArrayView, MaxFields> at;
    int count = 0; // capped at MaxFields
};

// Which white space a line holds: most hold spaces only, and those split
// with memchr() rather than a test of every byte.
enum class Spaces { SpacesOnly, Any };

Fields splitFields(QByteArrayView line, Spaces spaces = Spaces::Any)
{
    Fields fields;
    const char *i = line.data();
    const char *const end = i + line.size();
    while (i < end && fields.count < MaxFields) {
        while (i < end && isProtocolSpace(*i))
            ++i;
        if (i == end)
            break;
        const char *start = i;
        if (spaces == Spaces::SpacesOnly) {
            const void *space = std::memchr(i, ' ', size_t(end - i));
            i = space ? static_cast<const char *>(space) : end;
        } else {
            while (i < end && !isProtocolSpace(*i))
                ++i;
        }
        fields.at[fields.count++] = QByteArrayView(start, i - start);
    }
    return fields;
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// A quint64 of ns is under 1.9e10 seconds: at most 11 digits.
constexpr qsizetype MaxSecondsDigits = 11;
// Room for a sign and "seconds.nnnnnnnnn" of any quint64 ns.
constexpr qsizetype SecondsTextRoom = 1 + MaxSecondsDigits + 1 + 9;

// Writes "seconds.nnnnnnnnn", all nine digits of the fraction, at `out`;
// returns the end. Every AT line a node makes writes one: no temporaries.
char *writeSeconds(char *out, quint64 ns)
{
    const auto written = std::to_chars(out, out + MaxSecondsDigits, ns / NsPerSecond);
    out = written.ptr;
    *out++ = '.';
    quint64 fraction = ns % NsPerSecond;
    for (int i = 8; i >= 0; --i) {
        out[i] = char('0' + fraction % 10);
        fraction /= 10;
    }
    return out + 9;
}

// Writes formatDiff()'s text at `out` (SecondsTextRoom bytes); returns the end.
char *writeDiff(char *out, qint64 diffNs)
{
    // |diff| may be near 2^63; work in unsigned to negate safely.
    const bool negative = diffNs < 0;
    *out++ = negative ? '-' : '+';
    return writeSeconds(out, negative ? quint64(0) - quint64(diffNs) : quint64(diffNs));
}

// True if none of the eight bytes of `word` is below 0x20 or at or above
// 0x7f (SWAR byte tests): printable ASCII only, certainly text.
bool allPrintableAscii(quint64 word)
{
    constexpr quint64 Ones = 0x0101010101010101;
    constexpr quint64 Highs = 0x8080808080808080;
    const quint64 below20 = (word - Ones * 0x20) & ~word;
    const quint64 above7e = (word + Ones) | word;
    return ((below20 | above7e) & Highs) == 0;
}

// Whether `line` is text (valid UTF-8 without control characters but the
// protocol's white space), and if so which white space it holds.
std::optional<Spaces> textSpaces(QByteArrayView line)
{
    // Eight printable ASCII bytes at a time first: the usual line is all
    // printable but its spaces, which are printable too.
    qsizetype start = 0;
    while (start + 8 <= line.size()) {
        quint64 word;
        std::memcpy(&word, line.data() + start, 8);
        if (!allPrintableAscii(word))
            break;
        start += 8;
    }
    line = line.sliced(start);
    bool ascii = true;
    Spaces spaces = Spaces::SpacesOnly;
    for (const char ch : line) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x80) {
            ascii = false;
            continue;
        }
        if (c < 0x20 && isProtocolSpace(ch))
            spaces = Spaces::Any;
        else if (c < 0x20 || c == 0x7f)
            return std::nullopt;
    }
    if (ascii)
        return spaces;
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    [[maybe_unused]] const QString decoded = decoder.decode(line);
    if (decoder.hasError())
        return std::nullopt;
    return spaces;
}

bool allZero(QByteArrayView digits)
{
    for (const char c : digits) {
        if (c != '0')
            return false;
    }
    return true;
}

// An unsigned decimal "digits[.digits]", split so that range checks can be
// exact instead of trusting a rounded double.
struct Decimal
{
    QByteArrayView whole;
    QByteArrayView fraction; // empty when there is no '.'
    double value = 0;
};

enum class Value { Wanted, Unused };

// Reads a decimal starting at `text[pos]`, advancing `pos` past it. Its
// double is computed only when wanted: times and diffs are checked digit by
// digit and never need one.
bool readDecimal(QByteArrayView text, qsizetype &pos, Decimal *out, Value value = Value::Wanted)
{
    const qsizetype start = pos;
    while (pos < text.size() && isDigit(text[pos]))
        ++pos;
    if (pos == start)
        return false;
    out->whole = text.sliced(start, pos - start);
    out->fraction = {};
    if (pos < text.size() && text[pos] == '.') {
        const qsizetype fracStart = ++pos;
        while (pos < text.size() && isDigit(text[pos]))
            ++pos;
        if (pos == fracStart)
            return false;
        out->fraction = text.sliced(fracStart, pos - fracStart);
    }
    if (value == Value::Unused)
        return true;
    const char *first = text.data() + start;
    const auto result = std::from_chars(first, text.data() + pos, out->value);
    if (result.ec == std::errc::result_out_of_range) {
        // The text is a valid decimal; only the double cannot hold it. The
        // exact range checks below work on the digits, not on this value.
        out->value = allZero(out->whole) ? 0.0 : std::numeric_limits<double>::max();
        return true;
    }
    return result.ec == std::errc();
}

// Compares the decimal's exact value with a whole-number limit.
int compareWith(const Decimal &d, unsigned limit)
{
    qsizetype firstNonZero = 0;
    while (firstNonZero < d.whole.size() && d.whole[firstNonZero] == '0')
        ++firstNonZero;
    const QByteArrayView significant = d.whole.sliced(firstNonZero);
    if (significant.size() > 9)
        return 1;
    unsigned whole = 0;
    for (const char c : significant)
        whole = whole * 10 + unsigned(c - '0');
    if (whole != limit)
        return whole < limit ? -1 : 1;
    return allZero(d.fraction) ? 0 : 1;
}

// `value` may be null: the coordinate is then checked, not computed.
bool readSignedCoordinate(QByteArrayView text, qsizetype &pos, unsigned limit, double *value, bool *inRange)
{
    if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-'))
        return false;
    const bool negative = text[pos] == '-';
    ++pos;
    Decimal d;
    if (!readDecimal(text, pos, &d, value ? Value::Wanted : Value::Unused))
        return false;
    if (value)
        *value = negative ? -d.value : d.value;
    *inRange = compareWith(d, limit) <= 0;
    return true;
}

// parsePosition(), where null degrees are checked only.
bool readPosition(QByteArrayView text, double *latitude, double *longitude, Problem *problem)
{
    qsizetype pos = 0;
    bool latOk = false;
    bool lngOk = false;
    if (!readSignedCoordinate(text, pos, 90, latitude, &latOk)
        || !readSignedCoordinate(text, pos, 180, longitude, &lngOk) || pos != text.size()) {
        *problem = Problem::BadPosition;
        return false;
    }
    if (!latOk) {
        *problem = Problem::LatitudeRange;
        return false;
    }
    if (!lngOk) {
        *problem = Problem::LongitudeRange;
        return false;
    }
    return true;
}

bool parseRadius(QByteArrayView text, double *km, Problem *problem)
{
    qsizetype pos = 0;
    Decimal d;
    if (!readDecimal(text, pos, &d) || pos != text.size()) {
        *problem = Problem::BadRadius;
        return false;
    }
    if ((allZero(d.whole) && allZero(d.fraction)) || compareWith(d, 50) > 0) {
        *problem = Problem::RadiusRange;
        return false;
    }
    *km = d.value;
    return true;
}

bool parseBound(QByteArrayView text, int *bound, Problem *problem)
{
    if (text.isEmpty()) {
        *problem = Problem::BadBound;
        return false;
    }
    for (const char c : text) {
        if (!isDigit(c)) {
            *problem = Problem::BadBound;
            return false;
        }
    }
    Decimal d;
    d.whole = text;
    if (allZero(text) || compareWith(d, 20) > 0) {
        *problem = Problem::BoundRange;
        return false;
    }
    int value = 0;
    for (const char c : text)
        value = value * 10 + (c - '0');
    *bound = value;
    return true;
}

bool isDiff(QByteArrayView text)
{
    qsizetype pos = 0;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-'))
        ++pos;
    Decimal d;
    return readDecimal(text, pos, &d, Value::Unused) && pos == text.size();
}

Message invalid(Problem problem)
{
    Message m;
    m.problem = problem;
    return m;
}

bool readClientFields(const Fields &f, int first, Message *m)
{
    if (!readPosition(f.at[first + 1], nullptr, nullptr, &m->problem))
        return false;
    if (!parseTime(f.at[first + 2], &m->timeNs)) {
        m->problem = Problem::BadTime;
        return false;
    }
    m->clientId = f.at[first].toByteArray();
    m->position = f.at[first + 1];
    m->time = f.at[first + 2];
    return true;
}

} // namespace

const char *problemName(Problem problem)
{
    switch (problem) {
    case Problem::None:
        return "none";
    case Problem::Empty:
        return "empty line";
    case Problem::NotText:
        return "bytes that are not text";
    case Problem::UnknownCommand:
        return "unknown command";
    case Problem::FieldCount:
        return "wrong number of fields";
    case Problem::BadPosition:
        return "bad position";
    case Problem::LatitudeRange:
        return "latitude out of range";
    case Problem::LongitudeRange:
        return "longitude out of range";
    case Problem::BadTime:
        return "bad time";
    case Problem::BadRadius:
        return "bad radius";
    case Problem::RadiusRange:
        return "radius out of range";
    case Problem::BadBound:
        return "bad bound";
    case Problem::BoundRange:
        return "bound out of range";
    case Problem::BadDiff:
        return "bad time difference";
    case Problem::UnknownClient:
        return "unknown client";
    case Problem::TooLong:
        return "line too long";
    }
    return "?";
}

bool parsePosition(QByteArrayView text, double *latitude, double *longitude, Problem *problem)
{
    return readPosition(text, latitude, longitude, problem);
}

bool parseTime(QByteArrayView text, qint64 *ns)
{
    // One pass over the digits: every line a herd sends has a time.
    constexpr qint64 MaxSeconds = std::numeric_limits<qint64>::max() / NsPerSecond - 1;
    const char *p = text.data();
    const char *const end = p + text.size();
    const char *const wholeStart = p;
    qint64 seconds = 0;
    for (; p < end && isDigit(*p); ++p) {
        seconds = seconds * 10 + (*p - '0');
        if (seconds > MaxSeconds)
            return false;
    }
    if (p == wholeStart)
        return false;
    qint64 fraction = 0;
    int fractionDigits = 0;
    if (p < end && *p == '.') {
        ++p;
        for (; p < end && isDigit(*p); ++p) {
            if (++fractionDigits > 9)
                return false;
            fraction = fraction * 10 + (*p - '0');
        }
        if (fractionDigits == 0)
            return false;
    }
    if (p != end)
        return false;
    for (; fractionDigits < 9; ++fractionDigits)
        fraction *= 10;
    *ns = seconds * NsPerSecond + fraction;
    return true;
}

Message parseLine(QByteArrayView line)
{
    const std::optional<Spaces> spaces = textSpaces(line);
    if (!spaces)
        return invalid(Problem::NotText);
    const Fields f = splitFields(line, *spaces);
    if (f.count == 0)
        return invalid(Problem::Empty);

    const QByteArrayView command = f.at[0];
    Message m;
    if (command == "IAMAT") {
        if (f.count != 4)
            return invalid(Problem::FieldCount);
        if (!readClientFields(f, 1, &m))
            return invalid(m.problem);
        m.command = Command::Iamat;
        return m;
    }
    if (command == "WHATSAT") {
        if (f.count != 4)
            return invalid(Problem::FieldCount);
        if (!parseRadius(f.at[2], &m.radiusKm, &m.problem) || !parseBound(f.at[3], &m.bound, &m.problem))
            return invalid(m.problem);
        m.clientId = f.at[1].toByteArray();
        m.command = Command::Whatsat;
        return m;
    }
    if (command == "AT") {
        if (f.count != 6)
            return invalid(Problem::FieldCount);
        if (!isDiff(f.at[2]))
            return invalid(Problem::BadDiff);
        if (!readClientFields(f, 3, &m))
            return invalid(m.problem);
        m.server = f.at[1];
        m.diff = f.at[2];
        m.command = Command::At;
        return m;
    }
    return invalid(Problem::UnknownCommand);
}

QByteArray updateClient(QByteArrayView line)
{
    const Fields f = splitFields(line);
    if (f.count >= 4 && f.at[0] == "IAMAT")
        return f.at[1].toByteArray();
    if (f.count >= 6 && f.at[0] == "AT")
        return f.at[3].toByteArray();
    return {};
}

bool atServerAndTime(QByteArrayView line, QByteArrayView *server, qint64 *timeNs)
{
    const Fields f = splitFields(line);
    if (f.count != 6 || f.at[0] != "AT" || !parseTime(f.at[5], timeNs))
        return false;
    *server = f.at[1];
    return true;
}

QByteArray formatTime(qint64 ns)
{
    char text[SecondsTextRoom];
    return QByteArray(text, writeSeconds(text, quint64(ns)) - text);
}

QByteArray formatDiff(qint64 diffNs)
{
    char text[SecondsTextRoom];
    return QByteArray(text, writeDiff(text, diffNs) - text);
}

QByteArray joinAt(QByteArrayView server, QByteArrayView diff, QByteArrayView client, QByteArrayView position,
                  QByteArrayView time)
{
    const QByteArrayView fields[] = {"AT", server, diff, client, position, time};
    qsizetype size = qsizetype(std::size(fields)) - 1; // the spaces
    for (const QByteArrayView field : fields)
        size += field.size();
    QByteArray line(size, Qt::Uninitialized);
    char *out = line.data();
    for (const QByteArrayView field : fields) {
        if (out != line.data())
            *out++ = ' ';
        if (!field.isEmpty()) // an empty view's data may be null
            std::memcpy(out, field.data(), size_t(field.size()));
        out += field.size();
    }
    return line;
}

QByteArray formatAt(QByteArrayView server, qint64 receivedNs, const Message &iamat)
{
    char diff[SecondsTextRoom];
    const QByteArrayView diffText(diff, writeDiff(diff, receivedNs - iamat.timeNs));
    return joinAt(server, diffText, iamat.clientId, iamat.position, iamat.time);
}

QByteArrayView normalField(QByteArrayView line, int index)
{
    const char *start = line.data();
    const char *const end = start + line.size();
    // memchr() only on bytes that exist: an empty line's data may be null.
    const auto nextSpace = [end](const char *from) {
        const void *space = from == end ? nullptr : std::memchr(from, ' ', size_t(end - from));
        return space ? static_cast<const char *>(space) : end;
    };
    for (; index > 0; --index) {
        const char *space = nextSpace(start);
        if (space == end)
            return {};
        start = space + 1;
    }
    return QByteArrayView(start, nextSpace(start));
}

QByteArray invalidReply(QByteArrayView line)
{
    QByteArray reply;
    reply.reserve(line.size() + 2);
    reply.append("? ").append(line);
    return reply;
}

} // namespace Herd
