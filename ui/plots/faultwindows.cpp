// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/plots/faultwindows.h"

#include <algorithm>

#include "herd/event.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

QString pairKey(const QString &a, const QString &b)
{
    return a < b ? a + u'|' + b : b + u'|' + a;
}

QString pairLabel(const QString &a, const QString &b)
{
    return a < b ? a + u'\u2013' + b : b + u'\u2013' + a;
}

} // namespace

void FaultWindows::nodeStopped(const QString &node, double seconds, double latestSeconds)
{
    open(u"node:"_s + node, FaultWindow::Kind::NodeDown, node + u" down"_s, seconds, latestSeconds);
}

void FaultWindows::nodeStarted(const QString &node, double seconds)
{
    close(u"node:"_s + node, seconds);
}

void FaultWindows::linkChanged(const Event &event, double seconds, double latestSeconds)
{
    const QString &from = event.node;
    const QString &to = event.peer;
    const bool oneWay = event.detail.contains(u"one way"_s);
    QList<QString> directions {from + u'>' + to};
    if (!oneWay)
        directions.append(to + u'>' + from);
    const QString key = pairKey(from, to);

    if (event.detail.startsWith(u"cut"_s) || event.detail.startsWith(u"restored"_s)) {
        const bool cut = event.detail.startsWith(u"cut"_s);
        for (const QString &direction : std::as_const(directions)) {
            if (cut)
                m_cutDirections.insert(direction);
            else
                m_cutDirections.remove(direction);
        }
        const bool anyCut =
            m_cutDirections.contains(from + u'>' + to) || m_cutDirections.contains(to + u'>' + from);
        if (anyCut)
            open(u"cut:"_s + key, FaultWindow::Kind::LinkCut, pairLabel(from, to) + u" cut"_s, seconds,
                 latestSeconds);
        else
            close(u"cut:"_s + key, seconds);
    } else if (event.detail.startsWith(u"delay"_s)) {
        // "delay 300 ms"
        const int ms = event.detail.section(u' ', 1, 1).toInt();
        setLinkLevel(m_linkDelays, directions, ms, u"delay:"_s + key, FaultWindow::Kind::LinkDelay, seconds,
                     latestSeconds,
                     [&](int delay) -> QString { return pairLabel(from, to) + u" +%1 ms"_s.arg(delay); });
    } else if (event.detail.startsWith(u"jitter"_s)) {
        // "jitter +-50 ms"
        const int ms = event.detail.section(u' ', 1, 1).remove(u"+-"_s).toInt();
        setLinkLevel(m_linkJitters, directions, ms, u"jitter:"_s + key, FaultWindow::Kind::LinkJitter,
                     seconds, latestSeconds,
                     [&](int jitter) -> QString { return pairLabel(from, to) + u" ±%1 ms"_s.arg(jitter); });
    } else if (event.detail.startsWith(u"flaky"_s)) {
        // "flaky, mean up time 800 ms" or "flaky off"
        const int ms = event.detail.startsWith(u"flaky off"_s) ? 0 : event.detail.section(u' ', 4, 4).toInt();
        setLinkLevel(m_linkFlaky, directions, ms, u"flaky:"_s + key, FaultWindow::Kind::LinkFlaky, seconds,
                     latestSeconds, [&](int mean) -> QString {
                         return pairLabel(from, to) + u" flaky, up ~%1 ms"_s.arg(mean);
                     });
    } else if (event.detail.startsWith(u"clock skew"_s)) {
        // "clock skew +500 ms (clock runs ahead)", on a node: no peer
        const qint64 ms = event.detail.section(u' ', 2, 2).toLongLong();
        const QString skewKey = u"skew:"_s + from;
        // A new skew is a new window: the label names the skew.
        close(skewKey, seconds);
        if (ms != 0)
            open(skewKey, FaultWindow::Kind::ClockSkew,
                 from + u" clock %1%2 ms"_s.arg(ms > 0 ? u"+"_s : QString()).arg(ms), seconds, latestSeconds);
    }
}

void FaultWindows::setLinkLevel(QHash<QString, int> &levels, const QList<QString> &directions, int value,
                                const QString &windowKey, FaultWindow::Kind kind, double seconds,
                                double latestSeconds, const std::function<QString(int)> &label)
{
    // Either direction counts for the pair; both set, the larger one.
    const QString &first = directions.constFirst();
    const QString reverse = first.section(u'>', 1) + u'>' + first.section(u'>', 0, 0);
    const auto pairLevel = [&] { return std::max(levels.value(first), levels.value(reverse)); };
    const int before = pairLevel();
    for (const QString &direction : directions) {
        if (value > 0)
            levels.insert(direction, value);
        else
            levels.remove(direction);
    }
    const int level = pairLevel();
    if (level == before)
        return;
    // A new level is a new window: the label names the level.
    close(windowKey, seconds);
    if (level > 0)
        open(windowKey, kind, label(level), seconds, latestSeconds);
}

void FaultWindows::open(const QString &key, FaultWindow::Kind kind, const QString &label, double seconds,
                        double latestSeconds)
{
    if (m_openWindows.contains(key))
        return;
    FaultWindow window;
    window.id = m_nextWindowId++;
    window.kind = kind;
    window.label = label;
    window.startSeconds = seconds;
    window.endSeconds = std::max(window.startSeconds, latestSeconds);
    window.open = true;
    m_openWindows.insert(key, window.id);
    m_windows.push_back(window);
    trim();
}

void FaultWindows::close(const QString &key, double seconds)
{
    const auto it = m_openWindows.constFind(key);
    if (it == m_openWindows.cend())
        return;
    const quint64 id = *it;
    m_openWindows.erase(it);
    for (FaultWindow &window : m_windows) {
        if (window.id == id) {
            window.open = false;
            window.endSeconds = std::max(window.startSeconds, seconds);
            break;
        }
    }
}

void FaultWindows::extendOpen(double seconds)
{
    for (FaultWindow &window : m_windows) {
        if (window.open)
            window.endSeconds = std::max(window.startSeconds, seconds);
    }
}

void FaultWindows::dropEndedBefore(double seconds)
{
    std::erase_if(m_windows, [seconds](const FaultWindow &window) {
        return !window.open && window.endSeconds < seconds;
    });
}

void FaultWindows::clear()
{
    m_windows.clear();
    m_openWindows.clear();
    m_linkDelays.clear();
    m_linkJitters.clear();
    m_linkFlaky.clear();
    m_cutDirections.clear();
}

void FaultWindows::setMaxWindows(int windows)
{
    m_maxWindows = std::max(1, windows);
    trim();
}

void FaultWindows::trim()
{
    while (m_windows.size() > size_t(m_maxWindows)) {
        auto victim = std::find_if(m_windows.begin(), m_windows.end(),
                                   [](const FaultWindow &window) { return !window.open; });
        if (victim == m_windows.end())
            victim = m_windows.begin();
        for (auto it = m_openWindows.begin(); it != m_openWindows.end(); ++it) {
            if (*it == victim->id) {
                m_openWindows.erase(it);
                break;
            }
        }
        m_windows.erase(victim);
    }
}

} // namespace Herd
