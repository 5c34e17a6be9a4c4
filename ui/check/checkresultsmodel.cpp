// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/check/checkresultsmodel.h"

#include <QColor>
#include <QFont>

using namespace Qt::StringLiterals;
using Herd::Check::RuleResult;
using Herd::Check::Transcript;
using Outcome = Herd::Check::Verdict::Outcome;

namespace HerdUi {

namespace {

// Text and tint per outcome: dark on pale, readable in a light or dark
// palette alike.
struct Look
{
    QColor text;
    QColor background;
    int rank; // sorts failures first
};

Look lookOf(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Failed:
        return {QColor(0xb9, 0x1c, 0x1c), QColor(0xfe, 0xe2, 0xe2), 0};
    case Outcome::NotRun:
        return {QColor(0x92, 0x40, 0x0e), QColor(0xfe, 0xf3, 0xc7), 1};
    case Outcome::Passed:
        break;
    }
    return {QColor(0x15, 0x80, 0x3d), QColor(0xdc, 0xfc, 0xe7), 2};
}

} // namespace

CheckResultsModel::CheckResultsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void CheckResultsModel::reset(int planned)
{
    beginResetModel();
    m_results.clear();
    m_planned = planned;
    endResetModel();
}

void CheckResultsModel::add(const RuleResult &result)
{
    const int row = int(m_results.size());
    beginInsertRows({}, row, row);
    m_results.append(result);
    endInsertRows();
}

QString CheckResultsModel::tallyText() const
{
    const Herd::Check::Tally counts = tally();
    return tr("%1 passed, %2 failed, %3 not run").arg(counts.passed).arg(counts.failed).arg(counts.notRun);
}

QList<QByteArray> CheckResultsModel::clientsOf(const RuleResult &result)
{
    QList<QByteArray> clients;
    for (const Transcript::Entry &entry : result.transcript.entries()) {
        if (entry.direction != Transcript::Direction::Sent)
            continue;
        for (const QByteArray &line : entry.bytes.split('\n')) {
            // Any white space separates fields, as the protocol reads them.
            const QList<QByteArray> fields = line.simplified().split(' ');
            if (fields.size() >= 2 && (fields[0] == "IAMAT" || fields[0] == "WHATSAT")
                && !clients.contains(fields[1]))
                clients.append(fields[1]);
        }
    }
    return clients;
}

int CheckResultsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_results.size());
}

int CheckResultsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CheckResultsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RuleResult &result = m_results.at(index.row());
    const Look look = lookOf(result.verdict.outcome);
    const auto column = Column(index.column());
    switch (role) {
    case SortRole:
        if (column == Status)
            return look.rank;
        if (column == Time)
            return result.elapsedMs;
        return data(index, Qt::DisplayRole);
    case Qt::DisplayRole:
        switch (column) {
        case Status:
            return Herd::Check::outcomeName(result.verdict.outcome);
        case Rule:
            return result.ruleId;
        case Node:
            return result.node.isEmpty() ? tr("(herd)") : result.node;
        case Title:
            return result.title;
        case Time:
            return tr("%1 ms").arg(result.elapsedMs);
        case ColumnCount:
            break;
        }
        return {};
    case Qt::ToolTipRole:
        return tr("%1\nChecks docs/protocol.md, \"%2\"").arg(result.title, result.section);
    case Qt::ForegroundRole:
        return column == Status ? QVariant(look.text) : QVariant();
    case Qt::BackgroundRole:
        return column == Status ? QVariant(look.background) : QVariant();
    case Qt::FontRole:
        if (column == Status && result.verdict.isFailed()) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case Qt::TextAlignmentRole:
        return column == Time ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    default:
        return {};
    }
}

QVariant CheckResultsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Status:
        return tr("Status");
    case Rule:
        return tr("Rule");
    case Node:
        return tr("Node");
    case Title:
        return tr("What it checks");
    case Time:
        return tr("Time");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace HerdUi
