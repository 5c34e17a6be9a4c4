// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

#include <deque>
#include <functional>

namespace Herd {

struct Event;

// A span of time a fault was in force, as the plots shade it.
struct FaultWindow
{
    enum class Kind { NodeDown, LinkCut, LinkDelay, LinkJitter, LinkFlaky, ClockSkew };
    quint64 id = 0; // stable while the window is kept
    Kind kind = Kind::NodeDown;
    // "Hamilton down", "Alford–Parker cut", "Bolden–Powell +300 ms",
    // "Bolden–Powell ±50 ms", "Alford–Powell flaky, up ~800 ms", "Parker clock +500 ms"
    QString label;
    double startSeconds = 0;
    double endSeconds = 0; // while open: the newest sample's time (a replay's cursor)
    bool open = true;
};

// The fault windows of a herd, from its events (HerdStats feeds them):
// each opens with the event that starts the fault and closes with the one
// that ends it. A link's faults count for the pair, the larger of its two
// directions; a new level (another delay) is a new window, as the label
// names it. Times are seconds on the plots' x axis.
//
// At most maxWindows() are kept: closed ones go first, an open one only
// when there are too many open ones (a partition of a very large herd).
class FaultWindows final
{
public:
    static constexpr int DefaultMaxWindows = 200;

    // `seconds`: when the event happened; `latestSeconds`: the newest sample.
    void nodeStopped(const QString &node, double seconds, double latestSeconds);
    void nodeStarted(const QString &node, double seconds);
    // A LinkChanged event: a cut, restore, delay, jitter, flaky link or clock skew.
    void linkChanged(const Event &event, double seconds, double latestSeconds);
    // The open windows reach `seconds`: the newest sample (a replay's cursor).
    void extendOpen(double seconds);
    // Drops closed windows that ended before `seconds` (the oldest sample):
    // they can no longer be drawn.
    void dropEndedBefore(double seconds);
    void clear();

    int maxWindows() const { return m_maxWindows; }
    void setMaxWindows(int windows);
    const std::deque<FaultWindow> &windows() const { return m_windows; }

private:
    void open(const QString &key, FaultWindow::Kind kind, const QString &label, double seconds,
              double latestSeconds);
    void close(const QString &key, double seconds);
    // A per-direction level of a link fault (delay, jitter, flaky) changed
    // to `value` (0: off) on `directions`; the pair's window follows the
    // larger of its two directions.
    void setLinkLevel(QHash<QString, int> &levels, const QList<QString> &directions, int value,
                      const QString &windowKey, FaultWindow::Kind kind, double seconds, double latestSeconds,
                      const std::function<QString(int)> &label);
    void trim();

    std::deque<FaultWindow> m_windows;
    QHash<QString, quint64> m_openWindows; // key ("node:X", "cut:A|B") -> id
    QHash<QString, int> m_linkDelays;      // "A>B" -> ms
    QHash<QString, int> m_linkJitters;     // "A>B" -> ms either way
    QHash<QString, int> m_linkFlaky;       // "A>B" -> mean up time, ms
    QSet<QString> m_cutDirections;         // "A>B"
    quint64 m_nextWindowId = 1;
    int m_maxWindows = DefaultMaxWindows;
};

} // namespace Herd
