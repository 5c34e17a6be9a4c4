// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/monitor/eventselection.h"

#include "herd/config/herdconfig.h"

using namespace Qt::StringLiterals;

namespace Herd {

std::optional<EventSelection> EventSelection::fromQuery(const QUrlQuery &query, const HerdConfig &config,
                                                        QString *parameter, QString *error)
{
    QStringList kindNames;
    for (int kind = 0; kind <= int(EventKind::Error); ++kind)
        kindNames.append(QString::fromLatin1(eventKindName(EventKind(kind))));
    EventSelection selection;
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        *parameter = key;
        const QStringList names = value.split(u',', Qt::SkipEmptyParts);
        if (key == u"node") {
            if (!config.hasNodes(names, error))
                return std::nullopt;
            for (const QString &name : names)
                selection.m_nodes.insert(name);
        } else if (key == u"kind") {
            for (const QString &name : names) {
                const qsizetype kind = kindNames.indexOf(name);
                if (kind < 0) {
                    *error = u"no event kind \"%1\" (kinds: %2)"_s.arg(name, kindNames.join(u", "));
                    return std::nullopt;
                }
                selection.m_kinds.insert(int(kind));
            }
        } else {
            *error = u"unknown parameter \"%1\" (the stream takes node and kind)"_s.arg(key);
            return std::nullopt;
        }
    }
    return selection;
}

} // namespace Herd
