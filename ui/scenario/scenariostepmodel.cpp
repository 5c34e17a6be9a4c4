// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/scenario/scenariostepmodel.h"

#include <algorithm>

#include <QColor>
#include <QFont>

#include "herd/scenario/scenarioreport.h"

using namespace Qt::StringLiterals;

namespace HerdUi {

ScenarioStepModel::ScenarioStepModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void ScenarioStepModel::setScenario(const Herd::Scenario &scenario)
{
    beginResetModel();
    m_scenario = scenario;
    m_rows = QList<Row>(scenario.steps.size());
    endResetModel();
}

void ScenarioStepModel::resetStates()
{
    if (m_rows.isEmpty())
        return;
    for (Row &row : m_rows)
        row = {};
    emit dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
}

int ScenarioStepModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ScenarioStepModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ScenarioStepModel::stateName(State state)
{
    switch (state) {
    case State::Pending:
        return tr("pending");
    case State::Running:
        return tr("running");
    case State::Done:
        return tr("done");
    case State::Held:
        return tr("held");
    case State::Failed:
        return tr("FAILED");
    }
    return {};
}

int ScenarioStepModel::count(State state) const
{
    return int(std::count_if(m_rows.cbegin(), m_rows.cend(),
                             [state](const Row &row) { return row.state == state; }));
}

QVariant ScenarioStepModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Herd::ScenarioStep &step = m_scenario.steps.at(index.row());
    const Row &row = m_rows.at(index.row());
    if (role == StateRole)
        return QVariant::fromValue(row.state);
    if (role == Qt::DisplayRole) {
        switch (Column(index.column())) {
        case Number:
            return index.row() + 1;
        case When:
            switch (step.timing) {
            case Herd::ScenarioStep::Timing::At:
                return Herd::ScenarioReport::offset(step.timingMs);
            case Herd::ScenarioStep::Timing::After:
                return tr("then +%1 ms").arg(step.timingMs);
            case Herd::ScenarioStep::Timing::Next:
                return tr("then");
            }
            return {};
        case Step:
            return Herd::ScenarioReport::describe(step);
        case Status:
            return stateName(row.state);
        case Outcome:
            return row.state == State::Pending || row.state == State::Running ? QString()
                                                                              : row.result.outcome;
        case ColumnCount:
            break;
        }
        return {};
    }
    if (role == Qt::ToolTipRole) {
        QString tip = Herd::ScenarioReport::describe(step);
        if (!step.note.isEmpty())
            tip += u"\n\n" + step.note;
        if (row.state != State::Pending && row.state != State::Running)
            tip += u"\n\n" + Herd::ScenarioReport::offset(row.result.startedMs) + u": " + row.result.outcome;
        return tip;
    }
    if (role == Qt::ForegroundRole && (index.column() == Status || index.column() == Outcome)) {
        switch (row.state) {
        case State::Pending:
            return QColor(0x75, 0x75, 0x75);
        case State::Running:
            return QColor(0x25, 0x63, 0xeb);
        case State::Done:
            return QColor(0x2e, 0x7d, 0x32);
        case State::Held:
            return QColor(0x2e, 0x7d, 0x32);
        case State::Failed:
            return QColor(0xc6, 0x28, 0x28);
        }
    }
    if (role == Qt::FontRole && index.column() == Status
        && (row.state == State::Failed || row.state == State::Running)) {
        QFont font;
        font.setBold(true);
        return font;
    }
    if (role == Qt::BackgroundRole && row.state == State::Running)
        return QColor(0xdb, 0xea, 0xfe);
    if (role == Qt::TextAlignmentRole && index.column() == Number)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant ScenarioStepModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Number:
        return u"#"_s;
    case When:
        return tr("When");
    case Step:
        return tr("Step");
    case Status:
        return tr("Status");
    case Outcome:
        return tr("Outcome");
    case ColumnCount:
        break;
    }
    return {};
}

void ScenarioStepModel::changed(int row)
{
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void ScenarioStepModel::stepStarted(int index)
{
    if (index < 0 || index >= m_rows.size())
        return;
    m_rows[index].state = State::Running;
    changed(index);
}

void ScenarioStepModel::stepFinished(int index, const Herd::StepResult &result)
{
    if (index < 0 || index >= m_rows.size())
        return;
    Row &row = m_rows[index];
    row.result = result;
    row.state = !result.passed                 ? State::Failed
        : m_scenario.steps.at(index).isCheck() ? State::Held
                                               : State::Done;
    changed(index);
}

} // namespace HerdUi
