#pragma once

#include <QMainWindow>

namespace Herd {
class Cluster;
}

namespace HerdUi {

// The desktop window over one running herd.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;
};

} // namespace HerdUi
