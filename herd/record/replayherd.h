// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QStringList>

#include <memory>

#include "herd/herdsource.h"
#include "herd/node/store.h"
#include "herd/record/recording.h"
#include "herd/record/replaystate.h"

namespace Herd {

// A recording shown as a herd (docs/recording.md): what the window reads of
// a running herd, at the moment under a cursor. Nothing here touches a
// socket; isLive() is false and every fault returns false.
//
// The cursor moves two ways. playTo() goes forward through the events,
// announcing each through eventOccurred() as a running herd would, so the
// views animate and grow. seekTime() jumps: it emits jumped() with the
// events of the last LeadUpNs before the new moment (at most MaxLeadUp),
// so a view that keeps history draws the same picture at a moment whichever
// way it got there.
//
// past() looks further back than a jump's lead-up, for the plots: the
// herd at an earlier moment (from the checkpoints, as a seek) and the
// events since, at most MaxPast of them.
//
// nowNs() is the cursor's time; the nodes' stores, statuses and links are
// the HerdMoment after every event at or before it.
class ReplayHerd final : public HerdSource
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReplayHerd)

public:
    // The space-time diagram's default span: what a jump shows of the past.
    static constexpr qint64 LeadUpNs = 10'000'000'000;
    static constexpr qsizetype MaxLeadUp = 20'000;
    static constexpr qsizetype MaxPast = 200'000;

    // Opens the recordings (Recording::open, which reports `progress`), at
    // their start. Null, with a reason, if they do not open or hold no herd
    // file (text logs alone).
    static std::unique_ptr<ReplayHerd> open(const QStringList &paths, QString *error,
                                            const Recording::Progress &progress = {});
    ~ReplayHerd() override;

    const HerdConfig &config() const override { return m_config; }
    bool isLive() const override { return false; }
    qint64 nowNs() const override { return m_cursorNs; }
    // From `fromNs` (clamped to the start), or later: from the MaxPast-th
    // event before the cursor when more happened since.
    std::optional<HerdPast> past(qint64 fromNs) override;
    std::optional<NodeStatus> nodeStatus(const QString &node) const override;
    const Store *store(const QString &node) const override;
    std::optional<LinkState> linkState(const QString &from, const QString &to) const override;

    bool kill(const QString &node) override;
    bool restart(const QString &node, QString *error = nullptr) override;
    bool setLinkCut(const QString &from, const QString &to, bool cut,
                    Direction direction = Direction::Both) override;
    bool setLinkDelay(const QString &from, const QString &to, int delayMs,
                      Direction direction = Direction::Both) override;
    bool setLinkJitter(const QString &from, const QString &to, int jitterMs,
                       Direction direction = Direction::Both) override;
    bool setLinkFlaky(const QString &from, const QString &to, int meanUpMs,
                      Direction direction = Direction::Both) override;
    bool setClockSkew(const QString &node, qint64 skewMs) override;
    QList<InFlightLine> linesInFlight() const override;

    const Recording &recording() const { return m_recording; }
    const QStringList &paths() const { return m_paths; }
    // The herd after every event at or before the cursor.
    const HerdMoment &moment() const { return m_state.current(); }
    qint64 startNs() const { return m_recording.startNs(); }
    qint64 endNs() const { return std::max(m_recording.endNs(), m_recording.startNs()); }
    qint64 cursorNs() const { return m_cursorNs; }
    bool atEnd() const { return m_cursorNs >= endNs(); }

    // Jumps to `timeNs` (clamped to the recording) and emits jumped().
    void seekTime(qint64 timeNs);
    // Moves forward to `timeNs` (clamped), announcing every event on the
    // way, then emits timeMoved(); a time behind the cursor is a seek.
    void playTo(qint64 timeNs);
    // Plays up to the next message between nodes (a line sent over a link);
    // false, and nothing moves, when no message is left.
    bool stepToNextMessage();

signals:
    // After every seek and play: the timeline follows.
    void cursorMoved();

private:
    ReplayHerd(Recording recording, HerdConfig config, QStringList paths);
    void rebuildStores();
    void announce(const Event &event);

    Recording m_recording;
    HerdConfig m_config;
    QStringList m_paths;
    ReplayState m_state;            // borrows m_recording
    QHash<QString, Store> m_stores; // every node's, made once: store() pointers stay valid
    qint64 m_cursorNs = 0;
};

} // namespace Herd
