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
// Every line in and out of every node is logged, so this is on the hot path
// of every request: each event is formatted straight into its node's buffer
// (no line of its own, no UTF-16 to UTF-8 round trip for ASCII fields), and
// a buffer reaches its file in one write when it passes 64 KiB, on a short
// timer and in the destructor, so a clean shutdown loses nothing.
class LogWriter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogWriter)

public:
    // What goes into the logs: every event, or all but the lines each node
    // receives and sends (LineReceived, LineSent), which are most of them:
    // an IAMAT flooded through a 5-node herd makes about 41 events and some
    // 2.7 KB of log, about half of it lines.
    enum class Detail { All, Changes };

    explicit LogWriter(const QString &directory, QObject *parent = nullptr);
    ~LogWriter() override;

    // Creates the directory; false, with a reason, if it cannot.
    bool open(QString *error);
    QString pathFor(const QString &node) const;

    void setDetail(Detail detail) { m_detail = detail; }
    Detail detail() const { return m_detail; }

    void write(const Herd::Event &event);
    void flush();

    static QByteArray formatLine(const Event &event);
    // One field escaped as formatLine() does it.
    static QByteArray escapeField(QByteArrayView field);

private:
    struct NodeLog;
    NodeLog &logFor(const QString &node);
    void writeOut(NodeLog &log);

    QString m_directory;
    QHash<QString, std::shared_ptr<NodeLog>> m_logs;
    NodeLog *m_last = nullptr; // the node of the previous event: usually the next one's too
    QTimer m_flushTimer;
    Detail m_detail = Detail::All;
};

} // namespace Herd
