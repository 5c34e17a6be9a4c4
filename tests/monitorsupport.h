// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <QTcpSocket>

#include <optional>

// Helpers of the monitor's suites (docs/monitor.md): a real Prometheus
// parser over /metrics, and a reader of the /events stream.
namespace MonitorSupport {

// /metrics read by python3-prometheus-client's parser, run as a process:
// each sample as "name{label=value,...}" (labels sorted) -> its value. Null,
// with the reason in *error, if the parser is missing or rejects the text.
std::optional<QHash<QString, double>> parsePrometheus(const QByteArray &text, QString *error);
// The key of one sample in parsePrometheus()'s answer.
QString sample(const QString &name, const QList<std::pair<QString, QString>> &labels = {});

// A reader of GET /events on a monitor in this process (its socket is read
// by the event loop, so waits run it; none sleeps).
class StreamReader : public QObject
{
    Q_OBJECT

public:
    // Connects and sends the request for `target` ("/events?node=A").
    bool open(quint16 port, const QByteArray &target, int timeoutMs = 5000);
    // The answer's status line and headers, once they are in.
    QByteArray head() const { return m_head; }
    // Each message's data line (the JSON text), in order; and the name of
    // each message's event ("" for a plain one).
    const QList<QByteArray> &data() const { return m_data; }
    const QList<QByteArray> &eventNames() const { return m_eventNames; }
    bool waitForHead(int timeoutMs = 5000);
    bool waitForMessages(qsizetype count, int timeoutMs = 5000);
    bool waitForClose(int timeoutMs = 5000);

private:
    void onReadyRead();

    QTcpSocket m_socket;
    QByteArray m_buffer;
    QByteArray m_head;
    QList<QByteArray> m_data;
    QList<QByteArray> m_eventNames;
};

} // namespace MonitorSupport
