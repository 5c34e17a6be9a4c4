// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/scenario/scenariopanel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include "herd/scenario/scenario.h"
#include "herd/scenario/scenarioreport.h"
#include "herd/scenario/scenariorunner.h"
#include "ui/scenario/scenariostepmodel.h"

using namespace Qt::StringLiterals;

namespace HerdUi {

ScenarioPanel::ScenarioPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new ScenarioStepModel(this))
    , m_title(new QLabel(this))
    , m_description(new QLabel(this))
    , m_state(new QLabel(this))
    , m_play(new QToolButton(this))
    , m_pause(new QToolButton(this))
    , m_step(new QToolButton(this))
    , m_again(new QToolButton(this))
    , m_steps(new QTableView(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    QFont big = font();
    big.setPointSizeF(big.pointSizeF() * 1.35);
    big.setBold(true);
    m_title->setFont(big);
    m_title->setText(tr("No scenario"));
    layout->addWidget(m_title);
    m_description->setWordWrap(true);
    m_description->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_description->setText(tr("Open one with File > Open Scenario…, or pick a lab from File > Labs: "
                              "it runs on the herd shown here, step by step, with its checks."));
    layout->addWidget(m_description);

    auto *controls = new QHBoxLayout;
    auto setUp = [](QToolButton *button, const QString &text, const QString &tip) {
        button->setText(text);
        button->setToolTip(tip);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        button->setMinimumWidth(70);
    };
    setUp(m_play, tr("▶ Play"), tr("Run the steps (or go on after a pause)"));
    setUp(m_pause, tr("❚❚ Pause"),
          tr("Hold before the next step; the step under way finishes (the herd cannot pause)"));
    setUp(m_step, tr("Step"), tr("Run the next step now, then pause"));
    setUp(m_again, tr("Run Again"), tr("Start over on a fresh herd"));
    for (QToolButton *button : {m_play, m_pause, m_step, m_again})
        controls->addWidget(button);
    controls->addStretch(1);
    layout->addLayout(controls);
    m_state->setTextFormat(Qt::RichText);
    layout->addWidget(m_state);

    m_steps->setModel(m_model);
    m_steps->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_steps->setSelectionMode(QAbstractItemView::SingleSelection);
    m_steps->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_steps->setWordWrap(false);
    m_steps->setTextElideMode(Qt::ElideRight);
    m_steps->verticalHeader()->setVisible(false);
    m_steps->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_steps->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    QHeaderView *header = m_steps->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(ScenarioStepModel::Number, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(ScenarioStepModel::When, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(ScenarioStepModel::Status, QHeaderView::ResizeToContents);
    header->setStretchLastSection(true);
    m_steps->setColumnWidth(ScenarioStepModel::Step,
                            fontMetrics().horizontalAdvance(u"expect Parker holds kiwi.cs.ucla.edu"_s));
    layout->addWidget(m_steps, 1);

    connect(m_play, &QToolButton::clicked, this, &ScenarioPanel::play);
    connect(m_pause, &QToolButton::clicked, this, &ScenarioPanel::pause);
    connect(m_step, &QToolButton::clicked, this, &ScenarioPanel::step);
    connect(m_again, &QToolButton::clicked, this, &ScenarioPanel::runAgainRequested);
    m_clockTimer.setInterval(200);
    connect(&m_clockTimer, &QTimer::timeout, this, &ScenarioPanel::updateControls);
    updateControls();
}

ScenarioPanel::~ScenarioPanel() = default;

void ScenarioPanel::setScenario(const Herd::Scenario &scenario, Herd::Cluster *cluster)
{
    m_runner = std::make_unique<Herd::ScenarioRunner>(scenario, cluster);
    m_model->setScenario(scenario);
    m_title->setText(tr("Scenario: %1").arg(scenario.name));
    m_description->setText(scenario.description);
    m_description->setToolTip(scenario.herdSource.isEmpty() ? QString()
                                                            : tr("Herd: %1").arg(scenario.herdSource));

    Herd::ScenarioRunner *runner = m_runner.get();
    connect(runner, &Herd::ScenarioRunner::stepStarted, m_model, &ScenarioStepModel::stepStarted);
    connect(runner, &Herd::ScenarioRunner::stepFinished, m_model, &ScenarioStepModel::stepFinished);
    connect(runner, &Herd::ScenarioRunner::stepStarted, this, [this](int index) {
        m_steps->scrollTo(m_model->index(index, 0));
        updateControls();
    });
    connect(runner, &Herd::ScenarioRunner::stepFinished, this, &ScenarioPanel::updateControls);
    connect(runner, &Herd::ScenarioRunner::started, this, &ScenarioPanel::updateControls);
    connect(runner, &Herd::ScenarioRunner::pausedChanged, this, &ScenarioPanel::updateControls);
    connect(runner, &Herd::ScenarioRunner::finished, this, [this](bool passed) {
        updateControls();
        emit finished(passed);
    });
    updateControls();
}

void ScenarioPanel::play()
{
    if (!m_runner)
        return;
    if (!m_runner->isStarted())
        m_runner->start();
    else
        m_runner->resume();
    updateControls();
}

void ScenarioPanel::pause()
{
    if (m_runner)
        m_runner->pause();
    updateControls();
}

void ScenarioPanel::step()
{
    if (m_runner)
        m_runner->step();
    updateControls();
}

QString ScenarioPanel::stateText() const
{
    if (!m_runner)
        return {};
    const int total = int(m_runner->scenario().steps.size());
    const QString clock = tr("%1 s").arg(double(m_runner->clockMs()) / 1000.0, 0, 'f', 1);
    const int failed = m_model->count(ScenarioStepModel::State::Failed);
    if (m_runner->isFinished()) {
        return failed == 0 ? tr("PASSED: %n step(s) in %1", nullptr, total).arg(clock)
                           : tr("FAILED: %1 of %n step(s)", nullptr, total).arg(failed);
    }
    if (!m_runner->isStarted())
        return tr("ready: %n step(s)", nullptr, total);
    if (m_runner->currentStep() < 0 && m_runner->clockMs() == 0 && m_runner->nextStep() == 0
        && !m_runner->isPaused())
        return tr("waiting for every link to connect…");
    QString text = m_runner->currentStep() >= 0
        ? tr("step %1 of %2 running").arg(m_runner->currentStep() + 1).arg(total)
        : m_runner->isPaused() ? tr("paused before step %1 of %2").arg(m_runner->nextStep() + 1).arg(total)
                               : tr("next: step %1 of %2").arg(m_runner->nextStep() + 1).arg(total);
    text += u" · "_s + tr("scenario clock %1").arg(clock);
    if (failed > 0)
        text += u" · "_s + tr("%1 FAILED").arg(failed);
    return text;
}

void ScenarioPanel::updateControls()
{
    const bool have = m_runner != nullptr;
    const bool started = have && m_runner->isStarted();
    const bool finished = have && m_runner->isFinished();
    const bool paused = have && m_runner->isPaused();
    m_play->setEnabled(have && !finished && (!started || paused));
    m_pause->setEnabled(have && started && !finished && !paused);
    m_step->setEnabled(have && !finished);
    m_again->setEnabled(have && started);
    const bool running = started && !finished;
    if (running && !m_clockTimer.isActive())
        m_clockTimer.start();
    else if (!running)
        m_clockTimer.stop();

    QString text = stateText().toHtmlEscaped();
    if (finished)
        text = u"<b style='color:%1'>%2</b>"_s.arg(m_runner->passed() ? u"#2e7d32"_s : u"#c62828"_s, text);
    m_state->setText(text);
}

} // namespace HerdUi
