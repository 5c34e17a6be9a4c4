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
#include <QSet>
#include <QStringDecoder>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <chrono>
#include <cstdio>

#include "herd/config/herdconfig.h"
#include "herd/places/offlineplaces.h"
#include "herd/places/placesjson.h"
#include "herd/wire/protocol.h"

namespace {

using namespace Herd;

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
         QStringLiteral("answers each IAMAT 20 ms late, one at a time per connection")},
    };
    return list;
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
        connect(&m_server, &QTcpServer::newConnection, this, &Double::accept);
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

    void accept()
    {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            if (has("max-connections-100") && m_open >= 100) {
                socket->close();
                socket->deleteLater();
                continue;
            }
            ++m_open;
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            connect(socket, &QObject::destroyed, this, [this, socket] {
                --m_open;
                m_buffers.remove(socket);
                m_waiting.remove(socket);
            });
            if (has("crash-on-reset")) {
                connect(socket, &QAbstractSocket::errorOccurred, this, [socket] {
                    if (socket->bytesToWrite() > 0)
                        crash("a client went with replies unsent");
                });
            }
        }
    }

    void read(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
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
        serve(socket);
    }

    // Answers the buffered lines in order; with "slow", each IAMAT's answer
    // goes 20 ms late, and the lines after it wait for it.
    void serve(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        for (qsizetype end = buffer.indexOf('\n'); end >= 0 && !m_waiting.contains(socket);
             end = buffer.indexOf('\n')) {
            QByteArray line = buffer.left(end);
            buffer.remove(0, end + 1);
            if (line.endsWith('\r'))
                line.chop(1);
            const QByteArray reply = answer(line);
            if (has("slow") && parseLine(line).command == Command::Iamat) {
                m_waiting.insert(socket);
                QTimer::singleShot(20, Qt::PreciseTimer, socket, [this, socket, reply] {
                    m_waiting.remove(socket);
                    send(socket, reply);
                    serve(socket);
                });
                return;
            }
            send(socket, reply);
        }
    }

    void send(QTcpSocket *socket, const QByteArray &reply)
    {
        socket->write(reply);
        if (!has("blocking-send"))
            return;
        // A blocking write returns once the kernel has taken every byte.
        while (socket->bytesToWrite() > 0) {
            if (!socket->waitForBytesWritten(-1))
                return; // the client went
        }
    }

    QByteArray answer(const QByteArray &line)
    {
        if (has("crash-on-junk") && !isUtf8(line))
            crash("a line that is not UTF-8");
        Message message = parseLine(line);
        if (has("space-only") && line.split(' ').size() != 4)
            message.command = Command::Invalid;
        switch (message.command) {
        case Command::Iamat:
            return iamat(message) + '\n';
        case Command::At:
            store(message, line);
            return {};
        case Command::Whatsat:
            return whatsat(message, line);
        default:
            return invalidReply(line) + '\n';
        }
    }

    QByteArray iamat(Message message)
    {
        qint64 received = nowNs();
        if (has("clock-ahead"))
            received += 10'000'000'000LL;
        qint64 diff = received - message.timeNs;
        if (has("round-diff"))
            diff = diff / 1'000'000 * 1'000'000;
        if (has("no-echo"))
            message.time = formatTime(message.timeNs);
        QByteArray name = has("wrong-name") ? QByteArray("Server") : m_self.name.toUtf8();
        QByteArray diffText = formatDiff(diff);
        if (has("unsigned-diff") && diffText.startsWith('+'))
            diffText.remove(0, 1);
        const QByteArray at = "AT " + name + ' ' + diffText + ' ' + message.clientId + ' ' + message.position
            + ' ' + message.time;
        Message stored = message;
        store(stored, at);
        return at;
    }

    // Newer wins; a newer record is flooded to every neighbour.
    void store(const Message &message, const QByteArray &at)
    {
        auto it = m_records.constFind(message.clientId);
        if (it != m_records.constEnd() && it->first >= message.timeNs)
            return;
        m_records.insert(message.clientId, {message.timeNs, at});
        for (const QString &name : m_neighbours.keys())
            flood(name, at);
    }

    void flood(const QString &name, const QByteArray &at)
    {
        QTcpSocket *&link = m_neighbours[name];
        if (!link || link->state() == QAbstractSocket::UnconnectedState) {
            delete link;
            link = new QTcpSocket(this);
            const NodeConfig *node = m_config.node(name);
            link->connectToHost(node->host, node->port);
        }
        link->write(at + '\n');
    }

    QByteArray whatsat(const Message &message, const QByteArray &line)
    {
        const auto it = m_records.constFind(message.clientId);
        if (it == m_records.constEnd())
            return invalidReply(line) + '\n';
        const Message stored = parseLine(it->second);
        PlacesQuery query {stored.latitude, stored.longitude, message.radiusKm, message.bound};
        const QJsonObject response = trimResults(m_places->answer(query), message.bound);
        return it->second + '\n' + formatPlacesJson(response) + "\n\n";
    }

    HerdConfig m_config;
    NodeConfig m_self;
    QSet<QString> m_defects;
    std::unique_ptr<OfflinePlaces> m_places;
    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QSet<QTcpSocket *> m_waiting;                               // "slow": an IAMAT's answer is due
    int m_open = 0;                                             // client and neighbour connections
    QHash<QString, QTcpSocket *> m_neighbours;                  // owned (children)
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
