// SPDX-License-Identifier: GPL-3.0-or-later
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "herd/event.h"
#include "herd/log/logwriter.h"
#include "tests/eventsamples.h"

using namespace Qt::StringLiterals;
using Herd::Event;
using Herd::LogWriter;

// LogWriter hands events to a writer thread of its own: what reaches the
// files must be what the event loop wrote, in order, byte for byte, as
// formatLine() gives it, and nothing may be lost without a word.
class TestLogWriter : public QObject
{
    Q_OBJECT

private slots:
    void manyEventsArriveInOrder();
    void destructorWritesEverything();
    void timerWritesWithoutFlush();
    void changesLeaveLinesOut();
    void fullQueueDropsCountedAndNoted();
    void failedWriteReportedOnce();
};

namespace {

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Event `i` of makeEvent(), with text fields that take the slow paths now
// and then: UTF-16 beyond ASCII, a tab, a bidi override, invalid UTF-8.
Event sample(int i)
{
    Event event = EventSamples::makeEvent(i);
    if (i % 7 == 0)
        event.detail = u"caf\u00e9\tkiwi\u202Egpj.exe %1"_s.arg(i);
    if (i % 11 == 0)
        event.line += "\xff\\\n";
    if (i % 13 == 0)
        event.peer = u"Cl\u00e4rk"_s;
    return event;
}

QHash<QString, QByteArray> expectedLogs(const QList<Event> &events)
{
    QHash<QString, QByteArray> logs;
    for (const Event &event : events)
        logs[event.node] += LogWriter::formatLine(event);
    return logs;
}

} // namespace

void TestLogWriter::manyEventsArriveInOrder()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QList<Event> events;
    for (int i = 0; i < 30'000; ++i) // several MiB: many batches
        events.append(sample(i));
    LogWriter writer(dir.path());
    QString error;
    QVERIFY2(writer.open(EventSamples::Nodes, &error), qPrintable(error));
    for (const Event &event : std::as_const(events))
        writer.write(event);
    writer.flush();
    const QHash<QString, QByteArray> expected = expectedLogs(events);
    for (const QString &node : EventSamples::Nodes)
        QVERIFY2(readAll(writer.pathFor(node)) == expected.value(node), qPrintable(node));
    QCOMPARE(writer.droppedEvents(), 0);
    QVERIFY(!writer.failed());
}

void TestLogWriter::destructorWritesEverything()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QList<Event> events;
    for (int i = 0; i < 2'000; ++i)
        events.append(sample(i));
    QString path;
    {
        LogWriter writer(dir.path());
        QString error;
        QVERIFY2(writer.open(EventSamples::Nodes, &error), qPrintable(error));
        for (const Event &event : std::as_const(events))
            writer.write(event);
        path = writer.pathFor(EventSamples::Nodes[0]);
    }
    QCOMPARE(readAll(path), expectedLogs(events).value(EventSamples::Nodes[0]));
}

void TestLogWriter::timerWritesWithoutFlush()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    LogWriter writer(dir.path());
    QString error;
    QVERIFY2(writer.open(EventSamples::Nodes, &error), qPrintable(error));
    const Event event = sample(0);
    writer.write(event);
    // Far below a batch: only the short timer sends it to the file.
    QTRY_COMPARE_WITH_TIMEOUT(readAll(writer.pathFor(event.node)), LogWriter::formatLine(event), 5000);
}

void TestLogWriter::changesLeaveLinesOut()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    LogWriter writer(dir.path());
    writer.setDetail(LogWriter::Detail::Changes);
    QString error;
    QVERIFY2(writer.open(EventSamples::Nodes, &error), qPrintable(error));
    QList<Event> kept;
    for (int i = 0; i < 500; ++i) {
        const Event event = sample(i);
        writer.write(event);
        if (event.kind != Herd::EventKind::LineReceived && event.kind != Herd::EventKind::LineSent)
            kept.append(event);
    }
    writer.flush();
    QVERIFY(kept.size() < 500);
    const QHash<QString, QByteArray> expected = expectedLogs(kept);
    for (const QString &node : EventSamples::Nodes)
        QCOMPARE(readAll(writer.pathFor(node)), expected.value(node));
}

void TestLogWriter::fullQueueDropsCountedAndNoted()
{
    // A log that is a FIFO no one reads yet: the writer thread blocks once
    // the pipe is full, so the queue fills behind it.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString node = EventSamples::Nodes[0];
    const QByteArray fifo = QFile::encodeName(QDir(dir.path()).filePath(node + u".log"_s));
    QCOMPARE(::mkfifo(fifo.constData(), 0600), 0);
    const int reader = ::open(fifo.constData(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    QVERIFY(reader >= 0);

    QList<Event> events;
    for (int i = 0; i < 20'000; ++i) {
        Event event = sample(i);
        event.node = node;
        events.append(event);
    }
    QByteArray log;
    std::thread drain;
    {
        LogWriter writer(dir.path());
        writer.setQueueLimit(1, 20);
        QString error;
        QVERIFY2(writer.open({node}, &error), qPrintable(error));
        for (const Event &event : std::as_const(events))
            writer.write(event);
        QVERIFY(writer.droppedEvents() > 0);
        QVERIFY(writer.droppedEvents() < events.size());
        const qint64 dropped = writer.droppedEvents();

        // Now the disk catches up: everything still queued, and the note of
        // what was lost, reaches the log when the writer stops.
        QCOMPARE(::fcntl(reader, F_SETFL, 0), 0);
        drain = std::thread([reader, &log] {
            char buffer[65536];
            for (;;) {
                const ssize_t got = ::read(reader, buffer, sizeof buffer);
                if (got <= 0)
                    break; // the writer closed its end
                log.append(buffer, got);
            }
        });
        writer.flush();
        QCOMPARE(writer.droppedEvents(), dropped); // flush waits rather than drop
    }
    drain.join();
    ::close(reader);

    // The lines are the events in order, some missing, and notes.
    const QList<QByteArray> lines = log.split('\n');
    QCOMPARE(lines.last(), QByteArray());
    qsizetype next = 0;
    qint64 logged = 0;
    qint64 noted = 0;
    const QRegularExpression note(
        u"\terror\t\t\t\tthe log writer fell behind the disk: (\\d+) events were not logged$"_s);
    for (qsizetype i = 0; i + 1 < lines.size(); ++i) {
        const QByteArray line = lines[i] + '\n';
        const QRegularExpressionMatch match = note.match(QString::fromUtf8(lines[i]));
        if (match.hasMatch()) {
            noted += match.captured(1).toLongLong();
            continue;
        }
        while (next < events.size() && LogWriter::formatLine(events[next]) != line)
            ++next;
        QVERIFY2(next < events.size(), line.constData()); // each line one of the events, in order
        ++next;
        ++logged;
    }
    QVERIFY(noted > 0);
    QCOMPARE(logged + noted, events.size());
}

void TestLogWriter::failedWriteReportedOnce()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString node = EventSamples::Nodes[0];
    const QString path = QDir(dir.path()).filePath(node + u".log"_s);
    QVERIFY(QFile::link(u"/dev/full"_s, path)); // every write: no space left
    LogWriter writer(dir.path());
    QSignalSpy failed(&writer, &LogWriter::writeFailed);
    QString error;
    QVERIFY2(writer.open({node}, &error), qPrintable(error));
    Event event = sample(1);
    event.node = node;
    writer.write(event);
    // Written out by the timer, on the writer thread; reported on the loop.
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 5000);
    QCOMPARE(failed.at(0).at(0).toString(), node);
    const QString message = failed.at(0).at(1).toString();
    QVERIFY2(message.startsWith(u"cannot write log " + path + u": "), qPrintable(message));
    QVERIFY2(message.endsWith(u"; its events are no longer logged"_s), qPrintable(message));
    QVERIFY(writer.failed());
    for (int i = 0; i < 5'000; ++i)
        writer.write(event);
    writer.flush();
    QCOMPARE(failed.count(), 1);
}

QTEST_GUILESS_MAIN(TestLogWriter)
#include "tst_logwriter.moc"
