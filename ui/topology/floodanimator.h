// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include <array>
#include <deque>
#include <functional>
#include <utility>

class QGraphicsItem;

namespace HerdUi {

class ClientBadgeItem;
class LinkItem;
class NodeItem;
class TokenItem;

// Counts events in the last second, in ten 100 ms buckets.
class RateMeter final
{
public:
    void add(qint64 nowMs, int count = 1);
    double perSecond(qint64 nowMs);

private:
    void advance(qint64 nowMs);
    std::array<int, 10> m_buckets {};
    qint64 m_bucket = -1; // index (nowMs / 100) of the newest bucket
};

// Replays the herd's flood as animation, "non-holding":
// the herd runs at full speed and is never paused; its timestamped events
// are replayed on an animation clock of their own, slightly behind, with
// each hop taking a fixed on-screen time.
//
// Each peer-link send becomes a Hop, a plain object (no QObject, no timer):
//
//   Pending --(start time reached)--> Playing --(progress 1)--> Finished
//      |                                                  (flash receiver)
//      +--(queue full: oldest dropped, counted) / (aggregation: summarised)
//
// A hop's start time is the later of "now" on the animation clock and the
// moment its sender learnt the record on screen (the arrival of the hop
// that brought it, or the IAMAT badge), so a flood is seen to spread hop by
// hop although the network did it in microseconds. The receiver's outcome
// (RecordStored / RecordDropped) is attached to the hop and shown when the
// token arrives. Every frame, a playing hop asks its link for the current
// lane (nodes may be dragged mid-flight) and places a pooled TokenItem.
//
// When too many tokens would be in flight, or peer messages come too fast,
// it aggregates instead: per-link rates shown as glowing links with a
// count, until the rate falls again.
//
// Driven by the view's single frame timer through tick(). Thread affinity:
// the GUI thread.
class FloodAnimator final
{
public:
    struct Hooks
    {
        std::function<NodeItem *(const QString &)> node;
        std::function<LinkItem *(const QString &, const QString &)> link;
        std::function<QList<LinkItem *>()> allLinks;
        QGraphicsItem *tokenLayer = nullptr; // borrowed: parent of the tokens
        QGraphicsItem *labelLayer = nullptr; // borrowed: parent of the badges
    };

    // On-screen times at speed 1, in animation milliseconds.
    static constexpr double kHopMs = 600;
    static constexpr double kIamatLeadMs = 300;
    static constexpr double kStoredFlashMs = 750;
    static constexpr double kStaleFlashMs = 1000;
    static constexpr double kBadgeMs = 1800;
    static constexpr double kBusyBadgeMs = 500; // aggregating: a badge's client changes at most this often
    // Tokens on one direction of a link leave at least this far apart, like
    // packets on a wire, so a burst reads as a stream instead of one dot.
    static constexpr double kSpacingMs = 150;
    // Bounds.
    static constexpr int kMaxQueued = 500; // hops waiting or playing
    // Tokens in flight beyond which it aggregates, until the view measured
    // what it can draw (setTokenBudget(), DrawBudget).
    static constexpr int kDefaultMaxTokens = 60;
    static constexpr qint64 kLeaveHoldMs = 1500;
    static constexpr int kMaxTokenItems = 400;
    // A label left out to avoid clutter is counted on the nearest label shown
    // this close (scene units), as "id +N".
    static constexpr double kMergeReach = 160;
    // At this many messages a second about maxTokens hops are on screen at
    // once (each plays kHopMs, queued kSpacingMs apart on a busy link):
    // above it, aggregate; below half of it, tokens again.
    static double aggregateRate(int maxTokens) { return maxTokens / 0.3; }

    explicit FloodAnimator(Hooks hooks);
    ~FloodAnimator();
    FloodAnimator(const FloodAnimator &) = delete;
    FloodAnimator &operator=(const FloodAnimator &) = delete;

    void setSpeed(double factor);
    double speed() const { return m_speed; }
    void setPaused(bool paused) { m_paused = paused; }
    // How many tokens may play at once (clamped to 1..kMaxTokenItems); the
    // rate that switches to aggregation follows (aggregateRate()).
    void setTokenBudget(int maxTokens);
    int maxTokens() const { return m_maxTokens; }
    bool isPaused() const { return m_paused; }

    // The herd's events, as they happen (wall time from the view's clock).
    void lineSent(const QString &from, const QString &to, const QByteArray &client, qint64 wallMs);
    void recordStored(const QString &node, const QString &fromPeer, const QByteArray &client, bool iamat);
    void recordDropped(const QString &node, const QString &fromPeer, const QByteArray &client);
    // Forget what a stopped node knew (its records are gone).
    void nodeStopped(const QString &node);
    // A token held still on the link from -> to, `progress` (0..1) of the
    // way: a line in flight at a replay's moment, drawn the same however the
    // moment was reached. It stays until the herd moves on (the next message,
    // store, drop or stop) or clear().
    void hold(const QString &from, const QString &to, const QByteArray &client, double progress);

    // Advances the animation clock and places every item. Returns true while
    // anything still moves or fades (the view stops its timer otherwise).
    bool tick(qint64 wallMs);

    int tokensInFlight() const { return int(m_hops.size()); }
    int tokensPlaying() const { return m_playing; }
    bool isAggregating() const { return m_aggregating; }
    qint64 droppedCount() const { return m_dropped; }
    double messageRate(qint64 wallMs) { return m_rate.perSecond(wallMs); }
    double animationTimeMs() const { return m_now; }
    void clear();

private:
    enum class HopState { Pending, Playing, Finished };
    enum class Outcome { Unknown, Stored, Dropped };
    struct Hop
    {
        QString from;
        QString to;
        QByteArray client;
        double startMs = 0;
        HopState state = HopState::Pending;
        Outcome outcome = Outcome::Unknown;
        TokenItem *token = nullptr; // from the pool while playing
        double heldAt = -1;         // >= 0: placed there and not moved (hold())
    };
    struct NodeEffects
    {
        double storedAt = -1e18;
        double staleAt = -1e18;
        double badgeAt = -1e18;
        QByteArray badgeClient;           // shown from the next frame on
        ClientBadgeItem *badge = nullptr; // owned by the scene (label layer)
    };

    Hop *findUnresolved(const QString &to, const QString &from, const QByteArray &client);
    void resolve(const QString &node, const QString &fromPeer, const QByteArray &client, Outcome outcome);
    void finish(Hop &hop);
    void releaseHeld();
    void place(Hop &hop, LinkItem &link, double progress);
    void enterAggregation(qint64 wallMs);
    void leaveAggregation();
    void updateTraffic(qint64 wallMs);
    void updateEffects();
    void declutterLabels();
    TokenItem *takeToken();
    void releaseToken(TokenItem *token);
    static QString knownKey(const QString &node, const QByteArray &client); // m_knownAt's

    Hooks m_hooks;
    double m_speed = 1;
    int m_maxTokens = kDefaultMaxTokens;
    bool m_paused = false;
    double m_now = 0;       // the animation clock, ms
    qint64 m_lastWall = -1; // wall ms of the last tick
    std::deque<Hop> m_hops; // in arrival order
    int m_playing = 0;
    int m_held = 0; // hops placed by hold() since the last releaseHeld() (an upper bound)
    qint64 m_dropped = 0;
    QHash<QString, double> m_knownAt; // "node|client" -> when the node learnt it, on screen
    // A link's direction, (from, to): a pair, not a string built for every
    // line sent.
    using LinkKey = std::pair<QString, QString>;
    QHash<LinkKey, double> m_lastStart;    // start of its newest hop
    QHash<QString, NodeEffects> m_effects; // by node name
    QHash<LinkKey, RateMeter> m_linkRates;
    RateMeter m_rate; // all peer messages
    bool m_aggregating = false;
    bool m_trafficShown = false;
    qint64 m_aggregatingSince = 0;
    qint64 m_lastTrafficUpdate = -1;
    QList<TokenItem *> m_freeTokens; // owned by the scene (token layer)
    int m_tokenItems = 0;
};

} // namespace HerdUi
