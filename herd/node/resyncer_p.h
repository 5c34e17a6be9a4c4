// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QTimer>

#include <utility>

namespace Herd {

class Node;
class PeerLink;
struct SyncLine;

// Brings a neighbour up to date when a link to it comes up, and checks now
// and then that it still is, so that a node that was down, cut off, or
// missed a line for any reason learns what it lacks (the course's herd never
// does). One exchange runs on one connection, the link of the node that
// starts it; the neighbour answers on that same connection (peersession.h):
//
//   A: SYNC SUM   the hash of each non-empty bucket of A's store (digest.h)
//   B: for a bucket A lacks entirely: the AT lines of B's records in it;
//      for a bucket that differs: SYNC HAVE, B's (client, time) pairs there;
//      then SYNC DONE
//   A: the AT lines of records B lacks or holds older; SYNC WANT for those
//      B holds newer
//   B: the AT lines asked for
//
// Records travel as plain AT lines, so the receiver stores and floods them
// onward like any update, and nothing is sent that the other side already
// has. The cost is the summary (at most Digest::Buckets entries) plus the
// (client, time) pairs of the buckets that differ, whatever the store size.
// Answers go out as the asker reads them, so whoever asks (a neighbour or a
// stranger) gets at most what it reads and costs the node no more.
//
// Anti-entropy: every antiEntropyMs each connected link says SYNC ROOT (its
// record count and the XOR of all its record hashes); a neighbour that holds
// the same says nothing, else SYNC DIFFER, and the link runs an exchange.
// When nodes agree that is one short line per link per period.
//
// When both links of a pair come up at once, both summaries cross; the node
// with the smaller name answers the other's with a bare SYNC DONE, so one
// exchange (which covers both directions) runs.
//
// A neighbour marked plain (the course's protocol only) is sent every record
// as an AT line instead, and never a SYNC line.
class Resyncer final
{
public:
    explicit Resyncer(Node &node);

    // The asking side, on our own links.
    void linkUp(PeerLink *link);
    // The link is anything but connected.
    void linkDown(const QString &neighbour);
    void clear();
    // A SYNC line the neighbour answered on our link (HAVE, DONE, DIFFER).
    // Returns why it was refused, or an empty string.
    QString handleAnswer(PeerLink *link, const SyncLine &sync);

    // The answering side (peersession.h): what to send back, in order.
    struct Answer
    {
        QList<QByteArray> clients; // first: these records, as AT lines
        QList<QByteArray> lines;   // then these SYNC lines
        QString summary;           // for the log
    };
    Answer answerSummary(const QString &asker, const QHash<int, quint64> &theirBuckets);
    Answer answerWant(const QString &asker, const QList<QByteArray> &clients);
    // True when `asker`'s summary crosses one of ours that it will answer.
    bool yieldsTo(const QString &asker) const;

private:
    struct Peer
    {
        bool awaitingHave = false;                                     // our SUM went out; HAVE/DONE due
        QHash<int, QList<std::pair<QByteArray, qint64>>> theirEntries; // their HAVE lines
    };

    void sendSummary(PeerLink *link);
    void finishExchange(PeerLink *link, Peer &peer);
    void pushAll(PeerLink *link);
    void checkRoots();
    void send(PeerLink *link, const QList<QByteArray> &lines);
    void report(const QString &neighbour, const QString &detail);
    qsizetype maxLineBytes() const;

    Node &m_node;
    QHash<QString, Peer> m_peers; // by neighbour name
    QTimer m_antiEntropy;
};

} // namespace Herd
