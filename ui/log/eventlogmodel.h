// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractTableModel>
#include <QColor>
#include <QList>
#include <QTimer>

#include "ui/log/eventring.h"

#include "herd/event.h"

namespace HerdUi {

// The event log as a table: the newest `capacity()` events of the herd, one
// row each, oldest first.
//
// Events arrive at thousands a second, so append() only queues; a short
// single-shot timer (flushInterval(), 30 ms) moves the queue into the table
// with one beginInsertRows/endInsertRows pair. The rows are a bounded ring:
// when a flush would overflow it, the oldest rows are removed first (one
// beginRemoveRows/endRemoveRows for rows 0..k-1), then the new ones are
// inserted at the end, so the model never holds more than capacity() rows.
// The flush is short so that it stays small on a busy herd: each new row
// takes the place of an old event, destroyed there, and at 100 ms a
// 100-node herd's flush took 20 ms at a time.
// The queue is bounded by capacity() as well; events pushed out of it or out
// of the ring are counted in evictedCount().
//
// Colours are chosen here (never in herd/), per kind, with lighter variants
// on a dark palette.
//
// Thread affinity: the GUI thread.
class EventLogModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventLogModel)

public:
    enum Column { Time, Node, Kind, Peer, Client, Line, Detail, ColumnCount };
    Q_ENUM(Column)

    enum Role {
        // The unformatted value, for sorting and filtering: Time -> qint64
        // ns since the epoch, Kind -> int(EventKind), Client and Line ->
        // QByteArray, the others -> QString.
        RawRole = Qt::UserRole,
    };

    static constexpr int DefaultCapacity = 100'000;
    static constexpr int DefaultFlushIntervalMs = 30;

    explicit EventLogModel(QObject *parent = nullptr);
    ~EventLogModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    int capacity() const { return m_capacity; }
    // Flushes, then drops the oldest rows beyond the new capacity (>= 1).
    void setCapacity(int capacity);
    int flushInterval() const { return m_flushTimer.interval(); }
    void setFlushInterval(int ms) { m_flushTimer.setInterval(ms); }

    // Queues the event; it becomes a row at the next flush.
    void append(const Herd::Event &event);
    void appendEvents(const QList<Herd::Event> &events);
    // Moves every queued event into the table now (tests, exports).
    void flushNow();
    int pendingCount() const { return m_queue.size(); }
    // Events dropped to keep the bound, since construction or clear().
    qint64 evictedCount() const { return m_evicted; }

    // The rows, oldest first (queued events are not rows yet: flushNow()).
    QList<Herd::Event> events() const;
    // The event in `row`, 0 <= row < rowCount().
    const Herd::Event &eventAt(int row) const;

    // Removes every row and drops the queue.
    void clear();

    // The text colour of a kind's rows; invalid when the palette's text
    // colour is right (ordinary traffic).
    static QColor colorFor(Herd::EventKind kind, bool darkPalette = false);

private:
    void flush();

    EventRing m_rows {DefaultCapacity};
    int m_capacity = DefaultCapacity;
    // Events queued for the next flush, at most m_capacity of them. Its
    // storage is kept from one flush to the next, so queuing an event is
    // one assignment: at hundreds of thousands of events a second, growing
    // a list again after every flush was most of the log's cost.
    EventRing m_queue {DefaultCapacity};
    qint64 m_evicted = 0;
    QTimer m_flushTimer;
};

} // namespace HerdUi
