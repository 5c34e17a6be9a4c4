// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>

#include <functional>

#include <netinet/in.h>

class QSocketNotifier;
class QTcpSocket;

namespace Herd::Test {

// A herd client for tests, on 127.0.0.1: sends bytes as given (no newline is
// added) and collects every byte it receives. Waits run the event loop until
// a condition holds or a deadline passes (QTest::qWaitFor); none sleeps, so
// a node living in the same thread keeps working while the test waits.
//
// Two flavours share the interface:
//  - LineClient wraps a QTcpSocket;
//  - RawLineClient uses a POSIX socket, because QTcpSocket cannot half-close:
//    the course's grader writes its last line, shuts down its sending side
//    (shutdown(SHUT_WR)) and then reads to EOF.
class ClientBase : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientBase)

public:
    explicit ClientBase(QObject *parent = nullptr)
        : QObject(parent)
    {}
    ~ClientBase() override = default;

    virtual bool connectTo(quint16 port, int timeoutMs = 5000) = 0;
    virtual void send(const QByteArray &bytes) = 0;
    virtual bool isConnected() const = 0;

    // Everything received so far, as received.
    const QByteArray &received() const { return m_received; }
    // The complete lines received so far, without their "\n".
    QList<QByteArray> lines() const;
    // True once the node closed its side (EOF read) or the connection failed.
    bool atEof() const { return m_eof; }
    void clear() { m_received.clear(); }

    // Each returns true if the condition held before `timeoutMs` passed.
    bool waitForLines(qsizetype count, int timeoutMs = 5000);
    bool waitForBytes(qsizetype count, int timeoutMs = 5000);
    // Until received() contains `needle` at least `times` times.
    bool waitForText(const QByteArray &needle, int times = 1, int timeoutMs = 5000);
    bool waitForEof(int timeoutMs = 5000);
    bool waitUntil(const std::function<bool()> &condition, int timeoutMs = 5000);

signals:
    void bytesArrived();
    void eofReached();

protected:
    void append(const QByteArray &bytes);
    void markEof();

private:
    QByteArray m_received;
    bool m_eof = false;
};

class LineClient final : public ClientBase
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LineClient)

public:
    explicit LineClient(QObject *parent = nullptr);
    ~LineClient() override;

    bool connectTo(quint16 port, int timeoutMs = 5000) override;
    void send(const QByteArray &bytes) override;
    bool isConnected() const override;
    QTcpSocket *socket() const { return m_socket; }

private:
    QTcpSocket *m_socket; // owned (child)
};

class RawLineClient final : public ClientBase
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RawLineClient)

public:
    explicit RawLineClient(QObject *parent = nullptr);
    ~RawLineClient() override;

    // Connects (blocking on loopback is immediate once the node listens).
    bool connectTo(quint16 port, int timeoutMs = 5000) override;
    // Writes every byte (retrying on a full send buffer while running the
    // event loop, bounded by 5 s).
    void send(const QByteArray &bytes) override;
    bool isConnected() const override { return m_fd >= 0 && !atEof(); }
    // shutdown(SHUT_WR): the node reads EOF; we can still read its replies.
    void shutdownWrite();
    void close();

private:
    void onReadable();

    int m_fd = -1;
    QSocketNotifier *m_notifier = nullptr; // owned (child)
};

// 127.0.0.1:port, for ::connect() and ::bind().
sockaddr_in loopbackAddress(quint16 port);

// A blocking TCP socket with a receive buffer of about 4 KiB, so that a
// peer writing to it soon fills it; -1 if none could be made. The caller
// closes it.
int smallWindowSocket();

} // namespace Herd::Test
