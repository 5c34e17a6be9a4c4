// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QComboBox;
class QLineEdit;
class QPlainTextEdit;
class QTcpSocket;

namespace Herd {
class HerdSource;
}

namespace HerdUi {

// A client of the herd in a box: pick a node, send IAMAT, WHATSAT or any
// line over a real TCP connection, and read the raw reply.
class ClientConsole final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientConsole)

public:
    explicit ClientConsole(Herd::HerdSource *herd, QWidget *parent = nullptr);
    ~ClientConsole() override;

    QString node() const;
    void setNode(const QString &node);
    // Sends `line` (without its newline) to the chosen node.
    void send(const QString &line);
    QString transcript() const;

signals:
    void replyReceived(const QByteArray &text);

private:
    void sendTyped();
    void fillIamat();
    void fillWhatsat();
    void ensureConnected();
    void append(const QString &text, const QString &colour);
    void onReadyRead();

    Herd::HerdSource *m_herd;     // borrowed
    QComboBox *m_nodes = nullptr; // children, owned by the widget tree
    QLineEdit *m_clientId = nullptr;
    QLineEdit *m_input = nullptr;
    QPlainTextEdit *m_output = nullptr;
    QTcpSocket *m_socket = nullptr; // owned (child); one per chosen node
    QStringList m_pending;          // typed before the connection was up
    QString m_connectedTo;
};

} // namespace HerdUi
