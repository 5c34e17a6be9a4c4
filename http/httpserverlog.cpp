// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/httpserverlog.h"

#include <QLoggingCategory>

namespace Herd {

namespace {

QLoggingCategory::CategoryFilter s_previousFilter = nullptr;

void filter(QLoggingCategory *category)
{
    if (s_previousFilter)
        s_previousFilter(category);
    if (qstrncmp(category->categoryName(), "qt.httpserver", 13) == 0)
        category->setEnabled(QtDebugMsg, false);
}

} // namespace

void keepHttpServerDebugOff()
{
    [[maybe_unused]] static const bool installed = [] {
        s_previousFilter = QLoggingCategory::installFilter(filter);
        return true;
    }();
}

} // namespace Herd
