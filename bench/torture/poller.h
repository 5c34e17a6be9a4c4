// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QTcpSocket>

#include <vector>

#include "bench/torture/herdlines.h"

// Convergence polls: after healing, every node is asked about every client.
namespace HerdTorture {

class Torture;

// One connection to one node; a round is a WHATSAT for every client in one
// write, each reply read up to its empty line ("? ..." means unknown).
class Poller : public QObject
{
public:
    Poller(Torture &torture, int node, const std::vector<QByteArray> &clients);
    void round();
    void giveUp(const QString &why);
    bool done() const { return m_done; }
    const QString &problem() const { return m_problem; }
    // Per client: its AT line, or empty if the node does not know it.
    const std::vector<QByteArray> &answers() const { return m_answers; }

private:
    void read();

    Torture &m_torture;
    const int m_node;
    QTcpSocket m_socket;
    QByteArray m_request;
    std::vector<QByteArray> m_answers;
    std::size_t m_next = 0;
    bool m_inBody = false, m_done = true;
    LineScan m_lines;
    QString m_problem;
};

} // namespace HerdTorture
