// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/herdsource.h"

#include "herd/node/store.h"
#include "herd/wire/clock.h"

namespace Herd {

namespace {

// Both directions of every link of the herd.
QList<std::pair<QString, QString>> directedLinks(const HerdConfig &config)
{
    QList<std::pair<QString, QString>> result;
    for (const auto &[a, b] : config.links) {
        result.append({a, b});
        result.append({b, a});
    }
    return result;
}

} // namespace

qint64 HerdSource::nowNs() const
{
    return wallClockNs();
}

void HerdSource::cutLinks(const QList<Partition::Link> &links)
{
    for (const auto &[a, b] : links)
        setLinkCut(a, b, true);
}

void HerdSource::partition(const QList<QStringList> &groups)
{
    cutLinks(Partition::crossingLinks(config(), groups));
}

void HerdSource::heal()
{
    for (const auto &[from, to] : directedLinks(config())) {
        if (isLinkCut(from, to))
            setLinkCut(from, to, false, Direction::OneWay);
    }
}

void HerdSource::clearFaults()
{
    heal();
    // Only what is set is reset, so the event stream lists what changed.
    for (const auto &[from, to] : directedLinks(config())) {
        if (linkDelay(from, to) != 0)
            setLinkDelay(from, to, 0, Direction::OneWay);
        if (linkJitter(from, to) != 0)
            setLinkJitter(from, to, 0, Direction::OneWay);
        if (linkFlaky(from, to) != 0)
            setLinkFlaky(from, to, 0, Direction::OneWay);
    }
    for (const QString &name : config().nodeNames()) {
        if (clockSkew(name) != 0)
            setClockSkew(name, 0);
    }
}

bool HerdSource::isLinkCut(const QString &from, const QString &to) const
{
    const std::optional<LinkState> link = linkState(from, to);
    return link && link->cut;
}

int HerdSource::linkDelay(const QString &from, const QString &to) const
{
    const std::optional<LinkState> link = linkState(from, to);
    return link ? link->delayMs : 0;
}

int HerdSource::linkJitter(const QString &from, const QString &to) const
{
    const std::optional<LinkState> link = linkState(from, to);
    return link ? link->jitterMs : 0;
}

int HerdSource::linkFlaky(const QString &from, const QString &to) const
{
    const std::optional<LinkState> link = linkState(from, to);
    return link ? link->flakyMeanMs : 0;
}

qint64 HerdSource::clockSkew(const QString &node) const
{
    const std::optional<NodeStatus> status = nodeStatus(node);
    return status ? status->clockSkewMs : 0;
}

bool HerdSource::isRunning(const QString &node) const
{
    const std::optional<NodeStatus> status = nodeStatus(node);
    return status && status->running;
}

qsizetype HerdSource::recordCount(const QString &node) const
{
    const Store *held = store(node);
    return held && isRunning(node) ? held->size() : 0;
}

} // namespace Herd
