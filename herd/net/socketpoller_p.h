// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QObject>

#include <vector>

class QSocketNotifier;

namespace Herd {

// Readiness of many socket descriptors through one epoll set, which the
// event loop watches with a single QSocketNotifier.
//
// Why not a QSocketNotifier per connection: Qt's event dispatchers (GLib's
// and QEventDispatcherUNIX) hand every registered notifier to poll() on every
// pass of the loop, so each idle connection slows every pass (one node did
// 11,170 IAMAT/s alone and 944/s while holding 10,000 idle connections), and
// GLib wakes its loop with an eventfd write each time a notifier is enabled
// or disabled. Here a connection costs the loop nothing until it is ready,
// and changing what it waits for is one epoll_ctl().
//
// Level-triggered: a descriptor not read to the end is reported again on the
// next pass, so one busy connection cannot starve the others.
// Linux only (epoll), like the rest of the raw-socket code.
// Thread affinity: the creating thread; its watchers must live there too.
class SocketPoller final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SocketPoller)

public:
    enum Interest : quint32 { None = 0, Read = 1, Write = 2 };

    class Watcher
    {
    public:
        virtual void socketReady(bool readable, bool writable) = 0;
        // Asked for with callAfterPass().
        virtual void afterPass() {}

    protected:
        ~Watcher() = default;
    };

    explicit SocketPoller(QObject *parent = nullptr);
    ~SocketPoller() override;

    // Starts watching `fd` for `interest` (Read | Write); returns the token
    // that names this watch. The watcher must outlive it: remove() it first.
    quint64 add(int fd, quint32 interest, Watcher *watcher);
    void change(quint64 token, quint32 interest);
    // Safe while the poller is dispatching: a removed watch is never called
    // again, even for readiness already collected in the same pass.
    void remove(quint64 token);
    qsizetype size() const { return m_watches.size(); }
    // From inside a watcher's socketReady(): calls its afterPass() once every
    // descriptor ready in this pass has been handled. Connections send their
    // replies then, so whatever the pass's requests caused elsewhere (a
    // node's floods) can leave first, together, and before the replies.
    void callAfterPass(quint64 token);

private:
    struct Watch
    {
        int fd;
        quint32 interest;
        Watcher *watcher;
    };

    void dispatch();

    int m_epoll = -1;
    QSocketNotifier *m_notifier = nullptr; // owned (child)
    QHash<quint64, Watch> m_watches;       // by token
    std::vector<quint64> m_afterPass;      // tokens, in the order asked
    quint64 m_nextToken = 1;
};

} // namespace Herd
