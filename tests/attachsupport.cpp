// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/attachsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace AttachSupport {

bool ProcessHerd::write()
{
    names = {u"A"_s, u"B"_s, u"C"_s};
    const QList<quint16> free = ProcessSupport::freePorts(6);
    if (free.size() != 6 || !dir.isValid())
        return false;
    ports = free.mid(0, 3);
    monitorPorts = free.mid(3, 3);
    qputenv(TokenEnv, "attach-test-token-0123456789");
    QJsonObject nodes;
    for (int i = 0; i < 3; ++i) {
        nodes.insert(names.at(i),
                     QJsonObject {{u"host"_s, u"127.0.0.1"_s},
                                  {u"port"_s, ports.at(i)},
                                  {u"monitor"_s, u"127.0.0.1:%1"_s.arg(monitorPorts.at(i))}});
    }
    const QJsonObject root {
        {u"name"_s, u"attach test"_s},
        {u"nodes"_s, nodes},
        {u"links"_s,
         QJsonArray {QJsonArray {u"A"_s, u"B"_s}, QJsonArray {u"B"_s, u"C"_s}, QJsonArray {u"A"_s, u"C"_s}}},
        {u"reconnect"_s, QJsonObject {{u"initialMs"_s, 20}, {u"maxMs"_s, 200}}},
        {u"monitor"_s, QJsonObject {{u"tokenEnv"_s, QString::fromLatin1(TokenEnv)}}},
    };
    file = ProcessSupport::writeFile(dir.filePath(u"herd.json"_s), QJsonDocument(root).toJson());
    QString error;
    const std::optional<Herd::HerdConfig> loaded = Herd::HerdConfig::fromFile(file, &error);
    if (!loaded) {
        qWarning("herd file: %s", qPrintable(error));
        return false;
    }
    config = *loaded;
    processes.resize(3);
    return true;
}

bool ProcessHerd::startProcess(int index)
{
    auto process = std::make_unique<ProcessSupport::HerdServer>();
    process->process().setWorkingDirectory(dir.path());
    process->start({u"--server"_s, u"--config"_s, file, u"--node"_s, names.at(index), u"--log"_s, u"none"_s});
    if (!process->waitForOutput("herd: monitor on")) {
        qWarning("%s did not start: %s", qPrintable(names.at(index)), process->err().constData());
        return false;
    }
    processes[size_t(index)] = std::move(process);
    return true;
}

bool ProcessHerd::startAll()
{
    for (int i = 0; i < names.size(); ++i) {
        if (!startProcess(i))
            return false;
    }
    return true;
}

} // namespace AttachSupport
