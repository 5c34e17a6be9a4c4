// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QObject>
#include <QSocketNotifier>
#include <QTcpServer>

#include <functional>

namespace HerdDouble {

// One accepted connection of herd-double, on its raw descriptor.
//
// Why not QTcpSocket: a course grader writes its lines, half-closes
// (shutdown(SHUT_WR)) and reads until the server closes. QTcpSocket takes
// that EOF for a close of both directions and drops the replies still to
// be sent; an asyncio server answers them. Here EOF only ends the input.
// Deletes itself once closed.
class ClientConnection : public QObject
{
public:
    ClientConnection(qintptr descriptor, QObject *parent);
    ~ClientConnection() override;

    // Called after each read with what has arrived and not been taken yet.
    std::function<void(ClientConnection *)> onRead;

    // The bytes read and not yet taken as lines; the owner takes them.
    QByteArray &input() { return m_input; }
    // The client half-closed: nothing more will arrive.
    bool inputEnded() const { return m_inputEnded; }

    // Called when the connection fails with replies still unsent.
    std::function<void()> onLostWithOutput;

    void write(const QByteArray &bytes);
    // Blocks until every byte written is sent or the connection fails: how a
    // server with blocking writes behaves (the "blocking-send" defect).
    void flushBlocking();
    // Closes once everything written has been sent.
    void closeWhenSent();

private:
    void readable();
    void send();
    void close();

    int m_fd;
    QSocketNotifier m_reader;
    QSocketNotifier m_writer;
    QByteArray m_input;
    QByteArray m_output;
    bool m_inputEnded = false;
    bool m_closeWhenSent = false;
};

// A QTcpServer that hands over accepted descriptors instead of sockets.
class DescriptorServer : public QTcpServer
{
public:
    std::function<void(qintptr)> onAccepted;

protected:
    void incomingConnection(qintptr descriptor) override { onAccepted(descriptor); }
};

} // namespace HerdDouble
