// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/herdevents.h"

using namespace Qt::StringLiterals;
using Herd::Event;
using Herd::EventKind;

namespace HerdEvents {

Event nodeEvent(EventKind kind, const QString &node, qint64 timeNs)
{
    Event e;
    e.kind = kind;
    e.node = node;
    e.timeNs = timeNs;
    return e;
}

Event stored(const QString &node, const QByteArray &origin, const QByteArray &client,
             const QByteArray &clientSeconds, qint64 timeNs)
{
    Event e = nodeEvent(EventKind::RecordStored, node, timeNs);
    e.client = client;
    e.line = "AT " + origin + " +0.000100000 " + client + " +34.068930-118.445127 " + clientSeconds;
    e.detail = node.toUtf8() == origin ? u"iamat"_s : u"flood"_s;
    return e;
}

Event linkChanged(const QString &from, const QString &to, const QString &what, qint64 timeNs)
{
    Event e = nodeEvent(EventKind::LinkChanged, from, timeNs);
    e.peer = to;
    e.detail = what;
    return e;
}

} // namespace HerdEvents
