// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QSet>
#include <QStringList>
#include <QTimer>
#include <QWidget>

#include "herd/event.h"
#include "herd/log/logexport.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QPushButton;
class QTableView;
class QToolButton;

namespace HerdUi {

class EventFilterModel;
class EventLogModel;

// The herd's event log: a filter bar (node, kinds, search text, follow,
// "1,234 of 56,789 events", Export) over a table of the newest events.
//
// Feed it with append() (connect Cluster::eventOccurred to it); a new view
// should first replay any history it is given, then subscribe. Rows appear
// in batches (see EventLogModel), the search is debounced, and following
// the newest row scrolls on a timer, so thousands of events a second cost
// a few repaints a second.
//
// Scrolling up by hand turns "follow" off; scrolling back to the bottom
// turns it on again.
//
// Owns its models (children). Thread affinity: the GUI thread.
class LogView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogView)

public:
    explicit LogView(QWidget *parent = nullptr);
    ~LogView() override;

    EventLogModel *model() const { return m_model; }
    EventFilterModel *filter() const { return m_filter; }
    QTableView *tableView() const { return m_table; }

    // The nodes the node filter offers, in this order; nodes seen in events
    // but not listed here are added after them as they appear.
    void setNodes(const QStringList &nodes);
    QStringList nodes() const { return m_nodes; }

    bool follow() const;
    void setFollow(bool follow);

    // The events the table shows, in the table's order (flushes first).
    QList<Herd::Event> shownEvents() const;

    // Without dialogs, for the main window and the tests. Both flush first.
    bool exportAll(const QString &path, Herd::ExportFormat format, QString *error);
    bool exportShown(const QString &path, Herd::ExportFormat format, QString *error);

    // What the count label says, e.g. "1,234 of 56,789 events".
    QString countText() const;

public slots:
    void append(const Herd::Event &event);
    void clear();

private:
    void buildFilterBar();
    void buildTable();
    void addNode(const QString &node);
    void rebuildNodeCombo();
    void applyKindActions();
    void syncFromFilter(); // the bar follows filter() when code changes it
    void updateKindButton();
    void updateCount();
    void onRowsInserted();
    void onUserScrolled();
    void copySelection();
    void exportWithDialog(bool shownOnly);

    EventLogModel *m_model = nullptr;     // owned (child)
    EventFilterModel *m_filter = nullptr; // owned (child)

    QComboBox *m_nodeCombo = nullptr; // owned by the layout's widget tree
    QPushButton *m_kindButton = nullptr;
    QMenu *m_kindMenu = nullptr;
    QList<QAction *> m_kindActions; // index = int(EventKind)
    QLineEdit *m_search = nullptr;
    QToolButton *m_followButton = nullptr;
    QLabel *m_countLabel = nullptr;
    QPushButton *m_exportButton = nullptr;
    QTableView *m_table = nullptr;

    QStringList m_nodes;
    QSet<QString> m_nodeSet;
    QString m_lastExportDirectory;
    QTimer m_searchTimer; // debounces typing in the search box
    QTimer m_scrollTimer; // throttles following the newest row
    QTimer m_countTimer;  // throttles the count label
};

} // namespace HerdUi
