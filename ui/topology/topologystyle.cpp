// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/topology/topologystyle.h"

#include <QObject>
#include <QtGlobal>

#include "herd/node/node.h"

namespace HerdUi::TopologyStyle {

NodeLook nodeLook(const std::optional<Herd::NodeStatus> &node, bool outOfSight)
{
    if (!node)
        return outOfSight ? NodeLook::NotMonitored : NodeLook::Remote;
    if (node->running)
        return NodeLook::Running;
    return node->started ? NodeLook::Killed : NodeLook::NotStarted;
}

LinkLook linkLook(const std::optional<Herd::LinkState> &link, bool senderRunning)
{
    if (!link)
        return LinkLook::Down;
    // A cut is the user's decision and holds while the sender is down too.
    if (link->cut)
        return LinkLook::Cut;
    if (!senderRunning)
        return LinkLook::Down;
    switch (link->state) {
    case Herd::LinkState::State::Connected:
        return link->delayMs > 0 || link->jitterMs > 0 ? LinkLook::Delayed : LinkLook::Up;
    case Herd::LinkState::State::Connecting:
        return LinkLook::Connecting;
    case Herd::LinkState::State::BackingOff:
        return LinkLook::BackingOff;
    case Herd::LinkState::State::Cut:
        return LinkLook::Cut;
    case Herd::LinkState::State::Idle:
        break;
    }
    return LinkLook::Down;
}

QString linkLookName(LinkLook look)
{
    switch (look) {
    case LinkLook::Up:
        return QStringLiteral("connected");
    case LinkLook::Delayed:
        return QStringLiteral("delayed");
    case LinkLook::Connecting:
        return QStringLiteral("connecting");
    case LinkLook::BackingOff:
        return QStringLiteral("backing off");
    case LinkLook::Cut:
        return QStringLiteral("cut");
    case LinkLook::Down:
        return QStringLiteral("down");
    }
    return {};
}

QString nodeLookDescription(NodeLook look)
{
    switch (look) {
    case NodeLook::Running:
        return QObject::tr("node running");
    case NodeLook::Killed:
        return QObject::tr("node killed");
    case NodeLook::NotMonitored:
        return QObject::tr("not monitored (may serve)");
    case NodeLook::Remote:
        return QObject::tr("node in another process");
    case NodeLook::NotStarted:
        return QObject::tr("not started yet (replay)");
    }
    return {};
}

QString linkLookDescription(LinkLook look)
{
    switch (look) {
    case LinkLook::Up:
        return QObject::tr("connected");
    case LinkLook::Delayed:
        return QObject::tr("connected, delayed or jittery");
    case LinkLook::Connecting:
        return QObject::tr("connecting");
    case LinkLook::BackingOff:
        return QObject::tr("backing off (retry soon)");
    case LinkLook::Cut:
        return QObject::tr("cut");
    case LinkLook::Down:
        return QObject::tr("sender down");
    }
    return {};
}

QColor background()
{
    return QColor(0xf5, 0xf7, 0xfa);
}
QColor gridDot()
{
    return QColor(0xd5, 0xdb, 0xe3);
}
QColor selection()
{
    return QColor(0x25, 0x63, 0xeb);
}
QColor shadow()
{
    return QColor(15, 23, 42, 38);
}

QBrush nodeBrush(NodeLook look)
{
    switch (look) {
    case NodeLook::Running:
        return QColor(0x2b, 0x6c, 0xb0);
    case NodeLook::Killed:
        return QColor(0xe2, 0xe5, 0xe9);
    case NodeLook::Remote:
        return QColor(0xff, 0xff, 0xff);
    case NodeLook::NotMonitored:
        return QColor(0xf1, 0xf3, 0xf5);
    case NodeLook::NotStarted:
        return QColor(0xfa, 0xfb, 0xfc);
    }
    return {};
}

QPen nodePen(NodeLook look, bool selected)
{
    if (selected)
        return QPen(selection(), 4.5);
    switch (look) {
    case NodeLook::Running:
        return QPen(QColor(0x1e, 0x4e, 0x82), 2);
    case NodeLook::Killed: {
        QPen pen(QColor(0x8a, 0x94, 0xa3), 2.5, Qt::DashLine);
        return pen;
    }
    case NodeLook::Remote:
        return QPen(QColor(0x64, 0x74, 0x8b), 2.5, Qt::DotLine);
    case NodeLook::NotMonitored:
        return QPen(QColor(0x9c, 0xa3, 0xaf), 2.5, Qt::DashDotLine);
    case NodeLook::NotStarted:
        // Faint and whole: nothing happened to it, nothing has yet.
        return QPen(QColor(0xcb, 0xd2, 0xdb), 2);
    }
    return {};
}

QColor nodeText(NodeLook look)
{
    if (look == NodeLook::NotStarted)
        return QColor(0x94, 0xa3, 0xb8);
    return look == NodeLook::Running ? QColor(Qt::white) : QColor(0x47, 0x55, 0x69);
}

QColor nodeSubText(NodeLook look)
{
    if (look == NodeLook::NotStarted)
        return QColor(0x94, 0xa3, 0xb8);
    return look == NodeLook::Running ? QColor(0xdb, 0xea, 0xfe) : QColor(0x64, 0x74, 0x8b);
}

QColor killedMark()
{
    return QColor(0xdc, 0x26, 0x26);
}
QColor storedFlash()
{
    return QColor(0x16, 0xa3, 0x4a);
}
QColor staleFlash()
{
    return QColor(0x94, 0xa3, 0xb8);
}

QColor linkColor(LinkLook look)
{
    switch (look) {
    case LinkLook::Up:
        return QColor(0x47, 0x55, 0x69);
    case LinkLook::Delayed:
        return QColor(0x7c, 0x3a, 0xed);
    case LinkLook::Connecting:
        return QColor(0xd9, 0x77, 0x06);
    case LinkLook::BackingOff:
        return QColor(0xb4, 0x53, 0x09);
    case LinkLook::Cut:
        return QColor(0xdc, 0x26, 0x26);
    case LinkLook::Down:
        return QColor(0xb8, 0xc0, 0xcc);
    }
    return {};
}

QPen linkPen(LinkLook look, bool selected)
{
    QPen pen(linkColor(look), selected ? 6 : 4, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    switch (look) {
    case LinkLook::Up:
    case LinkLook::Delayed:
        break;
    case LinkLook::Connecting:
    case LinkLook::Down:
        pen.setStyle(Qt::DotLine);
        break;
    case LinkLook::BackingOff:
        // Round dots far apart: "waiting", unlike the dense dashes of a
        // connection attempt and the red dashes of a cut.
        pen.setCapStyle(Qt::RoundCap);
        pen.setDashPattern({0.01, 2.6});
        break;
    case LinkLook::Cut:
        pen.setCapStyle(Qt::FlatCap);
        pen.setDashPattern({3.0, 2.0});
        break;
    }
    return pen;
}

QColor trafficGlow()
{
    return QColor(0xf5, 0x9e, 0x0b);
}
QColor labelBackground()
{
    return QColor(255, 255, 255, 235);
}
QColor labelBorder()
{
    return QColor(0xcb, 0xd5, 0xe1);
}
QColor labelText()
{
    return QColor(0x1e, 0x29, 0x3b);
}
QColor highlight()
{
    return QColor(0x06, 0xb6, 0xd4);
}
QColor staleTag()
{
    return QColor(0x7c, 0x2d, 0x12);
}

QColor groupTint(int group)
{
    // Light enough to sit under the blue cards, apart from every link colour.
    static const QRgb tints[] = {0x14b8a6, 0xf59e0b, 0xa855f7, 0xec4899, 0x84cc16, 0x0ea5e9};
    return QColor(tints[size_t(group) % (sizeof(tints) / sizeof(tints[0]))]);
}

QColor tokenColor(const QByteArray &clientId)
{
    // qHash is seeded per process; FNV-1a plus a final mix keeps colours
    // stable across runs and different for ids that differ in one digit.
    quint32 hash = 2166136261u;
    for (const char c : clientId) {
        hash ^= quint8(c);
        hash *= 16777619u;
    }
    hash ^= hash >> 16;
    hash *= 0x7feb352du;
    hash ^= hash >> 15;
    hash *= 0x846ca68bu;
    hash ^= hash >> 16;
    // Saturated, mutually distinct colours that read on white and carry a
    // white label; none is the green of "stored" or the red of "cut".
    static const QRgb palette[] = {
        0x2563eb, 0xdb2777, 0x0891b2, 0x9333ea, 0xea580c, 0x0d9488,
        0xc026d3, 0x4f46e5, 0xb45309, 0x0284c7, 0xbe185d, 0x7c3aed,
    };
    return QColor(palette[hash % (sizeof(palette) / sizeof(palette[0]))]);
}

static QFont makeFont(qreal pixelSize, int weight)
{
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setStyleHint(QFont::SansSerif);
    font.setPixelSize(qRound(pixelSize));
    font.setWeight(QFont::Weight(weight));
    return font;
}

QFont nodeNameFont()
{
    return makeFont(19, QFont::Bold);
}
QFont compactNameFont()
{
    return makeFont(24, QFont::Bold);
}
QFont nodeDetailFont()
{
    return makeFont(13, QFont::Normal);
}
QFont labelFont()
{
    return makeFont(13, QFont::DemiBold);
}
QFont tokenFont()
{
    return makeFont(11, QFont::DemiBold);
}
QFont bannerFont()
{
    return makeFont(14, QFont::DemiBold);
}

} // namespace HerdUi::TopologyStyle
