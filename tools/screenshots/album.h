// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

#include "herd/config/herdconfig.h"

class QImage;
class QWidget;

namespace Herd {
class Cluster;
}

namespace HerdUi {
class TopologyView;
}

// herd-screenshots renders pictures of the window and its views offscreen,
// for the docs and for a human to look at; it checks nothing. A picture is
// made by a Shot, which brings a widget to the state worth showing (a herd
// running, a lab finished, faults applied) and saves it into the Album.
namespace Shots {

constexpr int Timeout = 30'000; // ms, for any one wait

// The folder the pictures go to, and what went wrong on the way.
class Album
{
public:
    explicit Album(QString dir)
        : m_dir(std::move(dir))
    {}

    // Saves `widget` as it is drawn now, as <name>.png.
    bool save(const QString &name, QWidget *widget);
    bool save(const QString &name, const QImage &image);
    // Says why a picture was not made; always false.
    bool fail(const QString &why);

    const QStringList &written() const { return m_written; }
    const QStringList &failures() const { return m_failures; }

private:
    QString m_dir;
    QStringList m_written;
    QStringList m_failures;
};

struct Shot
{
    QString name;
    QString description; // for --list
    std::function<bool(Album &)> render;
};

QList<Shot> windowShots();
QList<Shot> viewShots();
QList<Shot> bigHerdShots();
QList<Shot> replayShots();

// Runs the event loop until `condition` holds (true) or Timeout passes
// (false, and the album says that `what` never happened).
bool waitUntil(Album &album, const std::function<bool()> &condition, const QString &what);

// The built-in Alford herd on ports the system picks, reconnecting fast.
Herd::HerdConfig alfordOnFreePorts();

// Every link of the diagram is drawn up, both ways.
bool linksDrawnUp(const HerdUi::TopologyView &view);

// Sends `count` IAMATs for clients "<prefix><i>" (just `prefix` for one) to
// `node`, from a client that reads and drops the replies.
void sendIamats(Herd::Cluster &cluster, const QString &node, int count, const QByteArray &prefix);

} // namespace Shots
