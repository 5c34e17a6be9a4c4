// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for a whole node: each input is a byte stream that a
// client writes over a real loopback TCP connection, in a few chunks, with an
// optional half-close. The node's replies are checked against a model of
// docs/protocol.md, and the node must still serve a fresh client afterwards.
//
// Input layout: byte 0 is control (bit 0: half-close after the last chunk;
// bits 1-2: chunks - 1), then one split byte per extra chunk, then the
// stream. See fuzz/README.md.

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonObject>
#include <QSocketNotifier>
#include <QTimer>

#include "herd/node/node.h"
#include "herd/places/placessource.h"
#include "herd/wire/protocol.h"

namespace {

constexpr qsizetype MaxLineBytes = 128; // small, so inputs reach the too-long paths
constexpr int DeadlineMs = 3000;        // a hang longer than this is a finding

// Answers every search at once (before search() returns), with one place.
class StubPlaces final : public Herd::PlacesSource
{
public:
    QString description() const override { return QStringLiteral("fuzz stub"); }
    void search(const Herd::PlacesQuery &query, Callback done) override
    {
        QJsonObject location {{QStringLiteral("lat"), query.latitude},
                              {QStringLiteral("lng"), query.longitude}};
        QJsonObject place {{QStringLiteral("geometry"), QJsonObject {{QStringLiteral("location"), location}}},
                           {QStringLiteral("name"), QStringLiteral("Stub\n\nAT x")},
                           {QStringLiteral("place_id"), QStringLiteral("stub")},
                           {QStringLiteral("types"), QJsonArray {QStringLiteral("point_of_interest")}},
                           {QStringLiteral("vicinity"), QStringLiteral("here")}};
        done(QJsonObject {{QStringLiteral("html_attributions"), QJsonArray {}},
                          {QStringLiteral("results"), QJsonArray {place, place}},
                          {QStringLiteral("status"), QStringLiteral("OK")}});
    }
};

StubPlaces *g_places = nullptr;

[[noreturn]] void fail(const char *what, const QByteArray &detail = {})
{
    std::fprintf(stderr, "fuzz_node: invariant broken: %s\n", what);
    if (!detail.isEmpty()) {
        std::fprintf(stderr, "  detail: ");
        for (const char c : detail)
            std::fprintf(stderr, "\\x%02x", static_cast<unsigned char>(c));
        std::fprintf(stderr, "\n");
    }
    std::abort();
}

// What the client must see for one line: the first line of its reply.
struct Expected
{
    QByteArray exact;      // "? <line>" for a line that is invalid for sure
    bool atReply = false;  // an AT line (IAMAT, or WHATSAT of a known client)
    bool eitherAt = false; // WHATSAT: AT if the client is known, else exact
};

QByteArray withoutCr(QByteArray line)
{
    if (line.endsWith('\r'))
        line.chop(1);
    return line;
}

// The replies docs/protocol.md asks for, in order, for the stream's lines. The
// last, unterminated piece counts only with a half-close (or when too long),
// and keeps a final "\r": it has no line ending to strip.
// A valid AT line or a SYNC line turns the connection into a neighbour's link
// (nothing is ever owed here: offline places answer at once). From then on
// AT lines are stored silently and everything else is answered "?": the node
// has no neighbours, so every SYNC line names a stranger.
std::vector<Expected> model(const QByteArray &stream, bool halfClose)
{
    std::vector<Expected> out;
    bool neighbourLink = false;
    qsizetype start = 0;
    while (start < stream.size()) {
        const qsizetype newline = stream.indexOf('\n', start);
        const bool terminated = newline >= 0;
        const qsizetype end = terminated ? newline : stream.size();
        const QByteArray raw = stream.sliced(start, end - start);
        start = end + 1;
        if (raw.size() > MaxLineBytes) {
            const QByteArray head = raw.first(MaxLineBytes);
            out.push_back({QByteArray("? ") + (neighbourLink ? head : withoutCr(head)), false, false});
            continue;
        }
        if (!terminated && (!halfClose || raw.isEmpty()))
            break;
        const QByteArray line = terminated ? withoutCr(raw) : raw;
        const Herd::Message m = Herd::parseLine(line);
        const bool sync = line.startsWith("SYNC ");
        if (m.command == Herd::Command::At || sync)
            neighbourLink = true;
        if (neighbourLink) {
            if (m.command != Herd::Command::At || sync)
                out.push_back({QByteArray("? ") + line, false, false});
            continue;
        }
        switch (m.command) {
        case Herd::Command::At:
            break; // a neighbour's link: above
        case Herd::Command::Iamat:
            out.push_back({{}, true, false});
            break;
        case Herd::Command::Whatsat:
            out.push_back({QByteArray("? ") + line, false, true});
            break;
        case Herd::Command::Invalid:
            out.push_back({QByteArray("? ") + line, false, false});
            break;
        }
    }
    return out;
}

// A non-blocking client socket connected to 127.0.0.1:port.
int connectTo(quint16 port)
{
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // Loopback ports can run short while other programs (or this one's
    // TIME_WAIT sockets) hold many: that is the machine, not a finding, so
    // try again, with a fresh socket, until the deadline.
    QDeadlineTimer deadline(DeadlineMs);
    for (;;) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            fail("socket() failed");
        if (::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) == 0) {
            ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
            return fd;
        }
        const int error = errno;
        ::close(fd);
        if ((error != EADDRNOTAVAIL && error != EAGAIN && error != EINTR) || deadline.hasExpired()) {
            std::fprintf(stderr, "fuzz_node: connect(): %s\n", std::strerror(error));
            fail("connect() to the node failed");
        }
        ::usleep(1000);
    }
}

void sendAll(int fd, const char *data, qsizetype size)
{
    QDeadlineTimer deadline(DeadlineMs);
    while (size > 0) {
        const ssize_t n = ::send(fd, data, size_t(size), MSG_NOSIGNAL);
        if (n > 0) {
            data += n;
            size -= n;
        } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            QCoreApplication::processEvents();
        } else {
            fail("the node closed the connection while the client was writing");
        }
        if (deadline.hasExpired())
            fail("the node stopped reading");
    }
}

// Reads what the node sends until `done(received, eof)` says so; fails on
// the deadline.
template <typename Done> QByteArray receive(int fd, Done done)
{
    QByteArray received;
    bool eof = false;
    QEventLoop loop;
    QSocketNotifier notifier(fd, QSocketNotifier::Read);
    auto drain = [&] {
        char buffer[16384];
        for (;;) {
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n > 0) {
                received.append(buffer, n);
                continue;
            }
            if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                eof = true; // a reset counts as the end too
                notifier.setEnabled(false);
            }
            break;
        }
        if (done(received, eof))
            loop.quit();
    };
    QObject::connect(&notifier, &QSocketNotifier::activated, &loop, drain);
    QTimer::singleShot(DeadlineMs, &loop,
                       [&] { fail("no end to the reply stream within the deadline", received); });
    drain();
    if (!done(received, eof))
        loop.exec();
    return received;
}

// First lines of replies: the lines that start with "AT " or "? " (the JSON
// of a WHATSAT reply never does: its lines start with white space or braces).
std::vector<QByteArray> replyHeads(const QByteArray &received)
{
    std::vector<QByteArray> heads;
    qsizetype start = 0;
    for (;;) {
        const qsizetype newline = received.indexOf('\n', start);
        if (newline < 0)
            break;
        const QByteArray line = received.sliced(start, newline - start);
        if (line.startsWith("AT ") || line.startsWith("? "))
            heads.push_back(line);
        start = newline + 1;
    }
    return heads;
}

void waitUntil(Herd::Node &node, int clients, const char *what)
{
    QDeadlineTimer deadline(DeadlineMs);
    while (node.clientCount() != clients) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        if (deadline.hasExpired())
            fail(what);
    }
}

void checkStillServing(Herd::Node &node)
{
    const int fd = connectTo(node.port());
    const QByteArray iamat = "IAMAT fresh +34.068930-118.445127 1621464827.959498503\n";
    sendAll(fd, iamat.constData(), iamat.size());
    ::shutdown(fd, SHUT_WR);
    const QByteArray received = receive(fd, [](const QByteArray &, bool eof) { return eof; });
    ::close(fd);
    const std::vector<QByteArray> heads = replyHeads(received);
    if (heads.size() != 1 || !heads[0].startsWith("AT Fuzz ")
        || !heads[0].endsWith(" fresh +34.068930-118.445127 1621464827.959498503")
        || received != heads[0] + '\n')
        fail("a fresh IAMAT on a new connection got no AT reply", received);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static QCoreApplication app(*argc, *argv);
    g_places = new StubPlaces;
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 1)
        return 0;
    const std::uint8_t control = data[0];
    const bool halfClose = control & 1;
    const int chunks = 1 + ((control >> 1) & 3);
    std::size_t offset = 1;
    std::vector<std::uint8_t> splits;
    for (int i = 1; i < chunks && offset < size; ++i)
        splits.push_back(data[offset++]);
    const QByteArray stream(reinterpret_cast<const char *>(data + offset), qsizetype(size - offset));

    // Cut points as fractions of the stream, in order.
    std::vector<qsizetype> cuts;
    for (const std::uint8_t split : splits)
        cuts.push_back(stream.size() * split / 255);
    std::sort(cuts.begin(), cuts.end());
    cuts.push_back(stream.size());

    Herd::NodeSettings settings;
    settings.name = QStringLiteral("Fuzz");
    settings.maxLineBytes = MaxLineBytes;
    auto node = std::make_unique<Herd::Node>(settings, g_places);
    if (!node->start())
        fail("the node could not listen");

    const int fd = connectTo(node->port());
    waitUntil(*node, 1, "the node did not accept the connection");
    qsizetype from = 0;
    for (const qsizetype to : cuts) {
        if (to > from)
            sendAll(fd, stream.constData() + from, to - from);
        from = std::max(from, to);
        // Let the node read this chunk on its own before the next arrives.
        QCoreApplication::processEvents();
    }
    if (halfClose)
        ::shutdown(fd, SHUT_WR);

    const std::vector<Expected> expected = model(stream, halfClose);
    const QByteArray received = receive(fd, [&](const QByteArray &bytes, bool eof) {
        if (halfClose)
            return eof; // after a half-close the node answers everything, then closes
        if (eof)
            fail("the node closed a connection the client kept open", bytes);
        // WHATSAT bodies end with "\n\n"; wait for the last one to be complete.
        return replyHeads(bytes).size() >= expected.size() && (bytes.isEmpty() || bytes.endsWith('\n'));
    });
    const std::vector<QByteArray> heads = replyHeads(received);
    if (heads.size() != expected.size())
        fail("the number of replies differs from the number of lines", received);
    for (std::size_t i = 0; i < heads.size(); ++i) {
        const Expected &e = expected[i];
        // A WHATSAT answers with the stored AT line: from this node, or as flooded.
        const bool ok = e.atReply ? heads[i].startsWith("AT Fuzz ")
            : e.eitherAt          ? (heads[i].startsWith("AT ") || heads[i] == e.exact)
                                  : heads[i] == e.exact;
        if (!ok)
            fail("a reply differs from what docs/protocol.md asks for", heads[i]);
    }
    if (!received.isEmpty() && !received.endsWith('\n'))
        fail("the reply stream ends inside a line", received);
    ::close(fd);

    // The session goes away once the client is gone, and the node still serves.
    waitUntil(*node, 0, "a session outlived its client");
    checkStillServing(*node);
    waitUntil(*node, 0, "the fresh session outlived its client");
    node.reset();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    return 0;
}
