// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/record/inflight.h"

#include <QHash>

#include <algorithm>
#include <utility>

#include "herd/record/recording.h"
#include "herd/wire/protocol.h"

using namespace Qt::StringLiterals;

namespace Herd {

namespace {

// The lines on their way to one node with one text: who sent each and when.
struct Sent
{
    QString from;
    qint64 sentNs;
};
using Key = std::pair<QString, QByteArray>; // to, line

class Tracker
{
public:
    explicit Tracker(const HerdMoment &moment)
        : m_moment(moment)
    {}

    void apply(const Event &event)
    {
        switch (event.kind) {
        case EventKind::RecordStored:
            flooded(event);
            break;
        case EventKind::SendSkipped:
            take({event.peer, event.line}, event.node, false);
            break;
        case EventKind::LineReceived:
            // The sender as the receiver names it; a neighbour it could not
            // name (an address) still received one of the lines in flight.
            take({event.node, event.line}, event.peer, true);
            break;
        case EventKind::NodeStopped:
            stopped(event.node);
            break;
        default:
            break;
        }
    }

    QList<InFlightLine> lines(qint64 atNs) const
    {
        QList<InFlightLine> lines;
        for (auto to = m_pending.cbegin(); to != m_pending.cend(); ++to) {
            for (const Sent &sent : *to) {
                const int delayMs = m_moment.links.value({sent.from, to.key().first}).delayMs;
                const qint64 leftNs = sent.sentNs + delayMs * 1'000'000LL - atNs;
                lines.append({sent.from, to.key().first, to.key().second, sent.sentNs,
                              std::max<qint64>(0, leftNs / 1'000'000)});
            }
        }
        std::ranges::stable_sort(lines, {}, &InFlightLine::sentNs);
        return lines;
    }

private:
    // As Node::storeAndFlood: every neighbour but the one the record came
    // from and the one that made it. A link that was not up then reported
    // the line skipped at once.
    void flooded(const Event &event)
    {
        // Only a node's own stores flood ("iamat", "flood"), not the records
        // a recording begun on a running herd says were held already.
        if (event.detail != "iamat"_L1 && event.detail != "flood"_L1)
            return;
        QByteArrayView origin;
        qint64 clientTimeNs = 0;
        if (!atServerAndTime(event.line, &origin, &clientTimeNs))
            return;
        const HerdMoment::LinkKey first {event.node, QString()};
        for (auto link = m_moment.links.lowerBound(first);
             link != m_moment.links.cend() && link.key().first == event.node; ++link) {
            const QString &to = link.key().second;
            if (to == event.peer || to.toUtf8() == origin)
                continue;
            m_pending[{to, event.line}].append({event.node, event.timeNs});
        }
    }

    // The line from `from` to the key's node is no longer on its way; with
    // `anySender`, some sender's is when `from` has none.
    void take(const Key &key, const QString &from, bool anySender)
    {
        const auto pending = m_pending.find(key);
        if (pending == m_pending.end())
            return;
        const auto sender = std::ranges::find(*pending, from, &Sent::from);
        if (sender != pending->end())
            pending->erase(sender);
        else if (anySender)
            pending->removeFirst();
        if (pending->isEmpty())
            m_pending.erase(pending);
    }

    // A stopped node's links closed, and what it held went with it.
    void stopped(const QString &node)
    {
        for (auto pending = m_pending.begin(); pending != m_pending.end();) {
            if (pending.key().first == node)
                pending->clear();
            else
                pending->removeIf([&node](const Sent &sent) { return sent.from == node; });
            pending = pending->isEmpty() ? m_pending.erase(pending) : std::next(pending);
        }
    }

    const HerdMoment &m_moment;
    QHash<Key, QList<Sent>> m_pending;
};

} // namespace

QList<InFlightLine> inFlightAt(const Recording &recording, const HerdMoment &moment, qint64 atNs)
{
    qint64 longestHoldMs = 0;
    for (const LinkMoment &link : moment.links)
        longestHoldMs = std::max<qint64>(longestHoldMs, link.delayMs + link.jitterMs);
    const qint64 fromNs = atNs - (longestHoldMs + InFlightMarginMs) * 1'000'000;
    const qsizetype first = std::min(recording.eventsBetween(fromNs, atNs).first, moment.eventCount);
    Tracker tracker(moment);
    const QList<Event> &events = recording.events();
    for (qsizetype i = first; i < moment.eventCount && i < events.size(); ++i)
        tracker.apply(events.at(i));
    return tracker.lines(atNs);
}

} // namespace Herd
