// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/clientconsole.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTcpSocket>
#include <QVBoxLayout>

#include "herd/wire/clock.h"
#include "herd/herdsource.h"
#include "herd/node/store.h"
#include "herd/node/node.h"
#include "herd/wire/protocol.h"

namespace HerdUi {

ClientConsole::ClientConsole(Herd::HerdSource *herd, QWidget *parent)
    : QWidget(parent)
    , m_herd(herd)
{
    m_nodes = new QComboBox(this);
    for (const QString &node : herd->config().nodeNames()) {
        if (herd->nodeStatus(node))
            m_nodes->addItem(node);
    }
    m_clientId = new QLineEdit(QStringLiteral("kiwi.cs.ucla.edu"), this);
    m_clientId->setToolTip(tr("Client id used by the IAMAT and WHATSAT buttons"));
    auto *iamat = new QPushButton(tr("IAMAT"), this);
    iamat->setToolTip(tr("Fill in an IAMAT for this client at UCLA, time now"));
    auto *whatsat = new QPushButton(tr("WHATSAT"), this);
    whatsat->setToolTip(tr("Fill in a WHATSAT for this client: 10 km, 5 places"));
    m_input = new QLineEdit(this);
    m_input->setPlaceholderText(tr("Type any line and press Enter"));
    m_input->setClearButtonEnabled(true);
    auto *sendButton = new QPushButton(tr("Send"), this);
    m_output = new QPlainTextEdit(this);
    m_output->setReadOnly(true);
    m_output->setMaximumBlockCount(5000);
    m_output->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Node:"), this));
    top->addWidget(m_nodes);
    top->addWidget(new QLabel(tr("Client:"), this));
    top->addWidget(m_clientId, 1);
    top->addWidget(iamat);
    top->addWidget(whatsat);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_input, 1);
    bottom->addWidget(sendButton);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_output, 1);
    layout->addLayout(bottom);

    connect(iamat, &QPushButton::clicked, this, &ClientConsole::fillIamat);
    connect(whatsat, &QPushButton::clicked, this, &ClientConsole::fillWhatsat);
    connect(sendButton, &QPushButton::clicked, this, &ClientConsole::sendTyped);
    connect(m_input, &QLineEdit::returnPressed, this, &ClientConsole::sendTyped);
}

ClientConsole::~ClientConsole() = default;

QString ClientConsole::node() const
{
    return m_nodes->currentText();
}

void ClientConsole::setNode(const QString &node)
{
    m_nodes->setCurrentText(node);
}

QString ClientConsole::transcript() const
{
    return m_output->toPlainText();
}

void ClientConsole::fillIamat()
{
    const qint64 now = Herd::wallClockNs();
    m_input->setText(QStringLiteral("IAMAT %1 +34.068930-118.445127 %2")
                         .arg(m_clientId->text(), QString::fromLatin1(Herd::formatTime(now))));
    m_input->setFocus();
}

void ClientConsole::fillWhatsat()
{
    m_input->setText(QStringLiteral("WHATSAT %1 10 5").arg(m_clientId->text()));
    m_input->setFocus();
}

void ClientConsole::sendTyped()
{
    if (m_input->text().isEmpty())
        return;
    send(m_input->text());
    m_input->clear();
}

void ClientConsole::send(const QString &line)
{
    ensureConnected();
    append(QStringLiteral("→ %1: %2").arg(node(), line), QStringLiteral("#1f4e99"));
    if (m_socket->state() == QAbstractSocket::ConnectedState)
        m_socket->write(line.toUtf8() + '\n');
    else
        m_pending.append(line);
}

void ClientConsole::ensureConnected()
{
    const QString target = node();
    if (m_socket && m_connectedTo == target && m_socket->state() != QAbstractSocket::UnconnectedState)
        return;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
    }
    m_connectedTo = target;
    m_socket = new QTcpSocket(this);
    connect(m_socket, &QTcpSocket::connected, this, [this] {
        for (const QString &line : std::exchange(m_pending, {}))
            m_socket->write(line.toUtf8() + '\n');
    });
    connect(m_socket, &QTcpSocket::readyRead, this, &ClientConsole::onReadyRead);
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this] {
        append(QStringLiteral("✗ %1: %2").arg(m_connectedTo, m_socket->errorString()),
               QStringLiteral("#b3261e"));
        m_pending.clear();
    });
    const std::optional<Herd::NodeStatus> node = m_herd->nodeStatus(target);
    m_socket->connectToHost(node ? node->host : QStringLiteral("127.0.0.1"), node ? node->port : 0);
}

void ClientConsole::onReadyRead()
{
    const QByteArray text = m_socket->readAll();
    append(QString::fromUtf8(text).trimmed().prepend(u"← " + m_connectedTo + u":\n"),
           QStringLiteral("#1b5e20"));
    emit replyReceived(text);
}

void ClientConsole::append(const QString &text, const QString &colour)
{
    m_output->appendHtml(
        QStringLiteral("<pre style=\"color:%1; margin:0\">%2</pre>").arg(colour, text.toHtmlEscaped()));
}

} // namespace HerdUi
