// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QObject>
#include <QTimer>

class QTcpSocket;

namespace Herd {

// One line sent to a node over TCP and its whole reply read back: how a
// scenario's clients talk to the herd, over the same sockets as any other
// client. The reply is complete at its first line, except that a WHATSAT
// answered with an AT line goes on to the empty line ending the places JSON.
// finished() is emitted exactly once: with the reply, or with what went
// wrong (refused, closed early, no reply in time); the connection is then
// closed.
//
// Thread affinity: the creating thread. Owns its socket.
class LineRequest final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LineRequest)

public:
    enum class Shape { OneLine, Whatsat };

    explicit LineRequest(QObject *parent = nullptr);
    ~LineRequest() override;

    // `line` without its "\n".
    void start(const QString &host, quint16 port, const QByteArray &line, Shape shape, int timeoutMs);

signals:
    // `reply` as received, line endings included; empty when !ok.
    void finished(bool ok, const QByteArray &reply, const QString &error);

private:
    void onReadyRead();
    void finish(bool ok, const QString &error = {});

    QTcpSocket *m_socket = nullptr; // owned (child)
    QTimer m_timeout;
    QByteArray m_line;
    QByteArray m_reply;
    Shape m_shape = Shape::OneLine;
    QString m_target; // "host:port", for messages
    bool m_done = false;
};

} // namespace Herd
