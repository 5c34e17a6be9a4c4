// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractTableModel>
#include <QByteArray>
#include <QHash>
#include <QList>
#include <QPointer>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include <limits>

namespace Herd {
class HerdSource;
struct Event;
} // namespace Herd

namespace HerdUi {

// Who knows what: one row per client, one column per node (after the client
// id column). A cell says whether the node holds the newest record known
// anywhere for that client, an older one (and how far behind, in client
// time), or none.
//
// Fed from the herd's events, not by polling the stores: RecordStored gives
// the node, the client and (from the AT line's last field) the client time;
// NodeStopped empties that node's column (a killed node forgets all) and
// greys it; NodeStarted makes it live again. A model made over a herd
// is first seeded from its stores, so it can be created at any time.
//
// Changes are batched: events update the rows at once (new clients wait
// in a queue) and a 200 ms single-shot timer flushes them with one
// beginInsertRows/endInsertRows for the new clients and one dataChanged for
// the changed rows; an idle herd costs no timer wake-ups.
//
// Bounded: at most maxClients() rows (5,000 by default). Past that the least
// recently updated clients are dropped (down to 90 % of the cap, so it does
// not happen on every flush) and evictedClients() counts them; a dropped
// client that reports again comes back with only what is learnt from then.
//
// Thread affinity: the GUI thread.
class KnowledgeModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KnowledgeModel)

public:
    // The node columns follow the fixed ones, in herd-file order.
    enum Column { ClientColumn = 0, FixedColumnCount };

    enum Role {
        RawRole = Qt::UserRole, // node cell: staleness in ns (0 newest, max() none); client: its id
        StateRole,              // node cell: CellState as int
        ClientTimeRole,         // node cell: the client time held, ns (or invalid)
    };
    enum class CellState { Newest, Stale, Missing, NodeDown };

    static constexpr int DefaultMaxClients = 5000;
    static constexpr int FlushIntervalMs = 200;
    static constexpr qint64 NoRecord = std::numeric_limits<qint64>::min();
    static constexpr qint64 MissingStaleness = std::numeric_limits<qint64>::max();

    // Nodes all taken as running; nodes seen later in events are added.
    explicit KnowledgeModel(const QStringList &nodes, QObject *parent = nullptr);
    // Seeded from the herd's stores and fed by its events (borrowed).
    explicit KnowledgeModel(Herd::HerdSource *herd, QObject *parent = nullptr);
    ~KnowledgeModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    QStringList nodes() const { return m_nodes; }
    int columnOf(const QString &node) const;
    int rowOf(const QByteArray &client) const { return m_rowOf.value(client, -1); }
    bool isRunning(const QString &node) const { return !m_down.contains(node); }
    int runningNodeCount() const { return int(m_nodes.size() - m_down.size()); }

    CellState cellState(int row, int nodeIndex) const;
    // Newest client time held by the node minus its own, ns; MissingStaleness if none.
    qint64 staleness(int row, int nodeIndex) const;

    // Clients (rows) on which some running node lacks the newest record.
    int divergentClients() const;
    struct Lag
    {
        QString node;
        QByteArray client;
        qint64 stalenessNs = 0; // MissingStaleness: holds nothing
    };
    // Up to `limit` (node, client) pairs behind, most recently updated clients first.
    QList<Lag> lags(int limit) const;

    int maxClients() const { return m_maxClients; }
    void setMaxClients(int clients);
    qint64 evictedClients() const { return m_evicted; }

    // Human text for a staleness: "−340 ms", "−3.2 s", "−4 min".
    static QString formatStaleness(qint64 ns);

public slots:
    void record(const Herd::Event &event);
    // Applies the queued changes now (the timer does it otherwise).
    void flush();
    // Reads every node's store again, forgetting what the events said (the
    // herd jumped to another moment: HerdSource::jumped).
    void reload();

signals:
    // After a flush that changed something: summaries should be redone.
    void flushed();

private:
    struct Row
    {
        QByteArray client;
        QList<qint64> times; // per node column; NoRecord when none
        qint64 newest = NoRecord;
        quint64 touched = 0; // update sequence, for the recency cap
    };

    void addNode(const QString &node);
    void appendNode(const QString &node); // m_nodes and m_nodeIndex together
    Row *findRow(const QByteArray &client);
    void setTime(const QByteArray &client, int nodeIndex, qint64 timeNs);
    static void recomputeNewest(Row &row);
    void markDirty(int row);
    void scheduleFlush();
    void evictIfNeeded();
    void seed(const Herd::HerdSource &herd);

    QPointer<Herd::HerdSource> m_herd; // borrowed; may be null
    QStringList m_nodes;
    QHash<QString, int> m_nodeIndex; // node -> its index in m_nodes
    QSet<QString> m_down;
    QList<Row> m_rows;                  // visible rows
    QHash<QByteArray, int> m_rowOf;     // client -> row in m_rows
    QList<Row> m_pending;               // new clients not yet inserted
    QHash<QByteArray, int> m_pendingOf; // client -> index in m_pending
    QSet<int> m_dirtyRows;
    bool m_headerDirty = false;
    quint64 m_sequence = 0;
    qint64 m_evicted = 0;
    int m_maxClients = DefaultMaxClients;
    QTimer m_flushTimer;
};

} // namespace HerdUi
