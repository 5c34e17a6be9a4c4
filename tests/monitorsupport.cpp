// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/monitorsupport.h"

#include <QProcess>
#include <QTest>

#include <algorithm>

namespace MonitorSupport {

namespace {

// Prints one "name{k=v,...} value" line per sample, labels sorted.
const char *const ParseScript = R"(
import sys
from prometheus_client.parser import text_string_to_metric_families
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        labels = ",".join("%s=%s" % (k, v) for k, v in sorted(s.labels.items()))
        print("%s{%s} %r" % (s.name, labels, float(s.value)))
)";

} // namespace

std::optional<QHash<QString, double>> parsePrometheus(const QByteArray &text, QString *error)
{
    QProcess python;
    python.start(QStringLiteral("/usr/bin/python3"),
                 {QStringLiteral("-c"), QString::fromLatin1(ParseScript)});
    if (!python.waitForStarted(5000)) {
        *error = QStringLiteral("no /usr/bin/python3: ") + python.errorString();
        return std::nullopt;
    }
    python.write(text);
    python.closeWriteChannel();
    if (!python.waitForFinished(30'000) || python.exitCode() != 0) {
        *error = QStringLiteral("the Prometheus parser failed: ")
            + QString::fromUtf8(python.readAllStandardError());
        return std::nullopt;
    }
    QHash<QString, double> samples;
    for (const QByteArray &line : python.readAllStandardOutput().split('\n')) {
        const qsizetype space = line.lastIndexOf(' ');
        if (space > 0)
            samples.insert(QString::fromUtf8(line.first(space)), line.sliced(space + 1).toDouble());
    }
    return samples;
}

QString sample(const QString &name, const QList<std::pair<QString, QString>> &labels)
{
    QList<std::pair<QString, QString>> sorted = labels;
    std::sort(sorted.begin(), sorted.end());
    QStringList parts;
    for (const auto &[key, value] : sorted)
        parts.append(key + u'=' + value);
    return name + u'{' + parts.join(u',') + u'}';
}

bool StreamReader::open(quint16 port, const QByteArray &target, int timeoutMs)
{
    connect(&m_socket, &QTcpSocket::readyRead, this, &StreamReader::onReadyRead, Qt::UniqueConnection);
    m_socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!m_socket.waitForConnected(timeoutMs))
        return false;
    m_socket.write("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    return true;
}

void StreamReader::onReadyRead()
{
    m_buffer += m_socket.readAll();
    if (m_head.isEmpty()) {
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        m_head = m_buffer.first(end);
        m_buffer.remove(0, end + 4);
    }
    for (qsizetype end = m_buffer.indexOf("\n\n"); end >= 0; end = m_buffer.indexOf("\n\n")) {
        QByteArray event;
        QByteArray data;
        for (const QByteArray &line : m_buffer.first(end).split('\n')) {
            if (line.startsWith("event: "))
                event = line.sliced(7);
            else if (line.startsWith("data: "))
                data = line.sliced(6);
        }
        m_buffer.remove(0, end + 2);
        if (data.isEmpty())
            continue; // a comment
        m_eventNames.append(event);
        m_data.append(data);
    }
}

bool StreamReader::waitForHead(int timeoutMs)
{
    return QTest::qWaitFor([this] { return !m_head.isEmpty(); }, timeoutMs);
}

bool StreamReader::waitForMessages(qsizetype count, int timeoutMs)
{
    return QTest::qWaitFor([this, count] { return m_data.size() >= count; }, timeoutMs);
}

bool StreamReader::waitForClose(int timeoutMs)
{
    return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::UnconnectedState; },
                           timeoutMs);
}

} // namespace MonitorSupport
