// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHostAddress>
#include <QString>

#include <optional>

namespace Herd {

// Where a server of the process listens: the command line's and the herd
// file's "[ADDR:]PORT", ADDR an IP address (an IPv6 one may be in
// brackets), PORT 0 to 65535 (0: one the OS picks).
struct ListenAddress
{
    QHostAddress address;
    quint16 port = 0;

    // Null for text that is not [ADDR:]PORT. Without ADDR, `defaultAddress`.
    static std::optional<ListenAddress> parse(const QString &text,
                                              const QHostAddress &defaultAddress = QHostAddress::LocalHost);
    // "127.0.0.1:9100", "[::1]:9100".
    QString toString() const;
    // 127.0.0.1, ::1 and the rest of 127/8: no other machine can connect.
    bool isLoopback() const { return address.isLoopback(); }
};

} // namespace Herd
