// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

#include <atomic>
#include <functional>

namespace Herd::Check {

class Transcript;

// One client connection the checker opens to a node under test, on a plain
// POSIX socket so that it can do what a grader does and a QTcpSocket
// cannot: half-close, reset, or stop reading. Every call blocks for at most
// its timeout (and returns early when the run is cancelled), so a server
// that hangs costs time, never a hang. Every byte goes to the transcript.
//
// Used on the checker's worker thread; one thread per Probe.
class Probe
{
public:
    Probe(Transcript *transcript, QString label, const std::atomic<bool> *cancelled);
    ~Probe();
    Probe(const Probe &) = delete;
    Probe &operator=(const Probe &) = delete;

    bool connectTo(const QString &host, quint16 port, int timeoutMs);
    // Sends all of `bytes` (no newline added); false if the connection
    // failed or the peer would not take them in time.
    bool send(const QByteArray &bytes, int timeoutMs = 5000);
    // Reads until `done(received())` holds, the peer closes, or the time
    // is up. True when `done` held.
    bool readUntil(const std::function<bool(const QByteArray &)> &done, int timeoutMs);
    // Shorthands over readUntil().
    bool readLines(int count, int timeoutMs);
    bool readUntilEof(int timeoutMs);
    // The reply to a WHATSAT: complete at its first line if that is not an
    // AT line, else at the first empty line after it.
    bool readWhatsatReply(int timeoutMs);

    // shutdown(SHUT_WR): the course grader's last line.
    void halfClose();
    // Close with SO_LINGER 0, so the peer sees a reset.
    void reset();
    void close();

    QByteArray received() const { return m_received; }
    // Takes what was received so far, leaving the buffer empty.
    QByteArray take();
    bool peerClosed() const { return m_eof; }
    bool isConnected() const { return m_fd >= 0 && !m_failed; }
    QString error() const { return m_error; }
    QString label() const { return m_label; }
    int descriptor() const { return m_fd; }

private:
    bool fail(const QString &error);
    // One poll() round: reads what is there. False on error or EOF.
    bool pump(int timeoutMs);

    Transcript *m_transcript;
    QString m_label;
    const std::atomic<bool> *m_cancelled;
    int m_fd = -1;
    bool m_eof = false;
    bool m_failed = false;
    QByteArray m_received;
    QString m_error;
};

// Counts the complete lines in `bytes`.
int countLines(const QByteArray &bytes);

} // namespace Herd::Check
