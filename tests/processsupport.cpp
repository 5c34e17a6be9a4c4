// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/processsupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTest>

#include "tests/buildtree.h"

#include <memory>
#include <vector>

using namespace Qt::StringLiterals;

namespace ProcessSupport {

QString herdBinary()
{
    return BuildTree::herdBinary();
}

bool canBind(quint16 port)
{
    QTcpServer server;
    return server.listen(QHostAddress::LocalHost, port);
}

bool listening(quint16 port)
{
    // Rows read "sl local_address rem_address st ...", the local address as
    // hex "ADDR:PORT"; state 0A is LISTEN.
    const QByteArray wanted = ':' + QByteArray::number(port, 16).toUpper().rightJustified(4, '0');
    for (const QString &table : {u"/proc/net/tcp"_s, u"/proc/net/tcp6"_s}) {
        QFile file(table);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        for (const QByteArray &row : file.readAll().split('\n')) {
            const QList<QByteArray> fields = row.simplified().split(' ');
            if (fields.size() > 3 && fields[1].endsWith(wanted) && fields[3] == "0A")
                return true;
        }
    }
    return false;
}

QString writeHerdFile(const QString &path, const Nodes &nodes, const Links &links, const QStringList &plain)
{
    QJsonObject nodeObjects;
    for (const auto &[name, port] : nodes) {
        QJsonObject node {{u"host"_s, u"127.0.0.1"_s}, {u"port"_s, port}};
        if (plain.contains(name))
            node.insert(u"protocol"_s, u"plain"_s);
        nodeObjects.insert(name, node);
    }
    QJsonArray linkArray;
    for (const auto &[a, b] : links)
        linkArray.append(QJsonArray {a, b});
    const QJsonObject root {{u"name"_s, u"test herd"_s},
                            {u"nodes"_s, nodeObjects},
                            {u"links"_s, linkArray},
                            {u"reconnect"_s, QJsonObject {{u"initialMs"_s, 20}, {u"maxMs"_s, 200}}}};
    return writeFile(path, QJsonDocument(root).toJson());
}

QString writeFile(const QString &path, const QByteArray &contents)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(contents) != contents.size())
        return {};
    return path;
}

Finished runHerd(const QStringList &arguments, const QString &workingDirectory,
                 const QProcessEnvironment &environment, int timeoutMs)
{
    QProcess process;
    process.setWorkingDirectory(workingDirectory);
    process.setProcessEnvironment(environment);
    process.start(herdBinary(), arguments);
    Finished result;
    if (!process.waitForStarted(timeoutMs))
        return result;
    result.finished = process.waitForFinished(timeoutMs);
    if (!result.finished) {
        process.kill();
        process.waitForFinished(timeoutMs);
    }
    result.exitCode = process.exitCode();
    result.exitStatus = process.exitStatus();
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

HerdServer::~HerdServer()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(Timeout);
    }
}

void HerdServer::start(const QStringList &arguments)
{
    m_process.start(herdBinary(), arguments);
}

bool HerdServer::waitForOutput(const QByteArray &needle, int times, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    for (;;) {
        m_out += m_process.readAllStandardOutput();
        if (m_out.count(needle) >= times)
            return true;
        const qint64 left = timeoutMs - clock.elapsed();
        if (left <= 0 || m_process.state() == QProcess::NotRunning)
            return false;
        m_process.waitForReadyRead(int(left));
    }
}

bool HerdServer::terminate()
{
    m_process.terminate();
    const bool finished = m_process.waitForFinished(Timeout);
    m_out += m_process.readAllStandardOutput();
    return finished;
}

std::unique_ptr<HerdServer> startHerdServer(const QString &dir, const QStringList &names, const Links &links,
                                            const QStringList &arguments, QList<quint16> *ports)
{
    for (int attempt = 0; attempt < 2; ++attempt) {
        *ports = freePorts(int(names.size()));
        if (ports->size() != names.size())
            return nullptr;
        Nodes nodes;
        for (qsizetype i = 0; i < names.size(); ++i)
            nodes.append({names[i], ports->at(i)});
        const QString file = writeHerdFile(dir + u"/herd.json"_s, nodes, links);
        if (file.isEmpty())
            return nullptr;
        auto herd = std::make_unique<HerdServer>();
        herd->process().setWorkingDirectory(dir);
        herd->start(QStringList {u"--server"_s, u"--config"_s, file} + arguments);
        if (herd->waitForOutput(" listening on ", int(names.size())))
            return herd;
        herd->waitForExit();
        // Exit status 1 is a port it could not bind: taken meanwhile.
        if (attempt > 0 || herd->process().exitCode() != 1) {
            qWarning("herd did not start: %s", herd->err().constData());
            return nullptr;
        }
    }
    return nullptr;
}

bool Client::connectTo(quint16 port)
{
    m_socket.connectToHost(QHostAddress::LocalHost, port);
    return m_socket.waitForConnected(Timeout);
}

QByteArray Client::ask(const QByteArray &line)
{
    m_socket.write(line + '\n');
    m_socket.waitForBytesWritten(Timeout);
    return readLine();
}

QByteArray Client::readLine()
{
    QElapsedTimer clock;
    clock.start();
    while (!m_socket.canReadLine()) {
        const qint64 left = Timeout - clock.elapsed();
        if (left <= 0 || !m_socket.waitForReadyRead(int(left)))
            return {};
    }
    return m_socket.readLine().chopped(1);
}

QByteArray Client::readUntilBlankLine()
{
    QByteArray text;
    for (QByteArray line = readLine(); !line.isNull() && !line.isEmpty(); line = readLine())
        text += line + '\n';
    return text;
}

bool waitUntilKnown(quint16 port, const QByteArray &clientId, const QByteArray &atLine, int timeoutMs,
                    QByteArray *lastSeen)
{
    Client client;
    if (!client.connectTo(port))
        return false;
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < timeoutMs) {
        const QByteArray first = client.ask("WHATSAT " + clientId + " 10 1");
        if (lastSeen)
            *lastSeen = first;
        if (first == atLine) {
            client.readUntilBlankLine(); // the places JSON
            return true;
        }
        if (first.startsWith("AT "))
            client.readUntilBlankLine(); // an older record, with its places
        else if (first.isNull() || !first.startsWith("? "))
            return false;
        QTest::qWait(20); // polling another process: nothing to signal on
    }
    return false;
}

} // namespace ProcessSupport
