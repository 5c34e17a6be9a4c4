// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QSet>
#include <QString>
#include <QUrlQuery>

#include <optional>

#include "herd/event.h"

namespace Herd {

struct HerdConfig;

// Which events a reader of the monitor's stream wants: ?node=A,B&kind=in,stored
// (kinds by their log names, eventKindName()). A missing or empty parameter
// keeps everything.
class EventSelection final
{
public:
    // Null, with the parameter at fault in *parameter and why in *error, for
    // a node not in the herd, a kind with no such name, or another parameter.
    static std::optional<EventSelection> fromQuery(const QUrlQuery &query, const HerdConfig &config,
                                                   QString *parameter, QString *error);

    bool matches(const Event &event) const
    {
        return (m_kinds.isEmpty() || m_kinds.contains(int(event.kind)))
            && (m_nodes.isEmpty() || m_nodes.contains(event.node));
    }

private:
    QSet<QString> m_nodes;
    QSet<int> m_kinds;
};

} // namespace Herd
