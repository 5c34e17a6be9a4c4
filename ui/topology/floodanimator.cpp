// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/topology/floodanimator.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <QSet>

#include "ui/topology/linkitem.h"
#include "ui/topology/nodeitem.h"
#include "ui/topology/tokenitem.h"
#include "ui/topology/topologystyle.h"

namespace HerdUi {

// ---------------------------------------------------------------------------
// RateMeter

void RateMeter::advance(qint64 nowMs)
{
    const qint64 bucket = nowMs / 100;
    if (m_bucket < 0) {
        m_bucket = bucket;
        return;
    }
    if (bucket <= m_bucket)
        return;
    const qint64 steps = std::min<qint64>(bucket - m_bucket, qint64(m_buckets.size()));
    for (qint64 i = 1; i <= steps; ++i)
        m_buckets[size_t((m_bucket + i) % qint64(m_buckets.size()))] = 0;
    m_bucket = bucket;
}

void RateMeter::add(qint64 nowMs, int count)
{
    advance(nowMs);
    m_buckets[size_t(m_bucket % qint64(m_buckets.size()))] += count;
}

double RateMeter::perSecond(qint64 nowMs)
{
    advance(nowMs);
    int sum = 0;
    for (const int n : m_buckets)
        sum += n;
    return sum; // ten buckets of 100 ms: one second
}

// ---------------------------------------------------------------------------
// FloodAnimator

namespace {

// Eases in and out a little: smooth, yet tokens in a stream stay apart.
double ease(double t)
{
    t = std::clamp(t, 0.0, 1.0);
    return 0.6 * t + 0.4 * t * t * (3 - 2 * t);
}

// Full for the first fifth of `length`, then linearly to nothing. The hold
// keeps a node that stores again within it at exactly full, so its cached
// card is not painted again each frame: a fade restarted at every store
// repainted it every frame. (Aggregating, glows are only on or off:
// updateEffects.)
double fade(double now, double at, double length)
{
    constexpr double Hold = 0.2;
    const double age = now - at;
    if (age < 0 || age >= length)
        return 0;
    return std::min(1.0, (1 - age / length) / (1 - Hold));
}

} // namespace

FloodAnimator::FloodAnimator(Hooks hooks)
    : m_hooks(std::move(hooks))
{}

FloodAnimator::~FloodAnimator() = default; // items belong to the scene

QString FloodAnimator::knownKey(const QString &node, const QByteArray &client)
{
    return node + u'|' + QString::fromUtf8(client);
}

void FloodAnimator::setSpeed(double factor)
{
    m_speed = std::clamp(factor, 0.1, 10.0);
}

void FloodAnimator::setTokenBudget(int maxTokens)
{
    m_maxTokens = std::clamp(maxTokens, 1, kMaxTokenItems);
}

void FloodAnimator::lineSent(const QString &from, const QString &to, const QByteArray &client, qint64 wallMs)
{
    releaseHeld();
    m_rate.add(wallMs);
    m_linkRates[{from, to}].add(wallMs);
    if (!m_aggregating) {
        const bool tooFast = m_rate.perSecond(wallMs) > aggregateRate(m_maxTokens);
        const bool tooMany = !m_paused && int(m_hops.size()) >= m_maxTokens;
        if (tooFast || tooMany)
            enterAggregation(wallMs);
    }
    if (m_aggregating)
        return;
    if (!m_hooks.link(from, to))
        return;

    if (int(m_hops.size()) >= kMaxQueued) {
        // Drop the oldest hop still waiting; a playing one keeps its token.
        auto oldest = std::find_if(m_hops.begin(), m_hops.end(),
                                   [](const Hop &hop) { return hop.state == HopState::Pending; });
        if (oldest == m_hops.end())
            return;
        m_hops.erase(oldest);
        ++m_dropped;
    }
    Hop hop;
    hop.from = from;
    hop.to = to;
    hop.client = client;
    const LinkKey link {from, to};
    hop.startMs = std::max({m_now, m_knownAt.value(knownKey(from, client), m_now),
                            m_lastStart.value(link, m_now - kSpacingMs) + kSpacingMs});
    m_lastStart.insert(link, hop.startMs);
    m_hops.push_back(std::move(hop));
}

FloodAnimator::Hop *FloodAnimator::findUnresolved(const QString &to, const QString &from,
                                                  const QByteArray &client)
{
    for (Hop &hop : m_hops) {
        if (hop.outcome == Outcome::Unknown && hop.to == to && hop.client == client
            && (from.isEmpty() || hop.from == from))
            return &hop;
    }
    return nullptr;
}

void FloodAnimator::resolve(const QString &node, const QString &fromPeer, const QByteArray &client,
                            Outcome outcome)
{
    Hop *hop = m_aggregating ? nullptr : findUnresolved(node, fromPeer, client);
    if (hop) {
        hop->outcome = outcome;
        if (outcome == Outcome::Stored)
            m_knownAt.insert(knownKey(node, client), hop->startMs + kHopMs);
        return;
    }
    // No token carries it (aggregating, or the sender is not ours): show it now.
    NodeEffects &fx = m_effects[node];
    if (outcome == Outcome::Stored) {
        fx.storedAt = m_now;
        // Aggregating, no token waits for it (and a "now" delays none later):
        // on a big herd this is most stores, so they skip the string and hash.
        if (!m_aggregating)
            m_knownAt.insert(knownKey(node, client), m_now);
    } else {
        fx.staleAt = m_now;
    }
}

void FloodAnimator::recordStored(const QString &node, const QString &fromPeer, const QByteArray &client,
                                 bool iamat)
{
    releaseHeld();
    if (m_knownAt.size() > 4096) {
        for (auto it = m_knownAt.begin(); it != m_knownAt.end();)
            it = it.value() <= m_now ? m_knownAt.erase(it) : std::next(it);
    }
    if (iamat) {
        NodeEffects &fx = m_effects[node];
        fx.storedAt = m_now;
        // Too busy to draw each flood: the badge names a client reporting
        // here, changing at most every kBusyBadgeMs, not at every IAMAT.
        // Either way the item changes at the next frame, not now: a scene
        // changed between frames is painted again at once.
        const bool keep = m_aggregating && m_now - fx.badgeAt < kBusyBadgeMs;
        if (!keep) {
            fx.badgeAt = m_now;
            fx.badgeClient = client;
        }
        if (!m_aggregating)
            m_knownAt.insert(knownKey(node, client), m_now + kIamatLeadMs);
        return;
    }
    resolve(node, fromPeer, client, Outcome::Stored);
}

void FloodAnimator::recordDropped(const QString &node, const QString &fromPeer, const QByteArray &client)
{
    releaseHeld();
    resolve(node, fromPeer, client, Outcome::Dropped);
}

void FloodAnimator::nodeStopped(const QString &node)
{
    releaseHeld();
    const QString prefix = node + u'|';
    for (auto it = m_knownAt.begin(); it != m_knownAt.end();)
        it = it.key().startsWith(prefix) ? m_knownAt.erase(it) : std::next(it);
}

void FloodAnimator::enterAggregation(qint64 wallMs)
{
    m_aggregating = true;
    m_aggregatingSince = wallMs;
    m_lastTrafficUpdate = -1;
    // Waiting hops are summarised by the traffic display; playing ones land.
    std::erase_if(m_hops, [](const Hop &hop) { return hop.state == HopState::Pending; });
    m_knownAt.clear();
    m_lastStart.clear();
}

void FloodAnimator::leaveAggregation()
{
    m_aggregating = false;
    if (m_trafficShown && m_hooks.allLinks) {
        for (LinkItem *link : m_hooks.allLinks())
            link->setTraffic(0, 0);
    }
    m_trafficShown = false;
}

void FloodAnimator::updateTraffic(qint64 wallMs)
{
    if (!m_hooks.allLinks)
        return;
    if (m_lastTrafficUpdate >= 0 && wallMs - m_lastTrafficUpdate < 250)
        return;
    m_lastTrafficUpdate = wallMs;
    for (LinkItem *link : m_hooks.allLinks()) {
        const QString a = link->nodeA()->name();
        const QString b = link->nodeB()->name();
        auto rate = [&](const QString &from, const QString &to) {
            auto it = m_linkRates.find({from, to});
            return it == m_linkRates.end() ? 0.0 : it->perSecond(wallMs);
        };
        link->setTraffic(rate(a, b), rate(b, a));
    }
    m_trafficShown = true;
}

TokenItem *FloodAnimator::takeToken()
{
    if (!m_freeTokens.isEmpty())
        return m_freeTokens.takeLast();
    if (m_tokenItems >= kMaxTokenItems || !m_hooks.tokenLayer)
        return nullptr;
    ++m_tokenItems;
    return new TokenItem(m_hooks.tokenLayer);
}

void FloodAnimator::releaseToken(TokenItem *token)
{
    if (!token)
        return;
    token->setVisible(false);
    m_freeTokens.append(token);
}

void FloodAnimator::hold(const QString &from, const QString &to, const QByteArray &client, double progress)
{
    if (!m_hooks.link(from, to))
        return;
    Hop hop {from, to, client, m_now, HopState::Playing};
    // Kept off the nodes' boxes, so a token just sent or about to land still shows.
    hop.heldAt = std::clamp(progress, 0.08, 0.92);
    hop.token = takeToken();
    if (hop.token)
        hop.token->setClient(client);
    // Placed now, not at the next frame: a picture taken at once shows it.
    place(hop, *m_hooks.link(from, to), hop.heldAt);
    ++m_playing;
    ++m_held;
    m_hops.push_back(std::move(hop));
}

void FloodAnimator::place(Hop &hop, LinkItem &link, double progress)
{
    if (!hop.token)
        return;
    const bool fromA = link.nodeA()->name() == hop.from;
    hop.token->setPos(link.lane(fromA).pointAt(ease(progress)));
    hop.token->setVisible(true);
}

void FloodAnimator::releaseHeld()
{
    // Called on every message: nothing to walk unless a moment was held.
    if (m_held == 0)
        return;
    m_held = 0;
    for (Hop &hop : m_hops) {
        if (hop.heldAt >= 0)
            finish(hop);
    }
    std::erase_if(m_hops, [](const Hop &hop) { return hop.state == HopState::Finished; });
}

void FloodAnimator::finish(Hop &hop)
{
    if (hop.state == HopState::Playing)
        --m_playing;
    hop.state = HopState::Finished;
    releaseToken(std::exchange(hop.token, nullptr));
    NodeEffects &fx = m_effects[hop.to];
    if (hop.outcome == Outcome::Stored)
        fx.storedAt = m_now;
    else if (hop.outcome == Outcome::Dropped)
        fx.staleAt = m_now;
}

void FloodAnimator::updateEffects()
{
    for (auto it = m_effects.begin(); it != m_effects.end(); ++it) {
        NodeItem *node = m_hooks.node(it.key());
        if (!node)
            continue;
        NodeEffects &fx = it.value();
        double stored = fade(m_now, fx.storedAt, kStoredFlashMs);
        double stale = fade(m_now, fx.staleAt, kStaleFlashMs);
        if (m_aggregating) {
            // Too busy to draw each flood: a node glows while it stores,
            // without fading, so its card is painted when that starts or
            // stops, not at every step of a fade every frame.
            stored = stored > 0 ? 1 : 0;
            stale = stale > 0 ? 1 : 0;
        }
        node->setFlash(stored, stale);
        if (!fx.badgeClient.isEmpty()) {
            if (!fx.badge && m_hooks.labelLayer)
                fx.badge = new ClientBadgeItem(m_hooks.labelLayer);
            if (fx.badge)
                fx.badge->setClient(fx.badgeClient);
        }
        if (fx.badge) {
            const double age = m_now - fx.badgeAt;
            const bool visible = age >= 0 && age < kBadgeMs;
            fx.badge->setVisible(visible);
            if (visible) {
                // Pop in, then fade out over the last third; busy, it stays
                // still, so it is painted again only when its client changes.
                const double pop =
                    age < 300 && !m_aggregating ? 1 + 0.25 * std::sin(std::numbers::pi * age / 300) : 1;
                fx.badge->setScale(pop);
                fx.badge->setOpacity(m_aggregating ? 1.0 : std::min(1.0, (kBadgeMs - age) / (kBadgeMs / 3)));
                // Beside the node, in the widest gap between its links.
                const QPointF dir = node->freeDirection();
                const QPointF edge = node->borderPoint(node->pos(), dir);
                const QSizeF size = fx.badge->size();
                const qreal reach =
                    std::abs(dir.x()) * size.width() / 2 + std::abs(dir.y()) * size.height() / 2;
                fx.badge->setPos(edge + dir * (reach + 6));
            }
        }
    }
}

void FloodAnimator::declutterLabels()
{
    // Near a busy node many tokens meet and their ids would pile up over
    // each other, the dots and the node. A label is shown above its dot, or
    // else below, right or left of it, only where it covers no label shown
    // already, no other token's dot and no node, the oldest hop's first;
    // each one left out is counted on the nearest label shown (within
    // kMergeReach), which then reads "id +N". The dots all stay.
    QList<TokenItem *> tokens;
    QList<QRectF> blocked; // nodes and dots
    QSet<QString> nodes;
    for (const Hop &hop : m_hops) {
        if (!hop.token || hop.state != HopState::Playing)
            continue;
        tokens.append(hop.token);
        for (const QString &name : {hop.from, hop.to}) {
            if (NodeItem *node = m_hooks.node(name); node && !nodes.contains(name)) {
                nodes.insert(name);
                blocked.append(node->sceneCardRect());
            }
        }
    }
    const qsizetype nodeRects = blocked.size();
    using Side = TokenItem::Side;
    // A dot blocks a label where its core would be under it; one that
    // only grazes the pill's edge leaves both readable.
    for (const TokenItem *token : std::as_const(tokens)) {
        const QRectF dot = token->dotSceneRect();
        blocked.append(dot.adjusted(dot.width() / 4, dot.height() / 4, -dot.width() / 4, -dot.height() / 4));
    }

    const auto hits = [](const QList<QRectF> &rects, const QRectF &rect, qsizetype skip = -1) {
        for (qsizetype i = 0; i < rects.size(); ++i) {
            if (i != skip && rects.at(i).intersects(rect))
                return true;
        }
        return false;
    };
    QList<QRectF> shownRects;
    QList<TokenItem *> shown;
    QList<QPointF> hiddenAt;
    for (qsizetype i = 0; i < tokens.size(); ++i) {
        TokenItem *token = tokens.at(i);
        bool free = false;
        for (const Side side : {Side::Above, Side::Below, Side::Right, Side::Left}) {
            const QRectF label = token->plainLabelSceneRect(side);
            free = !hits(shownRects, label) && !hits(blocked, label, nodeRects + i);
            if (free) {
                token->setLabelSide(side);
                shownRects.append(label);
                shown.append(token);
                break;
            }
        }
        token->setLabelShown(free);
        if (!free)
            hiddenAt.append(token->scenePos());
    }
    QList<int> counts(shown.size(), 0);
    for (const QPointF &at : std::as_const(hiddenAt)) {
        qsizetype nearest = -1;
        qreal best = kMergeReach * kMergeReach;
        for (qsizetype j = 0; j < shownRects.size(); ++j) {
            const QPointF d = shownRects.at(j).center() - at;
            const qreal distance = QPointF::dotProduct(d, d);
            if (distance <= best) {
                best = distance;
                nearest = j;
            }
        }
        if (nearest >= 0)
            ++counts[nearest];
    }
    // The count widens a pill: it may move to another side of its dot to
    // fit; where it fits on none, the count is left out rather than the id.
    for (qsizetype j = 0; j < shown.size(); ++j) {
        TokenItem *token = shown.at(j);
        token->setHiddenNearby(counts.at(j));
        if (counts.at(j) == 0)
            continue;
        const qsizetype self = nodeRects + tokens.indexOf(token);
        const Side plain = token->labelSide();
        bool fits = false;
        for (const auto side : {plain, Side::Above, Side::Below, Side::Right, Side::Left}) {
            token->setLabelSide(side);
            const QRectF wide = token->labelSceneRect();
            fits = !hits(shownRects, wide, j) && !hits(blocked, wide, self);
            if (fits) {
                shownRects[j] = wide;
                break;
            }
        }
        if (!fits) {
            token->setLabelSide(plain);
            token->setHiddenNearby(0);
        }
    }
}

bool FloodAnimator::tick(qint64 wallMs)
{
    const qint64 elapsed = m_lastWall < 0 ? 0 : std::clamp<qint64>(wallMs - m_lastWall, 0, 250);
    m_lastWall = wallMs;
    if (!m_paused)
        m_now += double(elapsed) * m_speed;

    for (Hop &hop : m_hops) {
        if (hop.state == HopState::Pending && hop.startMs <= m_now) {
            hop.state = HopState::Playing;
            ++m_playing;
            hop.token = takeToken();
            if (hop.token)
                hop.token->setClient(hop.client);
        }
        if (hop.state != HopState::Playing)
            continue;
        const double progress = hop.heldAt >= 0 ? hop.heldAt : (m_now - hop.startMs) / kHopMs;
        LinkItem *link = m_hooks.link(hop.from, hop.to);
        if (progress >= 1 || !link) {
            finish(hop);
            continue;
        }
        place(hop, *link, progress);
    }
    std::erase_if(m_hops, [](const Hop &hop) { return hop.state == HopState::Finished; });
    declutterLabels();

    updateEffects();

    bool trafficBusy = false;
    if (m_aggregating) {
        if (!m_paused)
            updateTraffic(wallMs);
        if (m_rate.perSecond(wallMs) < aggregateRate(m_maxTokens) / 2
            && wallMs - m_aggregatingSince > kLeaveHoldMs)
            leaveAggregation();
        trafficBusy = true;
    }

    bool effectsBusy = false;
    for (const NodeEffects &fx : std::as_const(m_effects)) {
        if (m_now - fx.storedAt < kStoredFlashMs || m_now - fx.staleAt < kStaleFlashMs
            || m_now - fx.badgeAt < kBadgeMs) {
            effectsBusy = true;
            break;
        }
    }
    // Held tokens are placed; only moving ones need more frames.
    const bool hopsMoving = std::ranges::any_of(m_hops, [](const Hop &hop) { return hop.heldAt < 0; });
    if (!effectsBusy && !trafficBusy && !hopsMoving)
        m_lastWall = -1; // the next tick after idling starts a fresh frame
    return effectsBusy || trafficBusy || hopsMoving;
}

void FloodAnimator::clear()
{
    for (Hop &hop : m_hops)
        releaseToken(std::exchange(hop.token, nullptr));
    m_hops.clear();
    m_lastStart.clear();
    m_playing = 0;
    m_held = 0;
    m_knownAt.clear();
    leaveAggregation();
}

} // namespace HerdUi
