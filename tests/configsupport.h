// SPDX-License-Identifier: GPL-3.0-or-later
// Herd-file text for the config suites.
#pragma once

#include <QByteArray>

namespace ConfigSupport {

// A herd file around `nodes` and the rest of the top level.
inline QByteArray herd(const char *nodes, const char *rest = "")
{
    return QByteArray("{\"nodes\": {") + nodes + '}' + rest + '}';
}

inline const char *const TwoNodes =
    R"("A": {"host": "127.0.0.1", "port": 13000}, "B": {"host": "127.0.0.1", "port": 13001})";

} // namespace ConfigSupport
