// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/logsetup.h"

bool openLogs(const Options &options, const QStringList &nodes, std::unique_ptr<Herd::LogWriter> *logs,
              QString *error)
{
    logs->reset();
    if (options.log == Options::Log::None)
        return true;
    auto writer = std::make_unique<Herd::LogWriter>(options.logDir);
    if (!writer->open(nodes, error))
        return false;
    writer->setDetail(options.log == Options::Log::Changes ? Herd::LogWriter::Detail::Changes
                                                           : Herd::LogWriter::Detail::All);
    *logs = std::move(writer);
    return true;
}
