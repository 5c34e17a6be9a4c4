// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QString>

#include "herd/event.h"

namespace HerdUi {

class EventLogModel;

// Which rows of an EventLogModel the log view shows: one node (or all), a
// set of kinds (all by default), and a case-insensitive text that must occur
// in the line, peer, client or detail. All three must match.
//
// Cheap enough for 100,000 rows: it reads events straight from the source
// model (no QVariant per cell), a kind test is one bit, and an ASCII search
// text (the usual case) is matched against the raw line bytes without
// decoding them. No regular expressions.
//
// Sorting, when the view asks for it, compares the raw values (time in ns,
// kind, bytes), not the display strings.
class EventFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventFilterModel)

public:
    explicit EventFilterModel(QObject *parent = nullptr);
    ~EventFilterModel() override;

    // The source must be an EventLogModel (or null).
    void setSourceModel(QAbstractItemModel *model) override;
    EventLogModel *eventModel() const { return m_events; }

    QString node() const { return m_node; }
    void setNode(const QString &node); // empty: every node

    // Exactly these kinds; an empty set shows nothing. resetKinds() shows
    // every kind again.
    QSet<Herd::EventKind> kinds() const;
    void setKinds(const QSet<Herd::EventKind> &kinds);
    void resetKinds();
    bool isKindShown(Herd::EventKind kind) const;
    bool allKindsShown() const;

    QString text() const { return m_text; }
    void setText(const QString &text); // empty: no text condition

    // True when some condition hides rows (any filter other than the
    // defaults).
    bool isFiltering() const;

    // Whether one event passes the three conditions.
    bool accepts(const Herd::Event &event) const;

signals:
    void filterChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    static quint32 kindBit(Herd::EventKind kind);
    static quint32 allKindsMask();
    void changed();

    EventLogModel *m_events = nullptr; // borrowed: the source model
    QString m_node;
    quint32 m_kindMask = 0;
    QString m_text;
    QByteArray m_asciiText; // m_text as Latin-1 when it is all ASCII, else empty
};

} // namespace HerdUi
