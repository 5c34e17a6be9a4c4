// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/eventstream.h"

#include <QHttpServerResponder>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>

#include "herd/log/logexport.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

// A dropped reader's last message gets this long to leave before the
// connection is cut.
constexpr int GoodbyeMs = 2000;

} // namespace

EventStream::EventStream(QObject *parent)
    : QObject(parent)
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(0);
    connect(&m_flushTimer, &QTimer::timeout, this, &EventStream::flush);
}

EventStream::~EventStream()
{
    for (Reader &reader : m_readers) {
        if (reader.socket)
            reader.socket->disconnectFromHost();
    }
}

int EventStream::readerCount() const
{
    return int(std::count_if(m_readers.cbegin(), m_readers.cend(), [](const Reader &reader) {
        return reader.socket && reader.socket->state() == QAbstractSocket::ConnectedState;
    }));
}

void EventStream::add(QHttpServerResponder &&responder, const EventSelection &selection, const QString &peer)
{
    // No Content-Length: the body is the stream, and it ends when the
    // connection does.
    responder.writeStatusLine();
    responder.writeHeaders({{"Content-Type", "text/event-stream; charset=utf-8"},
                            {"Cache-Control", "no-cache"},
                            {"Connection", "close"}});
    responder.writeBody(": herd events, one JSON object per message\n\n");
    m_readers.push_back({responder.socket(), selection, peer, {}});
}

void EventStream::publish(const Event &event)
{
    QByteArray message;
    for (Reader &reader : m_readers) {
        if (!reader.socket || !reader.selection.matches(event))
            continue;
        if (message.isEmpty()) {
            message = "data: " + exportRecord(event, ExportFormat::JsonLines);
            message += '\n'; // the record ends in one line feed; a message ends in two
        }
        reader.pending += message;
    }
    if (!message.isEmpty() && !m_flushTimer.isActive())
        m_flushTimer.start();
}

void EventStream::flush()
{
    std::vector<Reader> dropped;
    for (Reader &reader : m_readers) {
        if (!reader.socket || reader.socket->state() != QAbstractSocket::ConnectedState)
            continue;
        reader.socket->write(std::exchange(reader.pending, {}));
        reader.socket->flush(); // as much as the kernel takes now, without blocking
        if (reader.socket->bytesToWrite() > m_bufferLimit)
            dropped.push_back(std::exchange(reader, {}));
    }
    std::erase_if(m_readers, [](const Reader &reader) {
        return !reader.socket || reader.socket->state() != QAbstractSocket::ConnectedState;
    });
    // After the loop: whoever hears of a drop may report an event, which
    // comes back to publish().
    for (Reader &reader : dropped)
        drop(reader);
}

void EventStream::drop(Reader &reader)
{
    ++m_dropped;
    const QString why = u"%1 bytes unsent, over the limit of %2: the reader does not keep up"_s
                            .arg(reader.socket->bytesToWrite())
                            .arg(m_bufferLimit);
    reader.socket->write("event: dropped\ndata: {\"dropped\":true,\"reason\":\"" + why.toUtf8() + "\"}\n\n");
    reader.socket->disconnectFromHost();
    const QPointer<QTcpSocket> socket = reader.socket;
    QTimer::singleShot(GoodbyeMs, socket, [socket] {
        if (socket)
            socket->abort();
    });
    emit readerDropped(reader.peer, why);
}

} // namespace Herd
