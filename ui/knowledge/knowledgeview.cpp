// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/knowledge/knowledgeview.h"

#include <QHBoxLayout>
#include <QHash>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/elidedlabel.h"
#include "ui/knowledge/knowledgemodel.h"

using namespace Qt::StringLiterals;

namespace HerdUi {

namespace {

constexpr int MaxLagsNamed = 4;

QString lagText(const KnowledgeModel::Lag &lag)
{
    const QString client = QString::fromUtf8(lag.client);
    if (lag.stalenessNs == KnowledgeModel::MissingStaleness)
        return u"%1 (none)"_s.arg(client);
    return u"%1 (%2)"_s.arg(client, KnowledgeModel::formatStaleness(lag.stalenessNs));
}

// "Hamilton is behind on kiwi (−3.2 s), lime (none); Bolden is behind on fig (−1.0 s)"
QString lagsText(const QList<KnowledgeModel::Lag> &lags)
{
    QStringList nodes;
    QHash<QString, QStringList> clients;
    for (const KnowledgeModel::Lag &lag : lags) {
        if (!clients.contains(lag.node))
            nodes.append(lag.node);
        clients[lag.node].append(lagText(lag));
    }
    QStringList parts;
    for (const QString &node : std::as_const(nodes))
        parts.append(u"%1 is behind on %2"_s.arg(node, clients.value(node).join(u", "_s)));
    return parts.join(u"; "_s);
}

} // namespace

KnowledgeView::KnowledgeView(KnowledgeModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_proxy(new QSortFilterProxyModel(this))
    , m_mark(new QLabel(this))
    , m_summary(new ElidedLabel(Qt::ElideRight, this))
    , m_capNote(new QLabel(this))
    , m_table(new QTableView(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(4);

    QFont big = font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    // One line that never asks for room (ElidedLabel): it changes at every
    // flush, and a size that followed it would lay the window out again and
    // repaint all of it each time. A line cut short ends in "…" and is
    // whole in its tooltip.
    m_mark->setFont(big);
    m_mark->setTextFormat(Qt::RichText);
    m_mark->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    m_summary->setFont(big);
    m_summary->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *verdict = new QHBoxLayout;
    verdict->setSpacing(6);
    verdict->addWidget(m_mark);
    verdict->addWidget(m_summary, 1);
    layout->addLayout(verdict);

    m_capNote->setStyleSheet(u"color: #666666;"_s);
    m_capNote->setVisible(false);
    layout->addWidget(m_capNote);

    m_proxy->setSourceModel(model);
    m_proxy->setSortRole(KnowledgeModel::RawRole);
    m_proxy->setDynamicSortFilter(true);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(KnowledgeModel::ClientColumn, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->setShowGrid(true);
    m_table->setStyleSheet(u"QTableView { gridline-color: #ffffff; }"_s);
    QFont tableFont = font();
    tableFont.setPointSizeF(tableFont.pointSizeF() * 1.2);
    m_table->setFont(tableFont);
    m_table->horizontalHeader()->setFont(tableFont);
    m_table->verticalHeader()->setVisible(false);
    // Compact rows: the font's height and a little air.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(QFontMetrics(tableFont).height() + 6);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->horizontalHeader()->setMinimumSectionSize(
        QFontMetrics(tableFont).horizontalAdvance(u"Hamilton (down)"_s) + 12);
    layout->addWidget(m_table, 1);

    connect(model, &KnowledgeModel::flushed, this, &KnowledgeView::updateSummary);
    connect(model, &QAbstractItemModel::modelReset, this, &KnowledgeView::updateSummary);
    updateSummary();
}

KnowledgeView::~KnowledgeView() = default;

void KnowledgeView::setEmptyHint(const QString &hint)
{
    m_emptyHint = hint;
    updateSummary();
}

QString KnowledgeView::summaryText() const
{
    return m_summary->fullText();
}

void KnowledgeView::updateSummary()
{
    const QLocale locale;
    const int clients = m_model->rowCount();
    const int running = m_model->runningNodeCount();
    const int nodes = int(m_model->nodes().size());
    const int divergent = m_model->divergentClients();
    const QString clientsText = clients == 1 ? u"1 client"_s : u"%1 clients"_s.arg(locale.toString(clients));
    const QString nodesText = running == 1 ? u"the 1 running node"_s : u"all %1 running nodes"_s.arg(running);
    QString downText;
    if (running < nodes)
        downText = u" (%1 of %2 nodes down)"_s.arg(nodes - running).arg(nodes);

    QString plain;
    QString mark; // rich text: a sign in the verdict's colour
    if (clients == 0) {
        plain = m_emptyHint.isEmpty() ? u"No clients yet: send an IAMAT to any node."_s : m_emptyHint;
    } else if (divergent == 0) {
        plain = nodesText.left(1).toUpper() + nodesText.mid(1) + u" agree on "_s + clientsText + downText;
        mark = u"<span style='color:#2e7d32'>\u2714</span>"_s;
    } else {
        const QList<KnowledgeModel::Lag> found = m_model->lags(MaxLagsNamed + 1);
        const QString lags = lagsText(found.mid(0, MaxLagsNamed));
        const QString more = found.size() > MaxLagsNamed ? u", \u2026"_s : QString();
        plain =
            u"%1 of %2 diverge: %3%4"_s.arg(locale.toString(divergent), clientsText, lags, more) + downText;
        mark = u"<span style='color:#e65100'>\u26a0</span>"_s;
    }
    if (mark != m_mark->text())
        m_mark->setText(mark);
    m_mark->setVisible(!mark.isEmpty());
    QFont font = m_summary->font();
    if (font.bold() != (divergent > 0)) {
        font.setBold(divergent > 0);
        m_summary->setFont(font);
    }
    m_summary->setFullText(plain);

    const bool capped = m_model->evictedClients() > 0;
    m_capNote->setVisible(capped);
    if (capped)
        m_capNote->setText(
            u"Showing the %1 most recently updated clients; %2 older ones were dropped from this table."_s
                .arg(locale.toString(m_model->maxClients()), locale.toString(m_model->evictedClients())));
}

} // namespace HerdUi
