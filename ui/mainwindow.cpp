#include "mainwindow.h"

namespace HerdUi {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent) {}

MainWindow::~MainWindow() = default;

} // namespace HerdUi
