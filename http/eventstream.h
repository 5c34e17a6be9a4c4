// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

#include <vector>

#include "herd/event.h"
#include "herd/monitor/eventselection.h"

class QHttpServerResponder;
class QTcpSocket;

namespace Herd {

// The monitor's live stream, GET /events: Server-Sent Events, one event per
// message, its data one JSON object in the log export's JSON Lines schema
// (herd/log/logexport.h). docs/monitor.md says why SSE and not a WebSocket.
//
// A reader never slows the herd: publish() only appends to the reader's
// pending bytes, which go to its socket once per pass of the event loop (as
// many as the kernel takes: Qt would send one block per write notification,
// too few for a busy herd's stream). A reader whose unsent bytes pass the
// limit is sent a last "dropped" message and closed (aborted if even that
// cannot leave), so each reader holds at most about limit bytes.
//
// Thread affinity: the creating thread, the cluster's.
class EventStream final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventStream)

public:
    static constexpr qint64 DefaultBufferLimit = 1 << 20;
    static constexpr int MaxReaders = 32;

    explicit EventStream(QObject *parent = nullptr);
    ~EventStream() override;

    // Unsent bytes a reader may hold before it is dropped.
    void setBufferLimit(qint64 bytes) { m_bufferLimit = bytes; }
    bool isFull() const { return readerCount() >= MaxReaders; }
    int readerCount() const;
    quint64 droppedCount() const { return m_dropped; }

    // Answers the request with the stream's head and keeps its socket: from
    // now on every event `selection` matches is written to it.
    void add(QHttpServerResponder &&responder, const EventSelection &selection, const QString &peer);
    void publish(const Event &event);
    // Hands every reader's pending bytes to its socket.
    void flush();

signals:
    // A reader fell behind and was closed; `why` says by how much.
    void readerDropped(const QString &peer, const QString &why);

private:
    struct Reader
    {
        QPointer<QTcpSocket> socket; // owned by the HTTP server
        EventSelection selection;
        QString peer;
        QByteArray pending; // events since the last flush()
    };
    void drop(Reader &reader);

    std::vector<Reader> m_readers;
    QTimer m_flushTimer; // single shot, 0 ms: the end of this pass of the event loop
    qint64 m_bufferLimit = DefaultBufferLimit;
    quint64 m_dropped = 0;
};

} // namespace Herd
