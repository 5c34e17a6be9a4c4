// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/replay/timeline.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QSlider>
#include <QToolButton>

#include <climits>

#include "herd/record/replayherd.h"
#include "ui/replay/replayplayer.h"

using namespace Qt::StringLiterals;

namespace HerdUi {

namespace {

QString secondsText(qint64 ns)
{
    return QLocale().toString(double(ns) / 1e9, 'f', 3) + u" s"_s;
}

} // namespace

Timeline::Timeline(Herd::ReplayHerd *herd, QAction *fork, QWidget *parent)
    : QWidget(parent)
    , m_herd(herd)
    , m_player(new ReplayPlayer(herd, this))
    , m_play(new QToolButton(this))
    , m_speed(new QComboBox(this))
    , m_slider(new QSlider(Qt::Horizontal, this))
    , m_position(new QLabel(this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 2, 6, 2);
    auto addButton = [this, layout](const QString &text, const QString &tip, const QKeySequence &key) {
        auto *action = new QAction(text, this);
        action->setShortcut(key);
        action->setToolTip(key.isEmpty() ? tip : tip + u" (" + key.toString(QKeySequence::NativeText) + u')');
        addAction(action);
        auto *button = new QToolButton(this);
        button->setDefaultAction(action);
        layout->addWidget(button);
        return action;
    };
    QAction *toStart = addButton(u"|◀"_s, tr("Back to the start"), QKeySequence(Qt::CTRL | Qt::Key_Home));
    connect(toStart, &QAction::triggered, this, [this] { m_player->seekTime(m_herd->startNs()); });
    auto *play = new QAction(u"▶"_s, this);
    play->setCheckable(true);
    play->setShortcut(QKeySequence(Qt::Key_P));
    play->setToolTip(tr("Play or pause the recording (P)"));
    addAction(play);
    m_play->setDefaultAction(play);
    layout->addWidget(m_play);
    connect(play, &QAction::toggled, m_player, &ReplayPlayer::setPlaying);
    connect(m_player, &ReplayPlayer::playingChanged, this, [play](bool playing) {
        play->setChecked(playing);
        play->setText(playing ? u"❚❚"_s : u"▶"_s);
    });
    QAction *next =
        addButton(tr("Next Message"), tr("Play to the next message between nodes"), QKeySequence(Qt::Key_N));
    connect(next, &QAction::triggered, m_player, &ReplayPlayer::stepToNextMessage);
    QAction *toEnd = addButton(u"▶|"_s, tr("To the end"), QKeySequence(Qt::CTRL | Qt::Key_End));
    connect(toEnd, &QAction::triggered, this, [this] { m_player->seekTime(m_herd->endNs()); });

    for (const double speed : Speeds)
        m_speed->addItem(QLocale().toString(speed) + u'×', speed);
    m_speed->setCurrentIndex(m_speed->findData(1.0));
    m_speed->setToolTip(tr("How fast the recording plays"));
    connect(m_speed, &QComboBox::currentIndexChanged, this,
            [this] { m_player->setSpeed(m_speed->currentData().toDouble()); });
    layout->addWidget(m_speed);

    // Milliseconds from the start: an int holds 24 days of recording.
    m_slider->setRange(0, int(std::min<qint64>((herd->endNs() - herd->startNs()) / 1'000'000, INT_MAX)));
    m_slider->setToolTip(tr("Drag to any moment of the recording"));
    connect(m_slider, &QSlider::sliderMoved, this, &Timeline::onSliderMoved);
    connect(m_slider, &QSlider::actionTriggered, this, [this] {
        // Clicks and keys on the slider: its position is set after this signal.
        if (m_slider->isSliderDown())
            return;
        onSliderMoved(m_slider->sliderPosition());
    });
    layout->addWidget(m_slider, 1);
    layout->addWidget(m_position);
    if (fork) {
        auto *forkButton = new QToolButton(this);
        forkButton->setDefaultAction(fork);
        layout->addWidget(forkButton);
    }
    connect(herd, &Herd::ReplayHerd::cursorMoved, this, &Timeline::onCursorMoved);
    // Room for the longest text, so the slider does not shift as it changes.
    const QString longest = tr("%1 of %1 · event %2 of %2")
                                .arg(secondsText(herd->endNs() - herd->startNs()),
                                     QLocale().toString(qlonglong(herd->recording().events().size())));
    m_position->setMinimumWidth(m_position->fontMetrics().horizontalAdvance(longest) + 8);
    onCursorMoved();
}

QString Timeline::positionText() const
{
    if (!m_herd)
        return {};
    const QLocale locale;
    return tr("%1 of %2 · event %3 of %4")
        .arg(secondsText(m_herd->cursorNs() - m_herd->startNs()),
             secondsText(m_herd->endNs() - m_herd->startNs()),
             locale.toString(qlonglong(m_herd->moment().eventCount)),
             locale.toString(qlonglong(m_herd->recording().events().size())));
}

void Timeline::onCursorMoved()
{
    if (!m_herd)
        return;
    if (!m_slider->isSliderDown()) {
        const QSignalBlocker quiet(m_slider);
        m_slider->setValue(int((m_herd->cursorNs() - m_herd->startNs()) / 1'000'000));
    }
    m_position->setText(positionText());
}

void Timeline::onSliderMoved(int ms)
{
    // The slider counts whole ms: its end is the recording's end exactly.
    m_player->seekTime(ms >= m_slider->maximum() ? m_herd->endNs()
                                                 : m_herd->startNs() + qint64(ms) * 1'000'000);
}

} // namespace HerdUi
