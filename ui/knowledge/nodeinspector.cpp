// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/knowledge/nodeinspector.h"

#include <QAbstractTableModel>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

#include "herd/herdsource.h"
#include "herd/node/store.h"
#include "herd/event.h"
#include "herd/node/node.h"
#include "ui/timetext.h"

using namespace Qt::StringLiterals;

namespace HerdUi {

namespace {

QString linkStateText(const Herd::LinkState &link)
{
    using State = Herd::LinkState::State;
    switch (link.state) {
    case State::Idle:
        return QObject::tr("idle");
    case State::Connecting:
        return QObject::tr("connecting");
    case State::Connected:
        return QObject::tr("connected");
    case State::BackingOff:
        return QObject::tr("backing off");
    case State::Cut:
        return QObject::tr("cut");
    }
    return {};
}

QString linkStateTip(const Herd::LinkState &link)
{
    using State = Herd::LinkState::State;
    switch (link.state) {
    case State::Idle:
        return QObject::tr("Not started: the node is not running");
    case State::Connecting:
        return QObject::tr("A connection attempt is under way");
    case State::Connected:
        return QObject::tr("Connected: updates flow to this neighbour");
    case State::BackingOff:
        return QObject::tr("The last attempt failed; the next one comes after a back-off that "
                           "doubles each time (capped, jittered). Updates sent meanwhile are lost "
                           "for this neighbour.");
    case State::Cut:
        return QObject::tr("Cut by the user: no connection until restored");
    }
    return {};
}

QColor linkStateColour(const Herd::LinkState &link)
{
    using State = Herd::LinkState::State;
    switch (link.state) {
    case State::Connected:
        return QColor(0x2e, 0x7d, 0x32);
    case State::Cut:
        return QColor(0xc6, 0x28, 0x28);
    case State::BackingOff:
        return QColor(0xc2, 0x41, 0x0c);
    case State::Connecting:
        return QColor(0xb4, 0x53, 0x09);
    case State::Idle:
        return QColor(0x75, 0x75, 0x75);
    }
    return {};
}

} // namespace

// The records of one node's store, as a snapshot taken on refresh().
class NodeRecordsModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodeRecordsModel)

public:
    enum Column { ClientColumn, PositionColumn, TimeColumn, OriginColumn, LineColumn, ColumnCount };
    enum Role { RawRole = Qt::UserRole };

    explicit NodeRecordsModel(QObject *parent = nullptr)
        : QAbstractTableModel(parent)
    {}

    int rowCount(const QModelIndex &parent = {}) const override
    {
        return parent.isValid() ? 0 : int(m_records.size());
    }
    int columnCount(const QModelIndex &parent = {}) const override
    {
        return parent.isValid() ? 0 : ColumnCount;
    }

    QVariant data(const QModelIndex &index, int role) const override
    {
        if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
            return {};
        const Herd::Record &record = m_records.at(index.row());
        if (role == Qt::DisplayRole || role == RawRole) {
            switch (Column(index.column())) {
            case ClientColumn:
                return QString::fromUtf8(record.clientId);
            case PositionColumn:
                return QString::fromUtf8(record.position());
            case TimeColumn:
                return role == RawRole ? QVariant(record.timeNs) : QVariant(utcText(record.timeNs));
            case OriginColumn:
                return QString::fromUtf8(record.server());
            case LineColumn:
                return QString::fromUtf8(record.atLine);
            case ColumnCount:
                break;
            }
            return {};
        }
        if (role == Qt::ToolTipRole) {
            switch (Column(index.column())) {
            case PositionColumn: {
                double latitude = 0;
                double longitude = 0;
                if (!record.degrees(&latitude, &longitude))
                    return QString::fromUtf8(record.atLine);
                return tr("latitude %1, longitude %2").arg(latitude, 0, 'f', 6).arg(longitude, 0, 'f', 6);
            }
            case TimeColumn:
                return tr("client time %1 ns since the epoch").arg(record.timeNs);
            case OriginColumn:
                return tr("%1 received this client's IAMAT").arg(QString::fromUtf8(record.server()));
            default:
                return QString::fromUtf8(record.atLine);
            }
        }
        if (role == Qt::FontRole && index.column() == LineColumn) {
            QFont font(u"monospace"_s);
            font.setStyleHint(QFont::Monospace);
            return font;
        }
        return {};
    }

    QVariant headerData(int section, Qt::Orientation orientation, int role) const override
    {
        if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
            return QAbstractTableModel::headerData(section, orientation, role);
        switch (Column(section)) {
        case ClientColumn:
            return tr("Client");
        case PositionColumn:
            return tr("Position");
        case TimeColumn:
            return tr("Client time");
        case OriginColumn:
            return tr("Origin");
        case LineColumn:
            return tr("Stored AT line");
        case ColumnCount:
            break;
        }
        return {};
    }

    // Replaces the snapshot; rows that kept their client only change data.
    void setRecords(QList<Herd::Record> records)
    {
        std::sort(records.begin(), records.end(),
                  [](const Herd::Record &a, const Herd::Record &b) { return a.clientId < b.clientId; });
        bool sameClients = records.size() == m_records.size();
        for (qsizetype i = 0; sameClients && i < records.size(); ++i)
            sameClients = records.at(i).clientId == m_records.at(i).clientId;
        if (sameClients) {
            m_records = std::move(records);
            if (!m_records.isEmpty())
                emit dataChanged(index(0, 0), index(int(m_records.size()) - 1, ColumnCount - 1));
            return;
        }
        beginResetModel();
        m_records = std::move(records);
        endResetModel();
    }

private:
    QList<Herd::Record> m_records;
};

NodeInspector::NodeInspector(Herd::HerdSource *herd, QWidget *parent)
    : QWidget(parent)
    , m_herd(herd)
    , m_nodeBox(new QComboBox(this))
    , m_state(new QLabel(this))
    , m_neighbours(new QTableWidget(this))
    , m_recordsCaption(new QLabel(this))
    , m_model(new NodeRecordsModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_records(new QTableView(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    QFont big = font();
    big.setPointSizeF(big.pointSizeF() * 1.35);
    auto *top = new QHBoxLayout;
    m_nodeBox->setFont(big);
    m_nodeBox->setMinimumContentsLength(10);
    top->addWidget(m_nodeBox);
    m_state->setFont(big);
    m_state->setTextFormat(Qt::RichText);
    top->addWidget(m_state, 1);
    layout->addLayout(top);

    QFont tableFont = font();
    tableFont.setPointSizeF(tableFont.pointSizeF() * 1.1);
    auto *neighboursCaption = new QLabel(tr("Neighbours (this node's outgoing peer links)"), this);
    neighboursCaption->setStyleSheet(u"font-weight: bold;"_s);
    layout->addWidget(neighboursCaption);
    m_neighbours->setColumnCount(NeighbourColumns);
    QStringList headers(NeighbourColumns);
    headers[NeighbourName] = tr("Neighbour");
    headers[LinkState] = tr("Link");
    headers[FailedAttempts] = tr("Failed");
    headers[LinkDelay] = tr("Delay");
    headers[QueuedLines] = tr("Queued");
    headers[NeighbourAddress] = tr("Address");
    m_neighbours->setHorizontalHeaderLabels(headers);
    auto headerTip = [this](int column, const QString &tip) {
        m_neighbours->horizontalHeaderItem(column)->setToolTip(tip);
    };
    headerTip(LinkState, tr("This node's outgoing link to the neighbour"));
    headerTip(FailedAttempts, tr("Reconnect attempts that failed since the link was last connected"));
    headerTip(LinkDelay, tr("Delay, jitter (±) and flakiness of the link"));
    headerTip(QueuedLines, tr("AT lines waiting on the link (delayed, or behind a slow socket)"));
    m_neighbours->setFont(tableFont);
    m_neighbours->verticalHeader()->setVisible(false);
    // Short columns fit their contents; the address takes what is left.
    m_neighbours->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_neighbours->horizontalHeader()->setSectionResizeMode(NeighbourAddress, QHeaderView::Stretch);
    m_neighbours->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_neighbours->setSelectionMode(QAbstractItemView::NoSelection);
    m_neighbours->setMaximumHeight(QFontMetrics(tableFont).height() * 7);
    layout->addWidget(m_neighbours);

    m_recordsCaption->setStyleSheet(u"font-weight: bold;"_s);
    layout->addWidget(m_recordsCaption);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(NodeRecordsModel::RawRole);
    m_records->setModel(m_proxy);
    m_records->setFont(tableFont);
    m_records->setSortingEnabled(true);
    m_records->sortByColumn(NodeRecordsModel::ClientColumn, Qt::AscendingOrder);
    m_records->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_records->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_records->setWordWrap(false);
    m_records->verticalHeader()->setVisible(false);
    m_records->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_records->verticalHeader()->setDefaultSectionSize(QFontMetrics(tableFont).height() + 6);
    m_records->horizontalHeader()->setStretchLastSection(true);
    m_records->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    const QFontMetrics metrics(tableFont);
    m_records->setColumnWidth(NodeRecordsModel::ClientColumn,
                              metrics.horizontalAdvance(u"kiwi.cs.ucla.edu"_s) + 24);
    m_records->setColumnWidth(NodeRecordsModel::PositionColumn,
                              metrics.horizontalAdvance(u"+34.068930-118.445127"_s) + 24);
    m_records->setColumnWidth(NodeRecordsModel::TimeColumn,
                              metrics.horizontalAdvance(u"2024-05-19 22:53:47.959 UTC"_s) + 24);
    m_records->setColumnWidth(NodeRecordsModel::OriginColumn, metrics.horizontalAdvance(u"Hamilton"_s) + 30);
    layout->addWidget(m_records, 1);

    m_refreshTimer.setSingleShot(true);
    m_refreshTimer.setInterval(RefreshDelayMs);
    connect(&m_refreshTimer, &QTimer::timeout, this, &NodeInspector::refresh);
    m_linksTimer.setSingleShot(true);
    m_linksTimer.setInterval(RefreshDelayMs / 3);
    connect(&m_linksTimer, &QTimer::timeout, this, &NodeInspector::refreshLinks);
    m_queuePoll.setInterval(QueuePollMs);
    connect(&m_queuePoll, &QTimer::timeout, this, &NodeInspector::refreshLinks);
    connect(m_nodeBox, &QComboBox::currentTextChanged, this, &NodeInspector::setNode);
    if (herd) {
        connect(herd, &Herd::HerdSource::eventOccurred, this, &NodeInspector::onEvent);
        connect(herd, &Herd::HerdSource::linkStateChanged, this, [this](const QString &node) {
            if (node == m_node)
                refreshLinks();
        });
    }

    refillNodeList();
    if (m_nodeBox->count() > 0)
        setNode(m_nodeBox->itemText(0));
    else
        refresh();
}

NodeInspector::~NodeInspector() = default;

void NodeInspector::refillNodeList()
{
    if (!m_herd)
        return;
    const QStringList names = m_herd->config().nodeNames();
    QStringList current;
    for (int i = 0; i < m_nodeBox->count(); ++i)
        current.append(m_nodeBox->itemText(i));
    if (current == names)
        return;
    const QSignalBlocker blocker(m_nodeBox);
    m_nodeBox->clear();
    m_nodeBox->addItems(names);
    m_nodeBox->setCurrentText(m_node);
}

void NodeInspector::setNode(const QString &name)
{
    if (name == m_node)
        return;
    m_node = name;
    refillNodeList();
    {
        const QSignalBlocker blocker(m_nodeBox);
        m_nodeBox->setCurrentText(name);
    }
    refresh();
    emit nodeChanged(name);
}

void NodeInspector::onEvent(const Herd::Event &event)
{
    using Herd::EventKind;
    if (event.node != m_node && !(event.kind == EventKind::LinkChanged && event.peer == m_node))
        return;
    if (event.kind == EventKind::LinkChanged && event.peer.isEmpty()) {
        // The node's own clock: the state line says it.
        if (!m_refreshTimer.isActive())
            m_refreshTimer.start();
        return;
    }
    switch (event.kind) {
    case EventKind::RecordStored: // its sends may have queued on delayed links
    case EventKind::NodeStarted:
    case EventKind::NodeStopped:
        if (!m_refreshTimer.isActive())
            m_refreshTimer.start();
        break;
    case EventKind::PeerConnected:
    case EventKind::PeerDisconnected:
    case EventKind::PeerRetrying:
    case EventKind::LinkChanged:
    case EventKind::LineSent:
    case EventKind::SendSkipped:
        if (event.kind != EventKind::LineSent || event.viaPeerLink) {
            if (!m_linksTimer.isActive())
                m_linksTimer.start();
        }
        break;
    default:
        break;
    }
}

QString NodeInspector::stateText() const
{
    const std::optional<Herd::NodeStatus> node = m_herd ? m_herd->nodeStatus(m_node) : std::nullopt;
    if (m_node.isEmpty())
        return tr("No node selected");
    if (!node)
        return tr("%1: not run by this process").arg(m_node);
    if (!node->running)
        return tr("%1: killed (down); port %2; it holds no records").arg(m_node).arg(node->port);
    const qsizetype known = m_herd->recordCount(m_node);
    const int open = node->clientConnections + node->neighbourConnections;
    QString text = tr("%1: running on %2:%3, %4 known, %5 open (clients and neighbours' links)")
                       .arg(m_node, node->host)
                       .arg(node->port)
                       .arg(known == 1 ? tr("1 client") : tr("%1 clients").arg(known))
                       .arg(open == 1 ? tr("1 connection") : tr("%1 connections").arg(open));
    if (node->clockSkewMs != 0)
        text += tr("; its clock runs %1 ms %2")
                    .arg(qAbs(node->clockSkewMs))
                    .arg(node->clockSkewMs > 0 ? tr("ahead") : tr("behind"));
    return text;
}

void NodeInspector::refreshLinks()
{
    m_linksTimer.stop();
    const bool running = m_herd && m_herd->isRunning(m_node);
    const QStringList neighbourNames = m_herd ? m_herd->config().neighboursOf(m_node) : QStringList();
    m_neighbours->setRowCount(int(neighbourNames.size()));
    bool waiting = false;
    for (int row = 0; row < neighbourNames.size(); ++row) {
        const QString &name = neighbourNames.at(row);
        const std::optional<Herd::LinkState> link = m_herd->linkState(m_node, name);
        const std::optional<Herd::NodeStatus> other = m_herd->nodeStatus(name);
        const Herd::NodeConfig *config = m_herd->config().node(name);
        const QString address = link ? u"%1:%2"_s.arg(link->host).arg(link->port)
            : config                 ? u"%1:%2"_s.arg(config->host).arg(other ? other->port : config->port)
                                     : QString();
        QString state = !running ? tr("\u2014 (this node is down)")
            : link               ? linkStateText(*link)
                                 : tr("no link");
        if (link && link->cut && link->state != Herd::LinkState::State::Cut)
            state += tr(" (cut)");
        const int retryMs = link && running ? link->msUntilRetry : -1;
        if (retryMs >= 0)
            state += retryMs < 1000 ? tr(", retry in %1 ms").arg(retryMs)
                                    : tr(", retry in %1 s").arg(retryMs / 1000.0, 0, 'f', 1);
        const int queued = link ? link->queuedLines : 0;
        // Polled while something changes without an event: a queued line
        // leaving, or a back-off counting down.
        waiting = waiting || (running && link && (queued > 0 || link->delayMs > 0 || retryMs >= 0));
        QStringList cells(NeighbourColumns);
        cells[NeighbourName] = name;
        cells[NeighbourAddress] = address;
        cells[LinkState] = state;
        cells[FailedAttempts] = link ? QString::number(link->failedAttempts) : QString();
        QStringList slow;
        if (link && link->delayMs > 0)
            slow << tr("%1 ms").arg(link->delayMs);
        if (link && link->jitterMs > 0)
            slow << tr("±%1 ms").arg(link->jitterMs);
        if (link && link->flakyMeanMs > 0)
            slow << tr("flaky (up ~%1 ms)").arg(link->flakyMeanMs);
        cells[LinkDelay] = slow.isEmpty() ? tr("none") : slow.join(u", ");
        cells[QueuedLines] = link ? QString::number(queued) : QString();
        for (int column = 0; column < cells.size(); ++column) {
            auto *item = m_neighbours->item(row, column);
            if (!item) {
                item = new QTableWidgetItem;
                m_neighbours->setItem(row, column, item);
            }
            item->setText(cells.at(column));
            if (column == LinkState) {
                item->setForeground(link && running ? linkStateColour(*link) : QColor(0x75, 0x75, 0x75));
                item->setToolTip(link && running ? linkStateTip(*link) : QString());
            }
        }
    }
    // A queued line makes no event until it leaves: poll while any may wait.
    if (waiting && !m_queuePoll.isActive())
        m_queuePoll.start();
    else if (!waiting)
        m_queuePoll.stop();
}

void NodeInspector::refresh()
{
    m_refreshTimer.stop();
    const std::optional<Herd::NodeStatus> node = m_herd ? m_herd->nodeStatus(m_node) : std::nullopt;

    const QString dot = !node ? u"#9e9e9e"_s : node->running ? u"#2e7d32"_s : u"#c62828"_s;
    m_state->setText(u"<span style='color:%1'>\u25cf</span> "_s.arg(dot) + stateText().toHtmlEscaped());

    refreshLinks();

    // Records: the newest client times when the store is large.
    QList<Herd::Record> records;
    qsizetype held = 0;
    if (const Herd::Store *store = node && node->running ? m_herd->store(m_node) : nullptr) {
        held = store->size();
        records.reserve(std::min<qsizetype>(held, MaxRecordsShown));
        for (const Herd::Record &record : store->records())
            records.append(record);
        if (records.size() > MaxRecordsShown) {
            std::nth_element(
                records.begin(), records.begin() + (MaxRecordsShown - 1), records.end(),
                [](const Herd::Record &a, const Herd::Record &b) { return a.timeNs > b.timeNs; });
            records.resize(MaxRecordsShown);
        }
    }
    const QLocale locale;
    m_recordsCaption->setText(held > MaxRecordsShown
                                  ? tr("Records held: %1 (showing the %2 with the newest client times)")
                                        .arg(locale.toString(held), locale.toString(MaxRecordsShown))
                                  : tr("Records held: %1").arg(locale.toString(held)));
    m_model->setRecords(std::move(records));
}

} // namespace HerdUi

#include "nodeinspector.moc"
