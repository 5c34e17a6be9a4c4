// SPDX-License-Identifier: GPL-3.0-or-later
// herd-double: a small course-style herd server for the checker's tests, built
// to be wrong on purpose. Run as
//   herd-double --config HERD.json --name NAME [--defect DEFECT]...
// it serves NAME's port from the herd file the way a course server does
// (one record per client, newer wins, AT lines flooded to every neighbour
// over a connection kept open), answering WHATSAT from Herd's offline
// places. With no defect it passes every rule `herd --check` has; each
// --defect breaks exactly one thing, so a rule that should catch it can be
// seen to fail. `--list-defects` lists them.
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QStringDecoder>
#include <QTimer>
#include <QTcpSocket>

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <utility>

#include <unistd.h>

#include "herd/config/herdconfig.h"
#include "herd/places/offlineplaces.h"
#include "herd/places/placesjson.h"
#include "herd/wire/protocol.h"
#include "tests/double/clientconnection.h"

namespace {

using namespace Herd;
using HerdDouble::ClientConnection;
using HerdDouble::DescriptorServer;

// Every defect the double can have, and what it does wrong.
const QList<std::pair<QString, QString>> &defectList()
{
    static const QList<std::pair<QString, QString>> list = {
        {QStringLiteral("wrong-name"), QStringLiteral("names itself \"Server\" in AT lines")},
        {QStringLiteral("no-echo"), QStringLiteral("writes the client's time re-formatted to nine digits")},
        {QStringLiteral("unsigned-diff"), QStringLiteral("writes a positive diff without its '+'")},
        {QStringLiteral("round-diff"), QStringLiteral("rounds the diff to the millisecond")},
        {QStringLiteral("clock-ahead"), QStringLiteral("its clock runs 10 s ahead")},
        {QStringLiteral("space-only"), QStringLiteral("splits fields on single spaces only")},
        // whatsat.* and input.*
        {QStringLiteral("whatsat-fresh-at"),
         QStringLiteral("answers WHATSAT with a new AT line, not the stored one")},
        {QStringLiteral("whatsat-list"), QStringLiteral("writes only the results array as the JSON")},
        {QStringLiteral("whatsat-swapped"), QStringLiteral("searches places at (longitude, latitude)")},
        {QStringLiteral("whatsat-unbounded"), QStringLiteral("ignores the bound: up to 20 places")},
        {QStringLiteral("whatsat-whole-radius"), QStringLiteral("cuts the radius to whole kilometres")},
        {QStringLiteral("whatsat-no-blank"), QStringLiteral("ends a WHATSAT reply with one \\n, not two")},
        {QStringLiteral("last-wins"), QStringLiteral("stores every IAMAT, even one older than the record")},
        {QStringLiteral("any-case"), QStringLiteral("takes commands in any case (iamat, Whatsat)")},
        {QStringLiteral("lax-iamat"),
         QStringLiteral("accepts IAMAT positions out of range and times as floats")},
        {QStringLiteral("lax-whatsat"), QStringLiteral("accepts radius and bound out of range")},
        {QStringLiteral("echo-replaced"), QStringLiteral("echoes invalid UTF-8 as U+FFFD in \"? <line>\"")},
        {QStringLiteral("echo-trimmed"), QStringLiteral("trims white space from the line in \"? <line>\"")},
        {QStringLiteral("keeps-cr"), QStringLiteral("keeps the \\r of a \\r\\n ending")},
        {QStringLiteral("drops-cr"), QStringLiteral("drops every \\r at the end of a line, not one")},
        {QStringLiteral("unicode-space"),
         QStringLiteral("splits fields on Unicode spaces (U+00A0, U+2003) too")},
        {QStringLiteral("no-pipelining"), QStringLiteral("answers only the first line of each read")},
        {QStringLiteral("no-split"), QStringLiteral("takes each read for whole lines, even without \\n")},
        {QStringLiteral("whatsat-deferred"),
         QStringLiteral("answers a read's WHATSATs after its other lines")},
        {QStringLiteral("no-halfclose"), QStringLiteral("drops a last line without \\n and never closes")},
        {QStringLiteral("short-lines"), QStringLiteral("cuts lines to 4096 bytes")},
        {QStringLiteral("mute"), QStringLiteral("answers no line; prints each on stdout instead")},
        // Flooding and faults (tst_check_flood, tst_check_faults).
        {QStringLiteral("no-flood"), QStringLiteral("never floods an update to its neighbours")},
        {QStringLiteral("flood-late"), QStringLiteral("floods each update 2.5 s after it came")},
        {QStringLiteral("flood-slow"), QStringLiteral("floods each update 30 ms after it came")},
        {QStringLiteral("flood-own-at"),
         QStringLiteral("relays an AT line rewritten with its own name and diff")},
        {QStringLiteral("older-wins"),
         QStringLiteral("stores a record older than the one it holds (last arrival wins)")},
        {QStringLiteral("reflood-stale"), QStringLiteral("floods an IAMAT older than the record it holds")},
        {QStringLiteral("reflood-all"),
         QStringLiteral("floods on AT lines it already holds, so updates circle forever")},
        {QStringLiteral("no-reconnect"),
         QStringLiteral("keeps a dead link: never connects again to a restarted neighbour")},
        {QStringLiteral("exit-on-peer-down"),
         QStringLiteral("exits when a neighbour's connection fails (an uncaught error)")},
        // Robustness and speed (robustnessrules.cpp, speedrules.cpp).
        {QStringLiteral("crash-on-long-line"), QStringLiteral("exits when a line passes 64 KiB")},
        {QStringLiteral("max-connections-100"),
         QStringLiteral("keeps 100 connections; closes any more at once")},
        {QStringLiteral("blocking-send"),
         QStringLiteral("sends with a blocking write: a client that does not read stalls every client")},
        {QStringLiteral("crash-on-junk"), QStringLiteral("exits on a line that is not UTF-8")},
        {QStringLiteral("crash-on-reset"),
         QStringLiteral("exits when a client goes with replies unsent (a write failing with EPIPE)")},
        {QStringLiteral("slow"),
         QStringLiteral("answers each IAMAT and WHATSAT 20 ms late, one at a time per connection")},
    };
    return list;
}

// unicode-space: NBSP and EM SPACE as the white space Python's str.split() takes them for.
QByteArray unicodeSpacesAsSpaces(QByteArray line)
{
    return line.replace("\xC2\xA0", " ").replace("\xE2\x80\x83", " ");
}

// any-case: "iamat ..." read as "IAMAT ...".
QByteArray commandUpperCased(QByteArray line)
{
    for (char &c : line) {
        if (isProtocolSpace(c))
            break;
        c = char(std::toupper(static_cast<unsigned char>(c)));
    }
    return line;
}

// How a defect that crashes the server ends it: at once, saying why.
[[noreturn]] void crash(const char *why)
{
    std::fprintf(stderr, "herd-double: %s: exiting (a defect)\n", why);
    std::_Exit(3);
}

bool isUtf8(const QByteArray &bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder(bytes);
    return !decoder.hasError();
}

qint64 nowNs()
{
    using namespace std::chrono;
    return duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count();
}

class Double : public QObject
{
public:
    Double(HerdConfig config, NodeConfig self, QSet<QString> defects, std::unique_ptr<OfflinePlaces> places)
        : m_config(std::move(config))
        , m_self(std::move(self))
        , m_defects(std::move(defects))
        , m_places(std::move(places))
    {
        m_server.onAccepted = [this](qintptr descriptor) { accept(descriptor); };
        for (const QString &name : m_config.neighboursOf(m_self.name))
            m_neighbours.insert(name, nullptr);
    }

    bool listen()
    {
        return m_server.listen(
            QHostAddress(m_self.host == u"localhost" ? QStringLiteral("127.0.0.1") : m_self.host),
            m_self.port);
    }
    QString error() const { return m_server.errorString(); }

private:
    bool has(const char *defect) const { return m_defects.contains(QLatin1StringView(defect)); }

    void accept(qintptr descriptor)
    {
        if (has("max-connections-100") && m_open >= 100) {
            ::close(int(descriptor));
            return;
        }
        ++m_open;
        auto *connection = new ClientConnection(descriptor, this);
        connection->onRead = [this](ClientConnection *client) { read(client); };
        connect(connection, &QObject::destroyed, this, [this, connection] {
            --m_open;
            m_waiting.remove(connection);
        });
        if (has("crash-on-reset"))
            connection->onLostWithOutput = [] { crash("a client went with replies unsent"); };
    }

    // Answers every whole line read, in order, like an asyncio server's
    // readline() loop; after the client's half-close, its last line too,
    // then closes.
    void read(ClientConnection *connection)
    {
        QByteArray &buffer = connection->input();
        if (has("crash-on-long-line")) {
            constexpr qsizetype Most = 64 * 1024;
            for (qsizetype start = 0, end; start < buffer.size(); start = end + 1) {
                end = buffer.indexOf('\n', start);
                if ((end < 0 ? buffer.size() : end) - start > Most)
                    crash("a line over 64 KiB");
                if (end < 0)
                    break;
            }
        }
        if (m_waiting.contains(connection))
            return;
        QByteArray replies;
        QByteArray deferred;
        for (qsizetype end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
            QByteArray line = buffer.left(end);
            buffer.remove(0, end + 1);
            if (line.endsWith('\r') && !has("keeps-cr"))
                line.chop(1);
            while (line.endsWith('\r') && has("drops-cr"))
                line.chop(1);
            if (has("short-lines"))
                line.truncate(4096);
            if (has("crash-on-junk") && !isUtf8(line))
                crash("a line that is not UTF-8");
            const QByteArray reply = answer(line);
            const Command command = parseLine(line).command;
            if (has("slow") && (command == Command::Iamat || command == Command::Whatsat)) {
                // The answer goes 20 ms late, and the lines after it wait.
                send(connection, replies);
                m_waiting.insert(connection);
                QTimer::singleShot(20, Qt::PreciseTimer, connection, [this, connection, reply] {
                    m_waiting.remove(connection);
                    send(connection, reply);
                    read(connection);
                });
                return;
            }
            if (has("whatsat-deferred") && line.startsWith("WHATSAT"))
                deferred += reply;
            else
                replies += reply;
            if (has("no-pipelining"))
                buffer.clear();
        }
        const bool ended = connection->inputEnded() && !has("no-halfclose");
        if (!buffer.isEmpty() && (ended || has("no-split")))
            replies += answer(std::exchange(buffer, {}));
        send(connection, replies + deferred);
        if (ended)
            connection->closeWhenSent();
    }

    void send(ClientConnection *connection, const QByteArray &replies)
    {
        connection->write(replies);
        if (has("blocking-send"))
            connection->flushBlocking();
    }

    QByteArray answer(const QByteArray &line)
    {
        if (has("mute")) { // a test sees on stdout that a line came, unanswered
            std::printf("mute: %s\n", line.constData());
            std::fflush(stdout);
            return {};
        }
        // The message points into the text it was parsed from.
        QByteArray text = has("unicode-space") ? unicodeSpacesAsSpaces(line) : line;
        Message message = parseLine(text);
        if (has("space-only") && line.split(' ').size() != 4)
            message.command = Command::Invalid;
        if (has("any-case") && message.command == Command::Invalid) {
            text = commandUpperCased(line);
            message = parseLine(text);
        }
        if (const QByteArray lax = laxAnswer(message.problem, line); !lax.isEmpty())
            return lax;
        switch (message.command) {
        case Command::Iamat:
            return iamat(message) + '\n';
        case Command::At:
            store(message, line, From::Neighbour);
            return {};
        case Command::Whatsat:
            return whatsat(message, line);
        default:
            return invalid(line);
        }
    }

    QByteArray invalid(const QByteArray &line) const
    {
        if (has("echo-trimmed"))
            return invalidReply(line.trimmed()) + '\n';
        if (has("echo-replaced"))
            return invalidReply(QString::fromUtf8(line).toUtf8()) + '\n';
        return invalidReply(line) + '\n';
    }

    // lax-iamat, lax-whatsat: lines a server that reads numbers with
    // float() and int(), and checks no range, would take.
    QByteArray laxAnswer(Problem problem, const QByteArray &line)
    {
        const QList<QByteArray> fields = line.simplified().split(' ');
        if (fields.size() != 4)
            return {};
        if (has("lax-iamat") && fields[0] == "IAMAT"
            && (problem == Problem::LatitudeRange || problem == Problem::LongitudeRange
                || problem == Problem::BadTime))
            return "AT " + m_self.name.toUtf8() + " +0.000000000 " + fields.mid(1).join(' ') + '\n';
        if (has("lax-whatsat") && fields[0] == "WHATSAT"
            && (problem == Problem::RadiusRange || problem == Problem::BoundRange)) {
            Message message;
            message.clientId = fields[1];
            message.radiusKm = qBound(0.001, fields[2].toDouble(), 50.0);
            message.bound = qBound(1, fields[3].toInt(), 20);
            return whatsat(message, line);
        }
        return {};
    }

    QByteArray iamat(const Message &message)
    {
        qint64 received = nowNs();
        if (has("clock-ahead"))
            received += 10'000'000'000LL;
        qint64 diff = received - message.timeNs;
        if (has("round-diff"))
            diff = diff / 1'000'000 * 1'000'000;
        const QByteArray time = has("no-echo") ? formatTime(message.timeNs) : message.time.toByteArray();
        QByteArray name = has("wrong-name") ? QByteArray("Server") : m_self.name.toUtf8();
        QByteArray diffText = formatDiff(diff);
        if (has("unsigned-diff") && diffText.startsWith('+'))
            diffText.remove(0, 1);
        const QByteArray at =
            "AT " + name + ' ' + diffText + ' ' + message.clientId + ' ' + message.position + ' ' + time;
        if (has("last-wins"))
            m_records.remove(message.clientId);
        store(message, at, From::Client);
        return at;
    }

    enum class From { Client, Neighbour };

    // Newer wins; a newer record is flooded to every neighbour.
    void store(const Message &message, const QByteArray &at, From from)
    {
        auto it = m_records.constFind(message.clientId);
        const bool newer = it == m_records.constEnd()
            || (has("older-wins") ? it->first != message.timeNs : it->first < message.timeNs);
        if (!newer) {
            if ((from == From::Client && has("reflood-stale"))
                || (from == From::Neighbour && has("reflood-all")))
                floodAll(at);
            return;
        }
        m_records.insert(message.clientId, {message.timeNs, at});
        if (from == From::Neighbour && has("flood-own-at"))
            floodAll("AT " + m_self.name.toUtf8() + ' ' + formatDiff(nowNs() - message.timeNs) + ' '
                     + message.clientId + ' ' + message.position + ' ' + message.time);
        else
            floodAll(at);
    }

    void floodAll(const QByteArray &at)
    {
        if (has("no-flood"))
            return;
        const auto toEveryNeighbour = [this, at] {
            for (const QString &name : m_neighbours.keys())
                flood(name, at);
        };
        if (has("flood-late") || has("flood-slow"))
            QTimer::singleShot(has("flood-late") ? 2500 : 30, this, toEveryNeighbour);
        else
            toEveryNeighbour();
    }

    // Over a connection kept open; one that failed or closed is replaced
    // at the next flood, so a restarted neighbour is found again.
    void flood(const QString &name, const QByteArray &at)
    {
        QTcpSocket *&link = m_neighbours[name];
        const bool dead = !link || link->state() == QAbstractSocket::UnconnectedState;
        if (dead && !(link && has("no-reconnect"))) {
            delete link;
            link = new QTcpSocket(this);
            if (has("exit-on-peer-down"))
                connect(link, &QTcpSocket::errorOccurred, this, [] { QCoreApplication::exit(1); });
            const NodeConfig *node = m_config.node(name);
            link->connectToHost(node->host, node->port);
        }
        link->write(at + '\n');
    }

    QByteArray whatsat(const Message &message, const QByteArray &line)
    {
        const auto it = m_records.constFind(message.clientId);
        if (it == m_records.constEnd())
            return invalid(line);
        const Message stored = parseLine(it->second);
        const QByteArray at =
            has("whatsat-fresh-at") ? formatAt(m_self.name.toUtf8(), nowNs(), stored) : it->second;
        const int bound = has("whatsat-unbounded") ? 20 : message.bound;
        PlacesQuery query {0, 0, message.radiusKm, bound};
        Problem problem = Problem::None;
        parsePosition(stored.position, &query.latitude, &query.longitude, &problem);
        if (has("whatsat-swapped"))
            std::swap(query.latitude, query.longitude);
        if (has("whatsat-whole-radius"))
            query.radiusKm = std::floor(query.radiusKm);
        const QJsonObject response = trimResults(m_places->answer(query), bound);
        const QByteArray json = has("whatsat-list")
            ? squeezeNewlines(QJsonDocument(response[u"results"].toArray()).toJson())
            : formatPlacesJson(response);
        return at + '\n' + json + (has("whatsat-no-blank") ? "\n" : "\n\n");
    }

    HerdConfig m_config;
    NodeConfig m_self;
    QSet<QString> m_defects;
    std::unique_ptr<OfflinePlaces> m_places;
    DescriptorServer m_server;
    QHash<QString, QTcpSocket *> m_neighbours;                  // owned (children)
    QSet<ClientConnection *> m_waiting;                         // "slow": an IAMAT's answer is due
    int m_open = 0;                                             // client connections
    QHash<QByteArray, std::pair<qint64, QByteArray>> m_records; // client -> (time, AT line)
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption configOption(QStringLiteral("config"), QStringLiteral("herd file"),
                                          QStringLiteral("FILE"));
    const QCommandLineOption nameOption(QStringLiteral("name"), QStringLiteral("node to serve"),
                                        QStringLiteral("NAME"));
    const QCommandLineOption defectOption(QStringLiteral("defect"), QStringLiteral("what to get wrong"),
                                          QStringLiteral("DEFECT"));
    const QCommandLineOption listOption(QStringLiteral("list-defects"), QStringLiteral("list the defects"));
    parser.addOptions({configOption, nameOption, defectOption, listOption});
    parser.process(app);
    if (parser.isSet(listOption)) {
        for (const auto &[name, what] : defectList())
            std::printf("%-20s %s\n", qPrintable(name), qPrintable(what));
        return 0;
    }
    QSet<QString> defects;
    for (const QString &defect : parser.values(defectOption)) {
        bool known = false;
        for (const auto &entry : defectList())
            known = known || entry.first == defect;
        if (!known) {
            std::fprintf(stderr, "herd-double: no defect \"%s\" (see --list-defects)\n", qPrintable(defect));
            return 2;
        }
        defects.insert(defect);
    }
    QString error;
    const std::optional<HerdConfig> config = HerdConfig::fromFile(parser.value(configOption), &error);
    if (!config) {
        std::fprintf(stderr, "herd-double: %s\n", qPrintable(error));
        return 2;
    }
    const NodeConfig *self = config->node(parser.value(nameOption));
    if (!self) {
        std::fprintf(stderr, "herd-double: no node \"%s\" in the herd file\n",
                     qPrintable(parser.value(nameOption)));
        return 2;
    }
    std::unique_ptr<OfflinePlaces> places = OfflinePlaces::fromEmbedded(&error);
    if (!places) {
        std::fprintf(stderr, "herd-double: %s\n", qPrintable(error));
        return 1;
    }
    Double server(*config, *self, defects, std::move(places));
    if (!server.listen()) {
        std::fprintf(stderr, "herd-double: cannot listen: %s\n", qPrintable(server.error()));
        return 1;
    }
    return app.exec();
}
