// SPDX-License-Identifier: GPL-3.0-or-later
#include "check/target.h"

#include <QDir>
#include <QFileInfo>

#include "http/placesserver.h"

namespace Herd::Check {

std::optional<CheckTarget> CheckTarget::load(const QString &path, QString *error)
{
    std::optional<HerdConfig> config = HerdConfig::fromFile(path, error);
    if (!config)
        return std::nullopt;
    if (config->nodes.isEmpty()) {
        *error = path + u": names no nodes to check";
        return std::nullopt;
    }
    for (const NodeConfig &node : std::as_const(config->nodes)) {
        if (node.port == 0) {
            *error =
                QStringLiteral("%1: nodes.%2.port: 0 cannot be checked; give the port the node listens on")
                    .arg(path, node.name);
            return std::nullopt;
        }
    }
    CheckTarget target {std::move(*config), QFileInfo(path).absoluteFilePath()};
    for (const NodeConfig &node : std::as_const(target.config.nodes)) {
        if (!node.run)
            continue;
        const QString dir = target.workingDirectory(node);
        if (!QFileInfo(dir).isDir()) {
            *error = QStringLiteral("%1: nodes.%2.run.cwd: no folder %3").arg(path, node.name, dir);
            return std::nullopt;
        }
    }
    return target;
}

std::optional<QStringList> CheckTarget::selectedNodes(const CheckSettings &settings, QString *error) const
{
    if (settings.nodes.isEmpty()) {
        QStringList names = config.nodeNames();
        names.removeOne(settings.listenerNode);
        return names;
    }
    for (const QString &name : settings.nodes) {
        if (!config.node(name)) {
            *error = unknownNode(QStringLiteral("--node"), name);
            return std::nullopt;
        }
        if (name == settings.listenerNode) {
            *error = QStringLiteral("--node %1: it is the --listener, which the checker stands in for, "
                                    "so it cannot be checked")
                         .arg(name);
            return std::nullopt;
        }
    }
    return settings.nodes;
}

bool CheckTarget::checkListener(const CheckSettings &settings, QString *error) const
{
    const QString &name = settings.listenerNode;
    if (name.isEmpty())
        return true;
    const NodeConfig *node = config.node(name);
    if (!node) {
        *error = unknownNode(QStringLiteral("--listener"), name);
        return false;
    }
    if (node->run) {
        *error = QStringLiteral("--listener %1: it has a \"run\" in the herd file; the listener must be a "
                                "node the checker stands in for, with no \"run\" and nothing listening")
                     .arg(name);
        return false;
    }
    if (config.neighboursOf(name).isEmpty()) {
        *error = QStringLiteral("--listener %1: it has no neighbours in the herd file, so nothing would "
                                "flood to it")
                     .arg(name);
        return false;
    }
    return true;
}

QString CheckTarget::unknownNode(const QString &flag, const QString &name) const
{
    return QStringLiteral("%1 %2: no such node in %3 (it has %4)")
        .arg(flag, name, path.isEmpty() ? QStringLiteral("the herd") : path, config.nodeNames().join(u", "));
}

QStringList CheckTarget::nodesWithRun() const
{
    QStringList names;
    for (const NodeConfig &node : config.nodes) {
        if (node.run)
            names.append(node.name);
    }
    return names;
}

QString CheckTarget::workingDirectory(const NodeConfig &node) const
{
    const QDir base = path.isEmpty() ? QDir::current() : QFileInfo(path).absoluteDir();
    const QString cwd = node.run ? node.run->cwd : QString();
    return QDir::cleanPath(cwd.isEmpty() ? base.absolutePath() : base.absoluteFilePath(cwd));
}

QString expandPlaceholders(const QString &text, const NodeConfig &node, const Placeholders &values)
{
    const std::pair<QString, QString> table[] = {
        {QStringLiteral("{name}"), node.name},
        {QStringLiteral("{host}"), node.host},
        {QStringLiteral("{port}"), QString::number(node.port)},
        {QStringLiteral("{config}"), values.configPath},
        {QStringLiteral("{places_url}"), values.placesBase + QLatin1StringView(PlacesServer::LegacyPath)},
        {QStringLiteral("{places_new_url}"),
         values.placesBase + QLatin1StringView(PlacesServer::PlacesNewPath)},
        {QStringLiteral("{places_base}"), values.placesBase},
    };
    QString out = text;
    for (const auto &[key, value] : table)
        out.replace(key, value);
    return out;
}

} // namespace Herd::Check
