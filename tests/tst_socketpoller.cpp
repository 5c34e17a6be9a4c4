// SPDX-License-Identifier: GPL-3.0-or-later
// SocketPoller: one epoll set for many descriptors (herd/net/socketpoller_p.h).
// Socket pairs stand in for connections: what is tested is readiness, not
// the network. "Not reported" is checked without sleeping: a second pair is
// made ready and waited for, and epoll reports every ready descriptor in
// the same pass, so a wrong report of the first would have come by then.

#include <QTest>

#include <functional>

#include <sys/socket.h>
#include <unistd.h>

#include "herd/net/socketpoller_p.h"

using Herd::SocketPoller;
using namespace Qt::StringLiterals;

namespace {

struct Pair
{
    int mine = -1;
    int theirs = -1;
    Pair()
    {
        int fds[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0) {
            mine = fds[0];
            theirs = fds[1];
        }
    }
    ~Pair()
    {
        closeMine();
        closeTheirs();
    }
    void closeMine()
    {
        if (mine >= 0)
            ::close(std::exchange(mine, -1));
    }
    void closeTheirs()
    {
        if (theirs >= 0)
            ::close(std::exchange(theirs, -1));
    }
    void send(char c) const { QCOMPARE(::write(theirs, &c, 1), 1); }
    void drain() const
    {
        char buffer[64];
        while (::read(mine, buffer, sizeof buffer) > 0) {}
    }
};

struct Recorder final : SocketPoller::Watcher
{
    int readable = 0;
    int writable = 0;
    std::function<void()> onReady;
    std::function<void()> onAfterPass;
    void socketReady(bool r, bool w) override
    {
        readable += r;
        writable += w;
        if (onReady)
            onReady();
    }
    void afterPass() override
    {
        if (onAfterPass)
            onAfterPass();
    }
};

} // namespace

class TestSocketPoller : public QObject
{
    Q_OBJECT

private slots:
    void reportsReadableUntilDrained();
    void waitingForNothingHidesHangUps();
    void removedDuringDispatchIsNotCalled();
    void writableOnlyWhenAsked();
    void afterPassFollowsEveryReadyWatcher();
};

void TestSocketPoller::reportsReadableUntilDrained()
{
    SocketPoller poller;
    Pair a, b;
    Recorder ra, rb;
    const quint64 ta = poller.add(a.mine, SocketPoller::Read, &ra);
    const quint64 tb = poller.add(b.mine, SocketPoller::Read, &rb);
    QCOMPARE(poller.size(), 2);

    a.send('x');
    QTRY_VERIFY_WITH_TIMEOUT(ra.readable > 0, 5000);
    // Not drained: level-triggered, so it is reported again.
    const int before = ra.readable;
    QTRY_VERIFY_WITH_TIMEOUT(ra.readable > before, 5000);

    a.drain();
    const int drained = ra.readable;
    b.send('y');
    QTRY_VERIFY_WITH_TIMEOUT(rb.readable > 0, 5000);
    QCOMPARE(ra.readable, drained);
    QCOMPARE(rb.writable, 0);

    poller.remove(ta);
    poller.remove(tb);
    QCOMPARE(poller.size(), 0);
}

void TestSocketPoller::waitingForNothingHidesHangUps()
{
    SocketPoller poller;
    Pair a, b;
    Recorder ra, rb;
    const quint64 ta = poller.add(a.mine, SocketPoller::None, &ra);
    poller.add(b.mine, SocketPoller::Read, &rb);

    a.closeTheirs(); // a hang-up epoll reports whatever was asked
    b.send('y');
    QTRY_VERIFY_WITH_TIMEOUT(rb.readable > 0, 5000);
    QCOMPARE(ra.readable + ra.writable, 0);

    // Asked again, the hang-up is seen as readable (recv() then reads EOF).
    poller.change(ta, SocketPoller::Read);
    QTRY_VERIFY_WITH_TIMEOUT(ra.readable > 0, 5000);
    char c;
    QCOMPARE(::read(a.mine, &c, 1), 0);
}

void TestSocketPoller::removedDuringDispatchIsNotCalled()
{
    SocketPoller poller;
    Pair a, b;
    Recorder ra, rb;
    quint64 ta = 0;
    quint64 tb = 0;
    // Whichever is called first removes the other and closes its descriptor,
    // as a session that ends another would; the other must never be called.
    ra.onReady = [&] {
        a.drain();
        if (tb) {
            poller.remove(std::exchange(tb, 0));
            b.closeMine();
        }
    };
    rb.onReady = [&] {
        b.drain();
        if (ta) {
            poller.remove(std::exchange(ta, 0));
            a.closeMine();
        }
    };
    ta = poller.add(a.mine, SocketPoller::Read, &ra);
    tb = poller.add(b.mine, SocketPoller::Read, &rb);
    a.send('x');
    b.send('y');
    QTRY_VERIFY_WITH_TIMEOUT(ra.readable + rb.readable > 0, 5000);

    Pair c;
    Recorder rc;
    poller.add(c.mine, SocketPoller::Read, &rc);
    c.send('z');
    QTRY_VERIFY_WITH_TIMEOUT(rc.readable > 0, 5000);
    QCOMPARE(ra.readable + rb.readable, 1);
    QCOMPARE(poller.size(), 2);
}

void TestSocketPoller::writableOnlyWhenAsked()
{
    SocketPoller poller;
    Pair a;
    Recorder ra;
    ra.onReady = [&] { a.drain(); };
    const quint64 ta = poller.add(a.mine, SocketPoller::Read, &ra);
    a.send('x');
    QTRY_VERIFY_WITH_TIMEOUT(ra.readable > 0, 5000);
    QCOMPARE(ra.writable, 0); // an empty send buffer is writable, but it was not asked

    poller.change(ta, SocketPoller::Read | SocketPoller::Write);
    QTRY_VERIFY_WITH_TIMEOUT(ra.writable > 0, 5000);
    poller.change(ta, SocketPoller::Read);
    const int writable = ra.writable;
    a.send('y');
    const int readable = ra.readable;
    QTRY_VERIFY_WITH_TIMEOUT(ra.readable > readable, 5000);
    QCOMPARE(ra.writable, writable);
}

// What a node's answers rely on: every watcher ready in a pass is called
// before any afterPass(), and those come in the order asked. One that is
// removed in the meantime is not called.
void TestSocketPoller::afterPassFollowsEveryReadyWatcher()
{
    SocketPoller poller;
    Pair pairs[3];
    Recorder recorders[3];
    quint64 tokens[3] = {};
    QStringList calls;
    for (int i = 0; i < 3; ++i) {
        recorders[i].onReady = [&, i] {
            pairs[i].drain();
            calls << u"ready %1"_s.arg(i);
            poller.callAfterPass(tokens[i]);
        };
        recorders[i].onAfterPass = [&, i] {
            calls << u"after %1"_s.arg(i);
            // The first one called ends the others, as a session closing others would.
            for (int j = 0; j < 3; ++j) {
                if (j != i && tokens[j])
                    poller.remove(std::exchange(tokens[j], 0));
            }
        };
        tokens[i] = poller.add(pairs[i].mine, SocketPoller::Read, &recorders[i]);
    }
    for (const Pair &pair : pairs)
        pair.send('x'); // all three ready before the loop runs: one pass
    QTRY_COMPARE_WITH_TIMEOUT(calls.size(), 4, 5000);
    for (int i = 0; i < 3; ++i)
        QVERIFY2(calls[i].startsWith(u"ready "), qPrintable(calls.join(u", ")));
    QCOMPARE(calls[3], u"after "_s + calls[0].sliced(6));
    QCOMPARE(poller.size(), 1);
}

QTEST_GUILESS_MAIN(TestSocketPoller)
#include "tst_socketpoller.moc"
