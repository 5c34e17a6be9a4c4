// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QFile>
#include <QObject>
#include <QTimer>

#include "herd/event.h"
#include "herd/record/recordingheader.h"

namespace Herd {

// Writes a recording (docs/recording.md): the header line, then every event
// of the run as one line of the log export's JSON Lines (exportRecord()).
//
// It reads the one event stream, so it runs inside every node's report():
// each event is appended to a buffer that reaches the file in one write once
// it passes 64 KiB, on a short timer and in the destructor, as LogWriter's
// logs do. A process killed outright loses at most the buffer, and leaves a
// file cut mid-line, which Recording opens with a note saying where it ends.
//
// A write that fails (a full disk) is reported once by writeFailed(); the
// events after it are dropped and failed() stays true.
class Recorder final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Recorder)

public:
    explicit Recorder(const QString &path, QObject *parent = nullptr);
    ~Recorder() override;

    // Creates (truncates) the file and writes the header; false, with
    // "cannot record to PATH: REASON", if it cannot.
    bool open(const RecordingHeader &header, QString *error);
    QString path() const { return m_file.fileName(); }
    bool failed() const { return m_failed; }

    void write(const Herd::Event &event);
    void flush();

signals:
    void writeFailed(const QString &message);

private:
    QFile m_file;
    QByteArray m_pending;
    QTimer m_flushTimer;
    bool m_failed = false;
};

} // namespace Herd
