// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/knowledge/knowledgemodel.h"

#include <QBrush>
#include <QColor>
#include <QFont>

#include <algorithm>
#include <cmath>

#include "herd/herdsource.h"
#include "herd/node/store.h"
#include "herd/event.h"
#include "herd/node/node.h"
#include "herd/wire/protocol.h"
#include "ui/timetext.h"

using namespace Qt::StringLiterals;

namespace HerdUi {

namespace {

// Light theme, readable on a projector: pale fills, dark text.
const QColor NewestFill(0xc8, 0xe6, 0xc9);
const QColor NewestText(0x1b, 0x5e, 0x20);
const QColor StaleNearFill(0xff, 0xe0, 0x82); // amber: just behind
const QColor StaleFarFill(0xef, 0x9a, 0x9a);  // red: 10 s or more behind
const QColor StaleText(0x5d, 0x2a, 0x00);
const QColor MissingFill(0xee, 0xee, 0xee);
const QColor MissingText(0x9e, 0x9e, 0x9e);
const QColor DownFill(0xcf, 0xcf, 0xcf);
const QColor DownText(0x75, 0x75, 0x75);

QColor staleFill(qint64 ns)
{
    // Log scale: 1 ms behind is amber, 10 s behind (or more) is red.
    const double ms = std::max(1.0, double(ns) / 1e6);
    const double f = std::clamp(std::log10(ms) / 4.0, 0.0, 1.0);
    const auto mix = [f](int a, int b) { return int(std::lround(a + (b - a) * f)); };
    return QColor(mix(StaleNearFill.red(), StaleFarFill.red()),
                  mix(StaleNearFill.green(), StaleFarFill.green()),
                  mix(StaleNearFill.blue(), StaleFarFill.blue()));
}

} // namespace

KnowledgeModel::KnowledgeModel(const QStringList &nodes, QObject *parent)
    : QAbstractTableModel(parent)
{
    for (const QString &node : nodes)
        appendNode(node);
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(FlushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &KnowledgeModel::flush);
}

KnowledgeModel::KnowledgeModel(Herd::HerdSource *herd, QObject *parent)
    : KnowledgeModel(QStringList(), parent)
{
    m_herd = herd;
    if (!herd)
        return;
    seed(*herd);
    connect(herd, &Herd::HerdSource::eventOccurred, this, &KnowledgeModel::record);
}

KnowledgeModel::~KnowledgeModel() = default;

void KnowledgeModel::seed(const Herd::HerdSource &herd)
{
    for (const QString &name : herd.config().nodeNames()) {
        if (!herd.nodeStatus(name))
            continue; // not seen: no column
        appendNode(name);
        if (!herd.isRunning(name))
            m_down.insert(name);
    }
    for (int column = 0; column < m_nodes.size(); ++column) {
        const Herd::Store *store = herd.store(m_nodes.at(column));
        if (!store || m_down.contains(m_nodes.at(column)))
            continue;
        for (const Herd::Record &record : store->records())
            setTime(record.clientId, column, record.timeNs);
    }
    // No view can be attached yet: take the queue as the initial rows.
    for (Row &row : m_pending) {
        m_rowOf.insert(row.client, int(m_rows.size()));
        m_rows.append(std::move(row));
    }
    m_pending.clear();
    m_pendingOf.clear();
    m_dirtyRows.clear();
    m_flushTimer.stop();
    evictIfNeeded();
}

void KnowledgeModel::reload()
{
    beginResetModel();
    m_nodes.clear();
    m_nodeIndex.clear();
    m_down.clear();
    m_rows.clear();
    m_rowOf.clear();
    m_pending.clear();
    m_pendingOf.clear();
    if (m_herd)
        seed(*m_herd);
    endResetModel();
}

int KnowledgeModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int KnowledgeModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : FixedColumnCount + int(m_nodes.size());
}

int KnowledgeModel::columnOf(const QString &node) const
{
    const int index = m_nodeIndex.value(node, -1);
    return index < 0 ? -1 : FixedColumnCount + index;
}

KnowledgeModel::CellState KnowledgeModel::cellState(int row, int nodeIndex) const
{
    if (m_down.contains(m_nodes.at(nodeIndex)))
        return CellState::NodeDown;
    const Row &r = m_rows.at(row);
    const qint64 held = r.times.at(nodeIndex);
    if (held == NoRecord)
        return CellState::Missing;
    return held >= r.newest ? CellState::Newest : CellState::Stale;
}

qint64 KnowledgeModel::staleness(int row, int nodeIndex) const
{
    const Row &r = m_rows.at(row);
    const qint64 held = r.times.at(nodeIndex);
    return held == NoRecord ? MissingStaleness : r.newest - held;
}

QString KnowledgeModel::formatStaleness(qint64 ns)
{
    return u"\u2212"_s + durationText(ns);
}

QVariant KnowledgeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    if (index.column() == ClientColumn) {
        switch (role) {
        case Qt::DisplayRole:
        case RawRole:
            return QString::fromUtf8(row.client);
        case Qt::ToolTipRole:
            return row.newest == NoRecord
                ? u"%1: no running node holds a record"_s.arg(QString::fromUtf8(row.client))
                : u"%1: newest client time %2"_s.arg(QString::fromUtf8(row.client), utcText(row.newest));
        default:
            return {};
        }
    }

    const int nodeIndex = index.column() - FixedColumnCount;
    const QString &node = m_nodes.at(nodeIndex);
    const CellState state = cellState(index.row(), nodeIndex);
    const qint64 stale = staleness(index.row(), nodeIndex);
    switch (role) {
    case Qt::DisplayRole:
        switch (state) {
        case CellState::Newest:
            return u"\u2713 newest"_s;
        case CellState::Stale:
            return formatStaleness(stale);
        case CellState::Missing:
            return u"\u2014"_s;
        case CellState::NodeDown:
            return u"down"_s;
        }
        return {};
    case RawRole:
        return state == CellState::Newest ? qint64(0) : stale;
    case StateRole:
        return int(state);
    case ClientTimeRole:
        return row.times.at(nodeIndex) == NoRecord ? QVariant() : QVariant(row.times.at(nodeIndex));
    case Qt::TextAlignmentRole:
        return int(Qt::AlignCenter);
    case Qt::BackgroundRole:
        switch (state) {
        case CellState::Newest:
            return QBrush(NewestFill);
        case CellState::Stale:
            return QBrush(staleFill(stale));
        case CellState::Missing:
            return QBrush(MissingFill);
        case CellState::NodeDown:
            return QBrush(DownFill);
        }
        return {};
    case Qt::ForegroundRole:
        switch (state) {
        case CellState::Newest:
            return QBrush(NewestText);
        case CellState::Stale:
            return QBrush(StaleText);
        case CellState::Missing:
            return QBrush(MissingText);
        case CellState::NodeDown:
            return QBrush(DownText);
        }
        return {};
    case Qt::ToolTipRole: {
        const QString client = QString::fromUtf8(row.client);
        switch (state) {
        case CellState::Newest:
            return u"%1 holds the newest record of %2 (client time %3)"_s.arg(node, client,
                                                                              utcText(row.newest));
        case CellState::Stale:
            return u"%1 holds an older record of %2: client time %3, %4 behind the newest (%5)"_s.arg(
                node, client, utcText(row.times.at(nodeIndex)), formatStaleness(stale), utcText(row.newest));
        case CellState::Missing:
            return u"%1 holds no record of %2"_s.arg(node, client);
        case CellState::NodeDown:
            return u"%1 is down: a killed node forgets every record"_s.arg(node);
        }
        return {};
    }
    default:
        return {};
    }
}

QVariant KnowledgeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount())
        return QAbstractTableModel::headerData(section, orientation, role);
    if (section == ClientColumn) {
        switch (role) {
        case Qt::DisplayRole:
            return u"Client"_s;
        case Qt::ToolTipRole:
            return u"Client id (one row per client; the %1 most recently updated are shown)"_s.arg(
                m_maxClients);
        default:
            return {};
        }
    }
    const int nodeIndex = section - FixedColumnCount;
    const QString &node = m_nodes.at(nodeIndex);
    const bool down = m_down.contains(node);
    // A node down that never ran: a replay's cursor before its start.
    const auto notStarted = [&] {
        const std::optional<Herd::NodeStatus> status = m_herd ? m_herd->nodeStatus(node) : std::nullopt;
        return down && status && !status->started;
    };
    switch (role) {
    case Qt::DisplayRole:
        if (!down)
            return node;
        return QString(node + (notStarted() ? u" (not started)"_s : u" (down)"_s));
    case Qt::ForegroundRole:
        return down ? QBrush(DownText) : QVariant();
    case Qt::ToolTipRole: {
        if (notStarted())
            return u"%1 has not started yet: it holds nothing until it starts"_s.arg(node);
        if (down)
            return u"%1 is down (killed): it holds nothing until it restarts and learns again"_s.arg(node);
        int held = 0;
        int newest = 0;
        for (const Row &row : m_rows) {
            const qint64 time = row.times.at(nodeIndex);
            held += time != NoRecord ? 1 : 0;
            newest += time != NoRecord && time >= row.newest ? 1 : 0;
        }
        return u"%1 is running: holds records of %2 of %3 clients, the newest for %4"_s.arg(node)
            .arg(held)
            .arg(m_rows.size())
            .arg(newest);
    }
    default:
        return {};
    }
}

int KnowledgeModel::divergentClients() const
{
    int divergent = 0;
    for (const Row &row : m_rows) {
        if (row.newest == NoRecord)
            continue;
        for (int i = 0; i < m_nodes.size(); ++i) {
            if (!m_down.contains(m_nodes.at(i)) && row.times.at(i) < row.newest) {
                ++divergent;
                break;
            }
        }
    }
    return divergent;
}

QList<KnowledgeModel::Lag> KnowledgeModel::lags(int limit) const
{
    QList<const Row *> rows;
    for (const Row &row : m_rows)
        rows.append(&row);
    std::sort(rows.begin(), rows.end(), [](const Row *a, const Row *b) { return a->touched > b->touched; });
    QList<Lag> result;
    for (const Row *row : std::as_const(rows)) {
        if (row->newest == NoRecord)
            continue;
        for (int i = 0; i < m_nodes.size() && result.size() < limit; ++i) {
            if (m_down.contains(m_nodes.at(i)) || row->times.at(i) >= row->newest)
                continue;
            const qint64 held = row->times.at(i);
            result.append(
                {m_nodes.at(i), row->client, held == NoRecord ? MissingStaleness : row->newest - held});
        }
        if (result.size() >= limit)
            break;
    }
    return result;
}

void KnowledgeModel::setMaxClients(int clients)
{
    m_maxClients = std::max(1, clients);
    flush(); // signals what is queued first, then evicts
}

void KnowledgeModel::addNode(const QString &node)
{
    const int column = columnCount();
    beginInsertColumns({}, column, column);
    appendNode(node);
    for (Row &row : m_rows)
        row.times.append(NoRecord);
    for (Row &row : m_pending)
        row.times.append(NoRecord);
    endInsertColumns();
}

void KnowledgeModel::appendNode(const QString &node)
{
    m_nodeIndex.insert(node, int(m_nodes.size()));
    m_nodes.append(node);
}

KnowledgeModel::Row *KnowledgeModel::findRow(const QByteArray &client)
{
    if (const auto it = m_rowOf.constFind(client); it != m_rowOf.cend())
        return &m_rows[*it];
    if (const auto it = m_pendingOf.constFind(client); it != m_pendingOf.cend())
        return &m_pending[*it];
    return nullptr;
}

void KnowledgeModel::setTime(const QByteArray &client, int nodeIndex, qint64 timeNs)
{
    Row *row = findRow(client);
    if (!row) {
        Row fresh;
        fresh.client = client;
        fresh.times = QList<qint64>(m_nodes.size(), NoRecord);
        m_pendingOf.insert(client, int(m_pending.size()));
        m_pending.append(std::move(fresh));
        row = &m_pending.last();
    }
    row->times[nodeIndex] = timeNs;
    row->newest = std::max(row->newest, timeNs);
    row->touched = ++m_sequence;
    if (const int visible = m_rowOf.value(client, -1); visible >= 0)
        markDirty(visible);
    scheduleFlush();
}

void KnowledgeModel::recomputeNewest(Row &row)
{
    row.newest = NoRecord;
    for (const qint64 time : std::as_const(row.times))
        row.newest = std::max(row.newest, time);
}

void KnowledgeModel::markDirty(int row)
{
    m_dirtyRows.insert(row);
}

void KnowledgeModel::scheduleFlush()
{
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void KnowledgeModel::record(const Herd::Event &event)
{
    if (event.node.isEmpty())
        return;
    using Herd::EventKind;
    if (event.kind != EventKind::RecordStored && event.kind != EventKind::NodeStopped
        && event.kind != EventKind::NodeStarted)
        return;
    // Every store on a big herd comes here: a hash, not a search of the
    // node list, and the AT line's time alone, not a whole parse.
    int nodeIndex = m_nodeIndex.value(event.node, -1);
    if (nodeIndex < 0) {
        addNode(event.node);
        nodeIndex = int(m_nodes.size()) - 1;
    }

    switch (event.kind) {
    case EventKind::RecordStored: {
        QByteArrayView server;
        qint64 timeNs = 0;
        if (!Herd::atServerAndTime(event.line, &server, &timeNs))
            return;
        setTime(event.client, nodeIndex, timeNs);
        break;
    }
    case EventKind::NodeStopped: {
        m_down.insert(event.node);
        for (int i = 0; i < m_rows.size(); ++i) {
            Row &row = m_rows[i];
            if (row.times.at(nodeIndex) == NoRecord)
                continue;
            row.times[nodeIndex] = NoRecord;
            recomputeNewest(row);
            markDirty(i);
        }
        for (Row &row : m_pending) {
            row.times[nodeIndex] = NoRecord;
            recomputeNewest(row);
        }
        // The whole column turns grey, records or not.
        m_headerDirty = true;
        scheduleFlush();
        break;
    }
    case EventKind::NodeStarted:
        if (m_down.remove(event.node)) {
            m_headerDirty = true;
            scheduleFlush();
        }
        break;
    default:
        break;
    }
}

void KnowledgeModel::flush()
{
    m_flushTimer.stop();
    const bool changed = m_headerDirty || !m_dirtyRows.isEmpty() || !m_pending.isEmpty();
    const int lastColumn = columnCount() - 1;
    if (m_headerDirty) {
        m_headerDirty = false;
        emit headerDataChanged(Qt::Horizontal, 0, lastColumn);
        // A column going down or up changes every one of its cells.
        if (!m_rows.isEmpty())
            emit dataChanged(index(0, 0), index(int(m_rows.size()) - 1, lastColumn));
        m_dirtyRows.clear();
    }
    if (!m_dirtyRows.isEmpty()) {
        QList<int> rows(m_dirtyRows.cbegin(), m_dirtyRows.cend());
        m_dirtyRows.clear();
        std::sort(rows.begin(), rows.end());
        // One signal per run of adjacent rows.
        qsizetype start = 0;
        for (qsizetype i = 1; i <= rows.size(); ++i) {
            if (i == rows.size() || rows.at(i) != rows.at(i - 1) + 1) {
                emit dataChanged(index(rows.at(start), 0), index(rows.at(i - 1), lastColumn));
                start = i;
            }
        }
    }
    if (!m_pending.isEmpty()) {
        const int first = int(m_rows.size());
        const int last = first + int(m_pending.size()) - 1; // inclusive
        beginInsertRows({}, first, last);
        for (Row &row : m_pending) {
            m_rowOf.insert(row.client, int(m_rows.size()));
            m_rows.append(std::move(row));
        }
        m_pending.clear();
        m_pendingOf.clear();
        endInsertRows();
    }
    evictIfNeeded();
    if (changed)
        emit flushed();
}

void KnowledgeModel::evictIfNeeded()
{
    if (m_rows.size() <= m_maxClients)
        return;
    // Drop to 90 % of the cap so eviction is rare, least recently updated first.
    const qsizetype keep = std::max<qsizetype>(1, m_maxClients - m_maxClients / 10);
    QList<int> order(m_rows.size());
    for (int i = 0; i < order.size(); ++i)
        order[i] = i;
    const qsizetype drop = m_rows.size() - keep;
    std::nth_element(order.begin(), order.begin() + (drop - 1), order.end(),
                     [this](int a, int b) { return m_rows.at(a).touched < m_rows.at(b).touched; });
    QList<int> victims(order.begin(), order.begin() + drop);
    std::sort(victims.begin(), victims.end(), std::greater<int>());
    // Remove from the bottom up, one signal pair per run of adjacent rows.
    qsizetype i = 0;
    while (i < victims.size()) {
        qsizetype j = i;
        while (j + 1 < victims.size() && victims.at(j + 1) == victims.at(j) - 1)
            ++j;
        const int last = victims.at(i);
        const int first = victims.at(j);
        beginRemoveRows({}, first, last);
        for (int row = first; row <= last; ++row)
            m_rowOf.remove(m_rows.at(row).client);
        m_rows.remove(first, last - first + 1);
        endRemoveRows();
        i = j + 1;
    }
    m_evicted += drop;
    m_rowOf.clear();
    for (int row = 0; row < m_rows.size(); ++row)
        m_rowOf.insert(m_rows.at(row).client, row);
    // Dirty row numbers referred to the old order; the survivors' cells are
    // current already, so nothing is lost by forgetting them.
    m_dirtyRows.clear();
}

} // namespace HerdUi
