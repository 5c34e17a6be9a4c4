// SPDX-License-Identifier: GPL-3.0-or-later
// How long does the window's event loop stall while the herd it shows
// takes thousands of updates a second, and how often do its two diagrams
// redraw meanwhile? Opens the main window (offscreen unless a display is
// set) on the default herd with OS-picked ports, drives it with simulated
// phones, and samples the gap between ticks of a 5 ms timer: any gap well
// over 5 ms is time the loop was blocked (painting, models, the herd
// itself). Prints the median, p99 and longest gap, and the paint events the
// topology and the space-time diagram took a second (on average, and in
// the slowest whole second), the CPU time the process used per update
// (steadier than the gaps on a shared machine), and every kind of event
// whose handling took over 20 ms (receiver, event type; --slow-ms sets the
// threshold): what stalled.
//
// The load starts once every link is up (it says when, or that it gave up
// after 30 s), so that runs flood over the same links.
//
// --nodes N opens a random N-node herd (Herd::randomHerd, degree 3, seed 1)
// instead, laid out as the window lays out big herds.
// --threads N runs the herd on N threads of its own (Herd::ThreadedHerd,
// as `herd --threads N`), so the window's thread only draws and drives the
// phones.
// --shot FILE saves the window as it is when the traffic stops.
// --paints prints the widgets painted most often, to find repaints that
// spread beyond what changed.
// --all-views also shows the tabs that are hidden behind Knowledge (the
// plots and the node inspector), each in a window of its own beside the
// main window, so every view draws at once.
//
//   build/bin/herd-guistall [--rate N] [--seconds S] [--phones P] [--nodes N] [--threads N] [--all-views]
//   [--paints] [--json FILE]

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QHBoxLayout>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QPaintEvent>
#include <QThread>
#include <QTimer>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "bench/framecounter.h"
#include "herd/clients/simulatedclients.h"
#include "herd/cluster.h"
#include "herd/config/randomherd.h"
#include "herd/linkstate.h"
#include "herd/places/offlineplaces.h"
#include "herd/threaded/threadedherd.h"
#include "ui/knowledge/knowledgeview.h"
#include "ui/knowledge/nodeinspector.h"
#include "ui/mainwindow.h"
#include "ui/plots/plotsview.h"
#include "ui/spacetime/spacetimeview.h"
#include "ui/topology/topologyview.h"

namespace {

// How long to wait for every link to come up before measuring anyway.
constexpr qint64 LinkWaitMs = 30'000;

// Notes every event whose handling, outermost, took over slowMs: which
// object took it and what kind of event it was, to find what stalls.
class TimedApplication final : public QApplication
{
public:
    using QApplication::QApplication;
    bool notify(QObject *receiver, QEvent *event) override
    {
        // The herd's threads deliver their own events: only this thread's count.
        if (!m_timing || QThread::currentThread() != thread())
            return QApplication::notify(receiver, event);
        if (event->type() == QEvent::LayoutRequest || event->type() == QEvent::Resize)
            ++m_paints[(event->type() == QEvent::Resize ? "resized: " : "laid out: ") + paintedName(receiver)]
                  .count;
        if (event->type() == QEvent::Paint) {
            QElapsedTimer painting;
            painting.start();
            const bool done = notifyTimed(receiver, event);
            const QByteArray name = paintedName(receiver);
            Tally &tally = m_paints["painted: " + name];
            const double ms = double(painting.nsecsElapsed()) / 1e6;
            m_paintsInEvent[name] += ms;
            ++tally.count;
            tally.ms += ms;
            tally.worst = std::max(tally.worst, ms);
            // How much of the widget the paint covered: a few small rects,
            // or all of it because something large changed.
            if (const auto *widget = qobject_cast<const QWidget *>(receiver);
                widget && !widget->rect().isEmpty()) {
                double area = 0;
                for (const QRect &rect : static_cast<const QPaintEvent *>(event)->region())
                    area += double(rect.width()) * rect.height();
                tally.shareOfArea += area / (double(widget->width()) * widget->height());
            }
            return done;
        }
        return notifyTimed(receiver, event);
    }

    bool notifyTimed(QObject *receiver, QEvent *event)
    {
        if (m_depth > 0)
            return QApplication::notify(receiver, event);
        ++m_depth;
        QElapsedTimer timer;
        timer.start();
        QByteArray what =
            QByteArray(receiver->metaObject()->className()) + ' ' + QByteArray::number(int(event->type()));
        if (const auto *ticker = qobject_cast<const QTimer *>(receiver))
            what += " every " + QByteArray::number(ticker->interval()) + " ms";
        if (receiver->parent())
            what += QByteArray(" in ") + receiver->parent()->metaObject()->className();
        const bool done = QApplication::notify(receiver, event);
        const qint64 ns = timer.nsecsElapsed();
        const qint64 ms = ns / 1'000'000;
        --m_depth;
        if (ms > m_slowMs) {
            m_slow[what].push_back(ms);
            // Paints inside a paint count once, in the outer one's time.
            for (auto it = m_paintsInEvent.cbegin(); it != m_paintsInEvent.cend(); ++it)
                m_paintsInSlow[what][it.key()] += it.value();
        }
        m_paintsInEvent.clear();
        m_sinceTick[what] += double(ns) / 1e6;
        return done;
    }

    // Called at each probe tick with the gap it ended: a gap over
    // longGapMs adds what the loop handled meanwhile to the long gaps' tally.
    void probeTicked(double gapMs)
    {
        if (gapMs > m_longGapMs) {
            ++m_longGaps;
            m_longGapMsTotal += gapMs;
            for (auto it = m_sinceTick.cbegin(); it != m_sinceTick.cend(); ++it)
                m_inLongGaps[it.key()] += it.value();
        }
        m_sinceTick.clear();
    }
    void setLongGapMs(int ms) { m_longGapMs = ms; }
    // What filled the gaps over longGapMs: the handlers that took most of
    // that time, as a share of it; the rest is time no handler was timed
    // in (the loop's own work, or this thread waiting for a core).
    void printLongGaps() const
    {
        if (m_longGaps == 0)
            return;
        std::printf("gaps over %d ms: %d, %.1f ms on average; what filled them:\n", m_longGapMs, m_longGaps,
                    m_longGapMsTotal / m_longGaps);
        std::vector<std::pair<double, QByteArray>> shares;
        double timed = 0;
        for (auto it = m_inLongGaps.cbegin(); it != m_inLongGaps.cend(); ++it) {
            shares.emplace_back(it.value(), it.key());
            timed += it.value();
        }
        std::sort(shares.begin(), shares.end(), std::greater<>());
        for (size_t i = 0; i < shares.size() && i < 8; ++i)
            std::printf("  %4.1f%% %s (%.1f ms a gap)\n", 100 * shares[i].first / m_longGapMsTotal,
                        shares[i].second.constData(), shares[i].first / m_longGaps);
        std::printf("  %4.1f%% in no timed handler\n", 100 * (1 - timed / m_longGapMsTotal));
    }
    void setTiming(bool on) { m_timing = on; }
    void setSlowMs(int ms) { m_slowMs = ms; }
    void printSlow() const
    {
        for (auto it = m_slow.cbegin(); it != m_slow.cend(); ++it) {
            qint64 worst = 0;
            for (qint64 ms : it.value())
                worst = std::max(worst, ms);
            std::printf("  slow: %s x%zu, worst %lld ms\n", it.key().constData(), it.value().size(),
                        static_cast<long long>(worst));
            // The paints it sent, in ms per slow event: what made it slow.
            const auto paints = m_paintsInSlow.constFind(it.key());
            if (paints == m_paintsInSlow.cend())
                continue;
            std::vector<std::pair<double, QByteArray>> byTime;
            for (auto paint = paints->cbegin(); paint != paints->cend(); ++paint)
                byTime.emplace_back(paint.value() / double(it.value().size()), paint.key());
            std::sort(byTime.begin(), byTime.end(), std::greater<>());
            for (size_t i = 0; i < byTime.size() && i < 4 && byTime[i].first >= 0.5; ++i)
                std::printf("    painting %s: %.1f ms each time\n", byTime[i].second.constData(),
                            byTime[i].first);
        }
    }

    // The widgets painted (or laid out, or resized) most, how often a
    // second, and for paints how long one took.
    void printPaints(double seconds) const
    {
        std::vector<std::pair<int, QByteArray>> counts;
        for (auto it = m_paints.cbegin(); it != m_paints.cend(); ++it)
            counts.emplace_back(it.value().count, it.key());
        std::sort(counts.begin(), counts.end(), std::greater<>());
        for (size_t i = 0; i < counts.size() && i < 24; ++i) {
            const Tally &tally = m_paints[counts[i].second];
            std::printf("  %s %.1f/s", counts[i].second.constData(), tally.count / seconds);
            if (tally.ms > 0)
                std::printf(", %.2f ms each, worst %.1f ms, %.0f%% of its area each", tally.ms / tally.count,
                            tally.worst, 100 * tally.shareOfArea / tally.count);
            std::printf("\n");
        }
    }

private:
    // A widget by class, object name and its parent's class: enough to tell
    // the log's scroll bar from the diagram's.
    static QByteArray paintedName(const QObject *widget)
    {
        QByteArray name = widget->metaObject()->className();
        if (!widget->objectName().isEmpty())
            name += " \"" + widget->objectName().toUtf8() + '"';
        for (const QObject *up = widget->parent(); up; up = up->parent()) {
            if (QByteArray(up->metaObject()->className()).startsWith("HerdUi::")) {
                name += QByteArray(" in ") + up->metaObject()->className();
                break;
            }
        }
        return name;
    }

    struct Tally
    {
        int count = 0;
        double ms = 0; // paints only, each paint's own time with its children's
        double worst = 0;
        double shareOfArea = 0; // summed over the paints: the share of the widget each covered
    };
    QMap<QByteArray, Tally> m_paints;
    int m_depth = 0;
    bool m_timing = false;
    int m_slowMs = 20;
    QMap<QByteArray, std::vector<qint64>> m_slow;
    QHash<QByteArray, double> m_paintsInEvent; // ms by widget, in the outermost event under way
    QHash<QByteArray, QHash<QByteArray, double>> m_paintsInSlow; // by slow event, then widget
    int m_longGapMs = 30;
    QHash<QByteArray, double> m_sinceTick;  // ms by handler since the last probe tick
    QHash<QByteArray, double> m_inLongGaps; // the same, summed over the long gaps
    int m_longGaps = 0;
    double m_longGapMsTotal = 0;
};

// The pages the tab widget hides behind the one it shows, in a window of
// their own. Delete it before the main window closes: the pages read its
// herd.
std::unique_ptr<QWidget> showHiddenTabs(HerdUi::MainWindow &window)
{
    auto holder = std::make_unique<QWidget>();
    holder->setWindowTitle(QStringLiteral("Plots and node"));
    auto *layout = new QHBoxLayout(holder.get());
    layout->addWidget(window.plots());
    layout->addWidget(window.inspector());
    holder->resize(1200, 600);
    holder->show();
    return holder;
}

// CPU time of this process (every thread), in seconds.
double cpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval &t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

QByteArray loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    return file.open(QIODevice::ReadOnly) ? file.readLine().trimmed() : QByteArray("?");
}

} // namespace

int main(int argc, char **argv)
{
    if (!qEnvironmentVariableIsSet("DISPLAY") && !qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    TimedApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption rate(QStringLiteral("rate"), QStringLiteral("Updates per second."),
                                  QStringLiteral("N"), QStringLiteral("2000"));
    const QCommandLineOption seconds(QStringLiteral("seconds"), QStringLiteral("How long to drive it."),
                                     QStringLiteral("S"), QStringLiteral("5"));
    const QCommandLineOption phones(QStringLiteral("phones"), QStringLiteral("Simulated clients."),
                                    QStringLiteral("P"), QStringLiteral("200"));
    const QCommandLineOption nodes(QStringLiteral("nodes"),
                                   QStringLiteral("A random herd of N nodes (0: the default herd)."),
                                   QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption allViews(QStringLiteral("all-views"),
                                      QStringLiteral("Show the hidden tabs too (plots, node)."));
    const QCommandLineOption threads(
        QStringLiteral("threads"), QStringLiteral("Run the herd on N threads of its own (1: the window's)."),
        QStringLiteral("N"), QStringLiteral("1"));
    const QCommandLineOption slowMs(QStringLiteral("slow-ms"),
                                    QStringLiteral("List every event handled in more than MS (default 20)."),
                                    QStringLiteral("MS"), QStringLiteral("20"));
    const QCommandLineOption shot(
        QStringLiteral("shot"),
        QStringLiteral("Save the window, as it is when the traffic stops, to FILE (PNG)."),
        QStringLiteral("FILE"));
    const QCommandLineOption paints(QStringLiteral("paints"),
                                    QStringLiteral("Print the widgets painted most, and how often."));
    const QCommandLineOption longGapMs(
        QStringLiteral("long-gap-ms"),
        QStringLiteral("Break down what the loop did in gaps longer than MS (default 30)."),
        QStringLiteral("MS"), QStringLiteral("30"));
    const QCommandLineOption json(
        QStringLiteral("json"),
        QStringLiteral("Also write the figures to FILE as JSON (bench/run-bench.sh)."),
        QStringLiteral("FILE"));
    parser.addOptions(
        {rate, seconds, phones, nodes, threads, allViews, paints, shot, slowMs, longGapMs, json});
    parser.process(app);
    app.setSlowMs(parser.value(slowMs).toInt());
    app.setLongGapMs(parser.value(longGapMs).toInt());

    const int randomNodes = parser.value(nodes).toInt();
    auto config = randomNodes > 1 ? std::optional(Herd::randomHerd(randomNodes, 3, 1))
                                  : Herd::HerdConfig::preset(Herd::HerdConfig::defaultPreset(), nullptr);
    for (Herd::NodeConfig &node : config->nodes)
        node.port = 0;
    HerdUi::MainWindow window;
    window.resize(1500, 950);
    window.show();
    QString error;
    const int herdThreads = parser.value(threads).toInt();
    if (herdThreads > 1) {
        auto herd =
            std::make_unique<Herd::ThreadedHerd>(*config, [] { return Herd::OfflinePlaces::fromEmbedded(); });
        if (!herd->start(herdThreads, {}, &error)) {
            std::fprintf(stderr, "herd-guistall: %s\n", qPrintable(error));
            return 1;
        }
        window.showHerd(std::move(herd), QStringLiteral("herd-guistall"));
    } else if (!window.openHerd(*config, &error)) {
        std::fprintf(stderr, "herd-guistall: %s\n", qPrintable(error));
        return 1;
    }
    std::unique_ptr<QWidget> hiddenTabs = parser.isSet(allViews) ? showHiddenTabs(window) : nullptr;
    qint64 eventsTakenIn = 0; // while measuring
    QMap<QByteArray, qint64> eventsByKind;
    bool measuring = false;
    QObject::connect(window.herd(), &Herd::HerdSource::eventOccurred, &app, [&](const Herd::Event &event) {
        if (!measuring)
            return;
        ++eventsTakenIn;
        ++eventsByKind[Herd::eventKindName(event.kind) + QByteArray(event.viaPeerLink ? " (link)" : "")];
    });
    // Owned by the views, which quitting closes (and so deletes): read them
    // before that.
    auto *topologyFrames = new FrameCounter(window.topology()->viewport());
    auto *spaceTimeFrames = new FrameCounter(window.spaceTime()->canvas());
    QByteArray redraws;
    double topologyPerSecond = 0;
    double spaceTimePerSecond = 0;
    double cpuAtStart = 0;
    double cpuUsed = 0;

    std::vector<double> gaps;
    QElapsedTimer clock;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(5);
    qint64 last = -1;
    QObject::connect(&probe, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        if (last >= 0) {
            gaps.push_back(double(now - last) / 1e6);
            app.probeTicked(gaps.back());
        }
        last = now;
    });

    // Measure a herd whose links are all up: on a big herd some take a few
    // reconnect back-offs, and a flood over half the links is half the work
    // (runs of one build differed twofold in events per update before this).
    const auto linksUp = [&] {
        const Herd::HerdSource &herd = *window.herd();
        int up = 0;
        for (const auto &[a, b] : herd.config().links) {
            for (const auto &[from, to] : {std::pair(a, b), std::pair(b, a)}) {
                const std::optional<Herd::LinkState> state = herd.linkState(from, to);
                up += state && state->state == Herd::LinkState::State::Connected ? 1 : 0;
            }
        }
        return up;
    };
    std::function<void()> startMeasuring;
    const int directions = int(2 * config->links.size());
    QElapsedTimer waiting;
    waiting.start();
    QTimer linkWait;
    linkWait.setInterval(50);
    QObject::connect(&linkWait, &QTimer::timeout, [&] {
        const int up = linksUp();
        const bool timedOut = waiting.elapsed() >= LinkWaitMs;
        if (up < directions && !timedOut)
            return;
        linkWait.stop();
        std::printf("links up: %d of %d (each way) after %.1f s%s\n", up, directions,
                    double(waiting.elapsed()) / 1000.0, timedOut ? ", gave up waiting" : "");
        startMeasuring();
    });
    linkWait.start();

    startMeasuring = [&] {
        window.startTraffic(parser.value(phones).toInt(), parser.value(rate).toDouble());
        cpuAtStart = cpuSeconds();
        measuring = true;
        clock.start();
        probe.start();
        app.setTiming(true);
        topologyFrames->start();
        spaceTimeFrames->start();
        // Precise: a coarse timer of 10 s may end the run half a second early.
        QTimer::singleShot(int(parser.value(seconds).toDouble() * 1000), Qt::PreciseTimer, [&] {
            probe.stop();
            measuring = false;
            cpuUsed = cpuSeconds() - cpuAtStart;
            app.setTiming(false);
            topologyFrames->stop();
            spaceTimeFrames->stop();
            topologyPerSecond = topologyFrames->perSecond();
            spaceTimePerSecond = spaceTimeFrames->perSecond();
            redraws = QStringLiteral("topology %1 (slowest second %2), space-time %3 (slowest second %4)")
                          .arg(topologyPerSecond, 0, 'f', 1)
                          .arg(topologyFrames->slowestSecond())
                          .arg(spaceTimePerSecond, 0, 'f', 1)
                          .arg(spaceTimeFrames->slowestSecond())
                          .toUtf8();
            if (parser.isSet(shot) && !window.grab().save(parser.value(shot)))
                std::fprintf(stderr, "herd-guistall: could not write %s\n", qPrintable(parser.value(shot)));
            window.stopTraffic();
            hiddenTabs.reset();
            app.quit();
        });
    };
    app.exec();

    const quint64 sent = window.simulation()->sent();
    std::sort(gaps.begin(), gaps.end());
    auto at = [&gaps](double q) { return gaps.empty() ? 0.0 : gaps[size_t(q * double(gaps.size() - 1))]; };
    const double gapP50 = at(0.5);
    const double gapP99 = at(0.99);
    const double longest = gaps.empty() ? 0.0 : gaps.back();
    const double eventsPerUpdate = sent ? double(eventsTakenIn) / double(sent) : 0.0;
    const double cpuUsPerUpdate = sent ? cpuUsed * 1e6 / double(sent) : 0.0;
    std::printf("%s, %s, herd on %s, load average %s\n", qPrintable(QGuiApplication::platformName()),
                parser.isSet(allViews) ? "every view shown" : "default tabs",
                herdThreads > 1 ? qPrintable(QStringLiteral("%1 threads of its own").arg(herdThreads))
                                : "the window's thread",
                loadAverage().constData());
    std::printf("updates sent: %llu in %s s (%.0f/s asked, %llu skipped: no connection yet), event-loop "
                "probe every 5 ms\n",
                static_cast<unsigned long long>(sent), qPrintable(parser.value(seconds)),
                parser.value(rate).toDouble(),
                static_cast<unsigned long long>(window.simulation()->skipped()));
    std::printf("events taken in by the window: %lld (%.0f per update sent)\n",
                static_cast<long long>(eventsTakenIn), eventsPerUpdate);
    for (auto it = eventsByKind.cbegin(); it != eventsByKind.cend(); ++it) {
        if (sent && double(it.value()) / double(sent) >= 0.5)
            std::printf("  %s: %.1f per update\n", it.key().constData(), double(it.value()) / double(sent));
    }
    std::printf("CPU: %.2f s in %s s, %.0f us per update sent\n", cpuUsed, qPrintable(parser.value(seconds)),
                cpuUsPerUpdate);
    std::printf("gap between probe ticks: median %.2f ms, p99 %.2f ms, longest %.2f ms (%zu samples)\n",
                gapP50, gapP99, longest, gaps.size());
    std::printf("redraws a second: %s\n", redraws.constData());
    app.printSlow();
    app.printLongGaps();
    if (parser.isSet(paints))
        app.printPaints(parser.value(seconds).toDouble());
    if (parser.isSet(json)) {
        const QJsonObject report {
            {QStringLiteral("platform"), QGuiApplication::platformName()},
            {QStringLiteral("nodes"), int(config->nodes.size())},
            {QStringLiteral("threads"), herdThreads},
            {QStringLiteral("rate_asked"), parser.value(rate).toDouble()},
            {QStringLiteral("updates_sent"), double(sent)},
            {QStringLiteral("events_per_update"), eventsPerUpdate},
            {QStringLiteral("cpu_us_per_update"), cpuUsPerUpdate},
            {QStringLiteral("gap_ms"),
             QJsonObject {{QStringLiteral("p50"), gapP50},
                          {QStringLiteral("p99"), gapP99},
                          {QStringLiteral("max"), longest}}},
            {QStringLiteral("redraws_per_s"),
             QJsonObject {{QStringLiteral("topology"), topologyPerSecond},
                          {QStringLiteral("spacetime"), spaceTimePerSecond}}},
        };
        QFile out(parser.value(json));
        if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate)
            || out.write(QJsonDocument(report).toJson()) < 0) {
            std::fprintf(stderr, "herd-guistall: could not write %s: %s\n", qPrintable(parser.value(json)),
                         qPrintable(out.errorString()));
            return 1;
        }
    }
    return 0;
}
