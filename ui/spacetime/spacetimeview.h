// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QElapsedTimer>
#include <QMetaType>
#include <QSet>
#include <QTimer>
#include <QWidget>

#include <functional>
#include <utility>

#include "ui/topology/floodanimator.h"
#include "ui/spacetime/spacetimecanvas.h"
#include "ui/spacetime/spacetimehistory.h"

class QComboBox;
class QScrollBar;
class QToolButton;

namespace Herd {
struct Event;
}

namespace HerdUi {

class ElidedLabel;

// What the user picked in the diagram: one message, and every hop of the
// update it carried (the directions it was sent over, in the history).
struct SpaceTimeSelection
{
    quint64 message = 0;
    QString from;
    QString to;
    QByteArray client;
    QByteArray update;                       // client id and client time
    QList<std::pair<QString, QString>> hops; // (from, to), each once
};

// The space-time (Lamport) diagram of the herd: one line per node, every AT
// line between nodes an arrow, IAMATs, kills, restarts and cuts marked (see
// SpaceTimeCanvas for the drawing and SpaceTimeHistory for the data).
//
// Live, the right edge is now and the diagram scrolls with time; paused
// (the Live button, or dragging, or the scroll bar), it stays put while the
// history keeps filling. The wheel zooms; Fit shows the whole history, up
// to now while live (a replay's cursor, maybe long after its last event)
// and to the last event while paused. The
// axis is wall clock or Lamport clock.
//
// Clicking an arrow selects it and emits messageSelected() with every hop of
// its update; the main window forwards that to the topology. The other way
// round, setEmphasis() makes one node's or one link's messages stand out,
// and pickClients() the messages and IAMATs of some clients (a check's).
// The view knows nothing of other views.
//
// Events only update the history and set a flag; a 33 Hz timer repaints,
// and only while the widget is visible, so a heavy event stream costs a
// few hash lookups per event here. Above BusyRate messages a second the
// picture is simplified (see SpaceTimeCanvas) and redrawn at most as often
// as keeps drawing under BusyPaintShare of the loop's time: the herd's
// events need the loop more. Far above it, the history cannot keep up
// either (its 4,000 messages would span milliseconds): it then keeps the
// messages of one client in sampleEvery() (chosen by a hash of the client
// id, so each kept update's flood is whole), re-chosen once a second.
//
// Thread affinity: the GUI thread.
class SpaceTimeView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SpaceTimeView)

public:
    using Axis = SpaceTimeCanvas::Axis;
    static constexpr int FrameMs = 30;
    // More messages a second than this: too many to read one by one; the
    // diagram is redrawn only as often as its paints stay within
    // BusyPaintShare of the time (the history keeps all).
    static constexpr double BusyRate = 1000;
    static constexpr double BusyPaintShare = 0.2;
    // Messages a second the history takes whole; above, it samples clients.
    static constexpr double SampleAboveRate = 4000;
    static constexpr int MaxSampleEvery = 64;
    static constexpr double DefaultSpanNs = 10e9;
    static constexpr double DefaultSpanTicks = 80;

    explicit SpaceTimeView(const QStringList &nodes, QWidget *parent = nullptr);
    ~SpaceTimeView() override;

    SpaceTimeHistory &history() { return m_history; }
    const SpaceTimeHistory &history() const { return m_history; }
    SpaceTimeCanvas *canvas() const { return m_canvas; }
    bool isLive() const { return m_live; }
    Axis axis() const { return m_canvas->axis(); }
    quint64 selectedMessage() const { return m_selection.message; }
    const SpaceTimeSelection &selection() const { return m_selection; }
    QString summaryText() const;
    // How far the wall-clock axis may be off where events come from several
    // clocks (an attached herd), said after the summary; empty: one clock.
    void setClockNote(const QString &note, const QString &explanation);
    // What the diagram says while it has no message (SpaceTimeCanvas::setEmptyHint).
    void setEmptyHint(const QString &hint);

public slots:
    void onEvent(const Herd::Event &event);
    // Forgets the history and the selection and takes `events` as all it
    // has seen (the herd jumped to another moment: HerdSource::jumped).
    void restart(const QList<Herd::Event> &events);
    // What "now" is, ns since the POSIX epoch (the wall clock by default):
    // the right edge while live. A replay's now is its cursor.
    void setClock(std::function<qint64()> nowNs);
    void setLive(bool live);
    void setAxis(HerdUi::SpaceTimeView::Axis axis);
    // Multiplies the time shown by `factor`, keeping the time under x (the
    // right edge when live) in place.
    void zoom(double factor, double x = -1);
    // The whole history in the window (live: from its first event to now).
    void showAll();
    // Selects the message and emits messageSelected(); false if it is no
    // longer in the history.
    bool selectMessage(quint64 id);
    // Forgets the picked clients; emits selectionCleared() if a message was
    // selected.
    void clearSelection();
    void setEmphasis(const QString &node, const QString &peer = {});
    // Makes the messages and IAMATs of `clients` stand out and, pausing the
    // diagram, zooms in on them. Returns how many the history holds;
    // an empty list picks none.
    int pickClients(const QList<QByteArray> &clients);
    const QSet<QByteArray> &pickedClients() const { return m_canvas->pickedClients(); }
    // Repaints now (tests; the timer does this otherwise).
    void refresh();
    // 1: every client's messages are kept; n: one client in n (busy).
    int sampleEvery() const { return m_sampleEvery; }
    // Chooses sampleEvery() from the rate of the last second (the frame
    // timer does this once a second; tests call it).
    void resample();

signals:
    void messageSelected(const HerdUi::SpaceTimeSelection &selection);
    void selectionCleared();
    void liveChanged(bool live);

private:
    void onFrame();
    void onScrolled();
    void pan(double dx);
    double liveEnd() const;
    double &span();
    void updateScrollBar();
    void updateLaneScrollBar();
    // Puts these nodes' lanes on top when the lanes scroll.
    void leadWith(const QStringList &nodes);

    SpaceTimeHistory m_history;
    SpaceTimeCanvas *m_canvas; // owned (child)
    QScrollBar *m_scroll;      // owned (child)
    QScrollBar *m_laneScroll;  // owned (child): the rows, when they do not all fit
    QToolButton *m_liveButton; // owned (child)
    QComboBox *m_axisBox;      // owned (child)
    ElidedLabel *m_summary;    // owned (child)
    QTimer m_frameTimer;
    bool m_live = true;
    bool m_dirty = true;
    QString m_clockNote;
    double m_spanNs = DefaultSpanNs;
    double m_spanTicks = DefaultSpanTicks;
    double m_end = 0; // right edge while paused
    int m_frame = 0;
    mutable RateMeter m_rate; // messages between nodes (reading it ages its buckets)
    QElapsedTimer m_wall;     // for m_rate and busy redraws
    std::function<qint64()> m_now;
    qint64 m_lastBusyRedrawMs = -1;
    int m_sampleEvery = 1;
    qint64 m_lastResampleMs = 0;
    bool isBusy();
    SpaceTimeSelection m_selection;
};

} // namespace HerdUi

Q_DECLARE_METATYPE(HerdUi::SpaceTimeSelection)
