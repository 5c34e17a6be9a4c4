// SPDX-License-Identifier: GPL-3.0-or-later
// What the window suites share: a free-port herd, finding the window's
// actions, answering its dialogs, and a fixture that opens the window on a
// live herd before each test.
#pragma once

#include <QObject>
#include <QPair>
#include <QSet>
#include <QString>
#include <QStringList>

#include <memory>

#include "herd/config/herdconfig.h"
#include "ui/mainwindow.h"

class QAction;

namespace HerdUi {
class NodeInspector;
}

namespace WindowTest {

constexpr int Timeout = 10'000;

Herd::HerdConfig freePortHerd();
QAction *action(const HerdUi::MainWindow &window, const QString &text);
QSet<QString> asSet(const QStringList &names);
QString linkName(const QString &a, const QString &b);
QSet<QString> linkSet(const QList<std::pair<QString, QString>> &links);
// The text of `column` in the inspector's row for `neighbour`.
QString neighbourCell(const HerdUi::NodeInspector *inspector, const QString &neighbour, int column);
// Answers the next number dialog (a fault's dialog) with `value` as soon
// as it is shown, as a person would.
void answerNextDialog(int value);

// Before each test: the window, shown, on freePortHerd() with every link up.
class WindowFixture : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

protected:
    std::unique_ptr<HerdUi::MainWindow> m_window;
};

} // namespace WindowTest
