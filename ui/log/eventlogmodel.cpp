// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/log/eventlogmodel.h"

#include "herd/log/logwriter.h"

#include <algorithm>

#include <QBrush>
#include <QFont>
#include <QGuiApplication>
#include <QPalette>

#include "herd/log/logexport.h"
#include "ui/timetext.h"

using namespace Qt::StringLiterals;

namespace HerdUi {

namespace {

// Also the characters the logs escape although they are text (line
// separators, bidi controls: Herd::isEscapedCharacter()).
bool hasControlChar(const QString &text)
{
    return std::any_of(text.cbegin(), text.cend(),
                       [](QChar c) { return c.unicode() < 0x20 || Herd::isEscapedCharacter(c.unicode()); });
}

// Bytes shown the way the node logs show them (\t, \n, \xNN ...), so one
// event is one table line and nothing invisible hides in a cell.
QString escapedBytes(const QByteArray &bytes)
{
    return QString::fromUtf8(Herd::LogWriter::escapeField(bytes));
}

QString escapedText(const QString &text)
{
    return hasControlChar(text) ? escapedBytes(text.toUtf8()) : text;
}

// Tool tips are rich text, so text off the wire can never be taken for
// markup; pre-wrap keeps its spaces and wraps long lines.
QString richTip(const QString &plain)
{
    return u"<p style='white-space:pre-wrap'>"_s + plain.toHtmlEscaped() + u"</p>"_s;
}

bool darkPalette()
{
    return QGuiApplication::palette().color(QPalette::Base).lightness() < 128;
}

} // namespace

EventLogModel::EventLogModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(DefaultFlushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &EventLogModel::flush);
}

EventLogModel::~EventLogModel() = default;

int EventLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows.size();
}

int EventLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Herd::Event &event = eventAt(index.row());
    const auto column = static_cast<Column>(index.column());

    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case Time:
            return localTimeText(event.timeNs);
        case Node:
            return event.node;
        case Kind:
            return QString::fromLatin1(Herd::eventKindName(event.kind));
        case Peer:
            return escapedText(event.peer);
        case Client:
            return escapedBytes(event.client);
        case Line:
            return escapedBytes(event.line);
        case Detail:
            return escapedText(event.detail);
        case ColumnCount:
            break;
        }
        break;
    case Qt::ToolTipRole:
        switch (column) {
        case Time:
            return richTip(QString::fromLatin1(Herd::isoTimeNs(event.timeNs)) + u" UTC"_s);
        case Kind:
            return richTip(QString::fromLatin1(Herd::eventKindName(event.kind))
                           + (event.viaPeerLink ? u" (on a peer link)"_s : QString()));
        case Node:
            return richTip(event.node);
        case Peer:
            return richTip(event.peer);
        case Client:
            return richTip(escapedBytes(event.client));
        case Line:
            return richTip(escapedBytes(event.line));
        case Detail:
            return richTip(event.detail);
        case ColumnCount:
            break;
        }
        break;
    case RawRole:
        switch (column) {
        case Time:
            return event.timeNs;
        case Node:
            return event.node;
        case Kind:
            return static_cast<int>(event.kind);
        case Peer:
            return event.peer;
        case Client:
            return event.client;
        case Line:
            return event.line;
        case Detail:
            return event.detail;
        case ColumnCount:
            break;
        }
        break;
    case Qt::ForegroundRole: {
        const QColor color = colorFor(event.kind, darkPalette());
        if (color.isValid())
            return QBrush(color);
        break;
    }
    case Qt::FontRole:
        if (event.kind == Herd::EventKind::Error) {
            QFont font;
            font.setBold(true);
            return font;
        }
        break;
    default:
        break;
    }
    return {};
}

QVariant EventLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole) {
        switch (static_cast<Column>(section)) {
        case Time:
            return tr("Time");
        case Node:
            return tr("Node");
        case Kind:
            return tr("Kind");
        case Peer:
            return tr("Peer");
        case Client:
            return tr("Client");
        case Line:
            return tr("Line");
        case Detail:
            return tr("Detail");
        case ColumnCount:
            break;
        }
    } else if (role == Qt::ToolTipRole) {
        switch (static_cast<Column>(section)) {
        case Time:
            return tr("Local time, to the microsecond");
        case Node:
            return tr("The node that reported the event");
        case Kind:
            return tr("What happened");
        case Peer:
            return tr("A client's address or a neighbour's name");
        case Client:
            return tr("The client id of a location record");
        case Line:
            return tr("The protocol line, with tabs, newlines and stray bytes escaped");
        case Detail:
            return tr("Why, or more about it");
        case ColumnCount:
            break;
        }
    }
    return {};
}

void EventLogModel::setCapacity(int capacity)
{
    capacity = std::max(1, capacity);
    if (capacity == m_capacity)
        return;
    flush();
    const int excess = m_rows.size() - capacity;
    if (excess > 0) {
        beginRemoveRows({}, 0, excess - 1);
        m_rows.dropFront(excess);
        m_evicted += excess;
        endRemoveRows();
    }
    // The rows themselves do not change: no signal.
    EventRing rows(capacity);
    for (int row = 0; row < m_rows.size(); ++row)
        rows.push(std::move(m_rows[row]));
    m_rows = std::move(rows);
    m_queue = EventRing(capacity);
    m_capacity = capacity;
}

void EventLogModel::append(const Herd::Event &event)
{
    // The queue is bounded too: if nothing flushes (a blocked event loop),
    // only the newest capacity() events can become rows anyway.
    if (m_queue.isFull())
        ++m_evicted;
    m_queue.push(event);
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void EventLogModel::appendEvents(const QList<Herd::Event> &events)
{
    for (const Herd::Event &event : events)
        append(event);
}

void EventLogModel::flushNow()
{
    flush();
}

void EventLogModel::flush()
{
    m_flushTimer.stop();
    const int count = m_queue.size(); // <= m_capacity
    if (count == 0)
        return;

    // Full: remove the oldest rows first, so the model never holds more
    // than m_capacity rows, even between the two signals.
    const int overflow = m_rows.size() + count - m_capacity;
    if (overflow > 0) {
        beginRemoveRows({}, 0, overflow - 1);
        m_rows.dropFront(overflow);
        m_evicted += overflow;
        endRemoveRows();
    }

    const int first = m_rows.size();
    beginInsertRows({}, first, first + count - 1); // last row inclusive
    for (int queued = 0; queued < count; ++queued)
        m_rows.push(std::move(m_queue[queued]));
    m_queue.clear();
    endInsertRows();
}

QList<Herd::Event> EventLogModel::events() const
{
    QList<Herd::Event> out;
    out.reserve(m_rows.size());
    for (int row = 0; row < m_rows.size(); ++row)
        out.append(m_rows[row]);
    return out;
}

const Herd::Event &EventLogModel::eventAt(int row) const
{
    Q_ASSERT(row >= 0 && row < m_rows.size());
    return m_rows[row];
}

void EventLogModel::clear()
{
    m_flushTimer.stop();
    beginResetModel();
    m_rows = EventRing(m_capacity);
    m_queue = EventRing(m_capacity);
    m_evicted = 0;
    endResetModel();
}

QColor EventLogModel::colorFor(Herd::EventKind kind, bool dark)
{
    using K = Herd::EventKind;
    switch (kind) {
    case K::LineInvalid:
        return dark ? QColor(0xff, 0x6b, 0x6b) : QColor(0xc6, 0x28, 0x28);
    case K::RecordStored:
        return dark ? QColor(0x7b, 0xd8, 0x8f) : QColor(0x2e, 0x7d, 0x32);
    case K::RecordDropped:
    case K::SendSkipped:
        return dark ? QColor(0x9a, 0x9a, 0x9a) : QColor(0x8a, 0x8a, 0x8a);
    case K::PeerConnected:
        return dark ? QColor(0x6c, 0xb6, 0xff) : QColor(0x15, 0x65, 0xc0);
    case K::PeerDisconnected:
        return dark ? QColor(0xff, 0xa6, 0x57) : QColor(0xe6, 0x51, 0x00);
    case K::PeerRetrying:
        return dark ? QColor(0xe3, 0xb3, 0x41) : QColor(0x9a, 0x5b, 0x00);
    case K::LinkChanged:
        return dark ? QColor(0xd2, 0xa8, 0xff) : QColor(0x6a, 0x1b, 0x9a);
    case K::Resynced:
        return dark ? QColor(0x4d, 0xd0, 0xe1) : QColor(0x00, 0x83, 0x8f);
    case K::Refused:
        return dark ? QColor(0xff, 0x7b, 0xbd) : QColor(0xad, 0x14, 0x57);
    case K::Error:
        return dark ? QColor(0xff, 0x5c, 0x5c) : QColor(0xb7, 0x1c, 0x1c);
    case K::NodeStarted:
        return dark ? QColor(0x56, 0xd4, 0xc1) : QColor(0x00, 0x79, 0x6b);
    case K::NodeStopped:
        return dark ? QColor(0xc9, 0xa2, 0x7e) : QColor(0x6d, 0x4c, 0x41);
    case K::ClientConnected:
    case K::ClientDisconnected:
    case K::LineReceived:
    case K::LineSent:
        break;
    }
    return {};
}

} // namespace HerdUi
