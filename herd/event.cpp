// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/event.h"

namespace Herd {

namespace {

const QLatin1StringView PlacesTimePrefix("places ");
const QLatin1StringView PlacesTimeUnit(" ms");

} // namespace

QString placesTimeDetail(qint64 elapsedNs)
{
    return PlacesTimePrefix + QString::number(double(elapsedNs) / 1e6, 'f', 3) + PlacesTimeUnit;
}

std::optional<double> placesTimeSeconds(const QString &detail)
{
    if (!detail.startsWith(PlacesTimePrefix) || !detail.endsWith(PlacesTimeUnit))
        return std::nullopt;
    bool ok = false;
    const double ms =
        QStringView(detail)
            .sliced(PlacesTimePrefix.size(), detail.size() - PlacesTimePrefix.size() - PlacesTimeUnit.size())
            .toDouble(&ok);
    if (!ok)
        return std::nullopt;
    return ms / 1000;
}

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
