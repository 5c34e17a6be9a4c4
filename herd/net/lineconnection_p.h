// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QObject>

#include "herd/net/socketpoller_p.h"

namespace Herd {

// One accepted TCP connection, read as lines, on a raw socket descriptor.
//
// Why not QTcpSocket: when the client half-closes (writes, shuts down its
// sending side, then reads to EOF, as the course's grader does), QTcpSocket
// treats the EOF as "remote host closed" and closes both directions, so the
// replies the client is waiting for could never be sent. Here EOF only ends
// the input; output stays open until closeWhenFlushed().
//
// Lines are delivered without their ending ("\n" or "\r\n"); a last line
// ended by the peer's half-close instead is delivered as it came, a final
// "\r" and all. Replies written while a read batch
// is being handled go out in one send() at the end of the poller's pass,
// after every connection ready in it was handled, each send preceded by
// aboutToSend(): a node's sessions flood a whole pass's updates first, in
// one send per link, and only then answer them.
//
// Lifecycle:  open --(EOF)--> input finished --closeWhenFlushed()--> closed
//               \--(error / reset / abort())------------------------> closed
// Readiness comes from the node's SocketPoller (one epoll set for all its
// connections), not from a QSocketNotifier each: see socketpoller.h.
// Thread affinity: the creating thread, the poller's. Never deletes itself.
class LineConnection final : public QObject, private SocketPoller::Watcher
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LineConnection)

public:
    // Takes ownership of `descriptor`, a connected stream socket. `poller`
    // must outlive the connection.
    LineConnection(qintptr descriptor, qsizetype maxLineBytes, SocketPoller *poller,
                   QObject *parent = nullptr);
    ~LineConnection() override;

    QHostAddress peerAddress() const { return m_peerAddress; }
    quint16 peerPort() const { return m_peerPort; }
    QString peer() const; // "127.0.0.1:53422"
    bool isOpen() const { return m_fd >= 0; }
    qintptr descriptor() const { return m_fd; }
    qsizetype pendingBytes() const { return m_out.size() - m_outOffset; }
    // Past this many unsent bytes a session stops taking more work from
    // this connection until outputDrained(); reading pauses here too.
    static constexpr qsizetype CongestedAbove = 1024 * 1024;
    bool isCongested() const { return pendingBytes() > CongestedAbove; }
    // Above this many unsent bytes the connection closes and emits
    // outputOverflowed(): reading already pauses at 1 MiB, so only a client
    // that never reads gets there. Default: no limit.
    void setMaxPendingBytes(qsizetype bytes) { m_maxPendingBytes = bytes; }
    // The owner's own brake (e.g. too many WHATSATs in flight): while held,
    // nothing more is read; lines already read are still delivered.
    void setReadingHeld(bool held);
    bool isReadingHeld() const { return m_readingHeld; }
    // Milliseconds since bytes last arrived (or since the connection opened).
    qint64 msSinceInput() const { return m_sinceInput.elapsed(); }
    // "address:port" of a connected descriptor's peer, for connections that
    // are refused before a LineConnection is made.
    static QString peerOf(qintptr descriptor, QHostAddress *address = nullptr, quint16 *port = nullptr);

    void write(const QByteArray &data);
    // aboutToSend() at the end of this pass (or now, outside one) even with
    // nothing written: the owner has output that waits on it.
    void requestSend();
    // outputDrained() once nothing is left unsent.
    void notifyWhenDrained() { m_drainAwaited = true; }
    // Stop reading; close once everything written so far has been sent.
    void closeWhenFlushed();
    // Close now, dropping unsent data.
    void abort();

signals:
    void lineReceived(const QByteArray &line);
    // A line passed the limit: `head` is its first maxLineBytes bytes. The
    // rest of it, up to the next newline, is discarded unread into memory.
    void lineTooLong(const QByteArray &head);
    // The peer shut down its sending side; any last unterminated line has
    // already been delivered.
    void inputFinished();
    // Unsent output passed setMaxPendingBytes(); closed() follows at once.
    void outputOverflowed(qsizetype pendingBytes);
    // Output is about to go to the kernel: whatever must leave before these
    // replies (a node's flood of the updates they acknowledge) goes now.
    void aboutToSend();
    // Everything written so far has gone to the kernel, after
    // notifyWhenDrained() asked.
    void outputDrained();
    void closed(const QString &reason);

private:
    void socketReady(bool readable, bool writable) override;
    void afterPass() override;
    void onReadable();
    void onWritable();
    void consume(QByteArrayView chunk);
    void deliver(QByteArrayView line);
    void keepTail(QByteArrayView tail);
    void flush();
    void resumeReadingIfDrained();
    void updateInterest();
    void closeWith(const QString &reason);

    int m_fd = -1;
    qsizetype m_maxLineBytes;
    QHostAddress m_peerAddress;
    quint16 m_peerPort = 0;
    SocketPoller *m_poller;         // borrowed
    quint64 m_watch = 0;            // m_poller's token for m_fd
    bool m_waitingWritable = false; // the kernel took only part of the output
    QByteArray m_in;
    QByteArray m_out;
    qsizetype m_outOffset = 0;
    bool m_discarding = false; // inside a too-long line, until its newline
    bool m_inBatch = false;
    bool m_sending = false;       // inside flush()'s aboutToSend(): writes only append
    bool m_sendRequested = false; // requestSend()
    bool m_drainAwaited = false;  // notifyWhenDrained()
    bool m_readPaused = false;    // too many replies wait for a client that does not read
    bool m_readingHeld = false;   // setReadingHeld()
    qsizetype m_maxPendingBytes = -1;
    QElapsedTimer m_sinceInput;
    bool m_inputDone = false;
    bool m_closeWhenFlushed = false;
};

} // namespace Herd
