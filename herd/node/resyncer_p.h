// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QTimer>

#include <optional>
#include <utility>

#include "herd/node/difftable_p.h"

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
//   A: SYNC EST    A's record count and difference estimator (1.5 KiB)
//   B: SYNC TABLE  B's difference table (difftable_p.h), sized by the
//                  estimate at about 1.5 cells per differing pair
//   A: subtracts its own table of that size and peels it: the (client,
//      time) pairs only A holds and only B holds. It sends the AT lines of
//      records B lacks or holds older, and SYNC GET for the clients B holds
//      newer or A lacks (SYNC MORE, for a table twice the size, if it did
//      not peel)
//   B: the AT lines asked for
//
// So the cost grows with the difference, not the stores: 28 bytes of table
// per differing pair, plus the records. Two shortcuts: an asker with an
// empty store is sent every record straight away; and when the estimate is
// beyond what a table may hold (DiffTable::MaxCells), B says SYNC BUCKETS and
// A falls back to the bucket summary, whose cost is bounded by the store:
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
// has. Answers go out as the asker reads them, so whoever asks (a neighbour
// or a stranger) gets at most what it reads and costs the node no more.
//
// Anti-entropy: every antiEntropyMs each connected link says SYNC ROOT (its
// record count and the XOR of all its record hashes); a neighbour that holds
// the same says nothing, else SYNC DIFFER, and the link runs an exchange.
// When nodes agree that is one short line per link per period.
// While the node is storing updates, roots differ by the floods in flight,
// and an exchange would walk the whole store (the estimator and the table
// are built from every record) only to find what the floods are bringing:
// a period in which the node's root moved is skipped, up to
// MaxBusyChecksSkipped in a row, so a node under steady load still checks
// every (MaxBusyChecksSkipped + 1) periods.
//
// When both links of a pair come up at once, both first lines cross. One
// node answers the other's with a bare SYNC DONE, so one exchange (which
// covers both directions) runs: the one started by the node with fewer
// records (by the counts the ESTs state; on a tie, the smaller name), so a
// node that restarts empty is simply sent everything; for crossing SUMs, the
// one started by the smaller name.
//
// A neighbour marked plain (the course's protocol only) is sent every record
// as an AT line instead, and never a SYNC line.
class Resyncer final
{
public:
    static constexpr int MaxBusyChecksSkipped = 3;

    explicit Resyncer(Node &node);

    // The asking side, on our own links.
    void linkUp(PeerLink *link);
    // The link is anything but connected.
    void linkDown(const QString &neighbour);
    void clear();
    // The neighbour answered our SYNC EST with "?" (`refusal`): a Herd node
    // from before difference tables. True if so; from then on it is sent
    // bucket summaries, and one now.
    bool estimateRefused(PeerLink *link, const QByteArray &refusal);
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
    Answer answerEstimate(const QString &asker, qint64 theirRecords, const QByteArray &theirEstimator);
    Answer answerMore(const QString &asker, qsizetype cells);
    Answer answerGet(const QString &asker, const QList<quint64> &clientHashes);
    Answer answerSummary(const QString &asker, const QHash<int, quint64> &theirBuckets);
    Answer answerWant(const QString &asker, const QList<QByteArray> &clients);
    // True when `asker`'s first line crosses ours and `asker` will answer
    // ours: then we answer its with a bare SYNC DONE.
    bool yieldsTo(const QString &asker) const;                              // its SUM
    bool yieldsToEstimate(const QString &asker, qint64 theirRecords) const; // its EST

private:
    struct Peer
    {
        enum class Waiting { Nothing, Table, Have };
        Waiting waiting = Waiting::Nothing; // Table: our EST or MORE went out; Have: our SUM
        qint64 statedRecords = 0;           // the count our EST stated
        std::optional<DiffTable> table;     // their TABLE lines so far
        qsizetype tableReceived = 0;        // cells of it
        QHash<int, QList<std::pair<QByteArray, qint64>>> theirEntries; // their HAVE lines
    };

    void startExchange(PeerLink *link);
    QString receiveTable(PeerLink *link, Peer &peer, const SyncLine &sync);
    void finishTable(PeerLink *link, Peer &peer);
    void sendSummary(PeerLink *link);
    void finishExchange(PeerLink *link, Peer &peer);
    void pushAll(PeerLink *link);
    void checkRoots();
    void send(PeerLink *link, const QList<QByteArray> &lines);
    void report(const QString &neighbour, const QString &detail);
    qsizetype maxLineBytes() const;

    Node &m_node;
    QHash<QString, Peer> m_peers; // by neighbour name
    QSet<QString> m_bucketsOnly;  // neighbours that answered SYNC EST with "?"
    QTimer m_antiEntropy;
    quint64 m_rootAtCheck = 0; // the store's root hash at the last period's check
    int m_busyChecksSkipped = 0;
};

} // namespace Herd
