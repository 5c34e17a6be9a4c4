// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/log/eventfiltermodel.h"

#include <QLatin1String>

#include "ui/log/eventlogmodel.h"

namespace HerdUi {

namespace {

// EventKind::Error is the last kind; the mask has one bit per kind.
constexpr int KindCount = static_cast<int>(Herd::EventKind::Error) + 1;
static_assert(KindCount <= 32, "the kind mask is 32 bits wide");

bool isAscii(const QString &text)
{
    for (const QChar c : text) {
        if (c.unicode() >= 0x80)
            return false;
    }
    return true;
}

template <typename T> int compare3(const T &a, const T &b)
{
    return a < b ? -1 : (b < a ? 1 : 0);
}

} // namespace

EventFilterModel::EventFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
    , m_kindMask(allKindsMask())
{
    setDynamicSortFilter(true);
}

EventFilterModel::~EventFilterModel() = default;

void EventFilterModel::setSourceModel(QAbstractItemModel *model)
{
    m_events = qobject_cast<EventLogModel *>(model);
    Q_ASSERT_X(!model || m_events, "EventFilterModel", "the source must be an EventLogModel");
    QSortFilterProxyModel::setSourceModel(m_events);
}

quint32 EventFilterModel::kindBit(Herd::EventKind kind)
{
    return quint32(1) << static_cast<int>(kind);
}

quint32 EventFilterModel::allKindsMask()
{
    return KindCount == 32 ? ~quint32(0) : (quint32(1) << KindCount) - 1;
}

void EventFilterModel::setNode(const QString &node)
{
    if (node == m_node)
        return;
    m_node = node;
    changed();
}

QSet<Herd::EventKind> EventFilterModel::kinds() const
{
    QSet<Herd::EventKind> out;
    for (int i = 0; i < KindCount; ++i) {
        const auto kind = static_cast<Herd::EventKind>(i);
        if (isKindShown(kind))
            out.insert(kind);
    }
    return out;
}

void EventFilterModel::setKinds(const QSet<Herd::EventKind> &kinds)
{
    quint32 mask = 0;
    for (const Herd::EventKind kind : kinds)
        mask |= kindBit(kind);
    if (mask == m_kindMask)
        return;
    m_kindMask = mask;
    changed();
}

void EventFilterModel::resetKinds()
{
    if (m_kindMask == allKindsMask())
        return;
    m_kindMask = allKindsMask();
    changed();
}

bool EventFilterModel::isKindShown(Herd::EventKind kind) const
{
    return (m_kindMask & kindBit(kind)) != 0;
}

bool EventFilterModel::allKindsShown() const
{
    return m_kindMask == allKindsMask();
}

void EventFilterModel::setText(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    m_asciiText = isAscii(text) ? text.toLatin1() : QByteArray();
    changed();
}

bool EventFilterModel::isFiltering() const
{
    return !m_node.isEmpty() || !allKindsShown() || !m_text.isEmpty();
}

void EventFilterModel::changed()
{
    invalidateFilter();
    emit filterChanged();
}

bool EventFilterModel::accepts(const Herd::Event &event) const
{
    if (!(m_kindMask & kindBit(event.kind)))
        return false;
    if (!m_node.isEmpty() && event.node != m_node)
        return false;
    if (m_text.isEmpty())
        return true;

    const auto inBytes = [this](const QByteArray &bytes) {
        if (bytes.isEmpty())
            return false;
        // An ASCII needle can only match ASCII bytes, even under Latin-1
        // case folding, so UTF-8 lines need no decoding.
        if (!m_asciiText.isEmpty())
            return QLatin1String(bytes).contains(QLatin1String(m_asciiText), Qt::CaseInsensitive);
        return QString::fromUtf8(bytes).contains(m_text, Qt::CaseInsensitive);
    };
    return inBytes(event.line) || event.peer.contains(m_text, Qt::CaseInsensitive) || inBytes(event.client)
        || event.detail.contains(m_text, Qt::CaseInsensitive);
}

bool EventFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (!m_events || sourceParent.isValid())
        return false;
    return accepts(m_events->eventAt(sourceRow));
}

bool EventFilterModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    if (!m_events)
        return QSortFilterProxyModel::lessThan(left, right);
    const Herd::Event &a = m_events->eventAt(left.row());
    const Herd::Event &b = m_events->eventAt(right.row());
    int order = 0;
    switch (static_cast<EventLogModel::Column>(left.column())) {
    case EventLogModel::Time:
        order = compare3(a.timeNs, b.timeNs);
        break;
    case EventLogModel::Node:
        order = a.node.compare(b.node, Qt::CaseInsensitive);
        break;
    case EventLogModel::Kind:
        order = compare3(static_cast<int>(a.kind), static_cast<int>(b.kind));
        break;
    case EventLogModel::Peer:
        order = a.peer.compare(b.peer, Qt::CaseInsensitive);
        break;
    case EventLogModel::Client:
        order = compare3(a.client, b.client);
        break;
    case EventLogModel::Line:
        order = compare3(a.line, b.line);
        break;
    case EventLogModel::Detail:
        order = a.detail.compare(b.detail, Qt::CaseInsensitive);
        break;
    case EventLogModel::ColumnCount:
        break;
    }
    // Ties fall back to time, then to arrival order (the sort is stable).
    if (order == 0)
        order = compare3(a.timeNs, b.timeNs);
    return order < 0;
}

} // namespace HerdUi
