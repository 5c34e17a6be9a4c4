// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace Herd {

// Qt's HTTP server writes each whole request, its URL and headers (so a
// places key or a monitor's bearer token) included, to its debug output:
// that output stays off, whatever the logging rules say. Every server of
// herdhttp calls this before it serves; calls after the first do nothing.
void keepHttpServerDebugOff();

} // namespace Herd
