// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QPointer>
#include <QTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QSortFilterProxyModel;
class QTableView;
class QTableWidget;

namespace Herd {
class HerdSource;
struct Event;
} // namespace Herd

namespace HerdUi {

class NodeRecordsModel; // nodeinspector.cpp

// One node up close: whether it runs and where, its neighbours with the
// state of each outgoing peer link (connected, connecting, backing off,
// cut, idle), its failed reconnect attempts, delay and lines queued, and
// the records it holds (client, position, client time in UTC, the node
// that got the IAMAT, the stored AT line).
//
// Reads the node's store and links (never changes them). The links' table
// follows HerdSource::linkStateChanged at once; the node's events schedule the
// rest, coalesced by a short timer, and while lines wait on a delayed
// link the queue is polled (a queued line makes no event). At most
// MaxRecordsShown records are listed (the newest client times); the header
// says when the store holds more.
//
// The herd is borrowed and must outlive the inspector.
class NodeInspector final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodeInspector)

public:
    static constexpr int MaxRecordsShown = 5000;
    static constexpr int RefreshDelayMs = 150;
    static constexpr int QueuePollMs = 250;
    enum NeighbourColumn {
        NeighbourName,
        LinkState,
        FailedAttempts,
        LinkDelay,
        QueuedLines,
        NeighbourAddress,
        NeighbourColumns
    };

    explicit NodeInspector(Herd::HerdSource *herd, QWidget *parent = nullptr);
    ~NodeInspector() override;

    QString node() const { return m_node; }
    // Plain text of the state line, e.g. "Alford: running on 127.0.0.1:13000, 3 clients".
    QString stateText() const;
    QTableView *recordsView() const { return m_records; }
    QTableWidget *neighboursTable() const { return m_neighbours; }

public slots:
    void setNode(const QString &name);
    // Re-reads the node now (events schedule this).
    void refresh();
    // Re-reads only the links' table.
    void refreshLinks();

signals:
    void nodeChanged(const QString &name);

private:
    void onEvent(const Herd::Event &event);
    void refillNodeList();

    QPointer<Herd::HerdSource> m_herd; // borrowed
    QString m_node;
    QComboBox *m_nodeBox;           // owned (child)
    QLabel *m_state;                // owned (child)
    QTableWidget *m_neighbours;     // owned (child)
    QLabel *m_recordsCaption;       // owned (child)
    NodeRecordsModel *m_model;      // owned (child)
    QSortFilterProxyModel *m_proxy; // owned (child)
    QTableView *m_records;          // owned (child)
    QTimer m_refreshTimer;
    QTimer m_linksTimer; // coalesces link events
    QTimer m_queuePoll;  // runs while lines wait on this node's links
};

} // namespace HerdUi
