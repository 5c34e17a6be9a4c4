#pragma once

#include <QHash>
#include <QObject>
#include <QTimer>

#include <memory>

#include "event.h"

class QFile;

namespace Herd {

// Writes each node's events to DIR/<node>.log, one line per event:
//
//   time <TAB> node <TAB> kind <TAB> peer <TAB> client <TAB> line <TAB> detail
//
// time is UTC ISO 8601 with nanoseconds; kind is eventKindName(); empty
// fields stay empty. Tabs, newlines and backslashes inside fields are
// escaped as \t, \n, \r and \\, and bytes that are not UTF-8 as \xNN, so one
// event is always one line: `grep -P '\tin\t'` finds every line received,
// and splitting on tabs parses it.
//
// Writes are buffered and flushed on a short timer and in the destructor,
// so a clean shutdown loses nothing.
class LogWriter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogWriter)

public:
    explicit LogWriter(const QString &directory, QObject *parent = nullptr);
    ~LogWriter() override;

    // Creates the directory; false, with a reason, if it cannot.
    bool open(QString *error);
    QString pathFor(const QString &node) const;

    void write(const Herd::Event &event);
    void flush();

    static QByteArray formatLine(const Event &event);
    // One field escaped as formatLine() does it.
    static QByteArray escapeField(QByteArrayView field);

private:
    QString m_directory;
    QHash<QString, std::shared_ptr<QFile>> m_files;
    QTimer m_flushTimer;
};

} // namespace Herd
