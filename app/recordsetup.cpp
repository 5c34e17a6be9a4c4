// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/recordsetup.h"

#include "app/console.h"
#include "herd/herdsource.h"

bool startRecording(const Options &options, Herd::HerdSource &herd, const QStringList &nodes,
                    std::unique_ptr<Herd::Recorder> *recorder, QString *error)
{
    recorder->reset();
    if (options.recordFile.isEmpty())
        return true;
    auto writer = std::make_unique<Herd::Recorder>(options.recordFile);
    const auto header = Herd::RecordingHeader::now(herd.config(), QStringLiteral(HERD_VERSION), nodes);
    if (!writer->open(header, error))
        return false;
    QObject::connect(&herd, &Herd::HerdSource::eventOccurred, writer.get(), &Herd::Recorder::write);
    QObject::connect(writer.get(), &Herd::Recorder::writeFailed, writer.get(),
                     [](const QString &message) { printLine(stderr, u"herd: " + message); });
    *recorder = std::move(writer);
    return true;
}

bool finishRecording(Herd::HerdSource &herd, Herd::Recorder *recorder)
{
    if (!recorder)
        return true;
    QObject::disconnect(&herd, nullptr, recorder, nullptr);
    recorder->flush();
    return !recorder->failed();
}
