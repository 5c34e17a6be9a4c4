// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/monitor/listenaddress.h"

namespace Herd {

std::optional<ListenAddress> ListenAddress::parse(const QString &text, const QHostAddress &defaultAddress)
{
    const qsizetype colon = text.lastIndexOf(u':');
    ListenAddress result;
    result.address = defaultAddress;
    if (colon >= 0) {
        QString host = text.first(colon);
        if (host.startsWith(u'[') && host.endsWith(u']'))
            host = host.sliced(1, host.size() - 2);
        if (!result.address.setAddress(host))
            return std::nullopt;
    }
    bool ok = false;
    const uint port = text.sliced(colon + 1).toUInt(&ok);
    if (!ok || port > 65535)
        return std::nullopt;
    result.port = quint16(port);
    return result;
}

QString ListenAddress::toString() const
{
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
        ? u'[' + address.toString() + u']'
        : address.toString();
    return host + u':' + QString::number(port);
}

} // namespace Herd
