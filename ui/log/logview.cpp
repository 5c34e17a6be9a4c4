// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/log/logview.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QMouseEvent>
#include <QPainter>
#include <QPixmap>
#include <QPushButton>
#include <QScrollBar>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include "ui/log/eventfiltermodel.h"
#include "ui/log/eventlogmodel.h"
#include "herd/log/logwriter.h"

using namespace Qt::StringLiterals;

namespace HerdUi {

namespace {

constexpr int SearchDebounceMs = 200;
constexpr int FollowIntervalMs = 150;
constexpr int CountIntervalMs = 100;
constexpr int KindCount = static_cast<int>(Herd::EventKind::Error) + 1;

// A menu that stays open while checkable items are toggled, so several
// kinds can be picked in one go.
class StayOpenMenu final : public QMenu
{
public:
    using QMenu::QMenu;

protected:
    void mouseReleaseEvent(QMouseEvent *event) override
    {
        QAction *action = actionAt(event->position().toPoint());
        if (action && action->isCheckable() && action->isEnabled()) {
            action->trigger();
            return;
        }
        QMenu::mouseReleaseEvent(event);
    }
};

QString kindDescription(Herd::EventKind kind)
{
    using K = Herd::EventKind;
    switch (kind) {
    case K::NodeStarted:
        return LogView::tr("node started");
    case K::NodeStopped:
        return LogView::tr("node stopped");
    case K::ClientConnected:
        return LogView::tr("client connected");
    case K::ClientDisconnected:
        return LogView::tr("client disconnected");
    case K::LineReceived:
        return LogView::tr("line received");
    case K::LineSent:
        return LogView::tr("line sent");
    case K::LineInvalid:
        return LogView::tr("invalid line");
    case K::RecordStored:
        return LogView::tr("record stored");
    case K::RecordDropped:
        return LogView::tr("record dropped");
    case K::PeerConnected:
        return LogView::tr("peer link up");
    case K::PeerDisconnected:
        return LogView::tr("peer link down");
    case K::PeerRetrying:
        return LogView::tr("peer link retrying");
    case K::SendSkipped:
        return LogView::tr("send skipped");
    case K::LinkChanged:
        return LogView::tr("link cut, restored or delayed");
    case K::Resynced:
        return LogView::tr("resynchronised with a neighbour");
    case K::Refused:
        return LogView::tr("refused");
    case K::Error:
        return LogView::tr("error");
    }
    return {};
}

QIcon kindIcon(Herd::EventKind kind, const QPalette &palette)
{
    const bool dark = palette.color(QPalette::Base).lightness() < 128;
    QColor color = EventLogModel::colorFor(kind, dark);
    if (!color.isValid())
        color = palette.color(QPalette::Text);
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(color);
    painter.drawRoundedRect(QRectF(1, 1, 10, 10), 2, 2);
    return QIcon(pixmap);
}

QLocale groupingLocale()
{
    // The C locale omits group separators by default; "56,789" reads better.
    QLocale locale;
    locale.setNumberOptions(locale.numberOptions() & ~QLocale::OmitGroupSeparator);
    return locale;
}

} // namespace

LogView::LogView(QWidget *parent)
    : QWidget(parent)
{
    m_model = new EventLogModel(this);
    m_filter = new EventFilterModel(this);
    m_filter->setSourceModel(m_model);

    buildFilterBar();
    buildTable();

    auto *filterBar = new QHBoxLayout;
    filterBar->setContentsMargins(2, 2, 2, 0);
    filterBar->addWidget(m_nodeCombo);
    filterBar->addWidget(m_kindButton);
    filterBar->addWidget(m_search, 1);
    filterBar->addWidget(m_followButton);
    filterBar->addSpacing(8);
    filterBar->addWidget(m_countLabel);
    filterBar->addSpacing(8);
    filterBar->addWidget(m_exportButton);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(filterBar);
    layout->addWidget(m_table, 1);

    m_searchTimer.setSingleShot(true);
    m_searchTimer.setInterval(SearchDebounceMs);
    connect(&m_searchTimer, &QTimer::timeout, this, [this] { m_filter->setText(m_search->text()); });

    m_scrollTimer.setSingleShot(true);
    m_scrollTimer.setInterval(FollowIntervalMs);
    connect(&m_scrollTimer, &QTimer::timeout, this, [this] {
        if (follow())
            m_table->scrollToBottom();
    });

    m_countTimer.setSingleShot(true);
    m_countTimer.setInterval(CountIntervalMs);
    connect(&m_countTimer, &QTimer::timeout, this, &LogView::updateCount);
    const auto countLater = [this] {
        if (!m_countTimer.isActive())
            m_countTimer.start();
    };
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, &LogView::onRowsInserted);
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, countLater);
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, countLater);
    connect(m_filter, &QAbstractItemModel::modelReset, this, countLater);
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, countLater);
    connect(m_filter, &EventFilterModel::filterChanged, this, &LogView::syncFromFilter);

    updateKindButton();
    updateCount();
}

LogView::~LogView() = default;

void LogView::buildFilterBar()
{
    m_nodeCombo = new QComboBox(this);
    m_nodeCombo->setObjectName(u"logNodeFilter"_s);
    m_nodeCombo->setToolTip(tr("Show the events of one node"));
    m_nodeCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    rebuildNodeCombo();
    connect(m_nodeCombo, &QComboBox::currentIndexChanged, this,
            [this] { m_filter->setNode(m_nodeCombo->currentData().toString()); });

    m_kindButton = new QPushButton(this);
    m_kindButton->setObjectName(u"logKindFilter"_s);
    m_kindButton->setToolTip(tr("Show only some kinds of event"));
    m_kindMenu = new StayOpenMenu(m_kindButton);
    m_kindMenu->addAction(tr("Show all kinds"), this, [this] {
        for (QAction *action : std::as_const(m_kindActions)) {
            const QSignalBlocker blocker(action);
            action->setChecked(true);
        }
        applyKindActions();
    });
    m_kindMenu->addAction(tr("Show no kinds"), this, [this] {
        for (QAction *action : std::as_const(m_kindActions)) {
            const QSignalBlocker blocker(action);
            action->setChecked(false);
        }
        applyKindActions();
    });
    m_kindMenu->addSeparator();
    for (int i = 0; i < KindCount; ++i) {
        const auto kind = static_cast<Herd::EventKind>(i);
        QAction *action = m_kindMenu->addAction(
            kindIcon(kind, palette()),
            u"%1  \u2014  %2"_s.arg(QString::fromLatin1(Herd::eventKindName(kind)), kindDescription(kind)));
        action->setCheckable(true);
        action->setChecked(true);
        action->setData(i);
        connect(action, &QAction::toggled, this, &LogView::applyKindActions);
        m_kindActions.append(action);
    }
    m_kindButton->setMenu(m_kindMenu);
    // As wide as its widest text, so the bar does not shift as kinds toggle.
    m_kindButton->setText(tr("Kinds: %1 of %2").arg(88).arg(88));
    m_kindButton->setMinimumWidth(m_kindButton->sizeHint().width() + fontMetrics().averageCharWidth() * 2);

    m_search = new QLineEdit(this);
    m_search->setObjectName(u"logSearch"_s);
    m_search->setPlaceholderText(tr("Search line, peer, client, detail"));
    m_search->setClearButtonEnabled(true);
    m_search->setToolTip(tr("Case-insensitive text to find in the line, peer, client or detail"));
    connect(m_search, &QLineEdit::textChanged, this, [this] { m_searchTimer.start(); });
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        m_searchTimer.stop();
        m_filter->setText(m_search->text());
    });

    m_followButton = new QToolButton(this);
    m_followButton->setObjectName(u"logFollow"_s);
    m_followButton->setText(tr("Follow"));
    m_followButton->setToolTip(tr("Keep the newest event in view"));
    m_followButton->setCheckable(true);
    m_followButton->setChecked(true);
    connect(m_followButton, &QToolButton::toggled, this, [this](bool on) {
        if (on)
            m_scrollTimer.start();
    });

    m_countLabel = new QLabel(this);
    m_countLabel->setObjectName(u"logCount"_s);

    m_exportButton = new QPushButton(this);
    m_exportButton->setObjectName(u"logExport"_s);
    m_exportButton->setText(tr("Export"));
    m_exportButton->setToolTip(tr("Save events as JSON Lines, CSV or a text log"));
    auto *exportMenu = new QMenu(m_exportButton);
    exportMenu->addAction(tr("Export all..."), this, [this] { exportWithDialog(false); });
    exportMenu->addAction(tr("Export shown..."), this, [this] { exportWithDialog(true); });
    m_exportButton->setMenu(exportMenu);
}

void LogView::buildTable()
{
    m_table = new QTableView(this);
    m_table->setObjectName(u"logTable"_s);
    m_table->setModel(m_filter);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setShowGrid(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_table->setCornerButtonEnabled(false);

    // Uniform row heights: a fixed section size keeps 100,000 rows O(1).
    QHeaderView *rows = m_table->verticalHeader();
    rows->setVisible(false);
    rows->setSectionResizeMode(QHeaderView::Fixed);
    rows->setDefaultSectionSize(fontMetrics().height() + 6);

    // Fixed starting widths from the font (never ResizeToContents: it would
    // measure every row); the line takes the rest.
    QHeaderView *columns = m_table->horizontalHeader();
    const QFontMetrics metrics = fontMetrics();
    const auto width = [&](const QString &sample) { return metrics.horizontalAdvance(sample) + 18; };
    columns->setSectionResizeMode(QHeaderView::Interactive);
    columns->setStretchLastSection(false);
    columns->setHighlightSections(false);
    columns->setMinimumSectionSize(40);
    columns->resizeSection(EventLogModel::Time, width(u"00:00:00.000000"_s));
    columns->resizeSection(EventLogModel::Node, width(u"Goloman_"_s));
    columns->resizeSection(EventLogModel::Kind, width(u"peer-down_"_s));
    columns->resizeSection(EventLogModel::Peer, width(u"127.0.0.1:65535"_s));
    columns->resizeSection(EventLogModel::Client, width(u"kiwi.cs.ucla.edu"_s));
    columns->resizeSection(EventLogModel::Detail, width(u"not newer than the stored record"_s));
    columns->setSectionResizeMode(EventLogModel::Line, QHeaderView::Stretch);

    // Sorting by a column is offered, but the log starts in arrival order,
    // and clicking a sorted column a third time returns to it.
    columns->setSortIndicatorClearable(true);
    columns->setSortIndicator(-1, Qt::AscendingOrder);
    m_table->setSortingEnabled(true);

    auto *copy = new QAction(tr("Copy"), m_table);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(copy, &QAction::triggered, this, &LogView::copySelection);
    m_table->addAction(copy);
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);

    QScrollBar *bar = m_table->verticalScrollBar();
    connect(bar, &QScrollBar::actionTriggered, this, [this] {
        // The slider's value changes after this signal; look once it has.
        QTimer::singleShot(0, this, &LogView::onUserScrolled);
    });
    connect(bar, &QScrollBar::sliderReleased, this, &LogView::onUserScrolled);
}

void LogView::setNodes(const QStringList &nodes)
{
    QStringList order = nodes;
    order.removeDuplicates();
    for (const QString &seen : std::as_const(m_nodes)) {
        if (!order.contains(seen))
            order.append(seen);
    }
    m_nodes = order;
    m_nodeSet = QSet<QString>(m_nodes.cbegin(), m_nodes.cend());
    rebuildNodeCombo();
}

void LogView::addNode(const QString &node)
{
    m_nodes.append(node);
    m_nodeSet.insert(node);
    m_nodeCombo->addItem(node, node);
}

void LogView::rebuildNodeCombo()
{
    const QString current = m_filter->node();
    const QSignalBlocker blocker(m_nodeCombo);
    m_nodeCombo->clear();
    m_nodeCombo->addItem(tr("All nodes"), QString());
    for (const QString &node : std::as_const(m_nodes))
        m_nodeCombo->addItem(node, node);
    const int index = m_nodeCombo->findData(current);
    m_nodeCombo->setCurrentIndex(index < 0 ? 0 : index);
    if (index < 0)
        m_filter->setNode(QString());
}

bool LogView::follow() const
{
    return m_followButton->isChecked();
}

void LogView::setFollow(bool on)
{
    m_followButton->setChecked(on);
}

void LogView::append(const Herd::Event &event)
{
    m_model->append(event);
    if (!event.node.isEmpty() && !m_nodeSet.contains(event.node))
        addNode(event.node);
}

void LogView::clear()
{
    m_model->clear();
}

void LogView::applyKindActions()
{
    QSet<Herd::EventKind> kinds;
    for (QAction *action : std::as_const(m_kindActions)) {
        if (action->isChecked())
            kinds.insert(static_cast<Herd::EventKind>(action->data().toInt()));
    }
    if (kinds.size() == m_kindActions.size())
        m_filter->resetKinds();
    else
        m_filter->setKinds(kinds);
    updateKindButton();
}

void LogView::syncFromFilter()
{
    for (QAction *action : std::as_const(m_kindActions)) {
        const QSignalBlocker blocker(action);
        action->setChecked(m_filter->isKindShown(static_cast<Herd::EventKind>(action->data().toInt())));
    }
    updateKindButton();
    if (!m_filter->node().isEmpty() && !m_nodeSet.contains(m_filter->node()))
        addNode(m_filter->node());
    const int index = m_nodeCombo->findData(m_filter->node());
    if (index >= 0 && index != m_nodeCombo->currentIndex()) {
        const QSignalBlocker blocker(m_nodeCombo);
        m_nodeCombo->setCurrentIndex(index);
    }
    if (m_search->text() != m_filter->text() && !m_searchTimer.isActive()) {
        const QSignalBlocker blocker(m_search);
        m_search->setText(m_filter->text());
    }
    updateCount();
}

void LogView::updateKindButton()
{
    const auto shown = std::count_if(m_kindActions.cbegin(), m_kindActions.cend(),
                                     [](const QAction *action) { return action->isChecked(); });
    if (shown == m_kindActions.size())
        m_kindButton->setText(tr("Kinds: all"));
    else if (shown == 0)
        m_kindButton->setText(tr("Kinds: none"));
    else
        m_kindButton->setText(tr("Kinds: %1 of %2").arg(shown).arg(m_kindActions.size()));
}

QString LogView::countText() const
{
    const QLocale locale = groupingLocale();
    const int total = m_model->rowCount();
    const int shown = m_filter->rowCount();
    if (!m_filter->isFiltering())
        return total == 1 ? tr("1 event") : tr("%1 events").arg(locale.toString(total));
    return tr("%1 of %2 events").arg(locale.toString(shown), locale.toString(total));
}

void LogView::updateCount()
{
    m_countTimer.stop();
    m_countLabel->setText(countText());
    const QLocale locale = groupingLocale();
    QString tip = tr("Keeps the newest %1 events").arg(locale.toString(m_model->capacity()));
    if (m_model->evictedCount() > 0)
        tip += tr("; %1 older ones were dropped").arg(locale.toString(m_model->evictedCount()));
    m_countLabel->setToolTip(tip);
}

void LogView::onRowsInserted()
{
    if (follow() && !m_scrollTimer.isActive())
        m_scrollTimer.start();
}

void LogView::onUserScrolled()
{
    const QScrollBar *bar = m_table->verticalScrollBar();
    const bool atBottom = bar->value() >= bar->maximum();
    if (follow() != atBottom)
        setFollow(atBottom);
}

void LogView::copySelection()
{
    QModelIndexList rows = m_table->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    QByteArray text;
    for (const QModelIndex &index : std::as_const(rows))
        text += Herd::LogWriter::formatLine(m_model->eventAt(m_filter->mapToSource(index).row()));
    if (!text.isEmpty())
        QApplication::clipboard()->setText(QString::fromUtf8(text));
}

QList<Herd::Event> LogView::shownEvents() const
{
    m_model->flushNow();
    QList<Herd::Event> out;
    const int count = m_filter->rowCount();
    out.reserve(count);
    for (int row = 0; row < count; ++row)
        out.append(m_model->eventAt(m_filter->mapToSource(m_filter->index(row, 0)).row()));
    return out;
}

bool LogView::exportAll(const QString &path, Herd::ExportFormat format, QString *error)
{
    m_model->flushNow();
    return Herd::exportEvents(m_model->events(), format, path, error);
}

bool LogView::exportShown(const QString &path, Herd::ExportFormat format, QString *error)
{
    return Herd::exportEvents(shownEvents(), format, path, error);
}

void LogView::exportWithDialog(bool shownOnly)
{
    const QString jsonFilter = tr("JSON Lines (*.jsonl)");
    const QString csvFilter = tr("CSV (*.csv)");
    const QString textFilter = tr("Text log (*.log *.txt)");
    const QString directory = m_lastExportDirectory.isEmpty() ? QDir::homePath() : m_lastExportDirectory;
    QString selected = jsonFilter;
    QString path = QFileDialog::getSaveFileName(
        this, shownOnly ? tr("Export Shown Events") : tr("Export All Events"),
        QDir(directory).filePath(shownOnly ? u"herd-events-shown.jsonl"_s : u"herd-events.jsonl"_s),
        QStringList {jsonFilter, csvFilter, textFilter}.join(u";;"), &selected);
    if (path.isEmpty())
        return;

    // A suffix the user typed wins over the file type picked in the dialog.
    Herd::ExportFormat format = selected == csvFilter ? Herd::ExportFormat::Csv
        : selected == textFilter                      ? Herd::ExportFormat::Text
                                                      : Herd::ExportFormat::JsonLines;
    const QString suffix = QFileInfo(path).suffix().toLower();
    static const QStringList known {u"jsonl"_s, u"ndjson"_s, u"json"_s, u"csv"_s, u"log"_s, u"txt"_s};
    if (suffix.isEmpty())
        path += u'.' + Herd::suffixForFormat(format);
    else if (known.contains(suffix))
        format = Herd::formatForPath(path);
    m_lastExportDirectory = QFileInfo(path).absolutePath();

    QString error;
    const bool ok = shownOnly ? exportShown(path, format, &error) : exportAll(path, format, &error);
    if (!ok)
        QMessageBox::warning(this, tr("Export Failed"), error);
}

} // namespace HerdUi
