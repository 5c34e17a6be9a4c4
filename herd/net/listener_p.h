// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QTcpServer>

namespace Herd {

// A QTcpServer that hands over raw descriptors instead of QTcpSockets, so
// that a LineConnection can own them (see lineconnection.h for why).
class Listener final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Listener)

public:
    using QTcpServer::QTcpServer;

signals:
    // The receiver owns `descriptor` and must close it.
    void accepted(qintptr descriptor);

protected:
    void incomingConnection(qintptr descriptor) override { emit accepted(descriptor); }
};

} // namespace Herd
