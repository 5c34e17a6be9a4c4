// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/spacetime/spacetimeview.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <cmath>
#include <limits>

#include "herd/wire/clock.h"
#include "herd/event.h"
#include "ui/elidedlabel.h"

using namespace Qt::StringLiterals;

namespace HerdUi {

namespace {

// Room right of the newest event, as a share of the window, so arrows
// arriving now are not drawn on the border.
constexpr double kRightMargin = 0.04;
constexpr int kSummaryEveryFrames = 6;

double unitOf(SpaceTimeCanvas::Axis axis)
{
    return axis == SpaceTimeCanvas::Axis::WallClock ? 1e6 : 1; // scroll bar steps: ms or ticks
}

} // namespace

SpaceTimeView::SpaceTimeView(const QStringList &nodes, QWidget *parent)
    : QWidget(parent)
    , m_history(nodes)
    , m_canvas(new SpaceTimeCanvas(&m_history, this))
    , m_scroll(new QScrollBar(Qt::Horizontal, this))
    , m_laneScroll(new QScrollBar(Qt::Vertical, this))
    , m_liveButton(new QToolButton(this))
    , m_axisBox(new QComboBox(this))
    , m_summary(new ElidedLabel(Qt::ElideRight, this))
    , m_now(&Herd::wallClockNs)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(6, 3, 6, 3);
    auto *title = new QLabel(tr("<b>Space-time</b>"), this);
    bar->addWidget(title);
    m_liveButton->setCheckable(true);
    m_liveButton->setChecked(true);
    m_liveButton->setText(tr("Live"));
    m_liveButton->setToolTip(
        tr("Follow the herd as it runs; off, the diagram stays where it is (the history keeps filling)"));
    bar->addWidget(m_liveButton);
    m_axisBox->addItem(tr("Wall clock"));
    m_axisBox->addItem(tr("Lamport clock"));
    m_axisBox->setToolTip(
        tr("Wall clock: when things happened. Lamport clock: only what happened before what"));
    bar->addWidget(m_axisBox);
    auto addButton = [this, bar](const QString &text, const QString &tip, auto slot) {
        auto *button = new QToolButton(this);
        button->setText(text);
        button->setToolTip(tip);
        button->setAutoRaise(true);
        connect(button, &QToolButton::clicked, this, slot);
        bar->addWidget(button);
        return button;
    };
    addButton(u"−"_s, tr("Show more time (or use the wheel)"), [this] { zoom(1.5); });
    addButton(u"+"_s, tr("Show less time (or use the wheel)"), [this] { zoom(1 / 1.5); });
    addButton(tr("Fit"), tr("Show the whole history"), [this] { showAll(); });
    auto *legend = new QLabel(this);
    legend->setTextFormat(Qt::RichText);
    legend->setText(tr("<span style='color:#2563eb'>━━▶</span> stored &nbsp;"
                       "<span style='color:#7fa6f5'>╍╍┤</span> stale &nbsp;"
                       "<span style='color:#dc2626'>┈✕</span> not sent &nbsp;"
                       "<span style='color:#8a94a6'>─·▷</span> resync &nbsp;"
                       "<span style='color:#2563eb'>●</span> IAMAT &nbsp;"
                       "<span style='color:#dc2626'>┆</span> cut &nbsp;"
                       "<span style='color:#16a34a'>┆</span> restored"));
    legend->setToolTip(
        tr("Arrows take the client's colour; a cross ends a line that was never sent (link cut or "
           "down) or was lost (its receiver stopped). Grey dash-dotted arrows are SYNC lines of a resync: "
           "digests and requests, no record. Click an arrow to follow its update in the topology."));
    bar->addWidget(legend);
    bar->addSpacing(12); // keeps the counts apart from the legend when the bar is narrow
    m_summary->setStyleSheet(u"color: #64748b;"_s);
    m_summary->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    bar->addWidget(m_summary, 1);
    layout->addLayout(bar);
    auto *plot = new QHBoxLayout;
    plot->setContentsMargins(0, 0, 0, 0);
    plot->setSpacing(0);
    plot->addWidget(m_canvas, 1);
    plot->addWidget(m_laneScroll);
    m_laneScroll->hide();
    m_laneScroll->setToolTip(tr("More nodes than fit: scroll their lanes (or use the wheel over the names)"));
    layout->addLayout(plot, 1);
    layout->addWidget(m_scroll);

    connect(m_liveButton, &QToolButton::toggled, this, &SpaceTimeView::setLive);
    connect(m_axisBox, &QComboBox::currentIndexChanged, this,
            [this](int index) { setAxis(index == 1 ? Axis::Lamport : Axis::WallClock); });
    connect(m_scroll, &QScrollBar::actionTriggered, this,
            [this] { QTimer::singleShot(0, this, &SpaceTimeView::onScrolled); });
    connect(m_scroll, &QScrollBar::sliderMoved, this, &SpaceTimeView::onScrolled);
    connect(m_canvas, &SpaceTimeCanvas::clicked, this, [this](quint64 id) {
        if (id == 0)
            clearSelection();
        else
            selectMessage(id);
    });
    connect(m_canvas, &SpaceTimeCanvas::dragged, this, &SpaceTimeView::pan);
    connect(m_canvas, &SpaceTimeCanvas::zoomRequested, this, &SpaceTimeView::zoom);
    connect(m_canvas, &SpaceTimeCanvas::lanesChanged, this, &SpaceTimeView::updateLaneScrollBar);
    connect(m_laneScroll, &QScrollBar::valueChanged, m_canvas, &SpaceTimeCanvas::setFirstRow);

    m_wall.start();
    m_frameTimer.setInterval(FrameMs);
    connect(&m_frameTimer, &QTimer::timeout, this, &SpaceTimeView::onFrame);
    m_frameTimer.start();
    refresh();
}

SpaceTimeView::~SpaceTimeView() = default;

void SpaceTimeView::onEvent(const Herd::Event &event)
{
    // The rate counts every message, kept or not, so sampling cannot hide it.
    if (event.kind == Herd::EventKind::LineSent && event.viaPeerLink)
        m_rate.add(m_wall.elapsed());
    if (m_sampleEvery > 1 && !event.client.isEmpty() && qHash(event.client) % size_t(m_sampleEvery) != 0)
        return;
    if (m_history.addEvent(event))
        m_dirty = true;
}

void SpaceTimeView::resample()
{
    m_lastResampleMs = m_wall.elapsed();
    const double rate = m_rate.perSecond(m_lastResampleMs);
    m_sampleEvery =
        rate <= SampleAboveRate ? 1 : std::min(MaxSampleEvery, int(std::ceil(rate / SampleAboveRate)));
}

void SpaceTimeView::restart(const QList<Herd::Event> &events)
{
    clearSelection();
    m_history.clear();
    for (const Herd::Event &event : events)
        m_history.addEvent(event);
    // The rate is of events as they arrive, and these did not.
    m_rate = {};
    m_lastBusyRedrawMs = -1;
    refresh();
}

void SpaceTimeView::setClock(std::function<qint64()> nowNs)
{
    m_now = std::move(nowNs);
    refresh();
}

bool SpaceTimeView::isBusy()
{
    return m_rate.perSecond(m_wall.elapsed()) > BusyRate;
}

double &SpaceTimeView::span()
{
    return axis() == Axis::WallClock ? m_spanNs : m_spanTicks;
}

double SpaceTimeView::liveEnd() const
{
    const double span = axis() == Axis::WallClock ? m_spanNs : m_spanTicks;
    if (axis() == Axis::Lamport)
        return double(m_history.latestTick()) + span * kRightMargin;
    return double(std::max(m_now(), m_history.latestNs())) + span * kRightMargin;
}

void SpaceTimeView::setLive(bool live)
{
    if (live == m_live)
        return;
    m_live = live;
    if (!live)
        m_end = m_canvas->windowEnd();
    {
        const QSignalBlocker blocker(m_liveButton);
        m_liveButton->setChecked(live);
    }
    refresh();
    emit liveChanged(live);
}

void SpaceTimeView::setAxis(Axis axis)
{
    if (axis == this->axis())
        return;
    m_canvas->setAxis(axis);
    {
        const QSignalBlocker blocker(m_axisBox);
        m_axisBox->setCurrentIndex(axis == Axis::Lamport ? 1 : 0);
    }
    m_end = liveEnd();
    refresh();
}

void SpaceTimeView::zoom(double factor, double x)
{
    const double limitLow = axis() == Axis::WallClock ? 1e6 : 5;       // 1 ms, 5 ticks
    const double limitHigh = axis() == Axis::WallClock ? 1800e9 : 1e6; // 30 min
    const double oldSpan = span();
    const double newSpan = std::clamp(oldSpan * factor, limitLow, limitHigh);
    if (!m_live && x >= 0) {
        // Keep the time under the pointer where it is.
        const double anchor = m_canvas->timeAt(x);
        m_end = anchor + (m_end - anchor) * newSpan / oldSpan;
    }
    span() = newSpan;
    refresh();
}

void SpaceTimeView::showAll()
{
    const bool wall = axis() == Axis::WallClock;
    const double earliest = wall ? double(m_history.earliestNs()) : double(m_history.earliestTick());
    // Live, the right edge stays now (a replay's cursor), which may be well
    // after the last event: the span reaches back from there to the first.
    const double latest = wall ? double(m_history.latestNs()) : double(m_history.latestTick());
    const double last = m_live && wall ? std::max(latest, double(m_now())) : latest;
    if (last > earliest)
        span() = std::max((last - earliest) * (1 + 2 * kRightMargin), wall ? 1e6 : 5.0);
    m_end = latest + span() * kRightMargin;
    refresh();
}

void SpaceTimeView::pan(double dx)
{
    setLive(false);
    m_end -= dx * span() / std::max(1.0, double(m_canvas->width() - SpaceTimeCanvas::NameWidth - 14));
    refresh();
}

void SpaceTimeView::onScrolled()
{
    setLive(false);
    const double unit = unitOf(axis());
    const double earliest =
        axis() == Axis::WallClock ? double(m_history.earliestNs()) : double(m_history.earliestTick());
    m_end = earliest + double(m_scroll->sliderPosition()) * unit;
    // Back at the newest end: follow again.
    if (m_scroll->sliderPosition() >= m_scroll->maximum()) {
        setLive(true);
        return;
    }
    refresh();
}

void SpaceTimeView::updateScrollBar()
{
    const double unit = unitOf(axis());
    const double earliest =
        axis() == Axis::WallClock ? double(m_history.earliestNs()) : double(m_history.earliestTick());
    const double end = m_canvas->windowEnd();
    const double latestEnd = m_live ? end : std::max(end, liveEnd());
    const int maximum = int(std::clamp((latestEnd - earliest) / unit, 0.0, 2e9));
    const int minimum = std::min(maximum, int(std::clamp(span() / unit, 0.0, 2e9)));
    const QSignalBlocker blocker(m_scroll);
    m_scroll->setRange(minimum, maximum);
    m_scroll->setPageStep(std::max(1, int(std::clamp(span() / unit, 1.0, 2e9))));
    m_scroll->setSingleStep(std::max(1, m_scroll->pageStep() / 10));
    m_scroll->setValue(int(std::clamp((end - earliest) / unit, double(minimum), double(maximum))));
}

void SpaceTimeView::refresh()
{
    m_canvas->setWindow(m_live ? liveEnd() : m_end, span());
    m_canvas->update();
    updateScrollBar();
    m_summary->setFullText(summaryText());
    m_dirty = false;
}

void SpaceTimeView::onFrame()
{
    // Hidden, the history still fills: it samples all the same.
    if (m_wall.elapsed() - m_lastResampleMs >= 1000)
        resample();
    if (!isVisible())
        return;
    // Live on the wall clock, time itself moves the picture.
    const bool moving = m_live && axis() == Axis::WallClock && !m_history.messages().empty();
    if (!m_dirty && !moving)
        return;
    // Thousands of messages a second: the herd's events need the loop more
    // than this picture; what a redraw costs (measured) spaces them.
    ++m_frame;
    const bool busy = isBusy();
    if (busy) {
        const qint64 now = m_wall.elapsed();
        const double interval = m_canvas->lastPaintMs() / BusyPaintShare;
        if (m_lastBusyRedrawMs >= 0 && double(now - m_lastBusyRedrawMs) < interval)
            return;
        m_lastBusyRedrawMs = now;
    }
    m_canvas->setWindow(m_live ? liveEnd() : m_end, span());
    m_canvas->update();
    // Busy, the scroll bar and the summary follow a few times a second: a
    // live range moves every frame, and the bar's repaint costs about as
    // much as a third of the canvas's on a 100-node herd.
    if ((m_dirty && !busy) || m_frame % kSummaryEveryFrames == 0) {
        updateScrollBar();
        m_summary->setFullText(summaryText());
    }
    m_dirty = false;
}

QString SpaceTimeView::summaryText() const
{
    const QLocale locale;
    QString text = tr("%1 messages").arg(locale.toString(qulonglong(m_history.messages().size())));
    const double rate = m_rate.perSecond(m_wall.elapsed());
    if (rate > BusyRate)
        text = tr("busy: %1 messages/s, drawn simplified").arg(locale.toString(qRound64(rate)))
            + (m_sampleEvery > 1 ? tr(", one client in %1 shown").arg(m_sampleEvery) : QString()) + u" · "_s
            + text;
    if (m_history.openSends() > 0)
        text += tr(" · %1 in flight").arg(locale.toString(m_history.openSends()));
    if (m_history.evictedMessages() > 0)
        text += tr(" · keeps the newest %1").arg(locale.toString(m_history.messageCapacity()));
    if (!m_clockNote.isEmpty() && axis() == Axis::WallClock)
        text += u" · "_s + m_clockNote;
    return text;
}

void SpaceTimeView::setEmptyHint(const QString &hint)
{
    m_canvas->setEmptyHint(hint);
}

void SpaceTimeView::setClockNote(const QString &note, const QString &explanation)
{
    m_clockNote = note;
    m_summary->setExplanation(explanation);
    m_summary->setFullText(summaryText());
}

bool SpaceTimeView::selectMessage(quint64 id)
{
    const SpaceTimeMessage *message = m_history.message(id);
    if (!message)
        return false;
    SpaceTimeSelection selection;
    selection.message = id;
    selection.from = message->from;
    selection.to = message->to;
    selection.client = message->client;
    selection.update = message->update;
    for (const quint64 hopId : m_history.messagesOfUpdate(message->update)) {
        const SpaceTimeMessage *hop = m_history.message(hopId);
        if (!hop || hop->outcome == SpaceTimeMessage::Outcome::NotSent)
            continue; // it never travelled
        const std::pair<QString, QString> direction {hop->from, hop->to};
        if (!selection.hops.contains(direction))
            selection.hops.append(direction);
    }
    if (selection.hops.isEmpty())
        selection.hops.append({message->from, message->to});
    m_selection = selection;
    QStringList nodes;
    for (const auto &[from, to] : std::as_const(selection.hops))
        nodes << from << to;
    leadWith(nodes);
    m_canvas->setSelection(id, selection.update);
    emit messageSelected(m_selection);
    return true;
}

void SpaceTimeView::clearSelection()
{
    m_canvas->setPickedClients({});
    if (m_selection.message == 0)
        return;
    m_selection = {};
    m_canvas->setSelection(0, {});
    emit selectionCleared();
}

void SpaceTimeView::setEmphasis(const QString &node, const QString &peer)
{
    leadWith({node, peer});
    m_canvas->setEmphasis(node, peer);
}

void SpaceTimeView::leadWith(const QStringList &nodes)
{
    // With every lane in view, the herd's order stays: nothing to find.
    if (!m_canvas->lanes().scrolls())
        return;
    QList<int> lanes;
    for (const QString &node : nodes)
        lanes.append(m_history.laneOf(node));
    if (!lanes.isEmpty() && lanes.first() >= 0)
        m_canvas->leadLanes(lanes);
}

void SpaceTimeView::updateLaneScrollBar()
{
    const SpaceTimeLanes &lanes = m_canvas->lanes();
    const QSignalBlocker quiet(m_laneScroll);
    m_laneScroll->setRange(0, lanes.count() - lanes.visibleRows());
    m_laneScroll->setPageStep(lanes.visibleRows());
    m_laneScroll->setValue(lanes.firstRow());
    m_laneScroll->setVisible(lanes.scrolls());
}

int SpaceTimeView::pickClients(const QList<QByteArray> &clients)
{
    const QSet<QByteArray> picked(clients.cbegin(), clients.cend());
    m_canvas->setPickedClients(picked);
    const bool wall = axis() == Axis::WallClock;
    double first = std::numeric_limits<double>::max();
    double last = std::numeric_limits<double>::lowest();
    int found = 0;
    auto take = [&](qint64 from, qint64 to) {
        first = std::min(first, double(from));
        last = std::max(last, double(std::max(from, to)));
        ++found;
    };
    for (const SpaceTimeMark &mark : m_history.marks()) {
        if (picked.contains(mark.client))
            take(wall ? mark.timeNs : mark.tick, wall ? mark.timeNs : mark.tick);
    }
    for (const SpaceTimeMessage &message : m_history.messages()) {
        if (picked.contains(message.client))
            take(wall ? message.sentNs : message.sentTick, wall ? message.receivedNs : message.receivedTick);
    }
    if (found == 0) {
        refresh();
        return 0;
    }
    // Centred, zoomed in on them: a check's client comes and goes within
    // milliseconds, lost in a span of seconds.
    setLive(false);
    span() = std::max((last - first) * 3, wall ? 20e6 : 10.0); // at least 20 ms, 10 ticks
    m_end = (first + last + span()) / 2;
    refresh();
    return found;
}

} // namespace HerdUi
