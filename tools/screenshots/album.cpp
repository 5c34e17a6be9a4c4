// SPDX-License-Identifier: GPL-3.0-or-later
#include "tools/screenshots/album.h"

#include <QDir>
#include <QImage>
#include <QTcpSocket>
#include <QWidget>
#include <QtCore/qtestsupport_core.h>

#include "herd/cluster.h"
#include "herd/node/node.h"
#include "ui/topology/linkitem.h"
#include "ui/topology/topologyview.h"

using namespace Qt::StringLiterals;

namespace Shots {

bool Album::save(const QString &name, QWidget *widget)
{
    return save(name, widget->grab().toImage());
}

bool Album::save(const QString &name, const QImage &image)
{
    const QString path = QDir(m_dir).filePath(name + u".png"_s);
    if (image.isNull() || !image.save(path))
        return fail(u"cannot write "_s + path);
    m_written.append(path);
    return true;
}

bool Album::fail(const QString &why)
{
    m_failures.append(why);
    return false;
}

bool waitUntil(Album &album, const std::function<bool()> &condition, const QString &what)
{
    if (condition() || QTest::qWaitFor(condition, Timeout))
        return true;
    return album.fail(what + u": not within %1 s"_s.arg(Timeout / 1000));
}

Herd::HerdConfig alfordOnFreePorts()
{
    std::optional<Herd::HerdConfig> config = Herd::HerdConfig::preset(u"alford"_s, nullptr);
    for (Herd::NodeConfig &node : config->nodes)
        node.port = 0;
    config->reconnectInitialMs = 20;
    config->reconnectMaxMs = 200;
    return *config;
}

bool linksDrawnUp(const HerdUi::TopologyView &view)
{
    for (const HerdUi::LinkItem *link : view.linkItems()) {
        for (const bool fromA : {true, false}) {
            if (link->look(fromA) != HerdUi::TopologyStyle::LinkLook::Up)
                return false;
        }
    }
    return true;
}

void sendIamats(Herd::Cluster &cluster, const QString &node, int count, const QByteArray &prefix)
{
    static qint64 clientSeconds = 1'700'000'000; // each report newer than the last
    QByteArray lines;
    for (int i = 0; i < count; ++i) {
        const QByteArray client = count == 1 ? prefix : prefix + QByteArray::number(i);
        lines += "IAMAT " + client + " +34.068930-118.445127 " + QByteArray::number(++clientSeconds) + ".5\n";
    }
    auto *socket = new QTcpSocket(&cluster);
    QObject::connect(socket, &QTcpSocket::connected, socket, [socket, lines] { socket->write(lines); });
    // Replies are read and dropped so the node never blocks on us.
    QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->readAll(); });
    socket->connectToHost(QHostAddress::LocalHost, cluster.node(node)->port());
}

} // namespace Shots
