// SPDX-License-Identifier: GPL-3.0-or-later
// herd-screenshots: renders pictures of Herd's window and views offscreen,
// into a folder, for the docs (docs/window.md) and for a human to look at.
// It checks nothing: the test suites do.
//
//   herd-screenshots [--out DIR] [NAME...]    (every picture by default)
//   herd-screenshots --list

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>

#include <algorithm>
#include <cstdio>

#include "tools/screenshots/album.h"

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    // Offscreen unless a platform is chosen: the pictures never need a screen.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setApplicationName(u"herd-screenshots"_s);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Renders pictures of Herd's window and views offscreen, as DIR/NAME.png (every picture unless NAMEs "
        "are given)."_s);
    parser.addHelpOption();
    const QCommandLineOption out(u"out"_s, u"the folder to write to (default: the current one)"_s, u"DIR"_s,
                                 u"."_s);
    const QCommandLineOption list(u"list"_s, u"list the pictures and exit"_s);
    parser.addOptions({out, list});
    parser.addPositionalArgument(u"NAME"_s, u"a picture to render (see --list)"_s, u"[NAME...]"_s);
    parser.process(app);

    const QList<Shots::Shot> shots =
        Shots::windowShots() + Shots::viewShots() + Shots::bigHerdShots() + Shots::replayShots();
    if (parser.isSet(list)) {
        for (const Shots::Shot &shot : shots)
            std::printf("%-14s %s\n", qPrintable(shot.name), qPrintable(shot.description));
        return 0;
    }
    const QStringList wanted = parser.positionalArguments();
    for (const QString &name : wanted) {
        if (std::none_of(shots.begin(), shots.end(),
                         [&name](const Shots::Shot &s) { return s.name == name; })) {
            std::fprintf(stderr, "herd-screenshots: no picture named \"%s\" (see --list)\n",
                         qPrintable(name));
            return 2;
        }
    }
    const QString dir = parser.value(out);
    if (!QDir().mkpath(dir)) {
        std::fprintf(stderr, "herd-screenshots: cannot make %s\n", qPrintable(dir));
        return 2;
    }

    Shots::Album album(dir);
    for (const Shots::Shot &shot : shots) {
        if (wanted.isEmpty() || wanted.contains(shot.name))
            shot.render(album);
    }
    for (const QString &path : album.written())
        std::printf("herd-screenshots: wrote %s\n", qPrintable(path));
    for (const QString &why : album.failures())
        std::fprintf(stderr, "herd-screenshots: %s\n", qPrintable(why));
    return album.failures().isEmpty() ? 0 : 1;
}
