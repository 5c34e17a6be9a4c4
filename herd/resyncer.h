#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

#include <utility>

namespace Herd {

class Node;
class PeerLink;
struct SyncLine;

// Brings a neighbour up to date when a link to it comes up, so that a node
// that was down, or cut off, learns what it missed (the course's herd never
// does). One exchange, started by the node whose link came up:
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
//
// When both links of a pair come up at once, both summaries cross; the node
// with the smaller name ignores the one it receives, so one exchange runs.
// A summary that arrives while this node's own link to the sender is down is
// answered once that link connects (and its back-off is cut short).
//
// A neighbour marked plain (PROTOCOL.md only) is sent every record as an AT
// line instead, and never a SYNC line.
class Resyncer final
{
public:
    explicit Resyncer(Node &node) : m_node(node) {}

    void linkUp(PeerLink *link);
    // The link is anything but connected.
    void linkDown(const QString &neighbour);
    void clear() { m_peers.clear(); }
    // A SYNC line received from a neighbour. Returns why it was refused, or
    // an empty string.
    QString handle(const QByteArray &line);

private:
    struct Peer
    {
        bool awaitingHave = false;                // our SUM went out; HAVE/DONE due
        bool summaryComplete = false;             // their SUM is whole, not yet answered
        QHash<int, quint64> theirBuckets;         // their SUM
        QHash<int, QList<std::pair<QByteArray, qint64>>> theirEntries; // their HAVE lines
    };

    void sendSummary(PeerLink *link);
    void answerSummary(PeerLink *link, Peer &peer);
    void finishExchange(PeerLink *link, Peer &peer);
    void sendWanted(PeerLink *link, const QList<QByteArray> &clients);
    void pushAll(PeerLink *link);
    void send(PeerLink *link, const QList<QByteArray> &lines);
    void report(const QString &neighbour, const QString &detail);
    qsizetype maxLineBytes() const;

    Node &m_node;
    QHash<QString, Peer> m_peers; // by neighbour name
};

} // namespace Herd
