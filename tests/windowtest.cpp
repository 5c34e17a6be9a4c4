// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/windowtest.h"

#include <QAction>
#include <QApplication>
#include <QInputDialog>
#include <QTableWidget>
#include <QTimer>
#include <QtTest>

#include "herd/cluster.h"
#include "tests/herdfixture.h"
#include "ui/knowledge/nodeinspector.h"

using namespace HerdUi;
using namespace Qt::StringLiterals;

namespace WindowTest {

Herd::HerdConfig freePortHerd()
{
    auto config = Herd::HerdConfig::preset(QStringLiteral("alford"), nullptr);
    for (Herd::NodeConfig &node : config->nodes)
        node.port = 0;
    config->reconnectInitialMs = 20;
    config->reconnectMaxMs = 200;
    return *config;
}

QAction *action(const MainWindow &window, const QString &text)
{
    for (QAction *candidate : window.findChildren<QAction *>()) {
        if (candidate->text().remove(u'&') == text)
            return candidate;
    }
    return nullptr;
}

QSet<QString> asSet(const QStringList &names)
{
    return QSet<QString>(names.cbegin(), names.cend());
}

QString linkName(const QString &a, const QString &b)
{
    return a < b ? a + u'-' + b : b + u'-' + a;
}

QSet<QString> linkSet(const QList<std::pair<QString, QString>> &links)
{
    QSet<QString> result;
    for (const auto &[a, b] : links)
        result.insert(linkName(a, b));
    return result;
}

QString neighbourCell(const NodeInspector *inspector, const QString &neighbour, int column)
{
    const QTableWidget *table = inspector->neighboursTable();
    for (int row = 0; row < table->rowCount(); ++row) {
        const QTableWidgetItem *name = table->item(row, NodeInspector::NeighbourName);
        if (name && name->text() == neighbour)
            return table->item(row, column) ? table->item(row, column)->text() : QString();
    }
    return {};
}

void answerNextDialog(int value)
{
    auto *poll = new QTimer(qApp);
    poll->setInterval(10);
    QObject::connect(poll, &QTimer::timeout, poll, [poll, value] {
        if (auto *dialog = qobject_cast<QInputDialog *>(QApplication::activeModalWidget())) {
            dialog->setIntValue(value);
            dialog->accept();
            poll->deleteLater();
        }
    });
    poll->start();
    QTimer::singleShot(Timeout, poll, &QObject::deleteLater); // never left behind
}

void WindowFixture::init()
{
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1500, 950);
    m_window->show();
    QString error;
    QVERIFY2(m_window->openHerd(freePortHerd(), &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(Herd::Test::allLinksConnected(*m_window->cluster()), Timeout);
}

void WindowFixture::cleanup()
{
    m_window.reset();
}

} // namespace WindowTest
