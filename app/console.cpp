// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/console.h"

void printLine(FILE *stream, const QString &text)
{
    std::fputs(qPrintable(text + u'\n'), stream);
    std::fflush(stream);
}
