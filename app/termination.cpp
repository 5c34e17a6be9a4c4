// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/termination.h"

#include <csignal>

#include <sys/socket.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QSocketNotifier>

#include "app/console.h"

namespace {

int s_signalPipe[2] = {-1, -1};
int s_signal = 0;

void onSignal(int signal)
{
    const char byte = char(signal);
    [[maybe_unused]] const ssize_t ignored = ::write(s_signalPipe[1], &byte, 1);
}

} // namespace

// A Unix signal handler may only do async-signal-safe things, so it writes a
// byte to a socket pair and the event loop quits when that becomes readable.
bool quitOnTerminationSignals(QCoreApplication &app, std::function<void()> onSignalArrived)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, s_signalPipe) != 0)
        return false;
    auto *notifier = new QSocketNotifier(s_signalPipe[0], QSocketNotifier::Read, &app);
    QObject::connect(notifier, &QSocketNotifier::activated, &app, [notifier, onSignalArrived] {
        char byte = 0;
        [[maybe_unused]] const ssize_t ignored = ::read(s_signalPipe[0], &byte, 1);
        s_signal = byte;
        notifier->setEnabled(false);
        if (onSignalArrived)
            onSignalArrived();
        QCoreApplication::quit();
    });
    struct sigaction action
    {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    return ::sigaction(SIGINT, &action, nullptr) == 0 && ::sigaction(SIGTERM, &action, nullptr) == 0;
}

QString terminationSignalName()
{
    return s_signal == SIGINT ? QStringLiteral("SIGINT") : QStringLiteral("SIGTERM");
}

bool stopOnTerminationSignals(QCoreApplication &app)
{
    if (quitOnTerminationSignals(app, [] {
            printLine(stdout, QStringLiteral("herd: %1, stopping").arg(terminationSignalName()));
        }))
        return true;
    printLine(stderr, QStringLiteral("herd: cannot install signal handlers"));
    return false;
}
