#pragma once

#include <QString>
#include <QtGlobal>

namespace Herd {

// Per-node knobs, filled from the herd file. Defaults suit a herd on one
// machine; every one has a herd-file key.
struct NodeSettings
{
    QString name;
    QString host = QStringLiteral("127.0.0.1"); // listen here; neighbours connect here
    quint16 port = 0;                           // 0: the OS picks (tests)
    qsizetype maxLineBytes = 16 * 1024;
    int reconnectInitialMs = 100;
    int reconnectMaxMs = 3000;
};

struct Neighbour
{
    QString name;
    QString host;
    quint16 port = 0;
};

} // namespace Herd
