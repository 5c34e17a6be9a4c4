// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/monitorsetup.h"

#include "app/options.h"

std::optional<Herd::ListenAddress> monitorAddress(const Options &options, const Herd::HerdConfig &config,
                                                  const QStringList &nodes, QString *error)
{
    if (options.monitor)
        return options.monitor;
    QString named;
    QString namedBy;
    for (const QString &name : nodes) {
        const QString monitor = config.node(name)->monitor;
        if (monitor.isEmpty() || monitor == named)
            continue;
        if (!named.isEmpty()) {
            *error = QStringLiteral("the nodes of this process name two monitors, %1 (%2) and %3 (%4); "
                                    "give --monitor, or run them as separate processes")
                         .arg(named, namedBy, monitor, name);
            return std::nullopt;
        }
        named = monitor;
        namedBy = name;
    }
    return named.isEmpty() ? std::nullopt : Herd::ListenAddress::parse(named);
}
