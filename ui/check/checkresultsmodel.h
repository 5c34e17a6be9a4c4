// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractTableModel>
#include <QByteArray>
#include <QList>

#include "check/result.h"

namespace HerdUi {

// A check run's verdicts as a table, one row per rule and node in the order
// they finished: status, rule, node, time and title, with the title and the
// rule's section of docs/protocol.md as the tooltip, the status coloured. Fed by
// Herd::Check::Checker's ruleFinished; knows how many checks the run
// planned, so a stopped run can say how many it never reached.
class CheckResultsModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CheckResultsModel)

public:
    enum Column { Status, Rule, Node, Time, Title, ColumnCount }; // the title, widest, last
    Q_ENUM(Column)
    // What a sort compares: the outcome's rank (failed first), the time in
    // ms, or the text shown.
    enum Role { SortRole = Qt::UserRole };

    explicit CheckResultsModel(QObject *parent = nullptr);

    // No rows, and `planned` checks to come.
    void reset(int planned);
    int planned() const { return m_planned; }
    // The planned checks with no verdict (yet, or ever: the run stopped).
    int notChecked() const { return m_planned - int(m_results.size()); }
    const Herd::Check::RuleResult &result(int row) const { return m_results.at(row); }
    Herd::Check::Tally tally() const { return Herd::Check::tally(m_results); }
    // "28 passed, 1 failed, 1 not run", as herd --check ends.
    QString tallyText() const;

    // The client ids a result's rule sent in IAMAT and WHATSAT lines (the
    // second field), as sent: what the space-time diagram knows them by.
    static QList<QByteArray> clientsOf(const Herd::Check::RuleResult &result);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

public slots:
    void add(const Herd::Check::RuleResult &result);

private:
    QList<Herd::Check::RuleResult> m_results;
    int m_planned = 0;
};

} // namespace HerdUi
