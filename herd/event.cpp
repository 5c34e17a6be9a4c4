// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/event.h"

namespace Herd {

const char *eventKindName(EventKind kind)
{
    switch (kind) {
    case EventKind::NodeStarted:
        return "started";
    case EventKind::NodeStopped:
        return "stopped";
    case EventKind::ClientConnected:
        return "connected";
    case EventKind::ClientDisconnected:
        return "disconnected";
    case EventKind::LineReceived:
        return "in";
    case EventKind::LineSent:
        return "out";
    case EventKind::LineInvalid:
        return "invalid";
    case EventKind::RecordStored:
        return "stored";
    case EventKind::RecordDropped:
        return "dropped";
    case EventKind::PeerConnected:
        return "peer-up";
    case EventKind::PeerDisconnected:
        return "peer-down";
    case EventKind::PeerRetrying:
        return "peer-retry";
    case EventKind::SendSkipped:
        return "skipped";
    case EventKind::LinkChanged:
        return "link";
    case EventKind::Resynced:
        return "resync";
    case EventKind::Refused:
        return "refused";
    case EventKind::Error:
        return "error";
    }
    return "?";
}

} // namespace Herd
