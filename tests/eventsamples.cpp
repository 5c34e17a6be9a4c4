// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/eventsamples.h"

#include <iterator>

using namespace Qt::StringLiterals;
using Herd::Event;
using Herd::EventKind;

namespace EventSamples {

namespace {

constexpr EventKind Kinds[] = {EventKind::LineReceived,  EventKind::LineSent,    EventKind::RecordStored,
                               EventKind::RecordDropped, EventKind::LineInvalid, EventKind::PeerConnected};

} // namespace

Event makeEvent(int i)
{
    Event event;
    event.timeNs = BaseNs + qint64(i) * 1'000'000;
    event.node = Nodes[i % Nodes.size()];
    event.kind = Kinds[i % std::size(Kinds)];
    event.peer = u"127.0.0.1:%1"_s.arg(40000 + i % 7);
    event.client = "client" + QByteArray::number(i % 3);
    event.line =
        "IAMAT client" + QByteArray::number(i % 3) + " +34.068930-118.445127 " + QByteArray::number(i);
    event.detail = i % 10 == 0 ? u"Round ten"_s : QString();
    return event;
}

int numberOf(const Event &event)
{
    return int((event.timeNs - BaseNs) / 1'000'000);
}

} // namespace EventSamples
