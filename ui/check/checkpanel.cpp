// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/check/checkpanel.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "check/checker.h"
#include "ui/check/checkresultdetails.h"
#include "ui/check/checkresultsmodel.h"
#include "ui/check/herdtarget.h"

using namespace Qt::StringLiterals;
using Herd::Check::Checker;
using Herd::Check::RuleResult;

namespace HerdUi {

namespace {

QString checks(int count)
{
    return count == 1 ? QObject::tr("1 check") : QObject::tr("%1 checks").arg(count);
}

} // namespace

CheckPanel::CheckPanel(Herd::HerdSource *herd, QWidget *parent)
    : QWidget(parent)
    , m_herd(herd)
    , m_model(new CheckResultsModel(this))
    , m_sorted(new QSortFilterProxyModel(this))
    , m_target(new QComboBox(this))
    , m_rules(new QLineEdit(this))
    , m_run(new QPushButton(tr("Run"), this))
    , m_stop(new QPushButton(tr("Stop"), this))
    , m_progress(new QProgressBar(this))
    , m_status(new QLabel(this))
    , m_table(new QTableView(this))
    , m_details(new CheckResultDetails(this))
    , m_tally(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    auto *controls = new QHBoxLayout;
    m_target->addItem(tr("This herd"));
    m_target->setItemData(0, tr("The herd on screen, at the ports its nodes listen on"), Qt::ToolTipRole);
    m_target->addItem(tr("Herd file..."));
    m_target->setToolTip(tr("What to check: the herd on screen, or a herd file (nodes with a \"run\" "
                            "block are started, killed and restarted, as by herd --check)"));
    m_rules->setPlaceholderText(tr("all rules, or e.g. iamat.* flood.*"));
    m_rules->setToolTip(tr("As herd --check --rules: wildcards over rule ids, separated by commas or "
                           "spaces (herd --list-rules lists them)"));
    m_rules->setClearButtonEnabled(true);
    m_run->setToolTip(tr("Run the rules against the target; verdicts appear as they come"));
    m_stop->setToolTip(tr("Stop after the rule under way"));
    controls->addWidget(m_target);
    controls->addWidget(m_rules, 1);
    controls->addWidget(m_run);
    controls->addWidget(m_stop);
    layout->addLayout(controls);

    m_progress->setTextVisible(true);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("Not run yet"));
    layout->addWidget(m_progress);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);

    m_sorted->setSourceModel(m_model);
    m_sorted->setSortRole(CheckResultsModel::SortRole);
    m_table->setModel(m_sorted);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    QHeaderView *header = m_table->horizontalHeader();
    for (const int column : {CheckResultsModel::Status, CheckResultsModel::Rule, CheckResultsModel::Node,
                             CheckResultsModel::Time})
        header->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    header->setStretchLastSection(true);
    // Unsorted, the run's own order; a click on a header sorts, a third
    // click goes back to it.
    header->setSortIndicatorClearable(true);
    header->setSortIndicator(-1, Qt::AscendingOrder);
    m_table->setSortingEnabled(true);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_table);
    split->addWidget(m_details);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setChildrenCollapsible(false);
    layout->addWidget(split, 1);
    QFont bold = m_tally->font();
    bold.setBold(true);
    m_tally->setFont(bold);
    layout->addWidget(m_tally);

    connect(m_run, &QPushButton::clicked, this, &CheckPanel::run);
    connect(m_stop, &QPushButton::clicked, this, &CheckPanel::stop);
    connect(m_rules, &QLineEdit::returnPressed, this, &CheckPanel::run);
    connect(m_target, &QComboBox::activated, this, [this](int index) {
        if (index == m_target->count() - 1)
            chooseTargetFile();
        else
            m_targetIndex = index;
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &CheckPanel::onCurrentChanged);
    connect(m_model, &CheckResultsModel::rowsInserted, this, [this] { m_tally->setText(tallyText()); });
    updateControls();
}

CheckPanel::~CheckPanel() = default; // the checker stops its run and waits

void CheckPanel::setTargetThisHerd()
{
    m_target->setCurrentIndex(0);
    m_targetIndex = 0;
}

void CheckPanel::setTargetFile(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    int index = m_target->findData(absolute);
    if (index < 0) {
        index = m_target->count() - 1; // before "Herd file..."
        m_target->insertItem(index, QFileInfo(absolute).fileName(), absolute);
        m_target->setItemData(index, absolute, Qt::ToolTipRole);
    }
    m_target->setCurrentIndex(index);
    m_targetIndex = index;
}

void CheckPanel::chooseTargetFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Check a Herd File"), {},
                                                      tr("Herd files (*.json);;All files (*)"));
    if (path.isEmpty())
        m_target->setCurrentIndex(m_targetIndex);
    else
        setTargetFile(path);
}

void CheckPanel::setRulePatterns(const QString &patterns)
{
    m_rules->setText(patterns);
}

QString CheckPanel::tallyText() const
{
    QString text = m_model->tallyText();
    if (!isRunning() && m_model->notChecked() > 0)
        text += tr("; stopped, %1 not checked").arg(m_model->notChecked());
    return text;
}

QString CheckPanel::statusText() const
{
    return m_status->text();
}

void CheckPanel::setStatus(const QString &text, bool problem)
{
    m_status->setStyleSheet(problem ? u"color: #b91c1c;"_s : QString());
    m_status->setText(text);
}

bool CheckPanel::run()
{
    if (isRunning())
        return false;
    const QString file = m_target->currentData().toString();
    QString error;
    std::optional<Herd::Check::CheckTarget> target =
        file.isEmpty() ? checkTargetOf(*m_herd, &error) : Herd::Check::CheckTarget::load(file, &error);
    Herd::Check::CheckSettings settings;
    settings.rulePatterns = m_rules->text().split(QRegularExpression(u"[,\\s]+"_s), Qt::SkipEmptyParts);
    settings.herdProgram = m_herdProgram;
    auto checker = target ? std::make_unique<Checker>(std::move(*target), settings) : nullptr;
    if (!checker || !checker->prepare(&error)) {
        setStatus(tr("Cannot check: %1").arg(error), true);
        return false;
    }
    m_checker = std::move(checker);
    m_ofThisHerd = file.isEmpty();
    const int total = m_checker->plannedCount();
    m_model->reset(total);
    m_details->clear();
    emit clientsPicked({});
    m_progress->setRange(0, total);
    m_progress->setValue(0);
    m_progress->setFormat(tr("Starting"));
    setStatus(tr("Checking %1: %2")
                  .arg(m_ofThisHerd ? tr("the herd on screen") : QFileInfo(file).fileName(), checks(total)));
    m_tally->setText(tallyText());

    const Checker *running = m_checker.get();
    connect(running, &Checker::progress, this, [this](const QString &message) { setStatus(message); });
    connect(running, &Checker::ruleStarted, this, [this](const QString &name, int index, int count) {
        m_progress->setValue(index);
        m_progress->setFormat(tr("%1/%2  %3").arg(index + 1).arg(count).arg(name));
    });
    connect(running, &Checker::ruleFinished, m_model, &CheckResultsModel::add);
    connect(running, &Checker::ruleFinished, this,
            [this](const RuleResult &, int index) { m_progress->setValue(index + 1); });
    connect(running, &Checker::finished, this, &CheckPanel::onFinished);
    m_checker->start();
    updateControls();
    return true;
}

void CheckPanel::stop()
{
    if (!m_checker)
        return;
    m_checker->cancel();
    setStatus(tr("Stopping after the rule under way"));
}

void CheckPanel::onFinished(bool stopped, const QString &error)
{
    m_checker->wait();
    const qint64 elapsedMs = m_checker->runInfo().elapsedMs;
    m_checker.reset();
    const int done = m_model->rowCount();
    if (!error.isEmpty())
        setStatus(tr("The run could not go on: %1").arg(error), true);
    else if (stopped)
        setStatus(tr("Stopped after %1 of %2 checks").arg(done).arg(m_model->planned()));
    else
        setStatus(tr("%1 in %2 s").arg(checks(done)).arg(double(elapsedMs) / 1000.0, 0, 'f', 1));
    m_progress->setValue(done);
    m_progress->setFormat(stopped || !error.isEmpty() ? tr("%1/%2  stopped").arg(done).arg(m_model->planned())
                                                      : tr("%1/%2  done").arg(done).arg(m_model->planned()));
    m_tally->setText(tallyText());
    updateControls();
    emit runFinished(stopped || !error.isEmpty());
}

void CheckPanel::onCurrentChanged()
{
    const QModelIndex current = m_sorted->mapToSource(m_table->selectionModel()->currentIndex());
    if (!current.isValid()) {
        m_details->clear();
        emit clientsPicked({});
        return;
    }
    const RuleResult &result = m_model->result(current.row());
    m_details->showResult(result);
    emit clientsPicked(m_ofThisHerd ? CheckResultsModel::clientsOf(result) : QList<QByteArray>());
}

void CheckPanel::updateControls()
{
    m_run->setEnabled(!isRunning());
    m_stop->setEnabled(isRunning());
    m_target->setEnabled(!isRunning());
    m_rules->setEnabled(!isRunning());
}

} // namespace HerdUi
