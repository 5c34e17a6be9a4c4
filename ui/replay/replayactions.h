// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QPointer>

#include <memory>

class QAction;
class QMenu;
class QToolBar;

namespace Herd {
class HerdSource;
class Recorder;
class ReplayHerd;
} // namespace Herd

namespace HerdUi {

class MainWindow;
class Timeline;

// The window's recording and replay (docs/recording.md): File > Open
// Recording (the recorded herd, with a Timeline under the views), Save as
// Scenario and Fork Here while replaying, and File > Record for a live herd.
// Each works without dialogs too, for the command line and the tests.
//
// The main window tells it when a herd is shown and when it goes.
class ReplayActions final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReplayActions)

public:
    explicit ReplayActions(MainWindow *window);
    ~ReplayActions() override;

    void addTo(QMenu *file);
    QAction *forkAction() const { return m_fork; }
    QAction *recordAction() const { return m_record; }
    QAction *saveScenarioAction() const { return m_saveScenario; }

    // The replay shown; null for a live herd or none.
    Herd::ReplayHerd *replay() const { return m_replay; }
    Timeline *timeline() const { return m_timeline; }
    Herd::Recorder *recorder() const { return m_recorder.get(); }

    // The window shows `herd` now / is about to let it go.
    void herdShown(Herd::HerdSource *herd);
    void herdGoing();

    bool openRecording(const QStringList &paths, QString *error);
    // A live, embedded herd from the moment under the timeline's cursor
    // (forkmoment.h); the replay closes.
    bool forkHere(QString *error);
    bool saveScenario(const QString &path, QString *error) const;
    // Records the live herd shown to `path` until stopRecording() or
    // another herd is opened.
    bool startRecording(const QString &path, QString *error);
    void stopRecording();

private:
    void updateActions();
    void report(const QString &title, const QString &error);

    MainWindow *m_window;
    QAction *m_open;
    QAction *m_saveScenario;
    QAction *m_record;
    QAction *m_fork;
    QPointer<Herd::HerdSource> m_herd;
    Herd::ReplayHerd *m_replay = nullptr; // m_herd, when it is a replay
    QToolBar *m_bar = nullptr;            // owned by the window while a replay is shown
    Timeline *m_timeline = nullptr;       // in m_bar
    std::unique_ptr<Herd::Recorder> m_recorder;
};

} // namespace HerdUi
