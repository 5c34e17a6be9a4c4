// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace HerdUi {

class ElidedLabel;
class KnowledgeModel;

// "Who knows what" for the classroom: a one-line verdict on top ("All 5
// running nodes agree on 12 clients" / "3 of 12 clients diverge: Hamilton is
// behind on kiwi (−3.2 s), ...") over the client × node table of a
// KnowledgeModel, sortable by staleness. Sized for a projector.
//
// The model is borrowed and must outlive the view (give both one parent).
class KnowledgeView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KnowledgeView)

public:
    explicit KnowledgeView(KnowledgeModel *model, QWidget *parent = nullptr);
    ~KnowledgeView() override;

    KnowledgeModel *model() const { return m_model; }
    QTableView *tableView() const { return m_table; }
    // The verdict line as plain text, whole (the label may elide it).
    QString summaryText() const;
    // What the verdict line says while no node knows a client (a replay's
    // start cannot be sent an IAMAT); empty: the live herd's hint.
    void setEmptyHint(const QString &hint);

public slots:
    void updateSummary();

private:
    KnowledgeModel *m_model;        // borrowed
    QSortFilterProxyModel *m_proxy; // owned (child)
    QLabel *m_mark;                 // owned (child): the verdict's sign, in colour
    ElidedLabel *m_summary;         // owned (child)
    QLabel *m_capNote;              // owned (child)
    QTableView *m_table;            // owned (child)
    QString m_emptyHint;
};

} // namespace HerdUi
