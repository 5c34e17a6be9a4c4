// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractTableModel>
#include <QList>

#include "herd/scenario/scenario.h"
#include "herd/scenario/scenariorunner.h"

namespace HerdUi {

// A scenario's steps as a table, with how each is going: pending, running,
// done (an action that worked), held (an expectation that held) or FAILED,
// with the runner's outcome text. Fed by ScenarioRunner's stepStarted and
// stepFinished; colours are chosen here.
class ScenarioStepModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScenarioStepModel)

public:
    enum Column { Number, When, Step, Status, Outcome, ColumnCount };
    Q_ENUM(Column)
    enum class State { Pending, Running, Done, Held, Failed };
    Q_ENUM(State)
    enum Role { StateRole = Qt::UserRole };

    explicit ScenarioStepModel(QObject *parent = nullptr);

    void setScenario(const Herd::Scenario &scenario);
    const Herd::Scenario &scenario() const { return m_scenario; }
    // Back to every step pending.
    void resetStates();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    State state(int row) const { return m_rows.at(row).state; }
    int count(State state) const;
    static QString stateName(State state);

public slots:
    void stepStarted(int index);
    void stepFinished(int index, const Herd::StepResult &result);

private:
    struct Row
    {
        State state = State::Pending;
        Herd::StepResult result;
    };
    void changed(int row);

    Herd::Scenario m_scenario;
    QList<Row> m_rows;
};

} // namespace HerdUi
